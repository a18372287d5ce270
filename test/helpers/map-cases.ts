// Node sets the log map and the report are drawn from in tests: the real sample sets, a damaged
// copy of the crash set (a flipped byte in a closed segment, zeros after a closed segment, a torn
// open segment), and a small synthetic node whose term changes twice. Damage is made the same
// way every time, so golden text stays the same.
import fs from 'node:fs';
import path from 'node:path';
import { batchesOf, closedSegments, openWithBatches, flip, append, truncate, snapshotsNewestFirst } from './damage.js';
import { copyNode, sampleNodes, sampleSet, SAMPLE_SETS, scratchDir } from './samples.js';
import { writeClosed, writeMetadata, writeOpen, writeSnapshot } from './synthetic-node.js';

export interface MapCase {
  readonly name: string;
  /** Inputs to give the commands. */
  readonly inputs: readonly string[];
}

/** The crash set, damaged three ways (one per node). */
export async function damagedCrashSet(): Promise<string> {
  const root = scratchDir('rr-damaged-');
  const nodes = await sampleNodes('crash');
  const copies = nodes.map((n) => {
    const copy = copyNode(n);
    const dest = path.join(root, path.basename(n));
    fs.renameSync(copy, dest);
    return dest;
  });
  const [a, b, c] = copies as [string, string, string];
  // a: a flipped payload byte in the second closed segment's 10th batch (a checksum mismatch).
  const seg = closedSegments(a)[1]!;
  const batch = batchesOf(a, seg).batches[10]!;
  flip(a, seg, batch.offset + 40);
  // b: 4 KiB of zeros after its last closed segment (auto-recovery moves it and later ones aside).
  append(b, closedSegments(b).at(-1)!, new Uint8Array(4096));
  // c: its open segment cut inside a batch (the engine crashes).
  const open = openWithBatches(c, 3)!;
  const batches = batchesOf(c, open).batches;
  truncate(c, open, batches[batches.length - 1]!.offset + 20);
  return root;
}

/** The healthy set with the first node's newest (LZ4) snapshot cut in half: dqlite 1.11 hangs on it. */
export async function hangingHealthySet(): Promise<string> {
  const root = scratchDir('rr-hang-');
  const nodes = await sampleNodes('healthy');
  for (const n of nodes) fs.renameSync(copyNode(n), path.join(root, path.basename(n)));
  const first = path.join(root, path.basename(nodes[0]!));
  const newest = snapshotsNewestFirst(first)[0]!;
  truncate(first, newest, Math.floor(fs.statSync(path.join(first, newest)).size / 2));
  return root;
}

/** One node whose log changes term at 11 and 21, with a snapshot at 5 and an open segment. */
export function termsNode(): string {
  const root = scratchDir('rr-terms-');
  const dir = path.join(root, '127.0.0.1:9001');
  fs.mkdirSync(dir);
  writeClosed(dir, 1n, { batches: [1, 4, 5], term: 1n });
  writeClosed(dir, 11n, { batches: [5, 5], term: 2n });
  writeOpen(dir, 1, 21n, { batches: [3, 3, 4], term: 3n });
  writeSnapshot(dir, 1n, 5n, 100n);
  writeMetadata(dir, 1, 1n, 3n);
  return dir;
}

export async function mapCases(): Promise<MapCase[]> {
  const sets = await Promise.all(SAMPLE_SETS.map(async (s) => ({ name: s, inputs: [await sampleSet(s)] })));
  const damaged = { name: 'crash-damaged', inputs: [await damagedCrashSet()] };
  const hang = { name: 'healthy-hang', inputs: [await hangingHealthySet()] };
  return [...sets, damaged, hang, { name: 'terms', inputs: [termsNode()] }];
}
