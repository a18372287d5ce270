// Human rendering and JSON of `rank`: the verdict first (which node to keep and why), then the
// order with each node's start-up verdict and the repair it needs, then what was read.
import { needWords, type RankResult, type RankedNode } from '../analysis/rank.js';
import type { ReadDepth } from '../analysis/verdict.js';
import { printable } from './printable.js';
import { READ_WORDS, verdictJson } from './verdict.js';
import { chalkFor, table, type RenderOptions } from './style.js';

/** The start-up verdict in a few words (names from disk escaped). */
function startupCell(r: RankedNode): string {
  return printable(startupText(r));
}

function startupText(r: RankedNode): string {
  const s = r.verdict.startup;
  if (s.ok) return s.renamed.length ? `starts, dropping ${r.verdict.startupDrops ? `${r.verdict.startupDrops.from}-${r.verdict.startupDrops.to}` : 'files'}` : 'starts';
  if (s.outcome === 'crash') return 'CRASHES (segfault)';
  if (s.outcome === 'hang') return 'HANGS at start-up';
  return `refuses: ${s.error ?? s.cause ?? 'error'}`;
}

const READ_CELL: Readonly<Record<ReadDepth, string>> = { 'every-byte': 'verified', headers: 'headers', 'log-tail': 'log tail' };

export interface RankView {
  readonly result: RankResult;
  readonly fast: boolean;
}

/**
 * Whether rank speaks for this node's verdict: it read the node in full, or the user asked for the
 * fast mode (whose output says nothing was verified). A node rank did not need to read in full is
 * shown by what was read, never with a verdict `check` might contradict.
 */
export function verdictShown(view: RankView, r: RankedNode): boolean {
  return view.fast || r.verdict.read === 'every-byte';
}

function row(view: RankView, r: RankedNode, o: RenderOptions): string[] {
  const c = chalkFor(o);
  const v = r.verdict;
  const rank = r.rank === 1 ? c.green(`${r.rank} ★`) : String(r.rank);
  if (!verdictShown(view, r)) {
    return [rank, printable(r.name), `${v.held.lastTerm}`, `${v.held.lastIndex}`, '-', c.dim('not verified (see below)'), READ_CELL[v.read]];
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
  const t = table(['rank', 'node', 'last term', 'last index', 'repair', 'start-up', 'read'], rows, o);
  const lines = result.explanation.map((e) => `- ${printable(e)}`);
  return `${head}\n${lines.join('\n')}\n\n${t}\n${c.dim(printable(readSummary(view)))}\n`;
}

/** What the ranking rests on, in words, so nobody mistakes a partial read for a full check. */
export function readSummary(view: RankView): string {
  const nodes = view.result.nodes.map((r) => r.verdict);
  const at = (d: ReadDepth) => nodes.filter((v) => v.read === d).map((v) => v.name);
  const verified = at('every-byte');
  if (verified.length === nodes.length) return 'Read every byte of every node; every checksum verified.';
  const partial = [
    at('headers').length ? `${at('headers').join(', ')}: batch headers` : '',
    at('log-tail').length ? `${at('log-tail').join(', ')}: the log's tail (older closed segments trusted by name)` : '',
  ].filter(Boolean).join('; ');
  if (view.fast) return `Fast mode: checksums were not verified. Read ${partial}. Run without --fast, or \`check\`, to verify them.`;
  const best = view.result.best?.verdict;
  return `Verified every byte of ${verified.join(', ')}: everything that decides the answer${best ? ` (${best.name} and what its repair rests on)` : ''}. ` +
    `Not verified, read for the order below it only: ${partial}. \`check\` reads everything.`;
}

/** A node rank read only in part: who it is and what the part read says, no verdict. */
function unverifiedJson(r: RankedNode): Record<string, unknown> {
  const full = verdictJson(r.verdict);
  const held = r.verdict.held;
  return {
    name: full['name'], path: full['path'], id: full['id'], address: full['address'], read: full['read'], checksumsVerified: false,
    unverified: { lastIndex: held.lastIndex, lastTerm: held.lastTerm },
    held: null, startup: null, startupDrops: null, contribution: null,
  };
}

export function rankJson(view: RankView): Record<string, unknown> {
  const { result } = view;
  return {
    best: result.best?.name ?? null,
    mode: view.fast ? 'fast' : 'verified',
    explanation: result.explanation,
    read: readSummary(view),
    nodes: result.nodes.map((r) => {
      const base = { rank: r.rank, highestLastIndexRank: r.highestLastIndexRank, readWords: READ_WORDS[r.verdict.read] };
      if (verdictShown(view, r)) return { ...base, repairWords: needWords(r.verdict.contribution.need), ...verdictJson(r.verdict) };
      return { ...base, ...unverifiedJson(r) };
    }),
  };
}
