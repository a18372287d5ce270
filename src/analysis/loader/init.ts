// io->init (uvInit in raft src/uv.c), the part of start-up before any log is read:
//   UvFsProbeCapabilities  removes a left-over `.probe` first (then creates and removes its own);
//   uvMaintenance          removes tmp-* files and snapshot halves whose sibling is missing;
//   uvMetadataLoad         (src/uv_metadata.c) reads metadata1/metadata2; any error aborts init.
import {
  formatSnapshotMetaName,
  formatSnapshotName,
  parseSnapshotDataName,
  parseSnapshotMetaName,
} from '../../format/file-names.js';
import type { MetadataRecord, NodeIndex } from '../../scan/node-index.js';
import { DEFAULT_ENGINE, type EngineProfile } from '../engine/profiles.js';
import type { ErrMsg, RaftCodeName } from './errmsg.js';
import type { SimDir } from './sim-dir.js';

/** UV__FILENAME_LEN: snprintf of a sibling name this long is refused (uvSnapshotIsOrphanInternal). */
const FILENAME_LEN = 128;
/** uv_strerror(UV_EISDIR): what unlink(2) of a directory leaves in the message buffer. */
const EISDIR_TEXT = 'unlink: illegal operation on a directory';

export interface MetadataState {
  readonly version: bigint;
  readonly term: bigint;
  readonly votedFor: bigint;
  /** Which file the term and vote come from (undefined for a fresh server). */
  readonly file: 'metadata1' | 'metadata2' | undefined;
}

export type InitResult =
  | { readonly ok: true; readonly metadata: MetadataState }
  | { readonly ok: false; readonly code: RaftCodeName; readonly cause: string };

/** UvFsRemoveFile with errors ignored, except that a failure still writes the message buffer. */
function removeIgnoringErrors(dir: SimDir, name: string, errmsg: ErrMsg): void {
  const f = dir.get(name);
  if (!f) return;
  if (!dir.remove(name)) errmsg.printf(EISDIR_TEXT);
}

/** uvSnapshotIsOrphanInternal: a well-formed name whose re-formatted sibling does not exist. */
function isOrphan(dir: SimDir, name: string): boolean {
  const data = parseSnapshotDataName(name);
  if (data) {
    const sibling = formatSnapshotMetaName(data.term, data.index, data.timestamp);
    return Buffer.byteLength(sibling) < FILENAME_LEN && !dir.has(sibling);
  }
  const meta = parseSnapshotMetaName(name);
  if (meta) {
    const sibling = formatSnapshotName(meta.term, meta.index, meta.timestamp);
    return Buffer.byteLength(sibling) < FILENAME_LEN && !dir.has(sibling);
  }
  return false;
}

/**
 * UvFsProbeCapabilities' clean-up (`.probe`; raft ≥ 0.18 and dqlite also probe fallocate with
 * `.probe_fallocate`, removing a left-over one) and uvMaintenance (src/uv.c), in scandir order.
 */
export function runMaintenance(dir: SimDir, errmsg: ErrMsg, engine: EngineProfile = DEFAULT_ENGINE): void {
  if (dir.has('.probe')) removeIgnoringErrors(dir, '.probe', errmsg);
  if (engine.loader.removesProbeFallocate) dir.remove('.probe_fallocate');
  // uv_fs_scandir lists the directory once; removals made on the way do not shorten the walk.
  for (const name of dir.names()) {
    if (!dir.has(name)) continue;
    if (name.startsWith('tmp-') || isOrphan(dir, name)) removeIgnoringErrors(dir, name, errmsg);
  }
}

type Loaded =
  { ok: true; version: bigint; term: bigint; votedFor: bigint } | { ok: false; code: RaftCodeName; cause: string };

/** uvMetadataLoadN for one file. */
function loadMetadataN(
  dir: SimDir,
  record: MetadataRecord | undefined,
  name: 'metadata1' | 'metadata2',
  errmsg: ErrMsg,
): Loaded {
  const empty: Loaded = { ok: true, version: 0n, term: 0n, votedFor: 0n };
  const file = dir.get(name);
  if (!file) return empty;
  if (file.size < 32) {
    // "the server crashed while writing this metadata file": deleted and treated as missing.
    dir.remove(name);
    return empty;
  }
  if (file.size > 32) {
    errmsg.printf(`${name} has size ${file.size} instead of 32`);
    return { ok: false, code: 'CORRUPT', cause: 'metadata-size' };
  }
  const value = record?.decoded.value;
  if (!value) {
    errmsg.printf(`read content of ${name}: short read`);
    return { ok: false, code: 'IOERR', cause: 'metadata-unreadable' };
  }
  if (value.format !== 1n) {
    errmsg.printf(`bad format version ${value.format}`);
    errmsg.wrap(`decode content of ${name}`);
    return { ok: false, code: 'MALFORMED', cause: 'metadata-format' };
  }
  if (value.version === 0n) {
    errmsg.printf('version is set to zero');
    errmsg.wrap(`decode content of ${name}`);
    return { ok: false, code: 'CORRUPT', cause: 'metadata-zero-version' };
  }
  return { ok: true, version: value.version, term: value.term, votedFor: value.votedFor };
}

/** uvMetadataLoad: metadata1 first, then metadata2, then the version rules. */
export function loadMetadata(node: NodeIndex, dir: SimDir, errmsg: ErrMsg): InitResult {
  const m1 = loadMetadataN(dir, node.metadata1, 'metadata1', errmsg);
  if (!m1.ok) return m1;
  const m2 = loadMetadataN(dir, node.metadata2, 'metadata2', errmsg);
  if (!m2.ok) return m2;
  if (m1.version === 0n && m2.version === 0n) {
    return { ok: true, metadata: { version: 0n, term: 0n, votedFor: 0n, file: undefined } };
  }
  if (m1.version === m2.version) {
    errmsg.printf(`metadata1 and metadata2 are both at version ${m1.version}`);
    return { ok: false, code: 'CORRUPT', cause: 'metadata-equal-versions' };
  }
  const [win, file] = m1.version > m2.version ? [m1, 'metadata1' as const] : [m2, 'metadata2' as const];
  return { ok: true, metadata: { version: win.version, term: win.term, votedFor: win.votedFor, file } };
}

/** uvInit after the directory checks: probe, maintenance, metadata. */
export function simulateInit(
  node: NodeIndex,
  dir: SimDir,
  errmsg: ErrMsg,
  engine: EngineProfile = DEFAULT_ENGINE,
): InitResult {
  runMaintenance(dir, errmsg, engine);
  return loadMetadata(node, dir, errmsg);
}
