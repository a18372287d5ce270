// Safe reading of `.tar`, `.tar.gz` and `.tgz` inputs (people attach node directories to bug
// reports as tarballs). The archive is extracted into a fresh private temp directory and never
// trusted: only regular files and directories are written; absolute paths lose their leading
// `/`; members with `..` segments, links, devices and fifos are refused and recorded; owners are
// never restored (node-tar would chown as root by default); modes are limited to rwx bits with
// owner read/write forced, so the copy is always readable and removable; mtimes are kept so
// reports can show them. The declared sizes and the member count are capped before any byte of a
// member is written, which defeats gzip bombs. We gunzip ourselves so that we know the exact
// length of the tar stream and can tell a truncated archive from a complete one.
import { once } from 'node:events';
import fs from 'node:fs';
import stream from 'node:stream';
import zlib from 'node:zlib';
import type { ReadEntry, Unpack } from 'tar';
import { throwIfCancelled } from '../core/cancel.js';
import { Cancelled, InputError } from '../core/errors.js';
import { allZero } from '../format/byte-source.js';
import { createTempDir, releaseTempPath, removeTempDir } from './temp-dirs.js';

export type ArchiveKind = 'tar' | 'gzip' | 'zstd' | 'xz' | 'bzip2';

export interface RefusedMember {
  readonly member: string;
  readonly reason: string;
}

export interface ExtractedArchive {
  /** Private directory holding the extracted members. */
  readonly root: string;
  readonly refused: RefusedMember[];
  /** Doubts that did not stop extraction (e.g. no end-of-archive marker). */
  readonly warnings: string[];
  cleanup(): void;
}

export interface ExtractOptions {
  /** Cap on the sum of declared member sizes (default 64 GiB). */
  readonly maxBytes?: number;
  /** Cap on the number of members, refused ones included (default 1e6). */
  readonly maxMembers?: number;
  /** Parent of the temp directory (default os.tmpdir()). */
  readonly tempParent?: string;
  /** Aborted on SIGINT/SIGTERM/SIGHUP: extraction stops and the temp directory is removed. */
  readonly signal?: AbortSignal;
}

export const DEFAULT_MAX_BYTES = 64 * 2 ** 30;
export const DEFAULT_MAX_MEMBERS = 1_000_000;
const BLOCK = 512;

const MAGIC: readonly { kind: ArchiveKind; bytes: readonly number[] }[] = [
  { kind: 'gzip', bytes: [0x1f, 0x8b] },
  { kind: 'zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { kind: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { kind: 'bzip2', bytes: [0x42, 0x5a, 0x68] },
];

function readHead(file: string, length: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    const n = fs.readSync(fd, buf, 0, length, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

function hasUstarMagic(head: Uint8Array): boolean {
  return Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar';
}

/** What the first bytes say: a tar (ustar magic at 257) or a compressed stream; else undefined. */
export function detectArchiveKind(file: string): ArchiveKind | undefined {
  let head: Buffer;
  try {
    if (!fs.statSync(file).isFile()) return undefined;
    head = readHead(file, BLOCK);
  } catch {
    return undefined;
  }
  for (const { kind, bytes } of MAGIC) {
    if (head.length >= bytes.length && bytes.every((b, i) => head[i] === b)) return kind;
  }
  return hasUstarMagic(head) ? 'tar' : undefined;
}

/** True for a file that should be read as an archive (by magic bytes, or by its extension). */
export function isArchive(file: string): boolean {
  if (detectArchiveKind(file) !== undefined) return true;
  return /\.(?:tar|tgz|tar\.gz)$/i.test(file) && fs.existsSync(file) && fs.statSync(file).isFile();
}

const REGULAR = new Set(['File', 'OldFile', 'ContiguousFile']);

/** Normalised member path, or a refusal reason. */
function memberPath(raw: string): { key: string } | { reason: string } {
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return { reason: 'path contains a ".." segment' };
  return { key: parts.join('/') };
}

function refusalForType(entry: ReadEntry): string | undefined {
  if (REGULAR.has(entry.type) || entry.type === 'Directory') return undefined;
  const target = entry.linkpath ? ` to ${entry.linkpath}` : '';
  switch (entry.type) {
    case 'SymbolicLink': return `symbolic link${target} (links are never extracted)`;
    case 'Link': return `hard link${target} (links are never extracted)`;
    case 'CharacterDevice': return 'character device';
    case 'BlockDevice': return 'block device';
    case 'FIFO': return 'fifo';
    default: return `unsupported member type ${entry.type}`;
  }
}

interface State {
  readonly archive: string;
  readonly maxBytes: number;
  readonly maxMembers: number;
  readonly refused: RefusedMember[];
  readonly seen: Set<string>;
  members: number;
  bytes: number;
  capError: InputError | undefined;
}

function admit(state: State, unpack: Unpack, entry: ReadEntry): boolean {
  state.members++;
  if (state.members > state.maxMembers) {
    state.capError ??= new InputError(
      `${state.archive}: more than ${state.maxMembers} members; refusing to extract (raise the member limit if this is expected)`,
      state.archive,
    );
    unpack.abort(state.capError);
    return false;
  }
  const p = memberPath(entry.path);
  const typeReason = refusalForType(entry);
  const reason = typeReason ?? ('reason' in p ? p.reason : undefined);
  if (reason !== undefined) {
    state.refused.push({ member: entry.path, reason });
    return false;
  }
  const key = 'key' in p ? p.key : '';
  if (key === '') return false; // "./" or "/": the extraction root itself, nothing to do
  if (state.seen.has(key)) {
    state.refused.push({ member: entry.path, reason: 'duplicate member (the first copy is kept)' });
    return false;
  }
  state.seen.add(key);
  if (REGULAR.has(entry.type)) {
    state.bytes += entry.size;
    if (state.bytes > state.maxBytes) {
      state.capError ??= new InputError(
        `${state.archive}: members declare more than ${state.maxBytes} bytes (at ${entry.path}); refusing to extract (possible decompression bomb; raise the size limit if this is expected)`,
        state.archive,
      );
      unpack.abort(state.capError);
      return false;
    }
  }
  entry.mode = ((entry.mode ?? 0) & 0o777) | (entry.type === 'Directory' ? 0o700 : 0o600);
  return true;
}

/** Feeds the (decompressed) tar stream into unpack; returns its length and last block. */
async function feed(
  file: string,
  gzip: boolean,
  unpack: Unpack,
  done: Promise<unknown>,
  stop: () => boolean,
): Promise<{ length: number; tail: Buffer }> {
  const input = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const source: stream.Readable = gzip ? stream.pipeline(input, zlib.createGunzip(), () => {}) : input;
  let length = 0;
  let tail: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (stop()) break; // aborted (cap exceeded) or failed: do not inflate the rest of a bomb
      length += chunk.length;
      tail = chunk.length >= BLOCK ? chunk.subarray(-BLOCK) : Buffer.concat([tail, chunk]).subarray(-BLOCK);
      if (!unpack.write(chunk)) await Promise.race([once(unpack, 'drain'), done]);
    }
  } finally {
    input.destroy();
  }
  unpack.end();
  return { length, tail };
}

function tarFailure(archive: string, error: unknown, tarBytes: number): InputError {
  const e = error as { code?: string; message?: string } | undefined;
  const message = e?.message ?? String(error);
  if (e?.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(message)) {
    return new InputError(`${archive}: archive truncated at byte ${fs.statSync(archive).size} (gzip stream ends early)`, archive);
  }
  if (/^TAR_BAD_ARCHIVE: Truncated|Truncated input/.test(message)) {
    return new InputError(`${archive}: archive truncated at byte ${tarBytes} of the tar stream (${message})`, archive);
  }
  if (/Unrecognized archive format/.test(message)) return new InputError(`${archive}: not a tar archive`, archive);
  if (e?.code?.startsWith('Z_')) return new InputError(`${archive}: corrupt gzip stream (${message})`, archive);
  return new InputError(`${archive}: cannot extract: ${message}`, archive);
}

function checkKind(archive: string): ArchiveKind {
  const kind = detectArchiveKind(archive);
  if (kind === 'zstd' || kind === 'xz' || kind === 'bzip2') {
    throw new InputError(`${archive}: ${kind}-compressed archives are not supported; decompress it first and pass the .tar`, archive);
  }
  // No ustar magic: maybe an old v7 tar. Let the parser decide; it says "not a tar archive".
  return kind ?? 'tar';
}

/**
 * After a failed extraction node-tar may still have a file write in flight (abort() does not wait
 * for them), and a write that lands after the temp dir was removed creates it again. Remove it
 * until it stays gone for two checks 20 ms apart (at most ~2 s).
 */
async function removeUntilQuiet(root: string): Promise<void> {
  for (let quiet = 0, i = 0; quiet < 2 && i < 100; i++) {
    if (fs.existsSync(root)) {
      quiet = 0;
      try {
        fs.rmSync(root, { recursive: true, force: true });
      } catch {
        // ENOTEMPTY: a write landed while removing; the next round removes it
      }
    } else quiet++;
    await new Promise((r) => setTimeout(r, 20));
  }
  // Still there after ~2 s: it stays registered, and the exit hook (or a later run) removes it.
  if (!fs.existsSync(root)) releaseTempPath(root);
}

async function run(archive: string, root: string, state: State, signal?: AbortSignal): Promise<string[]> {
  const gzip = checkKind(archive) === 'gzip';
  const tar = await import('tar'); // here, not at the top: loading tar costs every start ~20 ms
  const unpack: Unpack = new tar.Unpack({
    cwd: root,
    preservePaths: false,
    preserveOwner: false,
    strict: false,
    maxDepth: 64,
    filter: (_p: string, entry: unknown) => admit(state, unpack, entry as ReadEntry),
    onwarn: (code: string, message: string, data: Record<string, unknown>) => {
      if (code === 'TAR_ENTRY_INFO') return; // e.g. "stripping / from absolute path"
      const entry = data['entry'] as ReadEntry | undefined;
      state.refused.push({ member: entry?.path ?? '(unknown)', reason: `${code}: ${message}` });
    },
  });
  const done = new Promise<void>((resolve, reject) => {
    unpack.on('close', () => resolve());
    unpack.on('error', reject);
  });
  let failed = false;
  done.catch(() => {
    failed = true;
  });
  let tarBytes = 0;
  try {
    const stop = (): boolean => failed || state.capError !== undefined || signal?.aborted === true;
    const { length, tail } = await feed(archive, gzip, unpack, done, stop);
    tarBytes = length;
    throwIfCancelled(signal);
    await done;
    if (length % BLOCK !== 0) throw new InputError(`${archive}: archive truncated at byte ${length} of the tar stream (not a whole number of 512-byte blocks)`, archive);
    return length === 0 || allZero(tail) ? [] : [`${archive}: no end-of-archive marker after byte ${length}; the archive may be truncated`];
  } catch (error) {
    unpack.abort(new Error('extraction stopped')); // no-op if tar already gave up
    if (state.capError) throw state.capError;
    if (error instanceof InputError || error instanceof Cancelled) throw error;
    throw tarFailure(archive, error, tarBytes);
  }
}

/**
 * Extracts an archive into a new private temp directory. Throws InputError naming the archive
 * when it is missing, truncated, not a tar, or over the caps; the temp directory is removed then.
 */
export async function extractArchive(archive: string, options: ExtractOptions = {}): Promise<ExtractedArchive> {
  try {
    if (!fs.statSync(archive).isFile()) throw new InputError(`${archive}: not a regular file`, archive);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`archive not found or not accessible: ${archive}`, archive);
  }
  const root = createTempDir(options.tempParent === undefined ? {} : { parent: options.tempParent });
  const state: State = {
    archive,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    maxMembers: options.maxMembers ?? DEFAULT_MAX_MEMBERS,
    refused: [],
    seen: new Set(),
    members: 0,
    bytes: 0,
    capError: undefined,
  };
  try {
    const warnings = await run(archive, root, state, options.signal);
    return { root, refused: state.refused, warnings, cleanup: () => removeTempDir(root) };
  } catch (error) {
    await removeUntilQuiet(root);
    throw error;
  }
}
