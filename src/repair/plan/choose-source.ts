// Which node's data the repaired cluster keeps: the best by rank (analysis/rank.ts: the raft rule
// over what each node can contribute, then the least repair), unless --source names another; a
// choice that loses entries a better node holds needs --force.
import { rankVerdicts, needWords, type RankResult, type RankedNode } from '../../analysis/rank.js';
import type { LostEntries } from '../../analysis/recovery/types.js';
import type { NodeVerdict } from '../../analysis/verdict.js';
import { UsageError } from '../../core/errors.js';
import type { NodeIndex } from '../../scan/node-index.js';
import type { PlanRankRow, PlanSource } from './types.js';

export interface SourceChoice {
  readonly rank: RankResult;
  readonly source: RankedNode;
  readonly plan: PlanSource;
  readonly refusals: string[];
  readonly lost: LostEntries[];
}

/** The start-up verdict in a few words, as the plan's ranking table shows it. */
export function startupText(v: NodeVerdict): string {
  const s = v.startup;
  if (s.ok) return s.renamed.length ? `starts, but auto-recovery moves ${s.renamed.join(', ')} aside` : 'starts';
  if (s.outcome === 'crash') return 'crashes at start-up';
  if (s.outcome === 'hang') return 'hangs at start-up';
  return `refuses to start: ${s.error ?? s.cause ?? 'error'}`;
}

function rows(rank: RankResult): PlanRankRow[] {
  return rank.nodes.map((r) => {
    const c = r.verdict.contribution;
    return {
      rank: r.rank,
      node: r.verdict.node.displayPath,
      name: r.name,
      lastTerm: c.lastTerm.toString(),
      lastIndex: c.lastIndex.toString(),
      repair: c.need,
      startup: startupText(r.verdict),
    };
  });
}

/** --source NAME: a node name (info.yaml Address or directory), an input path, or a node ID. */
export function findNode(nodes: readonly NodeIndex[], name: string): NodeIndex {
  const matches = nodes.filter(
    (n) => n.name === name || n.displayPath === name || n.info?.value?.id.toString() === name,
  );
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0)
    throw new UsageError(
      `--source ${name}: no input node has that name, path or ID (nodes: ${nodes.map((n) => n.name).join(', ')})`,
    );
  throw new UsageError(
    `--source ${name} matches ${matches.length} nodes (${matches.map((n) => n.displayPath).join(', ')}); give the path`,
  );
}

function override(
  rank: RankResult,
  wanted: RankedNode,
  force: boolean,
): Pick<SourceChoice, 'refusals' | 'lost'> & { reason: string } {
  const best = rank.best!;
  const [b, w] = [best.verdict.contribution, wanted.verdict.contribution];
  if (wanted === best || (b.lastTerm === w.lastTerm && b.lastIndex === w.lastIndex)) {
    return {
      refusals: [],
      lost: [],
      reason: `--source ${wanted.name}: its log is as up to date as the best node's (it ${needWords(w.need)})`,
    };
  }
  const what =
    `${best.name} holds a more up-to-date log (last term ${b.lastTerm}, last index ${b.lastIndex}) than ${wanted.name} ` +
    `(last term ${w.lastTerm}, last index ${w.lastIndex})`;
  const lost: LostEntries = {
    kind: 'source-choice',
    from: w.lastIndex + 1n,
    to: b.lastIndex,
    complete: true,
    reason: `${what}: entries after ${w.lastIndex} that ${best.name} holds (possibly committed) are not kept`,
  };
  return {
    refusals: force
      ? []
      : [
          `--source ${wanted.name} is unsafe: ${what}; committed entries may be lost. Repeat with --force to accept that.`,
        ],
    lost: [lost],
    reason: force
      ? `--source ${wanted.name} overrides the ranking (--force): ${what}`
      : `--source ${wanted.name} goes against the ranking: ${what}`,
  };
}

export function chooseSource(
  verdicts: readonly NodeVerdict[],
  sourceName: string | null,
  force: boolean,
): SourceChoice {
  const rank = rankVerdicts(verdicts);
  const best = rank.best;
  if (!best) throw new UsageError('no input node to repair');
  let source = best;
  let extra: Pick<SourceChoice, 'refusals' | 'lost'> & { reason?: string } = { refusals: [], lost: [] };
  if (sourceName !== null) {
    const node = findNode(
      verdicts.map((v) => v.node),
      sourceName,
    );
    source = rank.nodes.find((r) => r.verdict.node === node)!;
    extra = override(rank, source, force);
  }
  const reasons = [...(extra.reason ? [extra.reason] : []), ...rank.explanation];
  const plan: PlanSource = {
    node: source.verdict.node.displayPath,
    name: source.name,
    id: source.verdict.node.info?.value?.id.toString() ?? null,
    chosenBy: sourceName === null ? 'rank' : '--source',
    reasons,
    ranking: rows(rank),
  };
  return { rank, source, plan, refusals: extra.refusals, lost: extra.lost };
}
