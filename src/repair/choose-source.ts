// Which node's data the repaired cluster keeps: the best by raft's election rule (analysis/rank),
// unless --source names another; a choice that loses entries a better node holds needs --force.
import { rankNodes, type RankResult, type RankedNode } from '../analysis/rank.js';
import { UsageError } from '../core/errors.js';
import type { NodeIndex } from '../scan/node-index.js';
import type { PlanLost, PlanRankRow, PlanSource } from './types.js';

export interface SourceChoice {
  readonly rank: RankResult;
  readonly source: RankedNode;
  readonly plan: PlanSource;
  readonly refusals: string[];
  readonly lost: PlanLost[];
}

function startupText(r: RankedNode): string {
  const s = r.startup;
  if (s.ok) return s.renamed.length ? `starts, but auto-recovery moves ${s.renamed.join(', ')} aside` : 'starts';
  if (s.outcome === 'crash') return 'crashes at start-up';
  if (s.outcome === 'hang') return 'hangs at start-up';
  return `refuses to start: ${s.error ?? s.cause ?? 'error'}`;
}

function rows(rank: RankResult): PlanRankRow[] {
  return rank.nodes.map((r) => ({
    rank: r.rank, node: r.node.displayPath, name: r.name, lastTerm: r.lastTerm.toString(), lastIndex: r.lastIndex.toString(),
    logSource: r.logSource, startup: startupText(r),
  }));
}

/** --source NAME: a node name (info.yaml Address or directory), an input path, or a node ID. */
export function findNode(nodes: readonly NodeIndex[], name: string): NodeIndex {
  const matches = nodes.filter((n) => n.name === name || n.displayPath === name || n.info?.value?.id.toString() === name);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new UsageError(`--source ${name}: no input node has that name, path or ID (nodes: ${nodes.map((n) => n.name).join(', ')})`);
  throw new UsageError(`--source ${name} matches ${matches.length} nodes (${matches.map((n) => n.displayPath).join(', ')}); give the path`);
}

function override(rank: RankResult, wanted: RankedNode, force: boolean): Pick<SourceChoice, 'refusals' | 'lost'> & { reason: string } {
  const best = rank.best!;
  if (wanted === best || (best.lastTerm === wanted.lastTerm && best.lastIndex === wanted.lastIndex)) {
    return { refusals: [], lost: [], reason: `--source ${wanted.name}: its log is as up to date as the best node's` };
  }
  const what = `${best.name} holds a more up-to-date log (last term ${best.lastTerm}, last index ${best.lastIndex}) than ${wanted.name} (last term ${wanted.lastTerm}, last index ${wanted.lastIndex})`;
  const lost: PlanLost = {
    kind: 'source-choice', from: (wanted.lastIndex + 1n).toString(), to: best.lastIndex.toString(), complete: true,
    reason: `${what}: entries after ${wanted.lastIndex} that ${best.name} holds (possibly committed) are not kept`,
  };
  return {
    refusals: force ? [] : [`--source ${wanted.name} is unsafe: ${what}; committed entries may be lost. Repeat with --force to accept that.`],
    lost: [lost],
    reason: `--source ${wanted.name} overrides the raft rule (--force): ${what}`,
  };
}

export function chooseSource(nodes: readonly NodeIndex[], sourceName: string | null, force: boolean): SourceChoice {
  const rank = rankNodes(nodes);
  const best = rank.best;
  if (!best) throw new UsageError('no input node to repair');
  let source = best;
  let extra: Pick<SourceChoice, 'refusals' | 'lost'> & { reason?: string } = { refusals: [], lost: [] };
  if (sourceName !== null) {
    const node = findNode(nodes, sourceName);
    source = rank.nodes.find((r) => r.node === node)!;
    extra = override(rank, source, force);
  }
  const reasons = [...(extra.reason ? [extra.reason] : []), ...rank.explanation];
  const plan: PlanSource = {
    node: source.node.displayPath, name: source.name, id: source.id?.toString() ?? null,
    chosenBy: sourceName === null ? 'rank' : '--source', reasons, ranking: rows(rank),
  };
  return { rank, source, plan, refusals: extra.refusals, lost: extra.lost };
}
