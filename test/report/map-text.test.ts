// The terminal log map against golden text (80 and 120 columns) for every sample set, a damaged
// copy and a node whose term changes. Regenerate the golden files with
// `bash test/report/update-golden.sh` after a deliberate change, and read the diff.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderMap } from '../../src/report/map-text.js';
import { displayWidth } from '../../src/report/text-width.js';
import { openInputs } from '../../src/workflows/inputs.js';
import { runMap, type MapOutcome } from '../../src/workflows/map.js';
import { mapCases } from '../helpers/map-cases.js';
import { repoRoot } from '../helpers/samples.js';

const GOLDEN = path.join(repoRoot, 'test', 'report', 'golden');
const UPDATE = process.env['RR_UPDATE_GOLDEN'] === '1';
const CASES = ['healthy', 'crash', 'lagging', 'past-snapshot', 'crash-damaged', 'healthy-hang', 'terms'];
const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

const outcomes = new Map<string, MapOutcome>();

beforeAll(async () => {
  for (const c of await mapCases()) {
    const inputs = await openInputs(c.inputs, { workers: 0 });
    try {
      outcomes.set(c.name, await runMap(inputs));
    } finally {
      inputs.close();
    }
  }
}, 300_000);

describe('map text', () => {
  const widths = CASES.flatMap((c) => [80, 120].map((w) => [c, w] as const));
  it.each(widths)('%s at %i columns matches its golden text', (name, width) => {
    const text = renderMap(outcomes.get(name)!.map, { color: false, width });
    const file = path.join(GOLDEN, `map-${name}-${width}.txt`);
    if (UPDATE) fs.writeFileSync(file, text);
    expect(text).toBe(fs.readFileSync(file, 'utf8'));
    for (const line of text.split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(width);
  });

  it.each(CASES)('%s: one bar per node, the same text with colour as without', (name) => {
    const o = outcomes.get(name)!;
    const plain = renderMap(o.map, { color: false, width: 100 });
    const coloured = renderMap(o.map, { color: true, width: 100 });
    expect(coloured).toMatch(/\u001b\[/);
    expect(strip(coloured)).toBe(plain);
    const bars = plain.split('\n').filter((l) => / (starts|refuses|crashes|hangs|drops)$/.test(l));
    expect(bars).toHaveLength(o.map.rows.length);
  });

  it('draws the past-last-snapshot case: snapshot, hole, the failing segment; the keeper named first', () => {
    const text = renderMap(outcomes.get('past-snapshot')!.map, { color: false, width: 80 });
    expect(text.split('\n')[0]).toBe('Keep the data of 127.0.0.1:9541.');
    const bar = text.split('\n').find((l) => l.startsWith('★ 127.0.0.1:9541'))!;
    expect(bar).toMatch(/S_+!-+ refuses$/);
    const words = text.replace(/\s+/g, ' ');
    expect(words).toContain('no file holds 1025-2040');
    expect(words).toContain('filling 1025-2040 from 127.0.0.1:9543');
  });

  it('draws damage, segments moved aside and a crash in the damaged copy', () => {
    const rows = outcomes.get('crash-damaged')!.map.rows;
    expect(rows.some((r) => r.damaged.length > 0)).toBe(true);
    expect(rows.some((r) => r.segments.some((s) => s.fate === 'moved-aside'))).toBe(true);
    expect(rows.some((r) => r.startup.outcome === 'crash')).toBe(true);
    // Unreadable entries are damage, not indexes no file holds.
    for (const r of rows) {
      for (const d of r.damaged) expect(r.gaps.filter((g) => g.from <= (d.to ?? d.from) && g.to >= d.from)).toEqual([]);
    }
    const text = renderMap(outcomes.get('crash-damaged')!.map, { color: false, width: 120 });
    const bars = text.split('\n').filter((l) => / (starts|refuses|crashes|drops)$/.test(l)).join('');
    for (const ch of ['x', '/', '!']) expect(bars).toContain(ch);
  });

  it('draws a node that hangs on its newest snapshot, with no older snapshot as the one start-up would use', () => {
    const row = outcomes.get('healthy-hang')!.map.rows[0]!;
    expect(row.startup.outcome).toBe('hang');
    expect(row.snapshots.map((s) => [s.index, s.fate])).toEqual([[2048n, 'fails'], [1024n, 'older']]);
    const text = renderMap(outcomes.get('healthy-hang')!.map, { color: false, width: 80 });
    expect(text).toMatch(/^ {2}127\.0\.0\.1:9511 -+s-+!+-+ hangs$/m);
    expect(text).toContain('HANGS at start-up');
  });

  it('marks where the term changes, with the file and offset in the model', () => {
    const row = outcomes.get('terms')!.map.rows[0]!;
    expect(row.termChanges.map((t) => [t.index, t.previous, t.term])).toEqual([[11n, 1n, 2n], [21n, 2n, 3n]]);
    expect(row.termChanges[0]).toMatchObject({ file: '0000000000000011-0000000000000020', offset: 8 });
    expect(row.termChanges[1]).toMatchObject({ file: 'open-1', offset: 8 });
    const text = renderMap(outcomes.get('terms')!.map, { color: false, width: 80 });
    expect(text).toMatch(/\^2/);
    expect(text).toMatch(/\^3/);
  });
});
