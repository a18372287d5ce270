// One synthetic node per engine difference, predicted under each profile: the profile field decides
// the outcome where the behaviour happens. What the real engines do with the same kinds of damage is
// checked by test/interop/loader-engines.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineProfile, profileOf, type EngineName, type EngineProfile } from '../../../src/analysis/engine/profiles.js';
import { ErrMsg } from '../../../src/analysis/loader/errmsg.js';
import { recoveryEntryTerm } from '../../../src/analysis/loader/explain.js';
import { predictStartup, type StartupPrediction } from '../../../src/analysis/loader/index.js';
import { runMaintenance } from '../../../src/analysis/loader/init.js';
import { SimDir } from '../../../src/analysis/loader/sim-dir.js';
import { STREAM_CHUNK } from '../../../src/analysis/loader/snapshot-read.js';
import { chooseSnapshot } from '../../../src/analysis/recovery/source-log.js';
import { LZ4_FRAME_MAGIC, xxh32 } from '../../../src/format/lz4-frame.js';
import { encodeSnapshotData } from '../../../src/format/snapshot-data.js';
import { encodeSnapshotMeta } from '../../../src/format/snapshot-meta.js';
import { buildNodeIndex } from '../../../src/scan/build-node-index.js';
import type { NodeIndex } from '../../../src/scan/node-index.js';
import { flip, truncate } from '../../helpers/damage.js';
import { predictionAsEngine } from '../../helpers/loader-compare.js';
import { copyNode, sampleNodes } from '../../helpers/samples.js';
import * as s from '../../helpers/synthetic-node.js';

const P = (name: EngineName | string): EngineProfile => engineProfile(name)!;
const predict = (node: NodeIndex, engine: EngineName | string, autoRecovery = true): StartupPrediction =>
  predictStartup(node, { engine: P(engine), autoRecovery });

/** A node built by `build` in a scratch directory, indexed (the directory is removed). */
function nodeOf(build: (dir: string) => void, verifyData = true): NodeIndex {
  const dir = s.emptyNode();
  try {
    build(dir);
    return buildNodeIndex(dir, { verifyData });
  } finally {
    s.removeNode(dir);
  }
}

const size = (dir: string, name: string): number => fs.statSync(path.join(dir, name)).size;

/** An LZ4 frame with no content-size field (FLG 0x64: version 1, independent blocks, content checksum), one stored block. */
function frameWithoutContentSize(content: Uint8Array): Uint8Array {
  const desc = Uint8Array.of(0x64, 0x40);
  const out = Buffer.alloc(4 + 2 + 1 + 4 + content.length + 4 + 4);
  out.writeUInt32LE(LZ4_FRAME_MAGIC, 0);
  out.set(desc, 4);
  out[6] = (xxh32(desc) >>> 8) & 0xff;
  out.writeUInt32LE((0x80000000 | content.length) >>> 0, 7);
  out.set(content, 11);
  out.writeUInt32LE(0, 11 + content.length);
  out.writeUInt32LE(xxh32(content), 15 + content.length);
  return out;
}

describe('snapshot data: detect the LZ4 magic vs always LZ4 (dqlite ≥ 1.18.3)', () => {
  const raw = nodeOf((dir) => s.writeSnapshot(dir, 1n, 100n, 5n, { raw: true, content: new Uint8Array(300).fill(1) }));

  it('an uncompressed snapshot loads where the magic is detected', () => {
    for (const e of ['dqlite-1.11', 'dqlite-1.16', 'dqlite-1.17', 'dqlite-1.18.2', 'cowsql-1.15']) {
      expect(predict(raw, e), e).toMatchObject({ ok: true, snapshot: { index: 100n, compressed: false } });
    }
  });

  it('dqlite ≥ 1.18.3 refuses it: LZ4F_getFrameInfo ERROR_frameType_unknown', () => {
    const p = predict(raw, 'dqlite-1.18');
    expect(p).toMatchObject({ ok: false, outcome: 'error', code: 18, codeName: 'I/O error', error: 'LZ4F_getFrameInfo ERROR_frameType_unknown', cause: 'lz4-not-a-frame' });
    expect(p.why).toMatch(/not an LZ4 frame.*dqlite-1\.18 reads every snapshot as LZ4/);
  });

  it('below 7 bytes: "compressed file is too short", RAFT_INVALID named by raft ≥ 0.17\'s table', () => {
    const tiny = nodeOf((dir) => s.writeSnapshot(dir, 1n, 100n, 5n, { raw: true, content: new Uint8Array(5).fill(1) }));
    expect(predict(tiny, 'dqlite-1.18.3')).toMatchObject({ code: 20, codeName: 'Invalid parameter', error: 'compressed file is too short' });
    expect(predict(tiny, 'dqlite-1.11')).toMatchObject({ ok: true });
  });

  it('built without LZ4: "LZ4 not available", which libraft 0.15 cannot name', () => {
    const lz4 = nodeOf((dir) => s.writeSnapshot(dir, 1n, 100n, 5n));
    const noLz4 = (base: EngineProfile): EngineProfile => ({ ...base, snapshots: { ...base.snapshots, read: 'no-lz4' } });
    expect(predictStartup(lz4, { engine: noLz4(P('dqlite-1.11')) })).toMatchObject({ code: 20, codeName: 'unknown error', error: 'LZ4 not available' });
    expect(predictStartup(lz4, { engine: noLz4(P('cowsql-1.15')) })).toMatchObject({ code: 20, codeName: 'Invalid parameter' });
    expect(predictStartup(raw, { engine: noLz4(P('dqlite-1.11')) })).toMatchObject({ ok: true });
  });
});

describe('LZ4 frames: raft\'s Decompress (hangs) vs dqlite ≥ 1.18.3\'s streaming reader', () => {
  const content = new Uint8Array(100_000).map((_, i) => i % 251);
  /** Two stored blocks (65536 + 34464); cut `cut` bytes into the second block's data. */
  const cutNode = (cut: number): NodeIndex => nodeOf((dir) => {
    s.writeSnapshot(dir, 1n, 50n, 4n);
    const name = s.writeSnapshot(dir, 1n, 100n, 5n, { content });
    truncate(dir, name, 15 + 4 + 65536 + 4 + cut);
  });

  it('a frame cut short: a hang, or "short read" counting the stored bytes that arrived', () => {
    const node = cutNode(1000);
    expect(predict(node, 'dqlite-1.11')).toMatchObject({ outcome: 'hang', cause: 'lz4-truncated' });
    expect(predict(node, 'dqlite-1.18.2')).toMatchObject({ outcome: 'hang' });
    expect(predict(node, 'dqlite-1.18')).toMatchObject({
      outcome: 'error', code: 18, error: 'short read: 66536 bytes instead of 100000', cause: 'lz4-short-read', file: 'snapshot-1-100-5.meta',
    });
  });

  it('cowsql hangs too: it falls back only after an error', () => {
    const p = predict(cutNode(1000), 'cowsql-1.15');
    expect(p).toMatchObject({ outcome: 'hang', file: 'snapshot-1-100-5' });
    expect(p.notes.join('\n')).toMatch(/falls back to older snapshots only after an error: the hang on snapshot-1-100-5 never returns, so snapshot-1-50-4 is never tried/);
  });

  it('only the end mark and checksum missing: dqlite 1.18 loads it unchecked', () => {
    const node = nodeOf((dir) => {
      const name = s.writeSnapshot(dir, 1n, 100n, 5n, { content });
      truncate(dir, name, size(dir, name) - 2);
    });
    expect(predict(node, 'dqlite-1.11').outcome).toBe('hang');
    expect(predict(node, 'dqlite-1.18')).toMatchObject({ ok: true, snapshot: { index: 100n } });
  });

  it('no content size: a hang, or a load with no data (noted)', () => {
    const node = nodeOf((dir) => {
      const name = s.writeSnapshot(dir, 1n, 100n, 5n);
      fs.writeFileSync(path.join(dir, name), frameWithoutContentSize(new Uint8Array(64).fill(7)));
    });
    expect(predict(node, 'dqlite-1.11').outcome).toBe('hang');
    expect(predict(node, 'dqlite-1.11').why).toMatch(/more than the content size it declares/);
    const p = predict(node, 'dqlite-1.18');
    expect(p.ok).toBe(true);
    expect(p.notes.join('\n')).toMatch(/declares no content size/);
  });

  it('the content checksum is checked only in the 4 MiB read chunk that completes the content', () => {
    const at = (beforeChunkEnd: number): NodeIndex => nodeOf((dir) => {
      const big = new Uint8Array(STREAM_CHUNK - beforeChunkEnd - 15 - 4 * 65).fill(0x5a);
      const name = s.writeSnapshot(dir, 1n, 100n, 5n, { content: big });
      flip(dir, name, size(dir, name) - 2);
    });
    expect(predict(at(8), 'dqlite-1.18')).toMatchObject({ ok: false, error: 'LZ4F_decompress ERROR_contentChecksum_invalid' });
    expect(predict(at(4), 'dqlite-1.18').ok).toBe(true);
    expect(predict(at(0), 'dqlite-1.18').ok).toBe(true);
    expect(predict(at(4), 'dqlite-1.11')).toMatchObject({ ok: false, error: 'LZ4F_decompress ERROR_contentChecksum_invalid' });
  });

  it('a header-only scan estimates the bytes out from whole blocks (exact for frames raft and dqlite write)', async () => {
    const dir = copyNode((await sampleNodes('healthy'))[0]!);
    const snap = fs.readdirSync(dir).find((n) => n.startsWith('snapshot-1-2048-') && !n.endsWith('.meta'))!;
    truncate(dir, snap, Math.floor(size(dir, snap) / 2));
    const full = predictStartup(buildNodeIndex(dir), { engine: P('dqlite-1.18') });
    const headers = predictStartup(buildNodeIndex(dir, { verifyData: false }), { engine: P('dqlite-1.18') });
    expect(full.error).toBe('short read: 131072 bytes instead of 309000');
    expect(headers.error).toBe(full.error);
  });
});

describe('snapshot fallback (cowsql/raft ≥ 0.22)', () => {
  const twoSnapshots = (damage: (dir: string) => void): NodeIndex => nodeOf((dir) => {
    s.writeClosed(dir, 1n, { batches: [120] });
    const content = encodeSnapshotData([]); // a payload dqlite restores: recovery may keep it
    s.writeSnapshot(dir, 1n, 50n, 4n, { content });
    s.writeSnapshot(dir, 1n, 100n, 5n, { content });
    damage(dir);
  });

  it('a bad newest .meta: cowsql uses the older snapshot, the others stop', () => {
    const node = twoSnapshots((dir) => flip(dir, 'snapshot-1-100-5.meta', 8));
    expect(predict(node, 'dqlite-1.11')).toMatchObject({ ok: false, code: 12, error: 'read snapshot-1-100-5.meta: checksum mismatch' });
    expect(predict(node, 'dqlite-1.18')).toMatchObject({ ok: false, code: 12 });
    const p = predict(node, 'cowsql-1.15');
    expect(p).toMatchObject({ ok: true, snapshot: { name: 'snapshot-1-50-4' }, renamed: [], removed: [] });
    expect(p.notes.join('\n')).toMatch(/cowsql-1\.15 skipped the newer snapshot snapshot-1-100-5 .* and used snapshot-1-50-4/);
  });

  it('all fail: the oldest attempt\'s code with the message a newer attempt left', () => {
    const node = twoSnapshots((dir) => {
      fs.writeFileSync(path.join(dir, 'snapshot-1-50-4.meta'), encodeSnapshotMeta(1n, s.SERVERS.map((x, i) => (i ? x : { ...x, role: 7 }))));
      flip(dir, 'snapshot-1-100-5.meta', 8);
    });
    expect(predict(node, 'cowsql-1.15')).toMatchObject({ ok: false, code: 6, codeName: 'encoded data is malformed', error: 'read snapshot-1-100-5.meta: checksum mismatch' });
  });

  it('the snapshot rules and recovery follow the fallback', () => {
    const node = twoSnapshots((dir) => flip(dir, 'snapshot-1-100-5.meta', 8));
    const cowsql = chooseSnapshot(node, P('cowsql-1.15'));
    expect(cowsql.chosen?.name).toBe('snapshot-1-50-4');
    expect(cowsql.dropped).toEqual([{ name: 'snapshot-1-100-5', cause: 'meta-checksum', hang: false }]);
    expect(chooseSnapshot(node, P('dqlite-1.18')).chosen?.name).toBe('snapshot-1-50-4'); // repair drops it for every engine
  });
});

describe('configuration errors in a .meta: 5/3/4 (libraft 0.15) vs MALFORMED, and dqlite\'s assert on ID 0', () => {
  const meta = (servers: typeof s.SERVERS): NodeIndex => nodeOf((dir) => {
    s.writeSnapshot(dir, 1n, 100n, 5n);
    fs.writeFileSync(path.join(dir, 'snapshot-1-100-5.meta'), encodeSnapshotMeta(1n, servers));
  });

  it('bad role, duplicate ID', () => {
    const badRole = meta(s.SERVERS.map((x, i) => (i ? x : { ...x, role: 7 })));
    expect(predict(badRole, 'dqlite-1.11')).toMatchObject({ code: 5, codeName: 'server role is not valid', error: '' });
    expect(predict(badRole, 'dqlite-1.18')).toMatchObject({ code: 6, codeName: 'encoded data is malformed', error: '' });
    const dupId = meta(s.SERVERS.map((x, i) => (i === 1 ? { ...x, id: 1n } : x)));
    expect(predict(dupId, 'dqlite-1.11')).toMatchObject({ code: 3, codeName: 'server ID already in use' });
    expect(predict(dupId, 'dqlite-1.16')).toMatchObject({ code: 6 });
  });

  it('server ID 0 aborts where asserts are live (before the role check), loads elsewhere', () => {
    const zero = meta(s.SERVERS.map((x, i) => (i ? x : { ...x, id: 0n })));
    for (const e of ['dqlite-1.11', 'dqlite-1.16', 'cowsql-1.15']) expect(predict(zero, e).ok, e).toBe(true);
    const p = predict(zero, 'dqlite-1.17');
    expect(p).toMatchObject({ ok: false, outcome: 'crash', cause: 'assert-zero-id', file: 'snapshot-1-100-5.meta' });
    expect(p.why).toMatch(/configurationAdd asserts `id != 0`.*aborts \(SIGABRT\)/);
    const zeroBadRole = meta(s.SERVERS.map((x, i) => (i ? x : { ...x, id: 0n, role: 7 })));
    expect(predict(zeroBadRole, 'dqlite-1.18').outcome).toBe('crash');
    expect(predict(zeroBadRole, 'dqlite-1.11')).toMatchObject({ code: 5 });
  });
});

describe('segment assertions of dqlite\'s in-tree raft', () => {
  it('a closed segment below the start index', () => {
    const node = nodeOf((dir) => s.writeClosed(dir, 1n, { batches: [1] }, '0000000000000000-0000000000000000'));
    expect(predict(node, 'dqlite-1.11')).toMatchObject({ ok: false, code: 12, error: 'unexpected closed segment 0000000000000000-0000000000000000: first index should have been 1' });
    expect(predict(node, 'dqlite-1.18')).toMatchObject({ outcome: 'crash', cause: 'assert-closed-below-start', renamed: [] });
  });

  it('an inverted closed segment name reaching uvSegmentLoadAll (no auto-recovery rename before the abort)', () => {
    const node = nodeOf((dir) => {
      s.writeClosed(dir, 1n, { batches: [3] });
      s.writeClosed(dir, 4n, { batches: [2] }, '0000000000000004-0000000000000003');
    });
    expect(predict(node, 'dqlite-1.11').outcome).not.toBe('crash');
    expect(predict(node, 'dqlite-1.18')).toMatchObject({ outcome: 'crash', cause: 'assert-closed-inverted', renamed: [] });
  });

  it('two open segments with one counter', () => {
    const node = nodeOf((dir) => {
      s.writeOpen(dir, 1, 1n, { batches: [2] });
      fs.copyFileSync(path.join(dir, 'open-1'), path.join(dir, 'open-01'));
    });
    expect(predict(node, 'dqlite-1.16').ok).toBe(true);
    expect(predict(node, 'dqlite-1.17')).toMatchObject({ outcome: 'crash', cause: 'assert-open-counter' });
  });
});

describe('UvList when stat(2) of a snapshot data file fails', () => {
  const loop = (name: string): NodeIndex => nodeOf((dir) => {
    s.writeClosed(dir, 1n, { batches: [120] });
    s.writeSnapshot(dir, 1n, 100n, 5n);
    fs.symlinkSync(name, path.join(dir, name));
    fs.copyFileSync(path.join(dir, 'snapshot-1-100-5.meta'), path.join(dir, `${name}.meta`));
  });

  it('ignored unless the last directory entry, except in dqlite ≥ 1.16.6\'s in-tree raft', () => {
    const notLast = loop('snapshot-1-10-1');
    expect(predict(notLast, 'dqlite-1.11')).toMatchObject({ ok: true, snapshot: { name: 'snapshot-1-100-5' } });
    expect(predict(notLast, 'cowsql-1.15').ok).toBe(true);
    expect(predict(notLast, 'dqlite-1.18')).toMatchObject({ ok: false, code: 18, error: '', cause: 'list-stat' });
    const last = loop('snapshot-1-999-1');
    for (const e of ['dqlite-1.11', 'cowsql-1.15', 'dqlite-1.18']) expect(predict(last, e), e).toMatchObject({ ok: false, code: 18, error: '' });
  });

  it('a dangling link only drops the candidate', () => {
    const node = nodeOf((dir) => {
      s.writeSnapshot(dir, 1n, 100n, 5n);
      fs.symlinkSync('nowhere', path.join(dir, 'snapshot-1-200-1'));
      fs.copyFileSync(path.join(dir, 'snapshot-1-100-5.meta'), path.join(dir, 'snapshot-1-200-1.meta'));
    });
    expect(predict(node, 'dqlite-1.18')).toMatchObject({ ok: true, snapshot: { name: 'snapshot-1-100-5' } });
  });
});

describe('what the profile says beyond the fields', () => {
  it('the recovery entry term: 1, or the last log term (cowsql)', () => {
    const node = nodeOf((dir) => {
      s.writeMetadata(dir, 1, 1n, 3n);
      s.writeClosed(dir, 1n, { batches: [2] });
      s.writeClosed(dir, 3n, { batches: [2], term: 3n });
    });
    expect(predict(node, 'dqlite-1.18').notes.join('\n')).toMatch(/dqlite-1\.18 would write its configuration entry at index 5 with term 1 \(always 1\)/);
    expect(predict(node, 'cowsql-1.15').notes.join('\n')).toMatch(/at index 5 with term 3 \(the last entry's or snapshot's term\)/);
    expect(recoveryEntryTerm(profileOf('cowsql-1.15'), 3n)).toBe(3n);
    expect(recoveryEntryTerm(profileOf('dqlite-1.11'), 3n)).toBe(1n);
  });

  it('.probe_fallocate is removed at init by raft ≥ 0.18 and dqlite only', () => {
    const node = nodeOf((dir) => fs.writeFileSync(path.join(dir, '.probe_fallocate'), ''));
    for (const [e, kept] of [['dqlite-1.11', true], ['cowsql-1.15', true], ['dqlite-1.16', false]] as const) {
      const dir = new SimDir(node);
      runMaintenance(dir, new ErrMsg(), P(e));
      expect(dir.has('.probe_fallocate'), e).toBe(kept);
    }
  });

  it('dqlite 1.18.3–1.18.4 abort on a snapshot that carries a WAL image: noted, and recovery drops it', () => {
    const page = new Uint8Array(4096);
    page.set(Buffer.from('SQLite format 3\0'));
    page[16] = 0x10; // page size 4096, big endian
    const wal = new Uint8Array(32 + 24 + 4096);
    new DataView(wal.buffer).setUint32(0, 0x377f0682);
    new DataView(wal.buffer).setUint32(8, 4096);
    const node = nodeOf((dir) => {
      s.writeClosed(dir, 1n, { batches: [120] });
      s.writeSnapshot(dir, 1n, 100n, 5n, { content: encodeSnapshotData([{ filename: 'db', main: page, wal }]) });
    });
    expect(node.snapshots[0]!.data!.payload).toMatchObject({ walBytes: BigInt(wal.length), problem: undefined });
    const p = predict(node, 'dqlite-1.18.4');
    expect(p.ok).toBe(true); // raft (and raft-load.sh) load it; raft_start aborts in dqlite's restore
    expect(p.notes.join('\n')).toMatch(/carries a WAL image: raft loads it, then dqlite-1\.18\.4's restore asserts wal_size == 0/);
    expect(predict(node, 'dqlite-1.18').notes.join('\n')).not.toMatch(/WAL image/);
    expect(chooseSnapshot(node, P('dqlite-1.18.4')).chosen).toBeUndefined();
    expect(chooseSnapshot(node, P('dqlite-1.18.5')).chosen?.name).toBe('snapshot-1-100-5');
  });

  it('predictions name their engine; the default stays libraft 0.15', () => {
    const node = nodeOf((dir) => s.writeClosed(dir, 1n, { batches: [1] }));
    expect(predictStartup(node).engine).toBe('dqlite-1.11');
    expect(predictionAsEngine(predictStartup(node))).toEqual(predictionAsEngine(predict(node, 'dqlite-1.11')));
    expect(predict(node, 'cowsql-1.15').engine).toBe('cowsql-1.15');
  });
});
