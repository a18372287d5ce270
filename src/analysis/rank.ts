// Which node's data should survive. Raft's election rule (§5.4.1 of the raft paper; raft
// src/election.c compares lastLogTerm, then lastLogIndex) decides whose log is the most up to
// date, applied to what each node can really contribute (its verdict's contribution: the log a
// repair keeps with it as the source, holes filled from other nodes where that is proven
// lossless). Ties prefer the node that needs the least repair: starts as it is, then lossless
// repair, then lossy; then the name, for a stable answer. The manual `.reconfigure` method (copy
// each node, run `.reconfigure`, keep the highest last index) is computed beside it and any
// disagreement is put into words. Backups (LXD's global.bak, db_backup archives, MicroK8s'
// backend.backup) are never ranked as members: they are listed apart, and only donate entries.
import type { NodeIndex } from '../scan/node-index.js';
import { lostDataWords } from './db/lost-words.js';
import { clusterGroups } from './cluster-identity.js';
import { identityOf, isBackup } from './identity.js';
import { REPAIR_NEED_ORDER, type NodeVerdict, type RepairNeed } from './verdict.js';

export interface RankedNode {
  readonly verdict: NodeVerdict;
  readonly name: string;
  /** 1-based position. */
  readonly rank: number;
  /** 1-based position by the highest last index (the manual `.reconfigure` method); ties share a position. */
  readonly highestLastIndexRank: number;
}

export interface RankResult {
  /** The members, best first (backups only when the inputs hold nothing else). */
  readonly nodes: readonly RankedNode[];
  /** Backups of members: never candidates, listed apart (their entries can still fill holes). */
  readonly backups: readonly NodeVerdict[];
  readonly best: RankedNode | undefined;
  /** Sentences explaining the order, ties and disagreements. */
  readonly explanation: readonly string[];
}

export function compareVerdicts(a: NodeVerdict, b: NodeVerdict): number {
  const x = a.contribution;
  const y = b.contribution;
  if (x.lastTerm !== y.lastTerm) return x.lastTerm > y.lastTerm ? -1 : 1;
  if (x.lastIndex !== y.lastIndex) return x.lastIndex > y.lastIndex ? -1 : 1;
  const need = REPAIR_NEED_ORDER[x.need] - REPAIR_NEED_ORDER[y.need];
  if (need) return need;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** What the manual method sees: the index `.reconfigure` reaches, or none when it fails. */
function manualIndex(v: NodeVerdict): bigint | undefined {
  return v.startup.ok ? v.startup.log?.lastIndex : undefined;
}

function highestIndexRanks(list: readonly NodeVerdict[]): Map<NodeVerdict, number> {
  const byIndex = [...list].sort((a, b) => {
    const [x, y] = [manualIndex(a) ?? -1n, manualIndex(b) ?? -1n];
    return x === y ? 0 : x > y ? -1 : 1;
  });
  const ranks = new Map<NodeVerdict, number>();
  byIndex.forEach((v, i) => {
    const prev = byIndex[i - 1];
    ranks.set(v, prev && manualIndex(prev) === manualIndex(v) ? ranks.get(prev)! : i + 1);
  });
  return ranks;
}

const NEED_WORDS: Readonly<Record<RepairNeed, string>> = {
  none: 'starts as it is',
  lossless: 'needs a repair that keeps every entry',
  lossy: 'needs a repair that loses entries',
};

export function needWords(need: RepairNeed): string {
  return NEED_WORDS[need];
}

function bestSentence(v: NodeVerdict): string {
  const c = v.contribution;
  const head = `${v.name} has the most up-to-date log: last term ${c.lastTerm}, last index ${c.lastIndex}`;
  if (c.need === 'none') return `${head}, and it starts as it is.`;
  const fills = c.fills.map((f) => `${f.range.from}-${f.range.to} from ${f.donors.join(' and ')}`);
  const how = fills.length ? ` (entries ${fills.join(', ')})` : '';
  return `${head}, counting what a repair keeps${how}; it ${needWords(c.need)}.`;
}

function tieSentence(
  best: NodeVerdict,
  tied: readonly NodeVerdict[],
  speaksFor: (v: NodeVerdict) => boolean,
): string[] {
  if (!tied.length) return [];
  const names = [best, ...tied].map((v) => v.name).join(', ');
  const need = best.contribution.need;
  const worse = tied.filter((t) => t.contribution.need !== need);
  const equal = tied.filter((t) => t.contribution.need === need);
  // What was read of a node not read in full can only get worse by reading more, so "needs at
  // least" is true of it even unverified.
  const needOf = (t: NodeVerdict): string =>
    speaksFor(t)
      ? needWords(t.contribution.need)
      : `${needWords(t.contribution.need)
          .replace(/^needs a/, 'needs at least a')
          .replace(/^starts as it is$/, 'starts as it is at best')} by what was read of it`;
  const reasons: string[] = [];
  if (worse.length)
    reasons.push(
      `${best.name} is preferred because it ${needWords(need)}, while ${worse.map((t) => `${t.name} ${needOf(t)}`).join(', and ')}`,
    );
  if (equal.length) {
    const unread = equal.filter((t) => !speaksFor(t));
    const note = unread.length ? ` (${unread.map((t) => t.name).join(', ')} not verified: at best as good)` : '';
    reasons.push(
      `${equal.length === tied.length ? 'their data is equally up to date and they need' : `${best.name} and ${equal.map((t) => t.name).join(', ')} need`} ` +
        `the same repair (${needWords(need)}), so the name decides, for a stable answer${note}`,
    );
  }
  return [`Tie: ${names} end at the same term and index; ${reasons.join('; ')}.`];
}

function nodeSentence(v: NodeVerdict): string | undefined {
  const s = v.startup;
  const drops = v.startupDrops;
  if (s.ok && drops) {
    return (
      `${v.name} starts only after auto-recovery moves ${s.renamed.join(', ')} aside, dropping entries ${drops.from}-${drops.to}; ` +
      `it is ranked by what a repair keeps (last index ${v.contribution.lastIndex}, it ${needWords(v.contribution.need)}).`
    );
  }
  if (!s.ok) {
    const what =
      s.outcome === 'crash'
        ? 'crashes at start-up'
        : s.outcome === 'hang'
          ? 'hangs at start-up'
          : `would not start (${s.error ?? s.cause})`;
    return `${v.name} ${what}; it is ranked by what a repair keeps (last index ${v.contribution.lastIndex}, it ${needWords(v.contribution.need)}).`;
  }
  return undefined;
}

function lossSentences(v: NodeVerdict): string[] {
  return v.contribution.lost.map(
    (l) =>
      `${v.name} cannot keep entries ${l.from}-${l.to ?? '?'}: ${l.reason}.` +
      (l.data ? ` In the databases: ${lostDataWords(l.data)}.` : ''),
  );
}

function backupSentences(backups: readonly NodeVerdict[], onlyBackups: boolean): string[] {
  if (!backups.length) return [];
  const names = backups.map((b) => `${b.name} (of ${identityOf(b.node).backupOf})`).join(', ');
  return onlyBackups
    ? [
        `Warning: every input is a backup (${names}): they are ranked, but restore the chosen one in its member's place before trusting it.`,
      ]
    : [
        `Backups are not members and are not ranked: ${names}; their entries are used only to fill holes nobody else can.`,
      ];
}

function explain(ranked: readonly RankedNode[], speaksFor: (v: NodeVerdict) => boolean): string[] {
  const best = ranked[0]?.verdict;
  if (!best) return [];
  const out = [bestSentence(best)];
  const shown = new Set(ranked.map((r) => r.verdict.node.displayPath));
  const conflicts = ranked
    .flatMap((r) => r.verdict.clusterConflicts)
    .filter((c) => shown.has(c.nodes[0]) && shown.has(c.nodes[1]));
  if (conflicts.length) {
    const groups = clusterGroups(
      ranked.map((r) => r.verdict.node.displayPath),
      conflicts,
    );
    const x = conflicts[0]!;
    out.unshift(
      `Warning: the inputs hold ${groups.length} different clusters (${groups.map((g) => `{${g.join(', ')}}`).join(' and ')}): ` +
        `${x.nodes[0]} and ${x.nodes[1]} hold different content at index ${x.index}, term ${x.term} (${x.what}). Rank and repair each cluster on its own (RR038).`,
    );
  }
  const c = best.contribution;
  const tied = ranked
    .slice(1)
    .map((r) => r.verdict)
    .filter((v) => v.contribution.lastTerm === c.lastTerm && v.contribution.lastIndex === c.lastIndex);
  out.push(...tieSentence(best, tied, speaksFor));
  for (const r of ranked.filter((x) => x.highestLastIndexRank === 1 && x.verdict !== best)) {
    const v = r.verdict;
    if (v.contribution.lastTerm < c.lastTerm) {
      const read = speaksFor(v) ? '' : ' (by what was read of it, not verified)';
      out.push(
        `${v.name} reaches the highest index by the manual \`.reconfigure\` method (${manualIndex(v)}), but its last term ` +
          `(${v.contribution.lastTerm}) is older than ${best.name}'s (${c.lastTerm})${read}: its extra entries were never committed, and keeping it would lose committed data.`,
      );
    }
  }
  for (const r of ranked.filter((x) => speaksFor(x.verdict))) {
    const s = nodeSentence(r.verdict);
    if (s) out.push(s);
    out.push(...lossSentences(r.verdict));
  }
  return out;
}

export interface RankOptions {
  /**
   * Nodes whose verdict the explanation may speak about (default: every node). rank reads some
   * nodes only in part and says nothing about them that reading them in full could contradict.
   */
  readonly speaksFor?: (v: NodeVerdict) => boolean;
}

export function rankVerdicts(verdicts: readonly NodeVerdict[], options: RankOptions = {}): RankResult {
  const members = verdicts.filter((v) => !isBackup(v.node));
  const onlyBackups = members.length === 0;
  const backups = onlyBackups ? [] : verdicts.filter((v) => isBackup(v.node));
  const ordered = [...(onlyBackups ? verdicts : members)].sort(compareVerdicts);
  const manual = highestIndexRanks(ordered);
  const nodes: RankedNode[] = ordered.map((v, i) => ({
    verdict: v,
    name: v.name,
    rank: i + 1,
    highestLastIndexRank: manual.get(v)!,
  }));
  const explanation = [
    ...explain(nodes, options.speaksFor ?? (() => true)),
    ...backupSentences(onlyBackups ? verdicts : backups, onlyBackups),
  ];
  return { nodes, backups, best: nodes[0], explanation };
}

/**
 * Nodes that must be read more deeply before the ranking is final. A node read less than every
 * byte can only lose by reading more (damage lowers what it contributes, never raises it), so the
 * answer is final once the top node and every node its fills rest on were read in full. Two
 * things break that bound and are read first: a last term in a segment read by name only (such a
 * node cannot be ordered at all), and a fill that failed on a node not read in full (reading it
 * may let the fill succeed and raise the node it fills).
 */
export function nodesToReadDeeper(
  result: RankResult,
  all: readonly NodeVerdict[],
): { headers: NodeIndex[]; everyByte: NodeIndex[] } {
  const headers = all.filter((v) => v.diskLog.lastTermUnread).map((v) => v.node);
  if (headers.length) return { headers, everyByte: [] };
  const top = result.best?.verdict;
  if (!top) return { headers: [], everyByte: [] };
  const undecided = all.flatMap((v) => v.contribution.undecidedBy);
  const need = [...new Set([top.node, ...top.contribution.donors, ...undecided])].filter((n) => !n.verifiedData);
  return { headers: [], everyByte: need };
}
