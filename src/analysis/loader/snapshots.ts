// Which snapshot start-up uses and whether it loads. Sources (raft v0.15.0):
//   UvList + UvSnapshotInfoAppendIfMatch (src/uv_list.c, src/uv_snapshot.c): a `.meta` name is a
//     candidate only if its data file exists and is not empty;
//   uvSnapshotCompare: term, then index, then timestamp; the newest is the LAST after qsort;
//   UvSnapshotLoad = uvSnapshotLoadMeta + uvSnapshotLoadData; canonical raft and dqlite load the
//     newest candidate only, and any failure fails the whole load (no fallback).
import type { ConfigurationServer } from '../../format/configuration.js';
import { formatSnapshotName, parseSnapshotMetaName } from '../../format/file-names.js';
import type { NodeIndex, SnapshotRecord } from '../../scan/node-index.js';
import type { ErrMsg, RaftCodeName } from './errmsg.js';
import { ErrMsg as ErrMsgBuffer } from './errmsg.js';
import { runMaintenance } from './init.js';
import { SimDir } from './sim-dir.js';
import { compareNameBytes, glibcQsort } from './sort.js';

export interface SnapshotCandidate {
  /** The `.meta` file name, as listed. */
  readonly metaName: string;
  /** The data file C opens: the numbers re-formatted (uvSnapshotFilenameOf strips ".meta"). */
  readonly name: string;
  readonly term: bigint;
  readonly index: bigint;
  readonly timestamp: bigint;
  readonly record: SnapshotRecord | undefined;
}

export interface LoadedSnapshot {
  readonly name: string;
  readonly metaName: string;
  readonly term: bigint;
  readonly index: bigint;
  readonly timestamp: bigint;
  readonly configurationIndex: bigint;
  readonly members: number;
  readonly configuration: readonly ConfigurationServer[];
  readonly compressed: boolean;
}

export type SnapshotLoad =
  | { readonly ok: true; readonly snapshot: LoadedSnapshot }
  | { readonly ok: false; readonly hang?: false; readonly code: RaftCodeName; readonly cause: string }
  | { readonly ok: false; readonly hang: true; readonly cause: string };

/** uvSnapshotCompare: never 0, so ties keep a stable but arbitrary order as in C. */
function uvSnapshotCompare(a: SnapshotCandidate, b: SnapshotCandidate): number {
  if (a.term !== b.term) return a.term < b.term ? -1 : 1;
  if (a.index !== b.index) return a.index < b.index ? -1 : 1;
  return a.timestamp < b.timestamp ? -1 : 1;
}

/** The snapshot half of UvList, oldest first as C sorts them. */
export function listSnapshots(dir: SimDir, node: NodeIndex): SnapshotCandidate[] {
  const out: SnapshotCandidate[] = [];
  for (const metaName of dir.names()) {
    if (Buffer.byteLength(metaName) >= 128 || metaName === 'metadata1' || metaName === 'metadata2') continue;
    const parsed = parseSnapshotMetaName(metaName);
    if (!parsed) continue;
    const name = formatSnapshotName(parsed.term, parsed.index, parsed.timestamp);
    const data = dir.get(name);
    if (!data || data.size === 0) continue;
    const record = node.snapshots.find((s) => s.name === name);
    out.push({ metaName, name, term: parsed.term, index: parsed.index, timestamp: parsed.timestamp, record });
  }
  return glibcQsort(out.sort((a, b) => compareNameBytes(a.metaName, b.metaName)), uvSnapshotCompare);
}

/** Snapshot candidates after init's clean-up, newest LAST (C's order). */
export function snapshotCandidates(node: NodeIndex): SnapshotCandidate[] {
  const dir = new SimDir(node);
  runMaintenance(dir, new ErrMsgBuffer());
  return listSnapshots(dir, node);
}

/** The snapshot canonical raft / dqlite would try to load (the newest candidate), if any. */
export function selectSnapshot(node: NodeIndex): SnapshotCandidate | undefined {
  const all = snapshotCandidates(node);
  return all[all.length - 1];
}

/** uvSnapshotLoadMeta's verdict from the decoded `.meta`; undefined when it loads. */
function metaFailure(c: SnapshotCandidate, errmsg: ErrMsg): SnapshotLoad | undefined {
  const meta = c.record?.meta;
  if (!meta) {
    errmsg.printf('open: no such file or directory');
    return { ok: false, code: 'IOERR', cause: 'meta-unreadable' };
  }
  const first = meta.decoded.issues.find((i) => i.data?.['raftCode'] !== undefined);
  if (!first) return undefined;
  const data = first.data ?? {};
  const code = (data['legacyCode'] ?? data['raftCode']) as RaftCodeName;
  switch (first.kind) {
    case 'meta-short-header':
      errmsg.printf(`short read: ${meta.size} bytes instead of 32`);
      break;
    case 'meta-short-configuration':
      errmsg.printf(`short read: ${meta.size - 32} bytes instead of ${String(data['needed'])}`);
      break;
    case 'meta-checksum':
      errmsg.printf(`read ${c.metaName}: checksum mismatch`);
      break;
    default:
      // Bad format, a configuration length of 0 or > 1 MiB, or a configuration that does not
      // decode: C returns the code and writes no message (only a trace line).
      break;
  }
  return { ok: false, code, cause: first.kind };
}

/** uvSnapshotLoadData: raw bytes, or one LZ4 frame handed to Decompress (src/compress.c). */
function dataFailure(c: SnapshotCandidate, errmsg: ErrMsg): SnapshotLoad | undefined {
  const data = c.record?.data;
  if (!data) {
    errmsg.printf('read: illegal operation on a directory');
    return { ok: false, code: 'IOERR', cause: 'data-unreadable' };
  }
  if (!data.frame.compressed) return undefined;
  for (const issue of data.frame.issues) {
    const outcome = issue.data?.['cOutcome'];
    if (outcome === 'hang') return { ok: false, hang: true, cause: issue.kind };
    if (outcome === 'NOMEM') return { ok: false, code: 'NOMEM', cause: issue.kind }; // malloc failed: no message
    if (outcome === 'IOERR') {
      errmsg.printf(String(issue.data?.['cError'] ?? issue.message));
      return { ok: false, code: 'IOERR', cause: issue.kind };
    }
  }
  return undefined;
}

/** UvSnapshotLoad on the chosen candidate. */
export function loadSnapshot(c: SnapshotCandidate, errmsg: ErrMsg): SnapshotLoad {
  const bad = metaFailure(c, errmsg) ?? dataFailure(c, errmsg);
  if (bad) return bad;
  const meta = c.record!.meta!.decoded.value!;
  const configuration = meta.configuration ?? [];
  return {
    ok: true,
    snapshot: {
      name: c.name, metaName: c.metaName, term: c.term, index: c.index, timestamp: c.timestamp,
      configurationIndex: meta.configurationIndex, members: configuration.length, configuration,
      compressed: c.record!.data!.frame.compressed,
    },
  };
}
