// Human rendering of `rank`: the order, the engine's verdict per node, and the reasoning.
import type { RankResult } from '../analysis/rank.js';
import { printable } from './printable.js';
import { chalkFor, table, type RenderOptions } from './style.js';

function startupCell(r: RankResult['nodes'][number]): string {
  const s = r.startup;
  if (s.ok) return s.renamed.length ? `starts, but renames ${s.renamed.join(', ')}` : 'starts';
  if (s.outcome === 'crash') return 'CRASHES (segfault)';
  if (s.outcome === 'hang') return 'HANGS at start-up';
  return `refuses: ${s.error ?? s.cause ?? 'error'}`;
}

export function renderRank(result: RankResult, o: RenderOptions): string {
  const c = chalkFor(o);
  const rows = result.nodes.map((r) => [
    r.rank === 1 ? c.green(`${r.rank} ★`) : String(r.rank),
    r.name,
    r.id === null ? '-' : String(r.id),
    String(r.lastTerm),
    String(r.lastIndex),
    r.logSource === 'loaded' ? 'as loaded' : 'on disk',
    String(r.seedRank),
    r.needsRepair ? c.yellow(startupCell(r)) : startupCell(r),
  ]);
  const t = table(['rank', 'node', 'ID', 'last term', 'last index', 'log', 'by index', 'start-up'], rows, o);
  const lines = result.explanation.map((e) => `- ${printable(e)}`);
  const best = result.best ? `Keep the data of ${c.bold(printable(result.best.name))}.` : 'No node to rank.';
  return `${t}\n\n${best}\n${lines.join('\n')}\n${c.dim(readLine(result))}\n`;
}

/** Segment files read fully and by name only, over all nodes. */
function segmentsRead(nodes: RankResult['nodes']): { full: number; byName: number; verified: boolean } {
  let full = 0;
  let byName = 0;
  for (const r of nodes) for (const s of r.node.segments) s.depth === 'name' ? byName++ : full++;
  return { full, byName, verified: nodes.length > 0 && nodes.every((r) => r.node.verifiedData) };
}

/** What the ranking rests on, so nobody mistakes it for a full check. */
function readLine(result: RankResult): string {
  const { full, byName, verified } = segmentsRead(result.nodes);
  if (verified) return `Read every byte of ${full} segment files (all checksums verified).`;
  const tail = byName ? `; ${byName} older closed segments by name only (trusted to hold the entries their names promise)` : '';
  return `Read batch headers of ${full} segment files${tail}. Checksums were not verified: \`check\` or \`rank --verify\` reads everything.`;
}

export function rankJson(result: RankResult): Record<string, unknown> {
  return {
    best: result.best?.name ?? null,
    explanation: result.explanation,
    nodes: result.nodes.map((r) => ({
      name: r.name,
      path: r.node.displayPath,
      address: r.address,
      id: r.id,
      lastIndex: r.lastIndex,
      lastTerm: r.lastTerm,
      rank: r.rank,
      seedRank: r.seedRank,
      logSource: r.logSource,
      gaps: r.gaps,
      needsRepair: r.needsRepair,
      segmentsRead: {
        headers: r.node.segments.filter((s) => s.depth === 'headers').length,
        everyByte: r.node.segments.filter((s) => s.depth === 'data').length,
        nameOnly: r.node.segments.filter((s) => s.depth === 'name').length,
      },
      startup: {
        ok: r.startup.ok,
        outcome: r.startup.outcome,
        error: r.startup.error ?? null,
        crash: r.startup.outcome === 'crash',
        hang: r.startup.outcome === 'hang',
        renamed: r.startup.renamed,
        why: r.startup.why,
      },
    })),
  };
}
