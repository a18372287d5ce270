// Colour and table helpers. Colour is on only for a terminal, and never with --json or NO_COLOR
// (house style §11). Tables are drawn here, in the layout cli-table3 gives them with our options
// (compact, one space of padding; a rule under the header only with colour), in time linear in
// the cells: cli-table3's layout takes seconds for a thousand rows and minutes for 20 000 (a
// node with 20 000 segment files). Long lists are summarised with summarizeRows().
import { Chalk, type ChalkInstance } from 'chalk';
import { printable, printableKeepingColour } from './printable.js';

export interface RenderOptions {
  readonly color: boolean;
}

export function colorEnabled(isTty: boolean, env: Readonly<Record<string, string | undefined>>, json: boolean): boolean {
  if (json || !isTty) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR === '0') return false;
  return true;
}

export function chalkFor(options: RenderOptions): ChalkInstance {
  return new Chalk({ level: options.color ? 1 : 0 });
}

const SGR = /\u001b\[[0-9;]*m/g;
/** East Asian wide and fullwidth ranges (two terminal columns), and combining marks (none). */
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
const ZERO = /[\u0300-\u036f\u200b-\u200d\ufe00-\ufe0f]/u;

/** Terminal columns `text` takes (colour sequences take none). */
export function displayWidth(text: string): number {
  const plain = text.includes('\u001b') ? text.replace(SGR, '') : text;
  if (/^[\x20-\x7e]*$/.test(plain)) return plain.length;
  let width = 0;
  for (const ch of plain) width += ZERO.test(ch) ? 0 : WIDE.test(ch) ? 2 : 1;
  return width;
}

export function table(head: string[], rows: (string | number)[][], options: RenderOptions): string {
  // Cells hold names from the user's disk: never let one carry a newline or an escape sequence.
  const safe = options.color ? printableKeepingColour : printable;
  const body = rows.map((r) => r.map((c) => safe(String(c))));
  const header = head.map((h) => safe(h));
  const widths = header.map((h) => displayWidth(h));
  for (const r of body) r.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))));
  const c = chalkFor(options);
  const border = (s: string) => (options.color ? c.gray(s) : s);
  const rule = (left: string, mid: string, right: string) => border(`${left}${widths.map((w) => '─'.repeat(w + 2)).join(mid)}${right}`);
  const line = (cells: readonly string[], paint: (s: string) => string = (s) => s) =>
    border('│') + widths.map((w, i) => {
      const cell = cells[i] ?? '';
      return paint(` ${cell}${' '.repeat(w - displayWidth(cell))} `) + border('│');
    }).join('');
  const out = [rule('┌', '┬', '┐'), line(header, options.color ? (s) => c.cyan(s) : undefined)];
  if (options.color) out.push(rule('├', '┼', '┤'));
  for (const r of body) out.push(line(r));
  out.push(rule('└', '┴', '┘'));
  return out.join('\n');
}

/** Rows shown of a long list: the first and last `keep / 2`, a line saying how many are left out. */
export const SUMMARY_ROWS = 40;

/**
 * A long table is cut to its first and last rows, with one row in between saying how many were
 * left out and where the full list is (`--json`): a people's report stays readable and fast for
 * a node with 100 000 segments.
 */
export function summarizeRows<T>(rows: readonly T[], filler: (omitted: number) => T, keep = SUMMARY_ROWS): T[] {
  if (rows.length <= keep + 1) return [...rows];
  const half = Math.floor(keep / 2);
  return [...rows.slice(0, half), filler(rows.length - 2 * half), ...rows.slice(-half)];
}

/** 12345678 → "11.8 MiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function indent(text: string, by = 2): string {
  const pad = ' '.repeat(by);
  return text
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');
}
