// The HTML report in a real browser (headless chromium): the page runs without a console message,
// draws one map row per node, names the recommended node in its summary, and its tooltip and zoom
// work (pointer events sent by a harness script appended to a copy of the page). A screenshot of
// each report is kept in $TMPDIR/raft-rescue-report-screenshots/ to look at. CI=true makes a
// missing chromium fail these tests instead of skipping them. Printing is checked through a PDF.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chromium, dumpDom, printToPdf, screenshot } from '../helpers/chromium.js';
import { hostileSet, reportFiles, writeReport, type ReportFile } from '../helpers/report-files.js';
import { scratchDir } from '../helpers/samples.js';
import { recordSkip } from '../helpers/skips.js';

const CI = process.env['CI'] === 'true';
const SHOTS = path.join(os.tmpdir(), 'raft-rescue-report-screenshots');
const CASES = ['healthy', 'crash', 'lagging', 'past-snapshot', 'crash-damaged', 'healthy-hang', 'terms'];

// Appended to a copy of a report: hovers the first segment mark, zooms with the range boxes, with
// the reset button and by dragging across the map, and writes what it saw into <pre id="harness">.
const HARNESS = `<script>
(function () {
  var out = {}, svg = document.getElementById('logmap'), tip = document.getElementById('tip');
  var mark = svg.querySelector('rect.seg[data-b]'), box = mark.getBoundingClientRect();
  var centre = { bubbles: true, clientX: box.left + box.width / 2, clientY: box.top + box.height / 2 };
  mark.dispatchEvent(new MouseEvent('mousemove', centre));
  out.tip = tip.textContent; out.tipShown = tip.style.display;
  out.markFile = mark.dataset.file; out.markFrom = mark.dataset.from; out.markTo = mark.dataset.to;
  out.markNode = mark.closest('.row').dataset.node;
  out.whole = svg.dataset.view; out.widthBefore = Number(mark.getAttribute('width'));
  var from = BigInt(svg.dataset.from), to = BigInt(svg.dataset.to), span = to - from;
  var a = from + span / 4n, b = from + span / 2n;
  out.asked = String(a) + '-' + String(b);
  document.getElementById('zoom-from').value = String(a);
  document.getElementById('zoom-to').value = String(b);
  document.getElementById('zoom-apply').click();
  out.zoomed = svg.dataset.view; out.hash = location.hash; out.ticks = svg.querySelectorAll('#axis .tick').length;
  out.firstTick = svg.querySelector('#axis .tick text').textContent;
  document.getElementById('zoom-reset').click();
  out.reset = svg.dataset.view; out.widthAfterReset = Number(mark.getAttribute('width'));
  var m = svg.getScreenCTM(), y = 60, x0 = Number(svg.dataset.x0), x1 = Number(svg.dataset.x1);
  function at(x) { return { clientX: m.a * x + m.c * y + m.e, clientY: m.b * x + m.d * y + m.f, bubbles: true }; }
  svg.dispatchEvent(new MouseEvent('mousedown', at(x0 + (x1 - x0) * 0.2)));
  window.dispatchEvent(new MouseEvent('mousemove', at(x0 + (x1 - x0) * 0.4)));
  window.dispatchEvent(new MouseEvent('mouseup', at(x0 + (x1 - x0) * 0.4)));
  out.dragged = svg.dataset.view;
  var pre = document.createElement('pre'); pre.id = 'harness'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script></body>`;

interface HarnessResult {
  tip: string; tipShown: string; markFile: string; markFrom: string; markTo: string; markNode: string;
  whole: string; widthBefore: number; asked: string; zoomed: string; hash: string; ticks: number;
  firstTick: string; reset: string; widthAfterReset: number; dragged: string;
}

const ENTITIES: Record<string, string> = { '&quot;': '"', '&lt;': '<', '&gt;': '>', '&amp;': '&' };
const decode = (s: string) => s.replace(/&(?:quot|lt|gt|amp);/g, (e) => ENTITIES[e]!);

let reports: ReportFile[] = [];
const present = chromium !== undefined;

describe('chromium', () => {
  it('is installed (CI=true requires it)', () => {
    if (CI) expect(chromium, 'chromium is missing: .ci/run installs it (apt-get install chromium)').toBeDefined();
    else if (!chromium) recordSkip('browser tests of the HTML report', 'no chromium (apt-get install chromium)');
  });
});

describe.skipIf(!present && !CI)('html report in a real browser', () => {
  beforeAll(async () => {
    if (!present) return;
    reports = await reportFiles();
    fs.mkdirSync(SHOTS, { recursive: true });
  }, 300_000);

  const report = (name: string) => {
    if (!present) throw new Error('chromium is missing: .ci/run installs it (apt-get install chromium)');
    return reports.find((r) => r.name === name)!;
  };

  it.each(CASES)('%s: no console message, a map row per node, the keeper named; hover and zoom work', async (name) => {
    const r = report(name);
    const copy = r.file.replace(/\.html$/, '-harness.html');
    fs.writeFileSync(copy, r.html.replace('</body>', HARNESS));
    const page = await dumpDom(copy);
    expect(page.console).toEqual([]);
    const rows = [...page.dom.matchAll(/<g class="row( best)?" data-node="([^"]+)"/g)];
    const drawn = [...r.html.matchAll(/<g class="row( best)?" data-node="/g)];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toHaveLength(drawn.length);
    expect(rows.filter((m) => m[1]).map((m) => m[2])).toEqual([r.best]);
    const summary = page.dom.slice(page.dom.indexOf('<section id="summary">'), page.dom.indexOf('<section id="map">'));
    expect(summary).toContain(`Keep the data of <b>${r.best}</b>.`);

    const found = /<pre id="harness">([^<]*)<\/pre>/.exec(page.dom);
    expect(found, 'the harness did not finish').not.toBeNull();
    const h = JSON.parse(decode(found![1]!)) as HarnessResult;
    expect(h.tipShown).toBe('block');
    const lines = h.tip.split('\n');
    expect(lines[0]).toBe(h.markNode);
    expect(lines[1]).toBe(`file   ${h.markFile}`);
    const index = BigInt(/^index {2}(\d+)/.exec(lines[2] ?? '')![1]!);
    expect(index >= BigInt(h.markFrom) && index <= BigInt(h.markTo)).toBe(true);
    expect(h.tip).toMatch(/\nterm {3}\d+/);
    expect(h.tip).toMatch(/\noffset \d+ \(its batch\)/);
    expect(h.whole).toMatch(/^\d+-\d+$/);
    expect(h.zoomed).toBe(h.asked);
    expect(h.hash).toBe(`#zoom=${h.asked}`);
    expect(h.firstTick).toBe(h.asked.split('-')[0]);
    expect(h.reset).toBe(h.whole);
    expect(h.widthAfterReset).toBeCloseTo(h.widthBefore, 1);
    expect(h.dragged).not.toBe(h.whole);
    const [a, b] = h.dragged.split('-').map(BigInt) as [bigint, bigint];
    expect(a < b).toBe(true);
  }, 120_000);

  it('opens zoomed on the range a link names (#zoom=from-to)', async () => {
    const r = report('past-snapshot');
    const page = await dumpDom(r.file, '#zoom=1000-2100');
    expect(page.console).toEqual([]);
    expect(page.dom).toMatch(/data-view="1000-2100"/);
  }, 120_000);

  it('names that hold markup stay text in the browser: no element or script from the disk', async () => {
    if (!present) throw new Error('chromium is missing: .ci/run installs it (apt-get install chromium)');
    const file = path.join(scratchDir('rr-hostile-browser-'), 'report.html');
    const r = await writeReport([await hostileSet()], file);
    expect(r.code, r.err).toBeLessThan(2);
    const page = await dumpDom(file);
    expect(page.console).toEqual([]);
    expect(page.dom.match(/<script/g)).toHaveLength(1);
    expect(page.dom).not.toMatch(/<img|<svg onload/i);
    expect([...page.dom.matchAll(/<g class="row( best)?" data-node="/g)]).toHaveLength(2);
  }, 120_000);

  it('prints (to a PDF) with every collapsed section open', async () => {
    const r = report('past-snapshot');
    const printed = await printToPdf(r.file, path.join(SHOTS, 'past-snapshot.pdf'));
    expect(printed.console).toEqual([]);
    // The same page without its beforeprint handler prints the nodes' details folded: fewer pages.
    const folded = r.file.replace(/\.html$/, '-folded.html');
    fs.writeFileSync(folded, r.html.replace("addEventListener('beforeprint'", "addEventListener('x-not-printing'"));
    const foldedPdf = path.join(os.tmpdir(), `rr-folded-${process.pid}.pdf`);
    const shorter = await printToPdf(folded, foldedPdf);
    fs.rmSync(foldedPdf, { force: true });
    expect(shorter.pages).toBeGreaterThan(1);
    expect(printed.pages).toBeGreaterThan(shorter.pages);
  }, 120_000);

  it.each(CASES)('%s: a screenshot is taken and kept to look at', async (name) => {
    const r = report(name);
    const png = path.join(SHOTS, `${name}.png`);
    fs.rmSync(png, { force: true });
    expect(await screenshot(r.file, png)).toEqual([]);
    const bytes = fs.readFileSync(png);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(20_000);
  }, 120_000);
});
