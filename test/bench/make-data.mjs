// Builds a realistic large node directory set for the benchmark with the project's own encoders
// (dist/format): 3 nodes, each with full 8 MiB closed segments of dqlite FRAMES commands (4 KiB
// pages, 1-3 pages a transaction, one entry a batch as dqlite writes them under light load),
// small closed segments left by restarts, a bootstrap CHANGE entry at index 1, barriers at leader
// changes, two snapshots (dqlite snapshot payload in a stored LZ4 frame) with their .meta,
// metadata1/2, info.yaml / cluster.yaml, and open segments preallocated to 8 MiB.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const dist = new URL('../../dist/', import.meta.url);
const imp = (p) => import(new URL(p, dist).href);
const { encodeBatch } = await imp('format/segment.js');
const { encodeCommand } = await imp('format/dqlite-command.js');
const { encodeConfiguration } = await imp('format/configuration.js');
const { encodeSnapshotMeta } = await imp('format/snapshot-meta.js');
const { encodeSnapshotData } = await imp('format/snapshot-data.js');
const { encodeLz4FrameStored } = await imp('format/lz4-frame.js');
const { encodeMetadata } = await imp('format/metadata.js');
const { formatNodeInfo, formatClusterYaml } = await imp('format/node-yaml.js');
const names = await imp('format/file-names.js');

export const GENERATOR_VERSION = 4;
const SEGMENT_MAX = 8 * 1024 * 1024;
const PAGE = 4096;
const SERVERS = [
  { id: 3297041220608546238n, address: '127.0.0.1:9701', role: 1 },
  { id: 2585399981790450267n, address: '127.0.0.1:9702', role: 1 },
  { id: 12577195336283858413n, address: '127.0.0.1:9703', role: 1 },
];

/** Deterministic page images (SQLite pages look random enough to a checksum). */
function pagePool(seed) {
  const pool = [];
  for (let i = 0; i < 64; i++) pool.push(crypto.createHash('sha512').update(`${seed}:${i}`).digest().subarray(0, 64));
  return pool.map((h) => {
    const page = Buffer.allocUnsafe(PAGE);
    for (let o = 0; o < PAGE; o += 64) h.copy(page, o);
    return page;
  });
}

/** The log of the whole set: a generator of { term, type, payload } in index order from 1. */
function* entries(pages, count) {
  yield { term: 1n, type: 3, payload: encodeConfiguration(SERVERS) };
  let term = 1n;
  for (let index = 2; index <= count; index++) {
    if (index % 9000 === 0) {
      term++;
      yield { term, type: 2, payload: new Uint8Array(8) }; // the new leader's barrier
      index++;
    }
    const n = 1 + (index % 3);
    const pageNumbers = Array.from({ length: n }, (_, k) => BigInt(1 + ((index * 7 + k) % 5000)));
    const frames = { type: 'frames', filename: 'db', txId: BigInt(index), truncate: 0, isCommit: 1, pageSize: PAGE, pageNumbers };
    yield { term, type: 1, payload: encodeCommand(frames, pageNumbers.map((p) => pages[Number(p % 64n)])) };
  }
}

/** Writes closed segments from `log`; `plan` is the sequence of segment sizes ('full' or an entry count). */
function writeClosed(dir, log, plan, state) {
  for (const want of plan) {
    const batches = [];
    let size = 8;
    const first = state.next;
    for (;;) {
      const e = state.pending ?? log.next().value;
      state.pending = undefined;
      const batch = encodeBatch([e]);
      const full = want === 'full' ? size + batch.length > SEGMENT_MAX : batches.length >= want;
      if (full) {
        state.pending = e;
        break;
      }
      batches.push(batch);
      size += batch.length;
      state.lastTerm = e.term;
      state.terms.push(e.term);
      state.next++;
    }
    const name = names.formatClosedSegmentName(BigInt(first), BigInt(state.next - 1));
    writeSegment(path.join(dir, name), batches, size);
    state.closed.push(name);
  }
}

function writeSegment(file, batches, preallocate) {
  const out = Buffer.alloc(Math.max(preallocate, 8 + batches.reduce((s, b) => s + b.length, 0)));
  out.writeBigUInt64LE(1n, 0);
  let at = 8;
  for (const b of batches) {
    out.set(b, at);
    at += b.length;
  }
  fs.writeFileSync(file, out);
}

function writeOpen(dir, log, state, counter, count) {
  const batches = [];
  for (let i = 0; i < count; i++) {
    const e = state.pending ?? log.next().value;
    state.pending = undefined;
    batches.push(encodeBatch([e]));
    state.lastTerm = e.term;
    state.next++;
  }
  writeSegment(path.join(dir, names.formatOpenSegmentName(BigInt(counter))), batches, SEGMENT_MAX);
}

function writeSnapshot(dir, index, term, timestamp, dbBytes, seed) {
  const main = Buffer.alloc(dbBytes);
  for (let o = 0; o < dbBytes; o += 4096) crypto.createHash('sha256').update(`${seed}:${o}`).digest().copy(main, o);
  main.write('SQLite format 3\0', 0, 'latin1');
  main.writeUInt16BE(4096, 16);
  const data = encodeLz4FrameStored(encodeSnapshotData([{ filename: 'db', main }]));
  fs.writeFileSync(path.join(dir, names.formatSnapshotName(term, BigInt(index), BigInt(timestamp))), data);
  fs.writeFileSync(path.join(dir, names.formatSnapshotMetaName(term, BigInt(index), BigInt(timestamp))), encodeSnapshotMeta(1n, SERVERS));
}

/** Segment plan for one node: `full` 8 MiB segments with small ones (restarts) in between. */
function segmentPlan(scale) {
  const plan = [1, 2, 1, 3, 1, 2, 4, 1, 2, 1, 3]; // the bootstrap entry alone, as raft writes it; early restarts
  for (let i = 0; i < 32 * scale; i++) {
    plan.push('full');
    plan.push(1 + (i % 7), 2 + (i % 5)); // two short segments: a restart, a snapshot
  }
  return plan;
}

/** One node: the shared log cut at `dropFull` fewer full segments, with `openEntries` in open-N. */
function makeNode(dir, scale, server, options) {
  fs.mkdirSync(dir, { recursive: true });
  const log = entries(pagePool('bench'), Number.MAX_SAFE_INTEGER);
  const state = { next: 1, pending: undefined, closed: [], lastTerm: 1n, terms: [] };
  const plan = segmentPlan(scale);
  writeClosed(dir, log, plan.slice(0, plan.length - options.dropSegments), state);
  const lastClosed = state.next - 1;
  const termAt = (index) => state.terms[index - 1];
  writeSnapshot(dir, lastClosed - 2048, termAt(lastClosed - 2048), 300000, 4 << 20, 'a');
  writeSnapshot(dir, lastClosed - 1024, termAt(lastClosed - 1024), 310000, 4 << 20, 'b');
  writeOpen(dir, log, state, 7, options.openEntries);
  writeOpen(dir, log, state, 8, 0);
  writeOpen(dir, log, state, 9, 0);
  fs.writeFileSync(path.join(dir, 'metadata1'), encodeMetadata({ version: 5n, term: state.lastTerm, votedFor: SERVERS[0].id }));
  fs.writeFileSync(path.join(dir, 'metadata2'), encodeMetadata({ version: 6n, term: state.lastTerm, votedFor: SERVERS[0].id }));
  fs.writeFileSync(path.join(dir, 'info.yaml'), formatNodeInfo({ id: server.id, address: server.address, role: 0 }));
  fs.writeFileSync(path.join(dir, 'cluster.yaml'), formatClusterYaml(SERVERS.map((s) => ({ id: s.id, address: s.address, role: 0 }))));
  return { segments: state.closed.length + 3, lastIndex: state.next - 1 };
}

export function dirBytes(dir) {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += fs.statSync(path.join(e.parentPath, e.name)).size;
  return n;
}

/** The set at `scale` under `root`, built once and reused while the generator is unchanged. */
export function ensureSet(root, scale, log = () => {}) {
  const dir = path.join(root, `set-${scale}x`);
  const stamp = path.join(dir, '.ready');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === String(GENERATOR_VERSION)) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  const started = Date.now();
  const variants = [
    { dropSegments: 0, openEntries: 300 },
    { dropSegments: 0, openEntries: 0 },
    { dropSegments: 6, openEntries: 120 },
  ];
  SERVERS.forEach((s, i) => {
    const r = makeNode(path.join(dir, s.address), scale, s, variants[i]);
    log(`  built ${s.address} at ${scale}x: ${r.segments} segments, last index ${r.lastIndex}`);
  });
  fs.writeFileSync(stamp, String(GENERATOR_VERSION));
  log(`  set ${scale}x: ${(dirBytes(dir) / 1e6).toFixed(0)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return dir;
}
