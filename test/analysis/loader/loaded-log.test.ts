import { beforeAll, describe, expect, it } from 'vitest';
import {
  diskLog, inferOpenFirstIndexes, loadedLog, openSegmentFirstIndexes, selectSnapshot, snapshotCandidates,
} from '../../../src/analysis/loader/index.js';
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

describe('loadedLog', () => {
  it('looks up terms and entries by index', () => {
    const log = loadedLog(buildNodeIndex(healthy[0]!))!;
    expect(log).toMatchObject({ startIndex: 1n, entries: 2614n, lastIndex: 2614n, lastTerm: 1n, gaps: [] });
    expect(log.termAt(1n)).toBe(1n);
    expect(log.termAt(2614n)).toBe(1n);
    expect(log.termAt(2615n)).toBeUndefined();
    expect(log.termAt(0n)).toBeUndefined();
    expect(log.entryAt(1n)).toMatchObject({ index: 1n, type: 3, file: '0000000000000001-0000000000000001', position: 0 });
    expect(log.entryAt(2049n)).toMatchObject({ file: '0000000000002049-0000000000002614', position: 0 });
    expect(log.latestConfiguration()).toMatchObject({ source: 'log' });
  });

  it('is undefined when start-up fails', () => {
    expect(loadedLog(buildNodeIndex(past[0]!))).toBeUndefined();
  });

  it('uses the finalized names of open segments and the snapshot term at its index', () => {
    const dir = emptyNode();
    s.writeSnapshot(dir, 3n, 10n, 1n);
    s.writeOpen(dir, 1, 11n, { batches: [2, 1], term: 4n });
    const log = loadedLog(buildNodeIndex(dir))!;
    expect(log).toMatchObject({ startIndex: 11n, lastIndex: 13n, lastTerm: 4n });
    expect(log.termAt(10n)).toBe(3n);
    expect(log.entryAt(12n)).toMatchObject({ file: '0000000000000011-0000000000000013', position: 1, term: 4n });
  });
});

describe('diskLog', () => {
  it('keeps the log of a node the loader refuses, with the hole after the snapshot', () => {
    const log = diskLog(buildNodeIndex(past[0]!));
    expect(log.snapshot).toEqual({ index: 1024n, term: 1n });
    expect(log).toMatchObject({ startIndex: 1025n, lastIndex: 3016n, gaps: [{ from: 1025n, to: 2040n }] });
    expect(log.termAt(2041n)).toBe(1n);
    expect(log.termAt(1500n)).toBeUndefined();
  });

  it('numbers open segments after the last closed one and stops at a torn batch', () => {
    const dir = copyNode(crash[1]!);
    const open = d.openWithBatches(dir, 2)!;
    const b = d.batchesOf(dir, open).batches[1]!;
    d.truncate(dir, open, b.offset + 40);
    const log = diskLog(buildNodeIndex(dir));
    const first = d.batchesOf(dir, open).batches[0]!.entries.length;
    expect(log.lastIndex).toBe(2050n + BigInt(first) - 1n);
    expect(openSegmentFirstIndexes(buildNodeIndex(crash[1]!)).get('open-5')).toBe(2050n);
  });

  it('uses an older snapshot when the newest does not load', () => {
    const dir = copyNode(healthy[0]!);
    d.flip(dir, `${d.snapshotsNewestFirst(dir)[0]!}.meta`, 8);
    expect(diskLog(buildNodeIndex(dir)).snapshot).toEqual({ index: 1024n, term: 1n });
  });
});

describe('inferOpenFirstIndexes', () => {
  it('chains open segments; empty ones take no index', () => {
    const dir = emptyNode();
    s.writeOpen(dir, 1, 1n, { batches: [2] });
    s.writeRaw(dir, 'open-2', new Uint8Array(4096));
    s.writeOpen(dir, 3, 3n, { batches: [1, 1] });
    const node = buildNodeIndex(dir);
    const opens = node.segments.filter((x) => x.kind === 'open');
    expect(inferOpenFirstIndexes(100n, opens)).toEqual(new Map([['open-1', 100n], ['open-2', 102n], ['open-3', 102n]]));
  });
});

describe('selectSnapshot', () => {
  it('picks the newest candidate after init\'s clean-up, skipping empty data files', () => {
    expect(selectSnapshot(buildNodeIndex(healthy[0]!))?.name).toBe('snapshot-1-2048-256583');
    const dir = copyNode(healthy[0]!);
    d.truncate(dir, 'snapshot-1-2048-256583', 0);
    const node = buildNodeIndex(dir);
    expect(selectSnapshot(node)?.name).toBe('snapshot-1-1024-251139');
    expect(snapshotCandidates(node).map((c) => c.name)).toEqual(['snapshot-1-1024-251139']);
  });

  it('is undefined without snapshots', () => {
    expect(selectSnapshot(buildNodeIndex(emptyNode()))).toBeUndefined();
  });
});
