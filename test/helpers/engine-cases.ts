// Damaged copies of real sample nodes where the engines differ (engine fact sheet, section E):
// the loader simulation must match raft-load.sh under each engine on every one of them
// (test/interop/loader-engines.test.ts). `hang` marks cases where some engine spins forever: the
// loader then runs with a short timeout.
import fs from 'node:fs';
import path from 'node:path';
import type { ConfigurationServer } from '../../src/format/configuration.js';
import { decompressLz4Frame } from '../../src/format/lz4-verify.js';
import { decodeSnapshotMeta, encodeSnapshotMeta } from '../../src/format/snapshot-meta.js';
import * as d from './damage.js';
import type { SampleSet } from './samples.js';

export interface EngineCase {
  readonly name: string;
  readonly set: SampleSet;
  readonly node?: number;
  /** Some engine hangs: run the loader with a short timeout. */
  readonly hang?: boolean;
  readonly damage: (dir: string) => void;
}

const newest = (dir: string): string => d.snapshotsNewestFirst(dir)[0]!;
const older = (dir: string): string => d.snapshotsNewestFirst(dir)[1]!;
const size = (dir: string, name: string): number => d.read(dir, name).length;

/** Rewrites a snapshot's .meta with its configuration changed (checksum recomputed). */
function editMeta(dir: string, snapshot: string, edit: (servers: ConfigurationServer[]) => void): void {
  const value = decodeSnapshotMeta(d.read(dir, `${snapshot}.meta`)).value!;
  const servers = value.configuration!.map((s) => ({ ...s }));
  edit(servers);
  d.write(dir, `${snapshot}.meta`, encodeSnapshotMeta(value.configurationIndex, servers));
}

/** A data file that is a symlink to itself (stat(2) fails with ELOOP), with a copied .meta. */
function loopSnapshot(dir: string, name: string): void {
  const meta = d.read(dir, `${newest(dir)}.meta`);
  fs.symlinkSync(name, path.join(dir, name));
  d.write(dir, `${name}.meta`, meta);
}

export const ENGINE_CASES: readonly EngineCase[] = [
  { name: 'newest LZ4 snapshot cut to half (hang, or dqlite 1.18 short read)', set: 'healthy', hang: true,
    damage: (dir) => d.truncate(dir, newest(dir), Math.floor(size(dir, newest(dir)) / 2)) },
  { name: 'newest LZ4 snapshot cut after its frame header', set: 'healthy', hang: true, damage: (dir) => d.truncate(dir, newest(dir), 19) },
  { name: 'newest LZ4 snapshot without its last 2 bytes (dqlite 1.18 loads it unchecked)', set: 'healthy', hang: true,
    damage: (dir) => d.truncate(dir, newest(dir), size(dir, newest(dir)) - 2) },
  { name: 'newest LZ4 snapshot of 5 bytes (cowsql falls back)', set: 'healthy', damage: (dir) => d.truncate(dir, newest(dir), 5) },
  { name: 'byte flipped inside the newest LZ4 frame', set: 'healthy', damage: (dir) => d.flip(dir, newest(dir), Math.floor(size(dir, newest(dir)) / 2)) },
  { name: 'LZ4 content checksum flipped', set: 'healthy', damage: (dir) => d.flip(dir, newest(dir), size(dir, newest(dir)) - 2) },
  { name: 'newest snapshot stored raw (as cowsql writes it)', set: 'healthy',
    damage: (dir) => d.write(dir, newest(dir), decompressLz4Frame(d.read(dir, newest(dir))).data!) },
  { name: 'newest .meta checksum flipped, older snapshot good', set: 'healthy', damage: (dir) => d.flip(dir, `${newest(dir)}.meta`, 8) },
  { name: 'both .meta checksums flipped', set: 'healthy', damage: (dir) => {
    d.flip(dir, `${newest(dir)}.meta`, 8); d.flip(dir, `${older(dir)}.meta`, 8);
  } },
  { name: 'newest .meta with a bad role (5, 6, or fallback)', set: 'healthy', damage: (dir) => editMeta(dir, newest(dir), (s) => { s[0]!.role = 7; }) },
  { name: 'newest .meta checksum flipped and older .meta with a bad role (code of one, text of the other)', set: 'healthy', damage: (dir) => {
    editMeta(dir, older(dir), (s) => { s[0]!.role = 7; });
    d.flip(dir, `${newest(dir)}.meta`, 8);
  } },
  { name: 'fallback to the older snapshot, then a segment is past it', set: 'healthy', damage: (dir) => {
    d.flip(dir, `${newest(dir)}.meta`, 8);
    d.remove(dir, '0000000000001025-0000000000002040');
  } },
  { name: 'assert: server ID 0 in the newest .meta', set: 'healthy', damage: (dir) => editMeta(dir, newest(dir), (s) => { s[0]!.id = 0n; }) },
  { name: 'assert: a closed segment 0-0', set: 'crash', damage: (dir) => {
    const first = d.closedSegments(dir)[0]!;
    const bytes = d.read(dir, first);
    for (const n of d.names(dir)) if (n !== 'metadata1' && n !== 'metadata2') d.remove(dir, n);
    d.write(dir, '0000000000000000-0000000000000000', bytes);
  } },
  { name: 'assert: the last closed segment renamed 2049-2048', set: 'healthy', damage: (dir) => {
    d.rename(dir, d.closedSegments(dir).at(-1)!, '0000000000002049-0000000000002048');
  } },
  { name: 'assert: two open segments with one counter', set: 'crash', damage: (dir) => {
    const open = d.openSegments(dir).at(-1)!;
    d.write(dir, open.replace('open-', 'open-0'), d.read(dir, open));
  } },
  { name: 'snapshot data file a symlink loop, not the last entry', set: 'healthy', damage: (dir) => loopSnapshot(dir, 'snapshot-1-1000-1') },
  { name: 'snapshot data file a symlink loop, the last entry', set: 'healthy', damage: (dir) => loopSnapshot(dir, 'snapshot-1-9999-1') },
];
