// Which node's data should survive. Raft's election rule (§5.4.1 of the raft paper; raft
// src/election.c electionUpdateTerm/… compares lastLogTerm then lastLogIndex) decides whose log
// is the most up to date: a higher last term wins, then a higher last index. The seed procedure's
// "highest index" rule is computed beside it and any disagreement is put into words.
import type { NodeIndex } from '../scan/node-index.js';
import { diskLog, predictStartup, type StartupPrediction } from './loader/index.js';
import type { LogView } from './loader/log-view.js';

export interface RankedNode {
  readonly node: NodeIndex;
  readonly name: string;
  readonly address: string | null;
  readonly id: bigint | null;
  readonly lastIndex: bigint;
  readonly lastTerm: bigint;
  /** 'loaded': the log start-up would load; 'disk': the loader refuses the node, ranked by what it holds. */
  readonly logSource: 'loaded' | 'disk';
  /** Index ranges missing inside the ranked log (non-empty only for disk logs). */
  readonly gaps: readonly { readonly from: bigint; readonly to: bigint }[];
  readonly startup: StartupPrediction;
  readonly needsRepair: boolean;
  /** Ranked from a log-tail scan whose last entry lies in a segment it read by name only. */
  readonly needsDeeperScan: boolean;
  /** 1-based position by the raft rule. */
  readonly rank: number;
  /** 1-based position by the seed's highest-index rule (ties share a position). */
  readonly seedRank: number;
}

export interface RankResult {
  readonly nodes: readonly RankedNode[];
  readonly best: RankedNode | undefined;
  /** Sentences explaining the order, ties and disagreements. */
  readonly explanation: readonly string[];
  /**
   * Nodes scanned by log tail whose last term lies in a segment read by name only: the order is
   * not final until they are scanned with headers (rank the result of that scan instead).
   */
  readonly needsDeeperScan: readonly NodeIndex[];
}

interface Candidate extends Omit<RankedNode, 'rank' | 'seedRank'> {}

function candidate(node: NodeIndex, autoRecovery: boolean): Candidate {
  const startup = predictStartup(node, { autoRecovery });
  // A node that auto-recovery would cut short (renamed files) is ranked by what it holds on disk:
  // those entries are recoverable (e.g. zero bytes after a closed segment's last batch), and
  // ranking it by the shortened log would throw them away.
  const loaded = startup.ok && startup.log && startup.renamed.length === 0;
  const log: Pick<LogView, 'lastIndex' | 'lastTerm' | 'lastTermUnread' | 'gaps'> = loaded
    ? { lastIndex: startup.log!.lastIndex, lastTerm: startup.log!.lastTerm, lastTermUnread: startup.log!.lastTermUnread, gaps: [] }
    : diskLog(node);
  const info = node.info?.value;
  return {
    node,
    name: node.name,
    address: info?.address ?? null,
    id: info?.id ?? null,
    lastIndex: log.lastIndex,
    lastTerm: log.lastTerm,
    logSource: loaded ? 'loaded' : 'disk',
    gaps: log.gaps,
    startup,
    needsRepair: !startup.ok || startup.renamed.length > 0,
    needsDeeperScan: log.lastTermUnread,
  };
}

/** Raft rule, then deterministic tie-breaks: a node that starts as is, then the name. */
export function compareByRaftRule(a: Candidate, b: Candidate): number {
  if (a.lastTerm !== b.lastTerm) return a.lastTerm > b.lastTerm ? -1 : 1;
  if (a.lastIndex !== b.lastIndex) return a.lastIndex > b.lastIndex ? -1 : 1;
  if (a.needsRepair !== b.needsRepair) return a.needsRepair ? 1 : -1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function seedRanks(list: readonly Candidate[]): Map<Candidate, number> {
  const byIndex = [...list].sort((a, b) => (a.lastIndex === b.lastIndex ? 0 : a.lastIndex > b.lastIndex ? -1 : 1));
  const ranks = new Map<Candidate, number>();
  byIndex.forEach((c, i) => {
    const prev = byIndex[i - 1];
    ranks.set(c, prev && prev.lastIndex === c.lastIndex ? ranks.get(prev)! : i + 1);
  });
  return ranks;
}

function explain(ranked: readonly RankedNode[]): string[] {
  const out: string[] = [];
  const best = ranked[0];
  if (!best) return out;
  out.push(`${best.name} has the most up-to-date log: last term ${best.lastTerm}, last index ${best.lastIndex}${best.logSource === 'disk' ? ' (as held on disk: the engine would refuse it or cut it short, so it needs repair first)' : ''}.`);
  const tied = ranked.filter((r) => r !== best && r.lastTerm === best.lastTerm && r.lastIndex === best.lastIndex);
  if (tied.length) {
    const reason = tied.some((t) => t.needsRepair !== best.needsRepair) ? 'the one that starts without repair is preferred' : 'the tie is broken by name, for a stable answer; their data is equally up to date';
    out.push(`Tie: ${[best, ...tied].map((r) => r.name).join(', ')} end at the same term and index; ${reason}.`);
  }
  const seedTop = ranked.filter((r) => r.seedRank === 1);
  for (const r of seedTop) {
    if (r.lastTerm < best.lastTerm) {
      out.push(`${r.name} has the highest index (${r.lastIndex}) but its last term (${r.lastTerm}) is older than ${best.name}'s (${best.lastTerm}): its extra entries were never committed, and choosing it by index alone (the seed procedure) would lose committed data.`);
    }
  }
  for (const r of ranked) {
    if (r.gaps.length) out.push(`${r.name}'s log has holes (${r.gaps.map((g) => `${g.from}-${g.to}`).join(', ')}): ${r.startup.error ?? 'the loader refuses it'}.`);
    else if (!r.startup.ok) out.push(`${r.name} would not start as is (${r.startup.outcome}${r.startup.error ? `: ${r.startup.error}` : ''}); it is ranked by the log it holds on disk.`);
  }
  return out;
}

export interface RankOptions {
  readonly autoRecovery?: boolean;
}

export function rankNodes(nodes: readonly NodeIndex[], options: RankOptions = {}): RankResult {
  const candidates = nodes.map((n) => candidate(n, options.autoRecovery ?? true)).sort(compareByRaftRule);
  const seeds = seedRanks(candidates);
  const ranked: RankedNode[] = candidates.map((c, i) => ({ ...c, rank: i + 1, seedRank: seeds.get(c)! }));
  const deeper = ranked.filter((r) => r.needsDeeperScan).map((r) => r.node);
  return { nodes: ranked, best: ranked[0], explanation: explain(ranked), needsDeeperScan: deeper };
}
