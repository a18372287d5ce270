// The HTML incident report as text: self-contained (no external reference of any kind), small,
// one map row per node, the recommended node in the summary, print styles, and no values from
// the databases. test/report/browser.test.ts opens the same files in a real browser.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  HOSTILE_DIR, hostileSet, manySegmentsNode, reportFiles, writeReport, type ReportFile,
} from '../helpers/report-files.js';
import { MAX_SEGMENT_MARKS } from '../../src/report/map-svg.js';
import { SAMPLE_SETS, sampleSet, scratchDir } from '../helpers/samples.js';

let reports: ReportFile[] = [];

beforeAll(async () => {
  reports = await reportFiles();
}, 300_000);

/** Every place a page can name another resource: attributes, CSS url() and @import, srcset. */
const EXTERNAL = [
  /\s(?:src|href|action|formaction|poster|data|xlink:href|srcset)\s*=\s*["']?(?!#)/i,
  /url\(\s*["']?(?!#)/i,
  /@import/i,
  /https?:\/\//i,
  /\/\/[a-z0-9.-]+\.[a-z]{2,}\//i,
  /<(?:link|iframe|object|embed|img|audio|video|base)\b/i,
];

const REQUIRED_CASES = ['healthy', 'crash', 'lagging', 'past-snapshot', 'crash-damaged', 'healthy-hang', 'terms'];

describe('html report', () => {
  it('is written for every sample set, a damaged copy and a term-changing node', () => {
    expect(reports.map((r) => r.name)).toEqual(REQUIRED_CASES);
  });

  it.each(REQUIRED_CASES)('%s: no external reference, under 3 MB, a content security policy', (name) => {
    const r = reports.find((x) => x.name === name)!;
    for (const pattern of EXTERNAL) expect(r.html, String(pattern)).not.toMatch(pattern);
    expect(fs.statSync(r.file).size).toBeLessThan(3 * 1024 * 1024);
    expect(r.html).toContain(`content="default-src 'none';`);
  });

  it.each(REQUIRED_CASES)('%s: one map row per node, the recommended node in the summary', (name) => {
    const r = reports.find((x) => x.name === name)!;
    const rows = [...r.html.matchAll(/<g class="row( best)?" data-node="([^"]+)"/g)];
    const isNode = (dir: string) => ['metadata1', 'info.yaml'].some((f) => fs.existsSync(path.join(dir, f)));
    const subdirs = (dir: string) => fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory());
    const nodeDirs = r.inputs.flatMap((i) => (isNode(i) ? [i] : subdirs(i).map((d) => d.name)));
    expect(rows).toHaveLength(nodeDirs.length);
    expect(r.best).not.toBeNull();
    expect(rows.filter((m) => m[1]).map((m) => m[2])).toEqual([r.best]);
    const summary = r.html.slice(r.html.indexOf('<section id="summary">'), r.html.indexOf('<section id="map">'));
    expect(summary).toContain(`Keep the data of <b>${r.best}</b>.`);
  });

  it('has print styles that hide the controls and open every collapsed section', () => {
    const r = reports[0]!;
    expect(r.html).toMatch(/@media print \{[^]*\.controls[^]*display: none/);
    expect(r.html).toContain("addEventListener('beforeprint'");
  });

  it.each(SAMPLE_SETS)('%s: no value from the databases is in the report', (name) => {
    const r = reports.find((x) => x.name === name)!;
    const expectFile = path.join(r.inputs[0]!, 'expect.json');
    const expected = JSON.parse(fs.readFileSync(expectFile, 'utf8')) as Record<string, string>;
    const values = Object.values(expected);
    expect(values.length).toBeGreaterThan(10);
    for (const v of values) expect(r.html.includes(v), v).toBe(false);
    expect(r.html).toContain('No values from the databases are in this report.');
  });

  it.each(['healthy', 'past-snapshot'])('%s --include-data: first rows of the tables a repair keeps', async (name) => {
    const set = await sampleSet(name);
    const file = path.join(scratchDir('rr-data-'), 'report.html');
    const r = await writeReport([set], file, ['--include-data']);
    expect(r.code, r.err).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('It holds values from the databases (asked for with --include-data)');
    expect(text).not.toContain('No values from the databases are in this report.');
    const section = text.slice(text.indexOf('<section id="data">'));
    expect(section).toContain(`the databases as repair from ${r.best} rebuilds them`);
    expect(section).toMatch(/<code>model<\/code> \(64 rows\)/);
    const expected = JSON.parse(fs.readFileSync(path.join(set, 'expect.json'), 'utf8')) as Record<string, string>;
    const shown = Object.entries(expected).filter(([k, v]) => section.includes(`<td>${k}</td><td>${v}</td>`));
    expect(shown).toHaveLength(20);
  }, 120_000);

  it('shows names that hold markup as text: no element, attribute or script comes from the disk', async () => {
    const file = path.join(scratchDir('rr-hostile-report-'), 'report.html');
    const r = await writeReport([await hostileSet()], file);
    expect(r.code, r.err).toBeLessThan(2);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.match(/<script/g)).toHaveLength(1);
    expect(text).not.toMatch(/<img|<svg onload/i);
    // No event-handler attribute in any tag (quoted values, where the names are, taken out).
    const tags = [...text.matchAll(/<[a-z][^>]*>/gi)].map((m) => m[0].replace(/"[^"]*"/g, '""'));
    expect(tags.filter((t) => /\son\w+\s*=/i.test(t))).toEqual([]);
    expect(text).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;\\u{202e}');
    expect(text).toContain('&lt;script&gt;alert(2)&lt;!--');
    expect(text).toContain('a&amp;amp;b');
    expect(text).toContain(`data-node="${HOSTILE_DIR.replace('<', '&lt;').replace('>', '&gt;').replace('"', '&quot;')
      .replace('\u202e', '\\u{202e}')}"`);
  }, 120_000);

  it('under 3 MB for 3000 segment files and 180 000 batches: marks merged, offsets left out', async () => {
    const file = path.join(scratchDir('rr-many-report-'), 'report.html');
    const r = await writeReport([manySegmentsNode()], file);
    expect(r.code, r.err).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(fs.statSync(file).size).toBeLessThan(3 * 1024 * 1024);
    expect(text).toContain('data-offsets="no"');
    const marks = (text.match(/<rect class="seg /g) ?? []).length;
    expect(marks).toBeGreaterThan(0);
    expect(marks).toBeLessThanOrEqual(MAX_SEGMENT_MARKS);
    expect(text).toContain('data-file="2 files"');
  }, 300_000);
});
