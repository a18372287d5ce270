// Real files from sample-data/ to corrupt: one or more of every file type a node directory holds,
// each with the layout facts the mutation generator aims at (batch boundaries, the .meta
// configuration length, the LZ4 header). Small node fixtures for filesystem-level cases are
// trimmed copies of real nodes that the real loader still accepts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeSegmentBytes, encodeSegment, type EntryToEncode } from '../../src/format/segment.js';
import { sampleSet } from '../helpers/samples.js';

export type FileKind = 'metadata' | 'closed-segment' | 'open-segment' | 'snapshot-meta' | 'snapshot-data' | 'info-yaml' | 'cluster-yaml';

export interface BatchLayout {
  readonly offset: number;
  readonly end: number;
  readonly n: number;
  /** Absolute offsets of each entry's header (16 bytes) and payload. */
  readonly headers: readonly number[];
  readonly payloads: readonly { readonly offset: number; readonly length: number; readonly type: number }[];
}

export interface Specimen {
  readonly kind: FileKind;
  /** File name inside its node directory. */
  readonly name: string;
  /** `set/node/name` plus what was done to it, for messages. */
  readonly label: string;
  readonly bytes: Uint8Array;
  /** Segments only: the batches of the original file. */
  readonly batches?: readonly BatchLayout[];
  /** Segments only: end of the last written batch. */
  readonly validBytes?: number;
  /** Large specimens get fewer cases (each costs a full checksum pass). */
  readonly large?: boolean;
}

export function layoutOf(bytes: Uint8Array): { batches: BatchLayout[]; validBytes: number } {
  const d = decodeSegmentBytes(bytes);
  const batches = d.batches.toArray().map((b) => ({
    offset: b.offset,
    end: b.end,
    n: b.entries.length,
    headers: b.entries.map((_, i) => b.offset + 16 + i * 16),
    payloads: b.entries.map((e) => ({ offset: e.payloadOffset, length: e.length, type: e.type })),
  }));
  return { batches, validBytes: d.validBytes };
}

function segmentSpecimen(kind: 'closed-segment' | 'open-segment', name: string, label: string, bytes: Uint8Array, large = false): Specimen {
  const { batches, validBytes } = layoutOf(bytes);
  return { kind, name, label, bytes, batches, validBytes, large };
}

function read(dir: string, name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(dir, name)));
}

/** The first `count` batches of an open segment followed by `tail` bytes of preallocated zeros. */
function trimmedOpen(bytes: Uint8Array, count: number, tail: number): Uint8Array {
  const { batches } = layoutOf(bytes);
  const end = batches[Math.min(count, batches.length) - 1]?.end ?? 8;
  const out = new Uint8Array(end + tail);
  out.set(bytes.subarray(0, end));
  return out;
}

/** Real entries re-batched several to a batch (real dqlite writes one entry per batch under light load). */
function rebatched(bytes: Uint8Array, sizes: readonly number[]): Uint8Array {
  const d = decodeSegmentBytes(bytes);
  const entries: EntryToEncode[] = d.batches.toArray().flatMap((b) =>
    b.entries.map((e) => ({ term: e.term, type: e.type, payload: bytes.slice(e.payloadOffset, e.payloadOffset + e.length) })),
  );
  const groups: EntryToEncode[][] = [];
  let at = 0;
  for (const size of sizes) {
    groups.push(entries.slice(at, at + size));
    at += size;
  }
  return encodeSegment(groups.filter((g) => g.length > 0));
}

/** Every specimen the codec-level suite mutates. */
export async function loadSpecimens(): Promise<Specimen[]> {
  const healthy = path.join(await sampleSet('healthy'), '127.0.0.1:9511');
  const crash = path.join(await sampleSet('crash'), '127.0.0.1:9521');
  const lagging = path.join(await sampleSet('lagging'), '127.0.0.1:9533');
  const h = (n: string) => `healthy/127.0.0.1:9511/${n}`;
  const c = (n: string) => `crash/127.0.0.1:9521/${n}`;
  const snapshots = fs.readdirSync(healthy).filter((n) => n.startsWith('snapshot-')).sort();
  const dataNames = snapshots.filter((n) => !n.endsWith('.meta'));
  const metaNames = snapshots.filter((n) => n.endsWith('.meta'));
  const crashOpen = read(crash, 'open-5');
  const lagOpen = read(lagging, 'open-3');
  const s2041 = read(healthy, '0000000000002041-0000000000002048');
  return [
    { kind: 'metadata', name: 'metadata1', label: h('metadata1'), bytes: read(healthy, 'metadata1') },
    { kind: 'metadata', name: 'metadata2', label: h('metadata2'), bytes: read(healthy, 'metadata2') },
    { kind: 'metadata', name: 'metadata1', label: c('metadata1'), bytes: read(crash, 'metadata1') },
    segmentSpecimen('closed-segment', '0000000000000001-0000000000000001', h('0000000000000001-0000000000000001'), read(healthy, '0000000000000001-0000000000000001')),
    segmentSpecimen('closed-segment', '0000000000001022-0000000000001024', h('0000000000001022-0000000000001024'), read(healthy, '0000000000001022-0000000000001024')),
    segmentSpecimen('closed-segment', '0000000000002041-0000000000002048', h('0000000000002041-0000000000002048'), s2041),
    segmentSpecimen('closed-segment', '0000000000001020-0000000000001024', c('0000000000001020-0000000000001024'), read(crash, '0000000000001020-0000000000001024')),
    segmentSpecimen('closed-segment', '0000000000002041-0000000000002048', `${h('0000000000002041-0000000000002048')} re-batched 3+3+2`, rebatched(s2041, [3, 3, 2])),
    segmentSpecimen('closed-segment', '0000000000002049-0000000000002614', h('0000000000002049-0000000000002614'), read(healthy, '0000000000002049-0000000000002614'), true),
    segmentSpecimen('open-segment', 'open-5', `${c('open-5')} first 12 batches + 16 KiB preallocated`, trimmedOpen(crashOpen, 12, 16384)),
    segmentSpecimen('open-segment', 'open-3', `lagging/127.0.0.1:9533/open-3 first 6 batches + 4 KiB preallocated`, trimmedOpen(lagOpen, 6, 4096)),
    segmentSpecimen('open-segment', 'open-6', `${c('open-6')} unused, first 16 KiB`, read(crash, 'open-6').slice(0, 16384)),
    segmentSpecimen('open-segment', 'open-5', c('open-5'), crashOpen, true),
    ...metaNames.map((n): Specimen => ({ kind: 'snapshot-meta', name: n, label: h(n), bytes: read(healthy, n) })),
    ...dataNames.map((n): Specimen => ({ kind: 'snapshot-data', name: n, label: h(n), bytes: read(healthy, n) })),
    { kind: 'info-yaml', name: 'info.yaml', label: h('info.yaml'), bytes: read(healthy, 'info.yaml') },
    { kind: 'cluster-yaml', name: 'cluster.yaml', label: h('cluster.yaml'), bytes: read(healthy, 'cluster.yaml') },
    { kind: 'cluster-yaml', name: 'cluster.yaml', label: c('cluster.yaml'), bytes: read(crash, 'cluster.yaml') },
  ];
}

/** Specimens taken from a node fixture directory (filesystem cases mutate these in place). */
export function fixtureSpecimens(dir: string, label: string): Specimen[] {
  const out: Specimen[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const bytes = read(dir, name);
    const at = `${label}/${name}`;
    if (name === 'metadata1' || name === 'metadata2') out.push({ kind: 'metadata', name, label: at, bytes });
    else if (name === 'info.yaml') out.push({ kind: 'info-yaml', name, label: at, bytes });
    else if (name === 'cluster.yaml') out.push({ kind: 'cluster-yaml', name, label: at, bytes });
    else if (/^\d{16}-\d{16}$/.test(name)) out.push(segmentSpecimen('closed-segment', name, at, bytes, bytes.length > 1 << 20));
    else if (name.startsWith('open-')) out.push(segmentSpecimen('open-segment', name, at, bytes, true));
    else if (name.endsWith('.meta')) out.push({ kind: 'snapshot-meta', name, label: at, bytes });
    else if (name.startsWith('snapshot-')) out.push({ kind: 'snapshot-data', name, label: at, bytes });
  }
  return out;
}

/**
 * Small, real node directories: the newest snapshot and the segments after it of a real node
 * (the real loader accepts these; see corruption.test.ts). Returned fresh in a scratch dir.
 */
export async function makeNodeFixtures(): Promise<{ root: string; nodes: { dir: string; label: string }[] }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-hardening-fixtures-'));
  const picks: { set: string; node: string; keep: (n: string) => boolean }[] = [
    {
      set: 'healthy',
      node: '127.0.0.1:9511',
      keep: (n) => !/^0{12}(0001|1022|1025)-|^snapshot-1-1024-/.test(n) && !n.startsWith('0000000000000002-'),
    },
    {
      set: 'crash',
      node: '127.0.0.1:9521',
      keep: (n) => !/^0{12}(0001|0002|1020|1025)-|^snapshot-1-1024-/.test(n) && !n.startsWith('0000000000000002-'),
    },
  ];
  const nodes: { dir: string; label: string }[] = [];
  for (const p of picks) {
    const src = path.join(await sampleSet(p.set), p.node);
    const dest = path.join(root, p.set, p.node);
    fs.mkdirSync(dest, { recursive: true });
    for (const name of fs.readdirSync(src).filter(p.keep)) {
      fs.copyFileSync(path.join(src, name), path.join(dest, name));
      const st = fs.statSync(path.join(src, name));
      fs.utimesSync(path.join(dest, name), st.atime, st.mtime);
    }
    nodes.push({ dir: dest, label: `${p.set}/${p.node} (newest snapshot + later segments)` });
  }
  return { root, nodes };
}
