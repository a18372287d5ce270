// Human rendering and JSON of `rank`: the verdict first (which node to keep and why), then the
// order with each node's start-up verdict and the repair it needs, then what was read.
import type { RankedNode } from '../analysis/rank.js';
import type { ReadDepth } from '../analysis/verdict.js';
import { readSummary, verdictShown, type RankOutcome } from '../workflows/rank.js';
import { renderEngineLine, renderOtherEngines } from './engine.js';
import { printable } from './printable.js';
import { chalkFor, fitText, table, type RenderOptions } from './style.js';

/** The start-up verdict in a few words (names from disk escaped). */
function startupCell(r: RankedNode): string {
  return printable(startupText(r));
}

function startupText(r: RankedNode): string {
  const s = r.verdict.startup;
  if (s.ok)
    return s.renamed.length
      ? `starts, dropping ${r.verdict.startupDrops ? `${r.verdict.startupDrops.from}-${r.verdict.startupDrops.to}` : 'files'}`
      : 'starts';
  if (s.outcome === 'crash') return 'CRASHES (segfault)';
  if (s.outcome === 'hang') return 'HANGS at start-up';
  return `refuses: ${s.error ?? s.cause ?? 'error'}`;
}

const READ_CELL: Readonly<Record<ReadDepth, string>> = {
  'every-byte': 'verified',
  headers: 'headers',
  'log-tail': 'log tail',
};

/** What renderRank needs of a rank outcome. */
export type RankView = Pick<RankOutcome, 'result' | 'fast' | 'engine'>;

function row(view: RankView, r: RankedNode, o: RenderOptions): string[] {
  const c = chalkFor(o);
  const v = r.verdict;
  const rank = r.rank === 1 ? c.green(`${r.rank} ★`) : String(r.rank);
  if (!verdictShown(view, r)) {
    return [
      rank,
      printable(r.name),
      `${v.held.lastTerm}`,
      `${v.held.lastIndex}`,
      '-',
      c.dim('not verified (see below)'),
      READ_CELL[v.read],
    ];
  }
  return [
    rank,
    printable(r.name),
    String(v.contribution.lastTerm),
    String(v.contribution.lastIndex),
    v.contribution.need === 'none' ? 'none' : v.contribution.need === 'lossless' ? 'lossless' : c.yellow('loses data'),
    v.startup.ok && !v.startup.renamed.length ? startupCell(r) : c.yellow(startupCell(r)),
    READ_CELL[v.read],
  ];
}

export function renderRank(view: RankView, o: RenderOptions): string {
  const { result } = view;
  const c = chalkFor(o);
  const best = result.best;
  const head = best ? `Keep the data of ${c.bold(printable(best.name))}.` : 'No node to rank.';
  const rows = result.nodes.map((r) => row(view, r, o));
  const t = table(
    [
      'rank',
      { header: 'node', nowrap: true },
      'last term',
      'last index',
      'repair',
      'start-up',
      { header: 'read', drop: 1 },
    ],
    rows,
    o,
  );
  const lines = result.explanation.map((e) => `- ${printable(e)}`);
  const backups = result.backups.length
    ? `Backups (not members, never ranked; they only fill holes): ${result.backups.map((b) => printable(b.name)).join(', ')}\n`
    : '';
  const shown = result.nodes.filter((r) => verdictShown(view, r)).map((r) => r.verdict);
  const others = renderOtherEngines(view.engine, shown, o);
  return fitText(
    `${head}\n${lines.join('\n')}\n\n${renderEngineLine(view.engine, o)}\n${t}\n${others ? `${others}\n` : ''}${backups}` +
      `${c.dim(printable(readSummary(view)))}\n`,
    o.width,
  );
}
