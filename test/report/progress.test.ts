// The progress bar: what it draws, when (only after a second, then at most every 100 ms), that it
// clears its line, and that the CLI shows it only on a terminal and never with --json.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { ProgressBar, renderProgress } from '../../src/report/progress.js';
import { scanInputs, type ScanProgress } from '../../src/scan/scan-inputs.js';
import { sampleSet } from '../helpers/samples.js';

describe('renderProgress', () => {
  it('shows the fraction, bytes and files done, and the node, within the width', () => {
    const line = renderProgress({ bytesDone: 1536, bytesTotal: 3 * 1024 * 1024, filesDone: 3, filesTotal: 12, node: 'data/127.0.0.1:9511' }, 100);
    expect(line).toBe('[--------------------]   0%  1.5 KiB / 3.0 MiB  3/12 files  data/127.0.0.1:9511');
    const half = renderProgress({ bytesDone: 50, bytesTotal: 100, filesDone: 1, filesTotal: 2, node: 'a/very/long/path/to/a/node/directory/127.0.0.1:9511' }, 70);
    expect(half.startsWith('[##########----------]  50%  50 B / 100 B  1/2 files  …')).toBe(true);
    expect(half.length).toBeLessThanOrEqual(70);
    expect(half.endsWith('127.0.0.1:9511')).toBe(true);
    expect(renderProgress({ bytesDone: 0, bytesTotal: 0, filesDone: 0, filesTotal: 0 })).toContain('100%');
  });

  it('keeps the phase whole and shortens the node', () => {
    const line = renderProgress({ bytesDone: 5, bytesTotal: 10, filesDone: 1, filesTotal: 2, node: '/srv/recovery/a/very/long/path/127.0.0.1:9511', phase: 'checking output' }, 96);
    expect(line.length).toBeLessThanOrEqual(96);
    expect(line).toMatch(/1\/2 files {2}checking output …\S*127\.0\.0\.1:9511$/);
  });
});

describe('ProgressBar', () => {
  function bar() {
    let t = 0;
    const writes: string[] = [];
    const b = new ProgressBar({ write: (s) => writes.push(s), now: () => t, width: 80 });
    return { b, writes, at: (ms: number) => (t = ms) };
  }
  const state = (done: number) => ({ bytesDone: done, bytesTotal: 100, filesDone: 0, filesTotal: 4 });

  it('draws nothing for runs shorter than a second', () => {
    const { b, writes, at } = bar();
    at(999);
    b.update(state(50));
    b.done();
    expect(writes).toEqual([]);
  });

  it('then draws at most every 100 ms, the final state always, and clears its line', () => {
    const { b, writes, at } = bar();
    at(1000);
    b.update(state(10));
    at(1050);
    b.update(state(20));
    at(1100);
    b.update(state(30));
    at(1110);
    b.update(state(100));
    b.done();
    expect(writes.map((w) => /(\d+)%/.exec(w)?.[1] ?? 'clear')).toEqual(['10', '30', '100', 'clear']);
    expect(writes.slice(0, -1).every((w) => w.startsWith('\r') && w.endsWith('\x1b[K'))).toBe(true);
    expect(writes[writes.length - 1]).toBe('\r\x1b[K');
  });
});

describe('scan progress', () => {
  it('reports every file of every node, ending at the totals', async () => {
    const seen: ScanProgress[] = [];
    const set = await sampleSet('healthy');
    const scan = await scanInputs([set], { onProgress: (p) => seen.push(p) });
    scan.cleanup();
    const files = scan.nodes.flatMap((n) => fs.readdirSync(n.dir).map((f) => fs.statSync(path.join(n.dir, f))));
    const last = seen[seen.length - 1]!;
    expect(last).toMatchObject({ filesDone: files.length, filesTotal: files.length, bytesTotal: files.reduce((s, f) => s + f.size, 0) });
    expect(last.bytesDone).toBe(last.bytesTotal);
    expect(seen).toHaveLength(files.length);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.bytesDone).toBeGreaterThanOrEqual(seen[i - 1]!.bytesDone);
  });
});

describe('the CLI', () => {
  it('keeps stderr clean with --json, off a terminal, and for runs under a second', async () => {
    const input = await sampleSet('healthy');
    for (const [tty, json] of [[true, true], [false, false], [true, false]] as const) {
      const io = { ...memoryIo(), stderrIsTty: tty };
      expect(await run(['inspect', ...(json ? ['--json'] : []), input], io)).toBe(0);
      expect(io.err.join('')).toBe('');
    }
  });
});
