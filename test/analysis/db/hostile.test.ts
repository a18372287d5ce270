// Logs whose FRAMES do not apply, on a synthetic node written with the project's encoders: every
// bad entry is a problem naming its index, segment file and file offset; good entries around it
// still apply; nothing crashes and nothing allocates more than the pages really written.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeConfiguration } from '../../../src/format/configuration.js';
import { encodeCommand, type DqliteCommand } from '../../../src/format/dqlite-command.js';
import { formatClosedSegmentName } from '../../../src/format/file-names.js';
import { encodeSegment, EntryType, type EntryToEncode } from '../../../src/format/segment.js';
import { encodeSnapshotData } from '../../../src/format/snapshot-data.js';
import { APPLY_RULES_DQLITE_1_18_2 } from '../../../src/format/dqlite-apply.js';
import { buildNodeIndex } from '../../../src/scan/build-node-index.js';
import { heldLogOf, materialize } from '../../helpers/db.js';
import { sampleNodes } from '../../helpers/samples.js';
import { emptyNode, SERVERS, writeMetadata, writeSnapshot } from '../../helpers/synthetic-node.js';

const PS = 512;

function page(pgno: number, headerPages: number): Uint8Array {
  const p = new Uint8Array(PS).fill(pgno & 0xff);
  if (pgno === 1) {
    p.set(Buffer.from('SQLite format 3\0', 'latin1'), 0);
    p.set([PS >> 8, PS & 0xff], 16);
    new DataView(p.buffer).setUint32(28, headerPages);
  }
  return p;
}

function frames(pgnos: bigint[], header = 3): Uint8Array {
  const cmd: DqliteCommand = { type: 'frames', filename: 'app', txId: 0n, truncate: 0, isCommit: 1, pageSize: PS, pageNumbers: pgnos, pagesOffset: 0 };
  return encodeCommand(cmd, pgnos.map((p) => page(Number(p & 0xffffn), header)));
}

/** A node holding entries 1.. (one per batch) in one closed segment; returns its dir and the segment name. */
function nodeWith(payloads: Uint8Array[]): { dir: string; file: string } {
  const dir = emptyNode();
  const batches: EntryToEncode[][] = [[{ term: 1n, type: EntryType.CHANGE, payload: encodeConfiguration(SERVERS) }]];
  for (const payload of payloads) batches.push([{ term: 1n, type: EntryType.COMMAND, payload }]);
  const file = formatClosedSegmentName(1n, BigInt(batches.length));
  fs.writeFileSync(path.join(dir, file), encodeSegment(batches));
  writeMetadata(dir, 1, 1n, 1n);
  return { dir, file };
}

describe('FRAMES that do not apply', () => {
  it('page 0, a page number past INT32_MAX, a huge page count and garbage: problems with index, file and offset; the rest applies', () => {
    const hugeCount = frames([1n], 1);
    new DataView(hugeCount.buffer).setUint32(8 + 8 + 16, 0xffffffff, true); // n_pages
    const { dir, file } = nodeWith([
      frames([1n, 2n, 3n]), frames([0n]), frames([0x80000000n]), hugeCount, Uint8Array.from([9, 9, 9, 9, 9, 9, 9, 9]), frames([2n]),
    ]);
    const node = buildNodeIndex(dir);
    const r = materialize(heldLogOf(node));
    expect(r.databases.map((d) => [d.name, d.pages, d.transactions])).toEqual([['app', 3, 2]]);
    expect(r.problems.map((p) => [p.kind, p.index, p.file, p.severity])).toEqual([
      ['frames-page-number', 3n, file, 'error'],
      ['frames-page-number', 4n, file, 'error'],
      ['command-short-read', 5n, file, 'error'],
      ['command-bad-format', 6n, file, 'error'],
    ]);
    const entry3 = node.segments[0]!.decoded.batches.entry(2);
    expect(r.problems[0]!.offset).toBe(entry3.payloadOffset + 8 + 8 + 24); // the page number itself
    expect(r.problems[0]!.message).toMatch(/^entry 3 \(0000000000000001-0000000000000007\): page number 0/);
  });

  it('a page-1 size field of 0xffffffff under the 1.18.2 rule: a warning, a sparse file, no giant allocation', () => {
    const { dir } = nodeWith([frames([1n, 2n, 3n]), frames([1n], 0xffffffff)]);
    const r = materialize(heldLogOf(buildNodeIndex(dir)), { rules: APPLY_RULES_DQLITE_1_18_2 });
    const db = r.databases[0]!;
    expect(db.pages).toBe(0xffffffff);
    expect(db.image.allocatedBytes).toBeLessThanOrEqual(1 << 20);
    expect(r.problems.map((p) => [p.kind, p.index])).toEqual([['frames-gap', 3n]]);
    expect(() => db.image.toBytes()).toThrow(RangeError);
  });

  it('a node scanned by log tail only (segments read by name): refused, never entries silently skipped', async () => {
    const node = buildNodeIndex((await sampleNodes('healthy'))[0]!, { logTailOnly: true });
    expect(node.segments.some((g) => g.depth === 'name')).toBe(true);
    const log = heldLogOf(node);
    expect(() => materialize({ ...log, snapshots: [] })).toThrow(/was not read entry by entry/);
  });

  it('a snapshot whose payload is damaged is not used: the next older start is, and the problem is named', () => {
    const { dir } = nodeWith([frames([1n, 2n, 3n]), frames([2n])]);
    writeSnapshot(dir, 1n, 2n, 100n, { content: encodeSnapshotData([{ filename: 'app', main: new Uint8Array(3 * PS).fill(1) }]).subarray(0, 40) });
    const node = buildNodeIndex(dir);
    const log = heldLogOf(node);
    const r = materialize({ ...log, snapshots: node.snapshots.map((record) => ({ node, record, index: record.index })) });
    expect(r.start).toEqual({ kind: 'empty' });
    expect(r.problems.map((p) => p.kind)).toContain('snapshot-data-short');
    expect(r.databases[0]!.pages).toBe(3);
  });
});
