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
  readonly summary: string;
}

export interface DumpNode {
  readonly name: string;
  readonly path: string;
  readonly logSource: 'loaded' | 'disk';
  readonly rows: readonly DumpRow[];
  readonly truncated: boolean;
}

export function renderDump(nodes: readonly DumpNode[], o: RenderOptions): string {
  const parts = nodes.map((n) => {
    const head = `Node ${printable(n.name)}  ${printable(n.path)}  (${n.logSource === 'loaded' ? 'log as the engine would load it' : 'log as held on disk; the engine would refuse or cut it'})`;
    const t = table(
      ['index', 'term', 'type', 'bytes', 'file@offset', 'content'],
      n.rows.map((r) => [String(r.index), String(r.term), r.type, r.length, `${r.file}@${r.offset}`, r.summary]),
      o,
    );
    return `${head}\n${t}${n.truncated ? '\n(more entries: raise --limit)' : ''}`;
  });
  return `${parts.join('\n\n')}\n`;
}
