import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictStartup, type StartupPrediction } from '../../../src/analysis/loader/index.js';
import { toJson } from '../../../src/core/u64.js';
import { buildNodeIndex } from '../../../src/scan/build-node-index.js';
import * as d from '../../helpers/damage.js';
import { copyNode, sampleNodes } from '../../helpers/samples.js';
import * as s from '../../helpers/synthetic-node.js';

// copyNode and emptyNode remove their scratch dirs after the test file.
const emptyNode = s.emptyNode;

let healthy: string[];
let crash: string[];
let past: string[];
beforeAll(async () => {
  healthy = await sampleNodes('healthy');
  crash = await sampleNodes('crash');
  past = await sampleNodes('past-snapshot');
});

const predict = (dir: string, autoRecovery = true): StartupPrediction => predictStartup(buildNodeIndex(dir), { autoRecovery });

describe('predictStartup on real sample nodes', () => {
  it('a healthy node starts with its whole log and the configuration from its last CHANGE entry', () => {
    const p = predict(healthy[0]!);
    expect(p).toMatchObject({ ok: true, outcome: 'ok', renamed: [], removed: [], created: [], ignored: [] });
    expect(p.snapshot).toMatchObject({ name: 'snapshot-1-2048-256583', term: 1n, index: 2048n, members: 3, compressed: true });
    expect(p.log).toMatchObject({ startIndex: 1n, entries: 2614n, lastIndex: 2614n, lastTerm: 1n, term: 2n });
    expect(p.log!.configuration).toHaveLength(3);
    expect(p.log!.runs.map((r) => r.file)).toEqual(d.closedSegments(healthy[0]!));
    expect(p.why).toMatch(/^The node starts: snapshot 1\/2048, entries 1\.\.2614/);
    expect(p.engine).toBe('dqlite-1.11');
    expect(p.notes.join('\n')).toMatch(/dqlite-1\.11 would write its configuration entry at index 2615 with term 1/);
  });

  it('a crashed node finalizes its open segment and deletes the zero-filled ones', () => {
    const p = predict(crash[0]!);
    expect(p).toMatchObject({ ok: true, created: ['0000000000002049-0000000000002613'], removed: ['open-5', 'open-6', 'open-7'] });
    expect(p.log!.runs.at(-1)).toEqual({
      file: '0000000000002049-0000000000002613', source: 'open-5', firstIndex: 2049n, lastIndex: 2613n, entries: 565,
    });
  });

  it('a node missing the segment after its snapshot is refused with C\'s exact message', () => {
    const p = predict(past[0]!);
    expect(p).toMatchObject({
      ok: false, outcome: 'error', stage: 'load', raftCode: 'CORRUPT', code: 12, codeName: 'persisted data is corrupted',
      cause: 'past-snapshot', file: '0000000000002041-0000000000002048',
      error: 'closed segment 0000000000002041-0000000000002048 is past last snapshot snapshot-1-1024-317095',
    });
    expect(p.why).toMatch(/missing/);
    expect(p.log).toBeUndefined();
  });

  it('is plain data that serialises to a small JSON document', () => {
    const text = toJson(predict(healthy[0]!));
    expect(text.length).toBeLessThan(20_000);
    expect(JSON.parse(text).log.lastIndex).toBe('2614');
  });
});

describe('predictStartup on damaged copies', () => {
  it('auto-recovery moves a corrupt last closed segment aside and says what it cost', () => {
    const dir = copyNode(healthy[0]!);
    const last = d.closedSegments(dir).at(-1)!;
    d.flip(dir, last, 5000);
    const p = predict(dir);
    expect(p).toMatchObject({ ok: true, renamed: [last], log: { lastIndex: 2048n } });
    expect(p.recoveredFrom?.error).toMatch(/^load closed segment .*: entries batch \d+ starting at byte \d+: (data|header) checksum mismatch$/);
    expect(p.why).toMatch(/auto-recovery moved/);
    const off = predict(dir, false);
    expect(off).toMatchObject({ ok: false, raftCode: 'CORRUPT', renamed: [] });
    expect(off.why).toMatch(/Auto-recovery is off/);
  });

  it('a torn open segment after a good batch is a crash', () => {
    const dir = copyNode(crash[0]!);
    const open = d.openWithBatches(dir, 2)!;
    const b = d.batchesOf(dir, open).batches[1]!;
    d.truncate(dir, open, b.offset + 40);
    const p = predict(dir);
    expect(p).toMatchObject({ ok: false, outcome: 'crash', stage: 'load', file: open, cause: 'open-short-data' });
    expect(p.error).toBeUndefined();
    expect(p.why).toMatch(/frees the same buffer twice/);
    expect(p.notes.join('\n')).toMatch(/double free/);
  });

  it('a newest snapshot cut short hangs, and the older one is never tried', () => {
    const dir = copyNode(healthy[0]!);
    const snap = d.snapshotsNewestFirst(dir)[0]!;
    d.truncate(dir, snap, 3000);
    const p = predict(dir);
    expect(p).toMatchObject({ ok: false, outcome: 'hang', file: snap, cause: 'lz4-truncated' });
    expect(p.notes.join('\n')).toMatch(/loads only the newest snapshot: the older snapshot-1-1024-251139 is not tried/);
  });

  it('metadata errors fail init after the clean-up already happened', () => {
    const dir = copyNode(healthy[0]!);
    d.write(dir, 'tmp-x', Uint8Array.of(120));
    d.append(dir, 'metadata1', new Uint8Array(8));
    const p = predict(dir);
    expect(p).toMatchObject({
      ok: false, stage: 'init', raftCode: 'CORRUPT', error: 'metadata1 has size 40 instead of 32', removed: ['tmp-x'],
    });
  });

  it('notes a header-only scan', () => {
    const p = predictStartup(buildNodeIndex(healthy[1]!, { verifyData: false }));
    expect(p.ok).toBe(true);
    expect(p.notes.join('\n')).toMatch(/not verified/);
  });
});

describe('predictStartup on synthetic nodes', () => {
  it('a fresh directory starts empty', () => {
    const p = predict(emptyNode());
    expect(p).toMatchObject({ ok: true, log: { startIndex: 1n, entries: 0n, lastIndex: 0n, lastTerm: 0n, term: 0n } });
    expect(p.log!.configuration).toBeUndefined();
  });

  it('takes the newest configuration: a later CHANGE entry beats the snapshot\'s', () => {
    const dir = emptyNode();
    s.writeSnapshot(dir, 1n, 4n, 9n, { configurationIndex: 1n });
    s.writeClosed(dir, 1n, { batches: [3, 5], changeAt: [7n] });
    const p = predict(dir);
    expect(p.log).toMatchObject({ configurationIndex: 7n });
    fs.rmSync(path.join(dir, '0000000000000001-0000000000000008'));
    s.writeClosed(dir, 1n, { batches: [8] });
    expect(predict(dir).log).toMatchObject({ configurationIndex: 1n });
  });
});
