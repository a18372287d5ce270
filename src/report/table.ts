// Tables, drawn in the layout cli-table3 gave them with our options (compact, one space of padding;
// a rule under the header only with colour), in time linear in the cells: cli-table3's layout took
// seconds for a thousand rows and minutes for 20 000 (a node with 20 000 segment files).
//
// Given a width (the terminal's), a table fits it: first the columns marked droppable go, lowest
// priority first, then the widest columns are narrowed and their cells wrapped (rows then get a
// rule between them so a wrapped row reads as one), and a table that still cannot fit becomes a
// list of "header: value" records.
import { Chalk } from 'chalk';
import { printable, printableKeepingColour } from './printable.js';
import { displayWidth, wrapLine } from './text-width.js';

export interface TableOptions {
  readonly color: boolean;
  /** Columns the table may take; undefined: as wide as its cells. */
  readonly width?: number;
}

export interface Column {
  readonly header: string;
  /**
   * Set on a column of low value that may be left out when the table is too wide: lower numbers
   * go first. Columns without it are never left out.
   */
  readonly drop?: number;
  /** Narrowest the column's cells are wrapped to (default: its longest word, at most 16). */
  readonly min?: number;
  /** Never wrap the cells (file names): other columns give way first. */
  readonly nowrap?: boolean;
}

const MAX_MIN_WIDTH = 16;
/** A table has outer borders and " │ " between cells: 3 columns a cell plus 1. */
const frame = (widths: readonly number[]) => widths.reduce((n, w) => n + w + 3, 1);

function longestWord(text: string): number {
  return text.split(/\s+/).reduce((n, w) => Math.max(n, displayWidth(w)), 0);
}

interface Layout {
  readonly keep: number[];
  readonly widths: number[];
}

/** Which columns stay and how wide each is, for a budget; undefined when no table fits. */
function layout(
  columns: readonly Column[],
  cells: readonly string[][],
  budget: number | undefined,
): Layout | undefined {
  const widest = (k: number) => cells.reduce((n, r) => Math.max(n, displayWidth(r[k] ?? '')), 0);
  const natural = columns.map((c, k) => Math.max(widest(k), displayWidth(c.header)));
  let keep = columns.map((_, i) => i);
  if (budget === undefined || frame(natural) <= budget) return { keep, widths: natural };
  // A header wider than its cells ("last index" over "3016") is wrapped first: that costs nothing.
  const compact = columns.map((c, k) => Math.min(natural[k]!, Math.max(widest(k), longestWord(c.header))));
  const droppable = keep
    .filter((i) => columns[i]!.drop !== undefined)
    .sort((a, b) => columns[a]!.drop! - columns[b]!.drop!);
  for (const i of droppable) {
    if (frame(keep.map((k) => compact[k]!)) <= budget) break;
    keep = keep.filter((k) => k !== i);
  }
  const widths = keep.map((k) => compact[k]!);
  const mins = keep.map((k, i) => {
    const c = columns[k]!;
    if (c.nowrap) return widths[i]!;
    const words = cells.reduce((n, r) => Math.max(n, longestWord(r[k] ?? '')), longestWord(c.header));
    return Math.min(widths[i]!, c.min ?? Math.min(words, MAX_MIN_WIDTH));
  });
  // Narrow the widest column that can still give, one column at a time, until the table fits.
  while (frame(widths) > budget) {
    let w = -1;
    widths.forEach((x, i) => {
      if (x > mins[i]! && (w < 0 || x > widths[w]!)) w = i;
    });
    if (w < 0) return undefined;
    widths[w]!--;
  }
  return { keep, widths };
}

function records(columns: readonly Column[], cells: readonly string[][], width: number): string {
  const label = Math.min(Math.max(...columns.map((c) => displayWidth(c.header))), Math.floor(width / 3));
  return cells
    .map((row) =>
      columns
        .flatMap((c, i) => {
          const head = `${c.header}:`.padEnd(label + 2);
          return wrapLine(`${head}${row[i] ?? ''}`, width, ' '.repeat(label + 2));
        })
        .join('\n'),
    )
    .join('\n\n');
}

export function table(
  head: readonly (string | Column)[],
  rows: readonly (readonly (string | number)[])[],
  options: TableOptions,
): string {
  // Cells hold names from the user's disk: never let one carry a newline or an escape sequence.
  const safe = options.color ? printableKeepingColour : printable;
  const columns = head.map((h) => (typeof h === 'string' ? { header: safe(h) } : { ...h, header: safe(h.header) }));
  const cells = rows.map((r) => r.map((c) => safe(String(c))));
  const fitted = layout(columns, cells, options.width);
  if (!fitted) return records(columns, cells, options.width!);
  const { keep, widths } = fitted;
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const border = (s: string) => (options.color ? c.gray(s) : s);
  const rule = (left: string, mid: string, right: string) =>
    border(`${left}${widths.map((w) => '─'.repeat(w + 2)).join(mid)}${right}`);
  const lines = (row: readonly string[], paint: (s: string) => string = (s) => s): string[] => {
    const wrapped = keep.map((k, i) => wrapLine(row[k] ?? '', widths[i]!));
    const height = Math.max(...wrapped.map((w) => w.length));
    return Array.from(
      { length: height },
      (_, l) =>
        border('│') +
        widths
          .map((w, i) => {
            const cell = wrapped[i]![l] ?? '';
            return paint(` ${cell}${' '.repeat(Math.max(0, w - displayWidth(cell)))} `) + border('│');
          })
          .join(''),
    );
  };
  const header = lines(
    columns.map((col) => col.header),
    options.color ? (s) => c.cyan(s) : undefined,
  );
  const body = cells.map((r) => lines(r));
  const ruled = options.color || body.some((b) => b.length > 1) || header.length > 1;
  const out = [rule('┌', '┬', '┐'), ...header];
  if (ruled) out.push(rule('├', '┼', '┤'));
  const between = body.some((b) => b.length > 1) ? rule('├', '┼', '┤') : undefined;
  body.forEach((b, i) => {
    if (between && i > 0) out.push(between);
    out.push(...b);
  });
  out.push(rule('└', '┴', '┘'));
  const left = columns.filter((_, i) => !keep.includes(i)).map((col) => col.header);
  const note = `(left out to fit the width: ${left.join(', ')}; --json has every field)`;
  if (left.length) out.push(...wrapLine(note, options.width ?? note.length, '  '));
  return out.join('\n');
}
