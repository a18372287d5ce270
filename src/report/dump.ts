// Rendering of `dump`: one line per entry.
import { printable } from './printable.js';
import { table, type RenderOptions } from './style.js';

export interface DumpRow {
  readonly index: bigint;
  readonly term: bigint;
  readonly type: string;
  readonly length: number;
  readonly file: string;
  readonly offset: number;
  /** The entry is on disk but start-up would move its file aside (auto-recovery). */
  readonly droppedAtStartup: boolean;
  readonly summary: string;
}

export interface DumpNode {
  readonly name: string;
  readonly path: string;
  /** The node's start-up verdict in words. */
  readonly startup: string;
  readonly rows: readonly DumpRow[];
  readonly truncated: boolean;
}

export function renderDump(nodes: readonly DumpNode[], o: RenderOptions): string {
  const parts = nodes.map((n) => {
    const head = `Node ${printable(n.name)}  ${printable(n.path)}  (entries as held on disk; start-up: ${printable(n.startup)})`;
    const t = table(
      ['index', 'term', 'type', 'bytes', 'file@offset', 'content'],
      n.rows.map((r) => [`${r.index}${r.droppedAtStartup ? ' ✗' : ''}`, String(r.term), r.type, r.length, `${r.file}@${r.offset}`, r.summary]),
      o,
    );
    const dropped = n.rows.some((r) => r.droppedAtStartup) ? '\n✗ on disk, but start-up would move its file aside (auto-recovery)' : '';
    return `${head}\n${t}${dropped}${n.truncated ? '\n(more entries: raise --limit)' : ''}`;
  });
  return `${parts.join('\n\n')}\n`;
}
