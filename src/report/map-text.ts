// The log map in a terminal: one line per node over a shared index axis, a character per column
// (readable without colour: every class of column has its own character), the node to keep first,
// what each node's start-up does and what a repair from it keeps below, and a legend. Fits the
// width it is given. Drawn from the model in workflows/map-model.ts.
import type { LogMap, MapRow } from '../workflows/map-model.js';
import { printable } from './printable.js';
import { chalkFor, displayWidth, fitText, truncate, wrapLine, type RenderOptions } from './style.js';

/** A column's class, strongest first where several meet in one column. */
const GLYPHS = [
  { key: 'damaged', char: 'x', rank: 9, words: 'damaged bytes' },
  { key: 'fails', char: '!', rank: 8, words: 'start-up fails, hangs or crashes here' },
  { key: 'snapshot', char: 'S', rank: 7, words: 'snapshot start-up uses (or would use)' },
  { key: 'older-snapshot', char: 's', rank: 6, words: 'other snapshot' },
  { key: 'gap', char: '_', rank: 5, words: 'no file holds these' },
  { key: 'moved-aside', char: '/', rank: 4, words: 'moved aside at start-up' },
  { key: 'loaded', char: '=', rank: 3, words: 'loaded (closed segment)' },
  { key: 'loaded-open', char: '~', rank: 3, words: 'loaded (open segment)' },
  { key: 'not-loaded', char: '-', rank: 2, words: 'on disk, not loaded' },
] as const;
type GlyphKey = (typeof GLYPHS)[number]['key'];
const GLYPH = Object.fromEntries(GLYPHS.map((g) => [g.key, g])) as Record<GlyphKey, (typeof GLYPHS)[number]>;

const VERDICT_WIDTH = 7;
const MIN_BAR = 10;

/** Index → column over an axis of `columns` columns. */
function scaleOf(map: LogMap, columns: number): (index: bigint) => number {
  const span = map.axis.to - map.axis.from + 1n;
  return (index) => {
    if (index <= map.axis.from) return 0;
    if (index >= map.axis.to) return columns - 1;
    // The scaling is done in bigint; only the result, a column below `columns`, becomes a number.
    return Number(((index - map.axis.from) * BigInt(columns)) / span);
  };
}

/** Marks that must stay visible: one that lands on another's column moves to the next free one. */
const MARK_RANK = GLYPH.gap.rank;

function barOf(row: MapRow, columns: number, col: (i: bigint) => number): (GlyphKey | undefined)[] {
  const cells: (GlyphKey | undefined)[] = new Array(columns).fill(undefined);
  const marked = new Set<number>();
  const paint = (from: bigint, to: bigint, key: GlyphKey) => {
    let start = col(from);
    let end = col(to);
    // A snapshot, a short gap, damage or a failure in the column of another such mark (one
    // column holds many indexes) moves right, so that every mark is seen.
    if (GLYPH[key].rank >= MARK_RANK && start === end) {
      while (marked.has(start) && start < columns - 1) start++;
      end = start;
    }
    for (let c = start; c <= end; c++) {
      const now = cells[c];
      if (!now || GLYPH[now].rank < GLYPH[key].rank) cells[c] = key;
      if (GLYPH[key].rank >= MARK_RANK) marked.add(c);
    }
  };
  for (const s of row.segments) {
    if (!s.range) continue;
    const key: GlyphKey =
      s.fate === 'loaded'
        ? s.kind === 'open'
          ? 'loaded-open'
          : 'loaded'
        : s.fate === 'moved-aside'
          ? 'moved-aside'
          : 'not-loaded';
    paint(s.range.from, s.range.to, key);
  }
  for (const s of row.snapshots) {
    if (s.fate === 'used' || s.fate === 'newest') paint(s.index, s.index, 'snapshot');
    else if (s.fate === 'older') paint(s.index, s.index, 'older-snapshot');
    else if (s.fate === 'fails') paint(s.index, s.index, 'fails');
  }
  for (const g of row.gaps) paint(g.from, g.to, 'gap');
  for (const d of row.damaged) paint(d.from, d.to ?? d.from, 'damaged');
  if (row.startup.failsAt !== undefined) paint(row.startup.failsAt, row.startup.failsAt, 'fails');
  return cells;
}

const VERDICT: Readonly<Record<MapRow['startup']['outcome'], string>> = {
  ok: 'starts',
  error: 'refuses',
  crash: 'crashes',
  hang: 'hangs',
};

function verdictWord(row: MapRow): string {
  return row.startup.outcome === 'ok' && row.startup.drops ? 'drops' : VERDICT[row.startup.outcome];
}

/** Axis labels: both ends, then snapshot indexes and failure points, where they do not collide. */
function axisLines(map: LogMap, columns: number, col: (i: bigint) => number): [string, string] {
  const wanted = [map.axis.from, map.axis.to];
  for (const r of map.rows)
    for (const s of r.snapshots) if (s.fate === 'used' || s.fate === 'newest') wanted.push(s.index);
  for (const r of map.rows) if (r.startup.failsAt !== undefined) wanted.push(r.startup.failsAt);
  const labels = new Array<string>(columns).fill(' ');
  const ticks = new Array<string>(columns).fill('─');
  const taken: [number, number][] = [];
  for (const index of [...new Set(wanted)]) {
    const text = String(index);
    const c = col(index);
    const start =
      index === map.axis.to && index !== map.axis.from
        ? Math.max(0, columns - text.length)
        : Math.min(c, Math.max(0, columns - text.length));
    const end = start + text.length;
    if (taken.some(([a, b]) => start <= b + 1 && end - 1 >= a - 1)) continue; // a space between labels
    taken.push([start, end - 1]);
    for (let k = 0; k < text.length; k++) labels[start + k] = text[k]!;
    ticks[c] = '┼';
  }
  ticks[0] = '├';
  ticks[columns - 1] = '┤';
  return [labels.join(''), ticks.join('')];
}

/** A line under a row with the terms: the first at its start, `^N` where the term changes to N. */
function termLine(row: MapRow, columns: number, col: (i: bigint) => number): string | undefined {
  if (!row.termChanges.length) return undefined;
  const cells = new Array<string>(columns).fill(' ');
  const put = (c: number, text: string) => {
    if (c + text.length > columns || cells.slice(Math.max(0, c - 1), c + text.length + 1).some((x) => x !== ' ')) {
      if (cells[c] === ' ') cells[c] = '^';
      return;
    }
    for (let k = 0; k < text.length; k++) cells[c + k] = text[k]!;
  };
  const start = row.held ? col(row.held.from) : 0;
  if (row.firstTerm !== undefined) put(start, `${row.firstTerm}`);
  for (const t of row.termChanges) put(col(t.index), `^${t.term}`);
  return cells.join('').replace(/ +$/, '');
}

function listed<T>(items: readonly T[], show: (item: T) => string, keep = 5): string {
  const shown = items.slice(0, keep).map(show);
  if (items.length > keep) shown.push(`${items.length - keep} more (see --json)`);
  return shown.join(', ');
}

function rowNotes(row: MapRow, map: LogMap): string[] {
  const lines = [`${row.recommended ? '★' : '·'} ${printable(row.name)}: ${printable(row.startup.words)}`];
  const used = row.snapshots.find((s) => s.fate === 'used' || s.fate === 'newest' || s.fate === 'fails');
  const parts: string[] = [];
  if (used) parts.push(`snapshot at ${used.index}${used.fate === 'fails' ? ' (start-up fails on it)' : ''}`);
  parts.push(row.held ? `entries ${row.held.from}-${row.held.to} (last term ${row.held.lastTerm})` : 'no entries');
  if (row.gaps.length)
    parts.push(`no file holds ${listed(row.gaps, (g) => (g.from === g.to ? `${g.from}` : `${g.from}-${g.to}`))}`);
  if (row.damaged.length)
    parts.push(
      `damaged: ${listed(row.damaged, (d) => `${d.from}${d.to !== undefined && d.to !== d.from ? `-${d.to}` : ''} in ${printable(d.file)} @${d.offset}`)}`,
    );
  const aside = row.segments.filter((s) => s.fate === 'moved-aside').map((s) => s.file);
  if (aside.length) parts.push(`start-up moves aside ${listed(aside, printable)}`);
  lines.push(`    ${parts.join('; ')}.`);
  const r = row.repair;
  const fills = r.fills.length
    ? `, filling ${listed(r.fills, (f) => `${f.range.from}-${f.range.to} from ${f.donors.map(printable).join(' and ')}`)}`
    : '';
  const lost = r.lost.length ? `; loses ${listed(r.lost, (l) => `${l.from}-${l.to ?? '?'}`)}` : '; loses nothing';
  const how = r.need === 'none' ? 'needs none' : r.need === 'lossless' ? 'keeps every entry' : 'loses entries';
  lines.push(`    Repair from it: ${how}, up to ${r.lastIndex} (term ${r.lastTerm})${fills}${lost}.`);
  if (row.recommended && map.reasons.length > 1) lines.push(`    Why this node: ${printable(map.reasons[0]!)}`);
  return lines;
}

function legend(o: RenderOptions, width: number | undefined): string[] {
  const c = chalkFor(o);
  const items = GLYPHS.map((g) => `${paintGlyph(c, g.key)} ${g.words}`);
  items.push('^N the term changes to N', '★ the node to keep');
  if (width === undefined) return [`Legend: ${items.join('  ')}`];
  // Items packed into lines, none cut in two unless it is longer than a line.
  const lines: string[] = [];
  let line = 'Legend:';
  for (const item of items) {
    if (displayWidth(line) + 2 + displayWidth(item) > width && line.trim()) {
      lines.push(line);
      line = '       ';
    }
    line += `  ${item}`;
  }
  lines.push(line);
  return lines.flatMap((l) => wrapLine(l, width, '         '));
}

function paintGlyph(c: ReturnType<typeof chalkFor>, key: GlyphKey): string {
  const ch = GLYPH[key].char;
  switch (key) {
    case 'damaged':
    case 'fails':
      return c.red.bold(ch);
    case 'snapshot':
    case 'older-snapshot':
      return c.blue.bold(ch);
    case 'gap':
      return c.magenta(ch);
    case 'moved-aside':
      return c.yellow(ch);
    case 'loaded':
      return c.green(ch);
    case 'loaded-open':
      return c.cyan(ch);
    case 'not-loaded':
      return c.dim(ch);
  }
}

export function renderMap(map: LogMap, o: RenderOptions): string {
  const c = chalkFor(o);
  const width = o.width ?? 100;
  const names = map.rows.map((r) => printable(r.name));
  let nameWidth = Math.min(24, Math.max(4, ...names.map(displayWidth)));
  let columns = width - (2 + nameWidth + 1) - (1 + VERDICT_WIDTH);
  if (columns < MIN_BAR) {
    nameWidth = Math.max(4, nameWidth - (MIN_BAR - columns));
    columns = Math.max(MIN_BAR, width - (2 + nameWidth + 1) - (1 + VERDICT_WIDTH));
  }
  const span = map.axis.to - map.axis.from + 1n;
  columns = Number(span < BigInt(columns) ? span : BigInt(columns));
  const col = scaleOf(map, columns);
  const pad = ' '.repeat(2 + nameWidth + 1);
  const head = map.recommended ? `Keep the data of ${c.bold(printable(map.recommended))}.` : 'No node to recommend.';
  const per = span / BigInt(columns);
  const lines = [
    head,
    `Log map: indexes ${map.axis.from} to ${map.axis.to}, one column ${per <= 1n ? 'per index' : `≈ ${per} entries`}.`,
    '',
  ];
  const [labels, ticks] = axisLines(map, columns, col);
  lines.push(pad + labels, pad + ticks);
  map.rows.forEach((row, i) => {
    const mark = row.recommended ? c.green('★ ') : '  ';
    const name = truncate(names[i]!, nameWidth);
    const bar = barOf(row, columns, col)
      .map((k) => (k ? paintGlyph(c, k) : ' '))
      .join('');
    const word = verdictWord(row);
    const verdict = row.startup.outcome === 'ok' && !row.startup.drops ? word : c.red(word);
    lines.push(`${mark}${name}${' '.repeat(nameWidth - displayWidth(name))} ${bar} ${verdict}`);
    const terms = termLine(row, columns, col);
    if (terms) lines.push(`${pad}${c.dim(terms)}`);
  });
  lines.push('');
  for (const row of map.rows) lines.push(...rowNotes(row, map));
  lines.push('', ...legend(o, o.width));
  return fitText(`${lines.join('\n')}\n`, o.width);
}
