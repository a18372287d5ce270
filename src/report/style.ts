// Colour and table helpers. Colour is on only for a terminal, and never with --json or NO_COLOR
// (house style §11); tables are plain cli-table3 so golden tests compare text, not escapes.
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';

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

export function table(head: string[], rows: (string | number)[][], options: RenderOptions): string {
  const t = new Table({
    head,
    style: { head: options.color ? ['cyan'] : [], border: options.color ? ['grey'] : [], compact: true },
    chars: options.color ? {} : { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const r of rows) t.push(r.map((c) => String(c)));
  return t.toString();
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
