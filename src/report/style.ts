// Colour and layout helpers. Colour is on only for a terminal, and never with --json or NO_COLOR
// (house style §11). People's output fits the terminal's width (RenderOptions.width): tables fit
// themselves (table.ts), other lines are wrapped (fitText), long lists are summarised with
// summarizeRows().
import { Chalk, type ChalkInstance } from 'chalk';

export { table, type Column } from './table.js';
export { displayWidth, fitText, truncate, wrapLine } from './text-width.js';

export interface RenderOptions {
  readonly color: boolean;
  /**
   * Terminal columns the output may take (the CLI always sets it: --width, COLUMNS, the
   * terminal, else 80); undefined: no limit.
   */
  readonly width?: number;
}

export function colorEnabled(
  isTty: boolean,
  env: Readonly<Record<string, string | undefined>>,
  json: boolean,
): boolean {
  if (json || !isTty) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR === '0') return false;
  return true;
}

export function chalkFor(options: RenderOptions): ChalkInstance {
  return new Chalk({ level: options.color ? 1 : 0 });
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
