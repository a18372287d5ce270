// The log map as inline SVG for the HTML report: one <g class="row"> per node over a shared index
// axis, drawn from the same model as the terminal map (workflows/map-model.ts). Every mark carries
// its index range relative to the axis start (data-a, data-b) so the page's script can zoom, and
// the exact values as text (data-from, data-to, file, batch offsets) for the pointer's tooltip;
// each mark also has a <title>, so hovering works without the script. Patterns, not only hues,
// tell the classes apart (a printout in grey stays readable).
import type { LogMap, MapRow, MapSegment } from '../workflows/map-model.js';
import { html, type SafeHtml } from './html/escape.js';

export const SVG_LAYOUT = { width: 1000, label: 170, right: 70, top: 34, row: 40, bar: 18 } as const;
/** Segment marks per row before neighbours with the same fate are merged (a node with 100 000 files). */
export const MAX_SEGMENT_MARKS = 1500;
/** Batch offsets kept for the tooltip, over the whole map (≈ 8 bytes each in the page). */
export const MAX_OFFSETS = 150_000;

const L = SVG_LAYOUT;
const X0 = L.label;
const X1 = L.width - L.right;

interface Scale {
  readonly x: (rel: number) => number;
  readonly rel: (index: bigint) => number;
}

function scaleOf(map: LogMap): Scale {
  const span = Number(map.axis.to - map.axis.from + 1n);
  const unit = (X1 - X0) / span;
  return { rel: (i) => Number(i - map.axis.from), x: (rel) => X0 + rel * unit };
}

const range = (a: number, b: number) => ({ 'data-a': a, 'data-b': b });

function attrs(values: Readonly<Record<string, string | number | undefined>>): SafeHtml {
  return html`${Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => html` ${k}="${v}"`)}`;
}

function box(
  s: Scale,
  from: bigint,
  to: bigint,
  y: number,
  h: number,
  cls: string,
  extra: Record<string, string | number | undefined>,
  title: string,
): SafeHtml {
  const a = s.rel(from);
  const b = s.rel(to);
  const x = s.x(a);
  const w = Math.max(1.5, s.x(b + 1) - x);
  return html`<rect class="${cls}" x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${h}"${attrs({ ...range(a, b), ...extra })}><title>${title}</title></rect>`;
}

const FATE_WORDS: Readonly<Record<MapSegment['fate'], string>> = {
  loaded: 'loaded at start-up',
  ignored: 'on disk, not loaded',
  'moved-aside': 'moved aside at start-up (its entries are dropped)',
  removed: 'deleted at start-up',
  fails: 'start-up fails on this file',
  'not-reached': 'on disk, not loaded (start-up fails first)',
};

function termsText(s: MapSegment): string {
  if (s.firstTerm === undefined) return 'no entries';
  return s.firstTerm === s.lastTerm ? `term ${s.firstTerm}` : `terms ${s.firstTerm}-${s.lastTerm}`;
}

/** Batch offsets (and first positions when a batch holds several entries) for the tooltip. */
function offsetsOf(s: MapSegment): { 'data-off'?: string; 'data-pos'?: string } {
  const t = s.batches;
  const n = Math.min(t.length, t.batchOf(Math.max(0, s.entries - 1)) + 1);
  if (!s.entries || !n) return {};
  const off: number[] = [];
  const pos: number[] = [];
  let single = true;
  for (let b = 0; b < n; b++) {
    off.push(t.offset(b));
    pos.push(t.entriesBefore(b));
    if (t.entriesIn(b) !== 1) single = false;
  }
  return single ? { 'data-off': off.join(',') } : { 'data-off': off.join(','), 'data-pos': pos.join(',') };
}

/** Segments as marks; neighbours with the same fate merged when a row has too many to draw. */
function segmentMarks(row: MapRow, s: Scale, y: number, withOffsets: boolean): SafeHtml[] {
  const drawn = row.segments.filter((g) => g.range);
  const groups: MapSegment[][] = [];
  const merge = drawn.length > MAX_SEGMENT_MARKS ? Math.ceil(drawn.length / MAX_SEGMENT_MARKS) : 1;
  for (const g of drawn) {
    const last = groups[groups.length - 1];
    if (last && merge > 1 && last.length < merge && last[0]!.fate === g.fate && last[0]!.kind === g.kind) last.push(g);
    else groups.push([g]);
  }
  return groups.map((group) => {
    const first = group[0]!;
    const lastSeg = group[group.length - 1]!;
    const from = first.range!.from;
    const to = lastSeg.range!.to;
    const cls = `seg ${first.kind} f-${first.fate}`;
    if (group.length > 1) {
      const title = `${group.length} segment files, ${first.file} to ${lastSeg.file}: indexes ${from}-${to}, ${FATE_WORDS[first.fate]}`;
      return box(
        s,
        from,
        to,
        y,
        L.bar,
        cls,
        { 'data-from': String(from), 'data-to': String(to), 'data-file': `${group.length} files` },
        title,
      );
    }
    const title = `${first.file} (${first.kind}): indexes ${from}-${to}, ${termsText(first)}, ${first.size} bytes; ${FATE_WORDS[first.fate]}`;
    return box(
      s,
      from,
      to,
      y,
      L.bar,
      cls,
      {
        'data-from': String(from),
        'data-to': String(to),
        'data-file': first.file,
        'data-terms': termsText(first),
        'data-fate': FATE_WORDS[first.fate],
        ...(withOffsets ? offsetsOf(first) : {}),
      },
      title,
    );
  });
}

function diamond(s: Scale, index: bigint, y: number, cls: string, title: string): SafeHtml {
  const a = s.rel(index);
  const x = s.x(a + 0.5);
  const d = `M0 -7 L6 0 L0 7 L-6 0 Z`;
  return html`<path class="${cls}" d="${d}" transform="translate(${x.toFixed(2)} ${y + L.bar / 2})" data-a="${a}" data-y="${y + L.bar / 2}"><title>${title}</title></path>`;
}

function rowMarks(row: MapRow, i: number, s: Scale, withOffsets: boolean): SafeHtml {
  const y = L.top + i * L.row + 8;
  const marks: SafeHtml[] = [...segmentMarks(row, s, y, withOffsets)];
  for (const g of row.gaps) {
    marks.push(
      box(
        s,
        g.from,
        g.to,
        y - 3,
        L.bar + 6,
        'gap',
        { 'data-from': String(g.from), 'data-to': String(g.to) },
        `no file holds indexes ${g.from}-${g.to}`,
      ),
    );
  }
  for (const d of row.damaged) {
    const to = d.to ?? d.from;
    marks.push(
      box(
        s,
        d.from,
        to,
        y - 3,
        L.bar + 6,
        'dmg',
        { 'data-from': String(d.from), 'data-to': String(to), 'data-file': d.file, 'data-offset': d.offset },
        `damaged: indexes ${d.from}-${d.to ?? '?'} in ${d.file} at byte ${d.offset}: ${d.what}`,
      ),
    );
  }
  for (const t of row.termChanges) {
    const a = s.rel(t.index);
    const x = s.x(a);
    marks.push(
      html`<line class="term" x1="${x.toFixed(2)}" x2="${x.toFixed(2)}" y1="${y - 5}" y2="${y + L.bar + 5}" data-a="${a}"><title>term ${t.previous} → ${t.term} at index ${t.index}, ${t.file} byte ${t.offset}</title></line>`,
    );
  }
  for (const sn of row.snapshots) {
    if (sn.fate === 'removed' || sn.fate === 'unusable') continue;
    const words =
      sn.fate === 'used'
        ? 'start-up uses it'
        : sn.fate === 'newest'
          ? 'start-up would use it'
          : sn.fate === 'fails'
            ? 'start-up fails on it'
            : 'older, not used';
    marks.push(
      diamond(s, sn.index, y, `snap s-${sn.fate}`, `snapshot ${sn.file}: term ${sn.term}, index ${sn.index}; ${words}`),
    );
  }
  if (row.startup.failsAt !== undefined) {
    const a = s.rel(row.startup.failsAt);
    marks.push(
      html`<path class="fail" d="M0 -9 L7 5 L-7 5 Z" transform="translate(${s.x(a + 0.5).toFixed(2)} ${y - 2})" data-a="${a}" data-y="${y - 2}"><title>start-up ${row.startup.outcome === 'hang' ? 'hangs' : row.startup.outcome === 'crash' ? 'crashes' : 'fails'} here: ${row.startup.error ?? row.startup.words}</title></path>`,
    );
  }
  const name = row.name.length > 24 ? `${row.name.slice(0, 23)}…` : row.name;
  const verdict =
    row.startup.outcome === 'ok'
      ? row.startup.drops
        ? 'drops'
        : 'starts'
      : row.startup.outcome === 'error'
        ? 'refuses'
        : row.startup.outcome === 'hang'
          ? 'hangs'
          : 'crashes';
  const terms = [
    row.firstTerm !== undefined && row.held ? `${row.held.from}:${row.firstTerm}` : '',
    ...row.termChanges.map((t) => `${t.index}:${t.term}`),
  ]
    .filter(Boolean)
    .join(',');
  return html`<g class="row${row.recommended ? ' best' : ''}" data-node="${row.name}" data-terms="${terms}">
<text class="name" x="${X0 - 8}" y="${y + 13}">${row.recommended ? html`<tspan class="star">★ </tspan>` : ''}${name}<title>${row.name} (${row.path})</title></text>
<rect class="lane" x="${X0}" y="${y}" width="${X1 - X0}" height="${L.bar}"/>
<g class="marks" clip-path="url(#bars)">${marks}</g>
<text class="verdict v-${verdict}" x="${X1 + 6}" y="${y + 13}">${verdict}</text>
</g>`;
}

/** The ticks of the axis: both ends and the snapshots start-up uses (the page redraws them on zoom). */
function axis(map: LogMap, s: Scale): SafeHtml {
  const wanted = new Set<bigint>([map.axis.from, map.axis.to]);
  for (const r of map.rows)
    for (const sn of r.snapshots) if (sn.fate === 'used' || sn.fate === 'newest') wanted.add(sn.index);
  const ticks = [...wanted]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((i) => {
      const x = s.x(s.rel(i) + 0.5);
      return html`<g class="tick"><line x1="${x.toFixed(2)}" x2="${x.toFixed(2)}" y1="${L.top - 8}" y2="${L.top - 2}"/><text x="${x.toFixed(2)}" y="${L.top - 12}">${String(i)}</text></g>`;
    });
  return html`<g id="axis"><line class="axis" x1="${X0}" x2="${X1}" y1="${L.top - 2}" y2="${L.top - 2}"/>${ticks}</g>`;
}

const DEFS = html`<defs>
<clipPath id="bars"><rect x="${X0}" y="0" width="${X1 - X0}" height="100000"/></clipPath>
<pattern id="p-gap" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#b03090" stroke-width="3"/></pattern>
<pattern id="p-dmg" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#d62728"/><path d="M0 0 L6 6 M6 0 L0 6" stroke="#fff" stroke-width="1.2"/></pattern>
<pattern id="p-aside" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="5" height="5" fill="#f2c14e"/><line x1="0" y1="0" x2="0" y2="5" stroke="#7a5b00" stroke-width="1.5"/></pattern>
<pattern id="p-off" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="#e4e4e4"/><circle cx="2" cy="2" r="0.8" fill="#888"/></pattern>
</defs>`;

/** The map as one <svg> element; `withOffsets` false leaves batch offsets out (a very large map). */
export function renderMapSvg(map: LogMap, options: { withOffsets?: boolean } = {}): SafeHtml {
  const s = scaleOf(map);
  const batches = map.rows.reduce(
    (n, r) => n + r.segments.reduce((m, g) => m + (g.range ? g.batches.length : 0), 0),
    0,
  );
  const withOffsets = options.withOffsets ?? batches <= MAX_OFFSETS;
  const height = L.top + map.rows.length * L.row + 10;
  const rows = map.rows.map((r, i) => rowMarks(r, i, s, withOffsets));
  return html`<svg id="logmap" viewBox="0 0 ${L.width} ${height}" role="img" aria-label="log map: one row per node" data-from="${String(map.axis.from)}" data-to="${String(map.axis.to)}" data-x0="${X0}" data-x1="${X1}" data-offsets="${withOffsets ? 'yes' : 'no'}">
${DEFS}${axis(map, s)}
${rows}
</svg>`;
}
