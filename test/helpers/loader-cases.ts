// Named synthetic node directories for the loader simulation, each with what libraft 0.15 does
// with it (checked with raft-load.sh by test/interop/loader-synthetic.test.ts, which compares every
// field; the unit tests check the fields listed here without the engine).
import fs from 'node:fs';
import path from 'node:path';
import { encodeConfiguration } from '../../src/format/configuration.js';
import { encodeSnapshotMetaRaw } from '../../src/format/snapshot-meta.js';
import type { Comparable } from './loader-compare.js';
import { setEntryType } from './damage.js';
import * as s from './synthetic-node.js';

/** Sets the first entry's type in the first batch and fixes the header checksum. */
const setType = (dir: string, file: string, type: number): void => setEntryType(dir, file, 0, 0, type);

export interface LoaderCase {
  readonly name: string;
  readonly build: (dir: string) => void;
  /** With auto-recovery (the default). */
  readonly expect: Partial<Comparable>;
  /** With auto-recovery off, when it differs. */
  readonly expectNoAuto?: Partial<Comparable>;
}

const pad = (n: bigint): string => n.toString().padStart(16, '0');
const closedName = (a: bigint, b: bigint): string => `${pad(a)}-${pad(b)}`;
const u64 = (v: bigint): Uint8Array => { const b = Buffer.alloc(8); b.writeBigUInt64LE(v); return b; };

/** A batch preamble claiming `n` entries with zero checksums (fails crc1 or runs past EOF). */
function junkPreamble(n: bigint): Uint8Array {
  return Buffer.concat([Buffer.alloc(8), u64(n)]);
}


export const LOADER_CASES: LoaderCase[] = [
  { name: 'empty directory', build: () => undefined,
    expect: { ok: true, term: '0', votedFor: '0', snapshot: null, startIndex: '1', entries: 0, lastIndex: '0', lastTerm: '0' } },
  { name: 'bootstrapped node (metadata1 v1, segment 1-1)', build: (dir) => {
    s.writeMetadata(dir, 1, 1n, 1n); s.writeClosed(dir, 1n, { batches: [1] });
  }, expect: { ok: true, term: '1', startIndex: '1', entries: 1, lastIndex: '1', lastTerm: '1' } },
  { name: 'gap between closed segments without a snapshot', build: (dir) => {
    s.writeClosed(dir, 1n, { batches: [3] }); s.writeClosed(dir, 5n, { batches: [2] });
  }, expect: { ok: false, code: 12, error: `unexpected closed segment ${closedName(5n, 6n)}: first index should have been 4` } },
  { name: 'closed segments end before the snapshot, open segment too short to reach it', build: (dir) => {
    s.writeSnapshot(dir, 1n, 100n, 5n); s.writeClosed(dir, 1n, { batches: [50] }); s.writeOpen(dir, 1, 51n, { batches: [4, 6] });
  }, expect: { ok: true, startIndex: '101', entries: 0, lastIndex: '100', created: [closedName(51n, 60n)], removed: ['open-1'] },
  expectNoAuto: { ok: false, code: 12, error: "last entry on disk has index 60, which is behind last snapshot's index 100", created: [closedName(51n, 60n)], removed: ['open-1'] } },
  { name: 'closed segments end before the snapshot, no open segment', build: (dir) => {
    s.writeSnapshot(dir, 1n, 100n, 5n); s.writeClosed(dir, 1n, { batches: [50] });
  }, expect: { ok: true, startIndex: '101', entries: 0, lastIndex: '100' } },
  { name: 'unpadded legacy closed names', build: (dir) => {
    s.writeClosed(dir, 1n, { batches: [3] }, '1-3'); s.writeClosed(dir, 4n, { batches: [2] }, '4-5');
  }, expect: { ok: true, startIndex: '1', entries: 5, lastIndex: '5' } },
  { name: 'a 17-digit closed name is not a segment', build: (dir) => {
    s.writeClosed(dir, 1n, { batches: [3] }); s.writeClosed(dir, 4n, { batches: [2] }, `0${pad(4n)}-${pad(5n)}`);
  }, expect: { ok: true, entries: 3, lastIndex: '3' } },
  { name: 'overlapping closed segments without a snapshot', build: (dir) => {
    s.writeClosed(dir, 1n, { batches: [5] }); s.writeClosed(dir, 3n, { batches: [6] });
  }, expect: { ok: false, code: 12, error: `unexpected closed segment ${closedName(3n, 8n)}: first index should have been 1` } },
  { name: 'overlapping closed segments after a snapshot', build: (dir) => {
    s.writeSnapshot(dir, 1n, 4n, 5n); s.writeClosed(dir, 1n, { batches: [5] }); s.writeClosed(dir, 3n, { batches: [6] });
    s.writeClosed(dir, 9n, { batches: [2] });
  }, expect: { ok: false, code: 12, error: `closed segment ${closedName(9n, 10n)} is past last snapshot snapshot-1-4-5` } },
  { name: 'open segments only, no snapshot', build: (dir) => {
    s.writeOpen(dir, 1, 1n, { batches: [1, 2] }); s.writeOpen(dir, 2, 4n, { batches: [2] });
  }, expect: { ok: true, startIndex: '1', entries: 5, created: [closedName(1n, 3n), closedName(4n, 5n)], removed: ['open-1', 'open-2'] } },
  { name: 'open segments only after a snapshot are numbered from it', build: (dir) => {
    s.writeSnapshot(dir, 2n, 10n, 5n); s.writeOpen(dir, 3, 500n, { batches: [2, 2], term: 2n });
  }, expect: { ok: true, startIndex: '11', entries: 4, lastIndex: '14', lastTerm: '2', created: [closedName(11n, 14n)] } },
  { name: 'open segment: zero count then garbage after good batches', build: (dir) => {
    s.writeOpen(dir, 1, 1n, { batches: [1, 1] }, { tail: Buffer.concat([Buffer.alloc(16), Buffer.from('garbage!')]) });
  }, expect: { ok: true, entries: 2, created: [closedName(1n, 2n)] } },
  { name: 'open segment: junk preamble whose header runs past the end (double free)', build: (dir) => {
    s.writeOpen(dir, 1, 1n, { batches: [1] }, { tail: junkPreamble(1000n), size: 4096 });
  }, expect: { ok: false, crash: true } },
  { name: 'open segment: junk preamble failing the header checksum', build: (dir) => {
    s.writeOpen(dir, 1, 1n, { batches: [1] }, { tail: junkPreamble(5n) });
  }, expect: { ok: true, entries: 1, created: [closedName(1n, 1n)] } },
  { name: 'bad type after a finalized open segment (stale message)', build: (dir) => {
    s.writeOpen(dir, 1, 1n, { batches: [1, 2] });
    s.writeOpen(dir, 2, 4n, { batches: [2] });
    setType(dir, 'open-2', 9);
  }, expect: { ok: false, code: 6, error: `load open segment open-2: entries batch 1 starting at byte 8: load open segment ${closedName(1n, 3n)}: entries count in preamble is zero` } },
  { name: 'bad type after open segments that end exactly at EOF (message cut at 255 bytes)', build: (dir) => {
    // No zero tail: nothing resets io->errmsg, so every "load open segment" wrap piles up.
    for (let i = 0; i < 8; i++) s.writeOpen(dir, i + 1, BigInt(i + 1), { batches: [1] }, { size: 0 });
    s.writeOpen(dir, 9, 9n, { batches: [1] });
    setType(dir, 'open-9', 9);
  }, expect: { ok: false, code: 6, error: `load open segment open-9: entries batch 1 starting at byte 8: ${
    [8n, 7n, 6n, 5n, 4n].map((i) => `load open segment ${closedName(i, i)}: `).join('')}`.slice(0, 255) } },
  { name: 'closed segment with an absurd entry count', build: (dir) => {
    s.writeClosed(dir, 1n, { batches: [2] });
    const name = s.writeClosed(dir, 3n, { batches: [1] });
    fs.appendFileSync(path.join(dir, name), junkPreamble(300000n));
  }, expect: { ok: true, entries: 2, renamed: [closedName(3n, 3n)] },
  expectNoAuto: { ok: false, code: 12, error: `load closed segment ${closedName(3n, 3n)}: entries batch 2 starting at byte 48: entries count 300000 in preamble is too high` } },
  { name: 'closed segment whose last batch header runs past the end', build: (dir) => {
    s.writeClosed(dir, 1n, { batches: [2] });
    const name = s.writeClosed(dir, 3n, { batches: [1] });
    fs.appendFileSync(path.join(dir, name), junkPreamble(1000n));
  }, expect: { ok: false, code: 18, error: `load closed segment ${closedName(3n, 3n)}: entries batch 2 starting at byte 48: read header: short read: 0 bytes instead of 16000` } },
  { name: 'snapshot term beats a higher index', build: (dir) => {
    s.writeSnapshot(dir, 1n, 200n, 5n); s.writeSnapshot(dir, 2n, 100n, 9n);
  }, expect: { ok: true, snapshot: { term: '2', index: '100', configurationIndex: '1', members: 3 }, startIndex: '101', lastIndex: '100' } },
  { name: 'non-canonical snapshot names are both deleted as orphans', build: (dir) => {
    s.writeSnapshot(dir, 1n, 5n, 7n);
    fs.renameSync(path.join(dir, 'snapshot-1-5-7'), path.join(dir, 'snapshot-01-5-7'));
    fs.renameSync(path.join(dir, 'snapshot-1-5-7.meta'), path.join(dir, 'snapshot-01-5-7.meta'));
  }, expect: { ok: true, snapshot: null, removed: ['snapshot-01-5-7', 'snapshot-01-5-7.meta'] } },
  { name: 'a tmp- directory leaves its unlink error behind', build: (dir) => {
    fs.mkdirSync(path.join(dir, 'tmp-dir'));
    s.writeSnapshot(dir, 1n, 5n, 7n);
    const meta = path.join(dir, 'snapshot-1-5-7.meta');
    const b = fs.readFileSync(meta); b[0] = 2; fs.writeFileSync(meta, b);
  }, expect: { ok: false, code: 6, error: 'unlink: illegal operation on a directory' } },
  { name: 'both metadata files at version 0', build: (dir) => {
    s.writeMetadata(dir, 1, 0n, 1n); s.writeMetadata(dir, 2, 0n, 1n);
  }, expect: { ok: false, stage: 'init', code: 12, error: 'decode content of metadata1: version is set to zero' } },
  { name: 'open segment with format 0 and data', build: (dir) => {
    s.writeClosed(dir, 1n, { batches: [2] });
    s.writeOpen(dir, 1, 3n, { batches: [1] }); s.writeOpen(dir, 2, 4n, { batches: [1] });
    const p = path.join(dir, 'open-1'); const b = fs.readFileSync(p); b[0] = 0; fs.writeFileSync(p, b);
  }, expect: { ok: true, entries: 2, renamed: ['open-1', 'open-2'] },
  expectNoAuto: { ok: false, code: 12, error: 'load open segment open-1: unexpected format version 0' } },
  { name: 'zero-filled open segment is removed', build: (dir) => {
    s.writeClosed(dir, 1n, { batches: [2] }); s.writeRaw(dir, 'open-4', new Uint8Array(4096));
  }, expect: { ok: true, entries: 2, removed: ['open-4'] } },
  { name: 'closed segment of 5 bytes', build: (dir) => {
    s.writeClosed(dir, 1n, { batches: [2] }); s.writeRaw(dir, closedName(3n, 4n), new Uint8Array(5));
  }, expect: { ok: false, code: 18, error: `load closed segment ${closedName(3n, 4n)}: file has only 5 bytes` } },
  { name: 'empty last closed segment', build: (dir) => {
    s.writeClosed(dir, 1n, { batches: [2] }); s.writeRaw(dir, closedName(3n, 4n), '');
    s.writeOpen(dir, 1, 5n, { batches: [1] });
  }, expect: { ok: true, entries: 2, renamed: [closedName(3n, 4n), 'open-1'] },
  expectNoAuto: { ok: false, code: 12, error: `load closed segment ${closedName(3n, 4n)}: file is empty` } },
  { name: 'closed segment with format 2', build: (dir) => {
    const name = s.writeClosed(dir, 1n, { batches: [2] });
    const p = path.join(dir, name); const b = fs.readFileSync(p); b[0] = 2; fs.writeFileSync(p, b);
  }, expect: { ok: true, entries: 0, renamed: [closedName(1n, 2n)] },
  expectNoAuto: { ok: false, code: 12, error: `load closed segment ${closedName(1n, 2n)}: unexpected format version 2` } },
  { name: 'corrupt open segment between good ones is dropped silently', build: (dir) => {
    s.writeOpen(dir, 1, 1n, { batches: [2] });
    s.writeOpen(dir, 2, 3n, { batches: [2] }, { size: 4096 });
    const p = path.join(dir, 'open-2'); const b = fs.readFileSync(p); b[8] = b[8]! ^ 0xff; fs.writeFileSync(p, b);
    s.writeOpen(dir, 3, 5n, { batches: [3] });
  }, expect: { ok: true, entries: 5, removed: ['open-1', 'open-2', 'open-3'], created: [closedName(1n, 2n), closedName(3n, 5n)] } },
  { name: 'long and corrupt-* names are ignored', build: (dir) => {
    s.writeClosed(dir, 1n, { batches: [2] });
    s.writeRaw(dir, `corrupt-1-${closedName(3n, 4n)}`, 'x');
    s.writeRaw(dir, `${'9'.repeat(130)}`, 'x');
  }, expect: { ok: true, entries: 2 } },
  { name: 'snapshot .meta with a bad role', build: (dir) => {
    const conf = encodeConfiguration([{ id: 1n, address: 'a', role: 7 }]);
    s.writeSnapshot(dir, 1n, 5n, 7n);
    s.writeRaw(dir, 'snapshot-1-5-7.meta', encodeSnapshotMetaRaw(1n, conf));
  }, expect: { ok: false, code: 5, error: '' } },
  { name: 'raw (uncompressed) snapshot of 3 bytes', build: (dir) => {
    s.writeSnapshot(dir, 1n, 5n, 7n, { raw: true, content: Uint8Array.of(1, 2, 3) });
  }, expect: { ok: true, snapshot: { term: '1', index: '5', configurationIndex: '1', members: 3 } } },
  { name: 'orphan halves and a .probe file', build: (dir) => {
    s.writeSnapshot(dir, 1n, 5n, 7n);
    s.writeRaw(dir, 'snapshot-1-3-2', 'data'); s.writeRaw(dir, 'snapshot-1-9-9.meta', 'meta'); s.writeRaw(dir, '.probe', 'p');
  }, expect: { ok: true, removed: ['snapshot-1-3-2', 'snapshot-1-9-9.meta'] } },
  { name: 'snapshot data file is a directory', build: (dir) => {
    s.writeSnapshot(dir, 1n, 5n, 7n);
    fs.rmSync(path.join(dir, 'snapshot-1-5-7'));
    fs.mkdirSync(path.join(dir, 'snapshot-1-5-7'));
  }, expect: { ok: false, code: 18, error: 'read: illegal operation on a directory' } },
  { name: 'metadata1 is a directory (its st_size is compared with 32)', build: (dir) => {
    fs.mkdirSync(path.join(dir, 'metadata1'));
  }, expect: { ok: false, stage: 'init', code: 12 } },
  { name: 'closed segment name on a directory', build: (dir) => {
    s.writeClosed(dir, 1n, { batches: [2] });
    fs.mkdirSync(path.join(dir, closedName(3n, 4n)));
  }, expect: { ok: false, code: 18, error: `load closed segment ${closedName(3n, 4n)}: read file: read: illegal operation on a directory` } },
  { name: 'open segment name on a directory', build: (dir) => {
    s.writeClosed(dir, 1n, { batches: [2] });
    fs.mkdirSync(path.join(dir, 'open-1'));
  }, expect: { ok: false, code: 18, error: 'load open segment open-1: read file: read: illegal operation on a directory' } },
  { name: 'two open segments with the same counter (open-1, open-01)', build: (dir) => {
    s.writeOpen(dir, 1, 1n, { batches: [2] });
    fs.copyFileSync(path.join(dir, 'open-1'), path.join(dir, 'open-01'));
  }, expect: { ok: true, entries: 4, removed: ['open-01', 'open-1'], created: [closedName(1n, 2n), closedName(3n, 4n)] } },
  { name: 'closed name with first > last (expected count wraps to 32 bits)', build: (dir) => {
    s.writeClosed(dir, 1n, { batches: [2] });
    s.writeClosed(dir, 3n, { batches: [2] }, closedName(3n, 1n));
  }, expect: { ok: true, entries: 2, renamed: [closedName(3n, 1n)] },
  expectNoAuto: { ok: false, code: 12, error: `load closed segment ${closedName(3n, 1n)}: found 2 entries (expected 4294967295)` } },
];


