// Which snapshot start-up uses and whether it loads. Sources (raft v0.15.0):
//   UvList + UvSnapshotInfoAppendIfMatch (src/uv_list.c, src/uv_snapshot.c): a `.meta` name is a
//     candidate only if its data file exists and is not empty;
//   uvSnapshotCompare: term, then index, then timestamp; the newest is the LAST after qsort;
//   UvSnapshotLoad = uvSnapshotLoadMeta + uvSnapshotLoadData (snapshot-read.ts); canonical raft
//     and dqlite load the newest candidate only, and any failure fails the whole load; cowsql/raft
//     ≥ 0.22 tries older candidates after an error (EngineProfile.snapshots.fallback).
import type { ConfigurationServer } from '../../format/configuration.js';
import { formatSnapshotName, parseSnapshotMetaName } from '../../format/file-names.js';
import type { DecodeIssue } from '../../format/issue.js';
import type { NodeIndex, SnapshotRecord } from '../../scan/node-index.js';
import { DEFAULT_ENGINE, type EngineProfile } from '../engine/profiles.js';
import type { ErrMsg, RaftCodeName } from './errmsg.js';
import { ErrMsg as ErrMsgBuffer } from './errmsg.js';
import { runMaintenance } from './init.js';
import { SimDir } from './sim-dir.js';
import { readSnapshotData } from './snapshot-read.js';
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
  /** What the engine's reader does that the log does not show (e.g. a frame with no content size). */
  readonly note?: string;
}

export type SnapshotLoad =
  | { readonly ok: true; readonly snapshot: LoadedSnapshot }
  | {
      readonly ok: false;
      readonly hang?: false;
      readonly crash?: false;
      readonly code: RaftCodeName;
      readonly cause: string;
    }
  | { readonly ok: false; readonly hang: true; readonly crash?: false; readonly cause: string }
  /** A live assert in the engine's loader aborts the process (EngineProfile.loader.asserts). */
  | { readonly ok: false; readonly hang?: false; readonly crash: true; readonly cause: string };

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
    if (!data || data.size === 0 || data.statError) continue; // a stat error is snapshotListError's
    const record = node.snapshots.find((s) => s.name === name);
    out.push({ metaName, name, term: parsed.term, index: parsed.index, timestamp: parsed.timestamp, record });
  }
  return glibcQsort(
    out.sort((a, b) => compareNameBytes(a.metaName, b.metaName)),
    uvSnapshotCompare,
  );
}

/**
 * UvList's stat of a snapshot's data file failing (other than ENOENT, which only drops the
 * candidate): the `.meta` name when the listing fails with RAFT_IOERR and no message. libraft
 * 0.15 and cowsql/raft overwrite the error with the next directory entry's, so only the last entry
 * counts; dqlite ≥ 1.16.6's in-tree raft returns the first (EngineProfile.loader.listStatErrors).
 */
export function snapshotListError(dir: SimDir, engine: EngineProfile): string | undefined {
  const names = dir.names();
  for (let i = 0; i < names.length; i++) {
    const metaName = names[i]!;
    if (Buffer.byteLength(metaName) >= 128 || metaName === 'metadata1' || metaName === 'metadata2') continue;
    const parsed = parseSnapshotMetaName(metaName);
    const error = parsed && dir.get(formatSnapshotName(parsed.term, parsed.index, parsed.timestamp))?.statError;
    if (!error || error === 'ENOENT') continue;
    if (engine.loader.listStatErrors === 'first' || i === names.length - 1) return metaName;
  }
  return undefined;
}

/** Snapshot candidates after init's clean-up, newest LAST (C's order). */
export function snapshotCandidates(node: NodeIndex): SnapshotCandidate[] {
  const dir = new SimDir(node);
  runMaintenance(dir, new ErrMsgBuffer());
  return listSnapshots(dir, node);
}

/**
 * The snapshot start-up ends up with: the newest candidate, or with snapshot fallback (cowsql) the
 * newest that loads — the one it hangs or aborts on, or the newest when none loads.
 */
export function selectSnapshot(node: NodeIndex, engine: EngineProfile = DEFAULT_ENGINE): SnapshotCandidate | undefined {
  const all = snapshotCandidates(node);
  const newest = all[all.length - 1];
  if (!engine.snapshots.fallback) return newest;
  for (let i = all.length - 1; i >= 0; i--) {
    const r = loadSnapshot(all[i]!, new ErrMsgBuffer(), engine);
    if (r.ok || r.hang || r.crash) return all[i];
  }
  return newest;
}

/** The first problem configurationDecode meets: with live asserts a server ID 0 aborts (configurationAdd). */
function firstMetaProblem(issues: readonly DecodeIssue[], engine: EngineProfile): DecodeIssue | undefined {
  return issues.find(
    (i) => i.data?.['raftCode'] !== undefined || (engine.loader.asserts && i.kind === 'config-zero-id'),
  );
}

/** uvSnapshotLoadMeta's verdict from the decoded `.meta`; undefined when it loads. */
function metaFailure(c: SnapshotCandidate, errmsg: ErrMsg, engine: EngineProfile): SnapshotLoad | undefined {
  const meta = c.record?.meta;
  if (!meta) {
    errmsg.printf('open: no such file or directory');
    return { ok: false, code: 'IOERR', cause: 'meta-unreadable' };
  }
  const first = firstMetaProblem(meta.decoded.issues, engine);
  if (!first) return undefined;
  if (first.kind === 'config-zero-id') return { ok: false, crash: true, cause: 'assert-zero-id' };
  const data = first.data ?? {};
  const specific = engine.loader.configurationErrors === 'specific' ? data['legacyCode'] : undefined;
  const code = (specific ?? data['raftCode']) as RaftCodeName;
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

/** UvSnapshotLoad on one candidate, as `engine` reads it. */
export function loadSnapshot(
  c: SnapshotCandidate,
  errmsg: ErrMsg,
  engine: EngineProfile = DEFAULT_ENGINE,
): SnapshotLoad {
  const bad = metaFailure(c, errmsg, engine);
  if (bad) return bad;
  const data = readSnapshotData(c.record?.data, errmsg, engine);
  if (!data.ok) return data;
  const meta = c.record!.meta!.decoded.value!;
  const configuration = meta.configuration ?? [];
  return {
    ok: true,
    snapshot: {
      name: c.name,
      metaName: c.metaName,
      term: c.term,
      index: c.index,
      timestamp: c.timestamp,
      configurationIndex: meta.configurationIndex,
      members: configuration.length,
      configuration,
      compressed: data.compressed,
      ...(data.note ? { note: data.note } : {}),
    },
  };
}
