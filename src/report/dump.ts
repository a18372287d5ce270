// Rendering of `dump` (its document, workflows/dump.ts): one line per entry.
import type { EngineResolution } from '../analysis/engine/infer.js';
import type { DumpDocument } from '../workflows/dump.js';
import { renderEngineLine } from './engine.js';
import { printable } from './printable.js';
import { fitText, table, type RenderOptions } from './style.js';

export function renderDump(engine: EngineResolution, doc: DumpDocument, o: RenderOptions): string {
  const parts = doc.nodes.map((n) => {
    const others = n.otherEngines.map((w) => `\n  but with ${printable(w)}`).join('');
    const head = `Node ${printable(n.name)}  ${printable(n.path)}  (entries as held on disk; start-up: ${printable(n.startup)})${others}`;
    const t = table(
      ['index', 'term', 'type', { header: 'bytes', drop: 1 }, 'file@offset', 'content'],
      n.rows.map((r) => [
        `${r.index}${r.droppedAtStartup ? ' ✗' : ''}`,
        String(r.term),
        r.type,
        r.length,
        `${r.file}@${r.offset}`,
        r.summary,
      ]),
      o,
    );
    const dropped = n.rows.some((r) => r.droppedAtStartup)
      ? '\n✗ on disk, but start-up would move its file aside (auto-recovery)'
      : '';
    return `${head}\n${t}${dropped}${n.truncated ? '\n(more entries: raise --limit)' : ''}`;
  });
  return fitText(`${renderEngineLine(engine, o)}\n${parts.join('\n\n')}\n`, o.width);
}
