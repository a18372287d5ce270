// Small node directories built from the project's encoders, for loader tests: closed and open
// segments with chosen batch shapes, snapshots, metadata, and raw files for damage.
import fs from 'node:fs';
import path from 'node:path';
import { encodeConfiguration, type ConfigurationServer } from '../../src/format/configuration.js';
import { formatClosedSegmentName } from '../../src/format/file-names.js';
import { encodeLz4FrameStored } from '../../src/format/lz4-frame.js';
import { encodeMetadata } from '../../src/format/metadata.js';
import { EntryType, encodeSegment, type EntryToEncode } from '../../src/format/segment.js';
import { encodeSnapshotMeta } from '../../src/format/snapshot-meta.js';
import { scratchDir } from './samples.js';

export const SERVERS: ConfigurationServer[] = [
  { id: 1n, address: '127.0.0.1:9001', role: 1 },
  { id: 2n, address: '127.0.0.1:9002', role: 1 },
  { id: 3n, address: '127.0.0.1:9003', role: 1 },
];

/** A fresh empty node directory in the OS temp dir, removed after the test file. */
export function emptyNode(): string {
  const dir = path.join(scratchDir('rr-synth-'), 'node');
  fs.mkdirSync(dir);
  return dir;
}

/** Removes a node directory made by emptyNode or copyNode (its private parent temp dir too). */
export function removeNode(dir: string): void {
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
}

/** `count` entries from index `first`: a CHANGE at index 1 and wherever `changeAt` says, else 8-byte commands. */
export function entries(first: bigint, count: number, term = 1n, changeAt: readonly bigint[] = []): EntryToEncode[] {
  const out: EntryToEncode[] = [];
  for (let i = 0; i < count; i++) {
    const index = first + BigInt(i);
    const change = index === 1n || changeAt.includes(index);
    out.push(change
      ? { term, type: EntryType.CHANGE, payload: encodeConfiguration(SERVERS) }
      : { term, type: EntryType.COMMAND, payload: new Uint8Array(8).fill(Number(index % 251n)) });
  }
  return out;
}

export interface SegmentShape {
  /** Entries per batch. */
  readonly batches: readonly number[];
  readonly term?: bigint;
  readonly changeAt?: readonly bigint[];
}

/** Segment bytes for entries first.. in the given batch shape. */
export function segmentBytes(first: bigint, shape: SegmentShape): Uint8Array {
  let next = first;
  const batches = shape.batches.map((n) => {
    const b = entries(next, n, shape.term ?? 1n, shape.changeAt);
    next += BigInt(n);
    return b;
  });
  return encodeSegment(batches);
}

/** Writes a closed segment (name from first and the entry count unless given). */
export function writeClosed(dir: string, first: bigint, shape: SegmentShape, name?: string): string {
  const count = shape.batches.reduce((a, b) => a + b, 0);
  const file = name ?? formatClosedSegmentName(first, first + BigInt(count) - 1n);
  fs.writeFileSync(path.join(dir, file), segmentBytes(first, shape));
  return file;
}

/** Writes open-N holding entries from `first`, zero-padded to `size` bytes (default: 4096-aligned), then `tail`. */
export function writeOpen(dir: string, counter: number, first: bigint, shape: SegmentShape, opts: { size?: number; tail?: Uint8Array } = {}): string {
  const body = segmentBytes(first, shape);
  const tail = opts.tail ?? new Uint8Array(0);
  const size = Math.max(opts.size ?? Math.ceil((body.length + tail.length) / 4096) * 4096, body.length + tail.length);
  const bytes = new Uint8Array(size);
  bytes.set(body);
  bytes.set(tail, body.length);
  const file = `open-${counter}`;
  fs.writeFileSync(path.join(dir, file), bytes);
  return file;
}

/** Writes snapshot-T-I-TS and its .meta; data is an LZ4 frame of `content` unless `raw`. */
export function writeSnapshot(dir: string, term: bigint, index: bigint, timestamp: bigint,
  opts: { configurationIndex?: bigint; content?: Uint8Array; raw?: boolean; servers?: ConfigurationServer[] } = {}): string {
  const name = `snapshot-${term}-${index}-${timestamp}`;
  const content = opts.content ?? new Uint8Array(64).fill(7);
  fs.writeFileSync(path.join(dir, name), opts.raw ? content : encodeLz4FrameStored(content));
  fs.writeFileSync(path.join(dir, `${name}.meta`), encodeSnapshotMeta(opts.configurationIndex ?? 1n, opts.servers ?? SERVERS));
  return name;
}

export function writeMetadata(dir: string, n: 1 | 2, version: bigint, term: bigint, votedFor = 0n): void {
  fs.writeFileSync(path.join(dir, `metadata${n}`), encodeMetadata({ version, term, votedFor }));
}

export function writeRaw(dir: string, name: string, bytes: Uint8Array | string): void {
  fs.writeFileSync(path.join(dir, name), bytes);
}
