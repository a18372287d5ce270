// File-name grammar of a data directory (format-spec §1), parsed exactly as glibc sscanf does in
// uvSegmentInfoMatch (src/uv_segment.c), uvSnapshotParseFilename (src/uv_snapshot.c) and
// UvList / uvMaintenance (src/uv_list.c, src/uv.c):
//
//   closed segment   "%016llu-%016llu%n"                 %n must equal strlen
//   open segment     "open-%llu%n"
//   snapshot meta    "snapshot-%llu-%llu-%llu.meta%n"     term, index, timestamp
//   snapshot data    "snapshot-%llu-%llu-%llu%n"          (uvMaintenance's orphan check only)
//
// %llu skips leading white space (not counted in the field width), takes an optional sign
// (counted), then decimal digits; a `-` negates modulo 2^64 and overflow saturates at 2^64-1
// (strtoull). `%016llu` is a MAXIMUM width of 16, not zero padding, so `1-774` parses and a
// 17-digit number does not. Checked against glibc with a C harness. Each parse reports the
// canonical spelling of what C understood and flags names that differ from it: C finds a
// snapshot's sibling file by re-formatting the numbers, so a non-canonical snapshot name makes
// uvMaintenance delete both files as orphans.
import { U64_MAX, pad16 } from '../core/u64.js';

/** UV__FILENAME_LEN: UvList skips names of this many bytes or more. */
export const UV_FILENAME_LEN = 128;

type Piece = string | { width?: number };

interface Scanned {
  values: bigint[];
  quirks: Set<string>;
}

const SPACE = new Set([' ', '\t', '\n', '\v', '\f', '\r']);

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/** One glibc `%llu` conversion at `pos`; undefined on a matching failure. */
function scanU64(s: string, pos: number, width: number | undefined, quirks: Set<string>): [bigint, number] | undefined {
  let p = pos;
  while (p < s.length && SPACE.has(s[p]!)) p++;
  if (p > pos) quirks.add('white space before a number');
  let left = width ?? Infinity;
  let negative = false;
  if ((s[p] === '+' || s[p] === '-') && left > 0) {
    negative = s[p] === '-';
    quirks.add(negative ? "'-' sign (value negated modulo 2^64)" : "'+' sign");
    p++;
    left--;
  }
  const start = p;
  while (left > 0 && isDigit(s[p])) {
    p++;
    left--;
  }
  if (p === start) return undefined;
  const digits = s.slice(start, p);
  let value = BigInt(digits);
  if (value > U64_MAX) {
    quirks.add('number above 2^64-1 (saturated)');
    value = U64_MAX;
  } else if (negative) {
    value = BigInt.asUintN(64, -value);
  }
  if (width === undefined && digits.length > 1 && digits.startsWith('0')) quirks.add('leading zeros');
  if (width !== undefined && digits.length < width) quirks.add(`fewer than ${width} digits (unpadded)`);
  return [value, p];
}

function scan(s: string, pieces: readonly Piece[]): Scanned | undefined {
  const quirks = new Set<string>();
  const values: bigint[] = [];
  let pos = 0;
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      if (!s.startsWith(piece, pos)) return undefined;
      pos += piece.length;
      continue;
    }
    const r = scanU64(s, pos, piece.width, quirks);
    if (!r) return undefined;
    values.push(r[0]);
    pos = r[1];
  }
  return pos === s.length ? { values, quirks } : undefined; // %n == strlen
}

/** How C reads a name, and whether that is the spelling C itself would write. */
export interface NameSpelling {
  /** What C writes for these values. */
  canonicalName: string;
  nonCanonical?: true;
  reason?: string;
}

function spelling(name: string, canonicalName: string, quirks: Set<string>): NameSpelling {
  if (name === canonicalName) return { canonicalName };
  const reason = quirks.size > 0 ? [...quirks].join('; ') : 'differs from the canonical spelling';
  return { canonicalName, nonCanonical: true, reason: `${reason}; C reads it as ${canonicalName}` };
}

const CLOSED: Piece[] = [{ width: 16 }, '-', { width: 16 }];
const OPEN: Piece[] = ['open-', {}];
const SNAPSHOT_DATA: Piece[] = ['snapshot-', {}, '-', {}, '-', {}];
const SNAPSHOT_META: Piece[] = [...SNAPSHOT_DATA, '.meta'];

export function formatClosedSegmentName(first: bigint, last: bigint): string {
  return `${pad16(first)}-${pad16(last)}`;
}
export function formatOpenSegmentName(counter: bigint): string {
  return `open-${counter}`;
}
/** UV__SNAPSHOT_TEMPLATE: the data file name. */
export function formatSnapshotName(term: bigint, index: bigint, timestamp: bigint): string {
  return `snapshot-${term}-${index}-${timestamp}`;
}
export function formatSnapshotMetaName(term: bigint, index: bigint, timestamp: bigint): string {
  return `${formatSnapshotName(term, index, timestamp)}.meta`;
}

export type ClosedSegmentName = { first: bigint; last: bigint } & NameSpelling;
export type OpenSegmentName = { counter: bigint } & NameSpelling;
export type SnapshotName = { term: bigint; index: bigint; timestamp: bigint } & NameSpelling;

export function parseClosedSegmentName(name: string): ClosedSegmentName | undefined {
  const r = scan(name, CLOSED);
  if (!r) return undefined;
  const [first, last] = r.values as [bigint, bigint];
  return { first, last, ...spelling(name, formatClosedSegmentName(first, last), r.quirks) };
}

export function parseOpenSegmentName(name: string): OpenSegmentName | undefined {
  const r = scan(name, OPEN);
  if (!r) return undefined;
  const [counter] = r.values as [bigint];
  return { counter, ...spelling(name, formatOpenSegmentName(counter), r.quirks) };
}

function parseSnapshot(name: string, meta: boolean): SnapshotName | undefined {
  const r = scan(name, meta ? SNAPSHOT_META : SNAPSHOT_DATA);
  if (!r) return undefined;
  const [term, index, timestamp] = r.values as [bigint, bigint, bigint];
  const canonical = meta ? formatSnapshotMetaName(term, index, timestamp) : formatSnapshotName(term, index, timestamp);
  return { term, index, timestamp, ...spelling(name, canonical, r.quirks) };
}

/** `snapshot-T-I-TS.meta`. C looks for the data file under formatSnapshotName(T, I, TS). */
export function parseSnapshotMetaName(name: string): SnapshotName | undefined {
  return parseSnapshot(name, true);
}

/** `snapshot-T-I-TS`. uvMaintenance looks for formatSnapshotMetaName(T, I, TS). */
export function parseSnapshotDataName(name: string): SnapshotName | undefined {
  return parseSnapshot(name, false);
}

/** `corrupt-<ns>-<original>` ("corrupt-%" PRId64 "-%s", uvMoveCorruptSegment). */
function parseCorruptName(name: string): { ns: bigint; original: string } | undefined {
  const m = /^corrupt-(-?[0-9]+)-([\s\S]+)$/.exec(name);
  return m ? { ns: BigInt(m[1]!), original: m[2]! } : undefined;
}

export type FileNameClass =
  | { kind: 'metadata1' | 'metadata2' }
  | ({ kind: 'closed-segment' } & ClosedSegmentName)
  | ({ kind: 'open-segment' } & OpenSegmentName)
  | ({ kind: 'snapshot-meta'; dataName: string } & SnapshotName)
  | ({ kind: 'snapshot-data'; metaName: string } & SnapshotName)
  | { kind: 'tmp'; target: string }
  | { kind: 'corrupt'; ns: bigint; original: string }
  | { kind: 'probe' | 'lock' | 'info-yaml' | 'cluster-yaml' | 'join' }
  | { kind: 'product'; what: string }
  | { kind: 'ignored'; reason: string };

/**
 * Files the products keep beside the raft files (raft ignores them; they are not leftovers). LXD
 * and Incus: database/global/ (lxd/cluster/gateway.go Sync, lxd/cluster/recover.go); MicroK8s:
 * var/kubernetes/backend/ (k8s-dqlite pkg/server/server.go, microk8s utils.sh and join.py);
 * microcluster: database/ (internal/recover/recover.go).
 */
const PRODUCT_FILES: Readonly<Record<string, string>> = {
  'db.bin': 'LXD/Incus database dump written at shutdown (not read at start-up)',
  'db.bin-wal': 'LXD/Incus database dump (its WAL) written at shutdown',
  'raft_nodes.yaml': "LXD's member list from a recovery (lxd cluster edit)",
  'logs.db': "LXD's raft log from before LXD 4.0 (LXD refuses to upgrade from it)",
  'localnode.yaml': "MicroK8s: the node's own entry for kine (k8s-dqlite before 1.1.8)",
  'cluster.crt': "the cluster's TLS certificate (MicroK8s, go-dqlite app)",
  'cluster.key': "the cluster's TLS key (MicroK8s, go-dqlite app)",
  'failure-domain': "MicroK8s: the node's failure domain",
  'tuning.yaml': 'MicroK8s: k8s-dqlite tuning',
  'init.yaml': 'MicroK8s: one-shot start-up configuration (read and deleted by k8s-dqlite)',
  'update.yaml': 'MicroK8s: one-shot address change (k8s-dqlite reconfigures to a single node on start)',
  'recovery.yaml': 'microcluster: the member list of a recovery',
};

/** kine's unix socket: `kine.sock` or, as MicroK8s names it, `kine.sock:12379`. */
const SOCKET = /^(?:kine|k8s-dqlite)\.sock(?::[0-9]+)?$/;

function productFile(name: string): FileNameClass | undefined {
  const what = Object.hasOwn(PRODUCT_FILES, name)
    ? PRODUCT_FILES[name]
    : SOCKET.test(name)
      ? "kine's unix socket (MicroK8s)"
      : undefined;
  return what === undefined ? undefined : { kind: 'product', what };
}

const FIXED: Record<string, FileNameClass> = {
  metadata1: { kind: 'metadata1' },
  metadata2: { kind: 'metadata2' },
  '.probe': { kind: 'probe' },
  '.probe_fallocate': { kind: 'probe' },
  'dqlite-lock': { kind: 'lock' },
  'info.yaml': { kind: 'info-yaml' },
  'cluster.yaml': { kind: 'cluster-yaml' },
  join: { kind: 'join' },
};

function classifyRaftName(name: string): FileNameClass | undefined {
  // UvList order: snapshot .meta first, then closed, then open segment.
  const meta = parseSnapshotMetaName(name);
  if (meta)
    return { kind: 'snapshot-meta', dataName: formatSnapshotName(meta.term, meta.index, meta.timestamp), ...meta };
  const closed = parseClosedSegmentName(name);
  if (closed) return { kind: 'closed-segment', ...closed };
  const open = parseOpenSegmentName(name);
  if (open) return { kind: 'open-segment', ...open };
  const data = parseSnapshotDataName(name);
  if (data)
    return { kind: 'snapshot-data', metaName: formatSnapshotMetaName(data.term, data.index, data.timestamp), ...data };
  return undefined;
}

/** What a directory entry is to raft (and to dqlite / go-dqlite for the rest). */
export function classifyFileName(name: string): FileNameClass {
  // uvMaintenance removes every tmp- file at init, whatever its length.
  if (name.startsWith('tmp-')) return { kind: 'tmp', target: name.slice(4) };
  const fixed = FIXED[name];
  if (fixed && Object.hasOwn(FIXED, name)) return { ...fixed };
  const corrupt = parseCorruptName(name);
  if (corrupt) return { kind: 'corrupt', ...corrupt };
  if (Buffer.byteLength(name, 'utf8') >= UV_FILENAME_LEN) {
    return { kind: 'ignored', reason: `name is ${UV_FILENAME_LEN} bytes or longer: UvList skips it` };
  }
  const raft = classifyRaftName(name);
  if (raft) return raft;
  const product = productFile(name);
  if (product) return product;
  return { kind: 'ignored', reason: 'not a name raft, dqlite or go-dqlite uses' };
}
