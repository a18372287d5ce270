// Safe reading of `.tar`, `.tar.gz` and `.tgz` inputs (people attach node directories to bug
// reports as tarballs). The archive is parsed by node-tar's Parser and its members are written by
// tar-members.ts into a fresh private temp directory (what is written, and why not by node-tar's
// Unpack, is explained there). The declared sizes and the member count are capped before any
// byte of a member is written, which defeats gzip bombs. We gunzip ourselves, layer by layer (a
// gzip inside a gzip is read through, up to three layers), so that we know the exact length of
// the tar stream and can tell a truncated archive from a complete one. Every failure — a
// truncated or corrupt archive, a header node-tar cannot parse, a write that fails because the
// temp dir is full — stops the extraction with one message naming the archive (and the member
// and errno), and the temp dir is removed: a half-extracted node never reaches analysis.
import { once } from 'node:events';
import fs from 'node:fs';
import stream from 'node:stream';
import zlib from 'node:zlib';
import type { Parser, ReadEntry } from 'tar';
import { throwIfCancelled } from '../core/cancel.js';
import { Cancelled, InputError } from '../core/errors.js';
import { allZero } from '../format/byte-source.js';
import { errnoAdvice, errnoText } from './io-errors.js';
import { MemberWriter, type DuplicateMember, type RefusedMember } from './tar-members.js';
import { createTempDir, removeTempDir } from './temp-dirs.js';

export type { DuplicateMember, RefusedMember } from './tar-members.js';

export type ArchiveKind = 'tar' | 'gzip' | 'zstd' | 'xz' | 'bzip2';

export interface ExtractedArchive {
  /** Private directory holding the extracted members. */
  readonly root: string;
  readonly refused: RefusedMember[];
  /** Members stored more than once (the last copy was extracted, as GNU tar does). */
  readonly duplicates: DuplicateMember[];
  /** Facts worth telling that did not change what was read (e.g. a gzip inside a gzip). */
  readonly warnings: string[];
  /**
   * Why members may be missing although nothing failed (no end-of-archive marker: the archive
   * may have been cut at a block boundary). Callers refuse such an archive unless told to accept
   * a partial scan.
   */
  readonly incomplete: string | undefined;
  /** Bytes the members declared (sparse files at their full size). */
  readonly bytes: number;
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
/** Gzip layers read through (a .tar.gz gzipped again by a mail client or an upload form). */
export const MAX_GZIP_LAYERS = 3;
const BLOCK = 512;
const HEAD = 64 * 1024;

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

/** What leading bytes say: a compressed stream, a tar (ustar magic at 257), or undefined. */
export function kindOfBytes(head: Uint8Array): ArchiveKind | undefined {
  for (const { kind, bytes } of MAGIC) {
    if (head.length >= bytes.length && bytes.every((b, i) => head[i] === b)) return kind;
  }
  return hasUstarMagic(head) ? 'tar' : undefined;
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
  return kindOfBytes(head);
}

/** True for a file that should be read as an archive (by magic bytes, or by its extension). */
export function isArchive(file: string): boolean {
  if (detectArchiveKind(file) !== undefined) return true;
  try {
    return /\.(?:tar|tgz|tar\.gz)$/i.test(file) && fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Decompresses as much of a gzip stream's start as `head` allows (no error for a cut input). */
function gunzipHead(head: Buffer): Buffer | undefined {
  try {
    return zlib.gunzipSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch {
    return undefined; // corrupt from the start: the streaming pass names the problem
  }
}

/** The gzip layers around the tar stream and what is inside them; refuses other compressors. */
function layersOf(archive: string): { layers: number; warnings: string[] } {
  let head: Buffer;
  try {
    head = readHead(archive, HEAD);
  } catch (error) {
    throw new InputError(`cannot read ${archive}: ${errnoText(error)}${errnoAdvice(error)}`, archive);
  }
  let layers = 0;
  let inner: ArchiveKind | undefined = kindOfBytes(head);
  while (inner === 'gzip') {
    if (layers === MAX_GZIP_LAYERS)
      throw new InputError(
        `${archive}: more than ${MAX_GZIP_LAYERS} layers of gzip; decompress it and pass the .tar`,
        archive,
      );
    layers++;
    const next = gunzipHead(head);
    if (!next) break;
    head = next;
    inner = kindOfBytes(head);
  }
  const within = layers === 0 ? '' : ` inside ${layers === 1 ? 'gzip' : `${layers} layers of gzip`}`;
  if (inner === 'zstd' || inner === 'xz' || inner === 'bzip2') {
    throw new InputError(
      `${archive}: ${inner}-compressed data${within} is not supported; decompress it first and pass the .tar`,
      archive,
    );
  }
  const warnings =
    layers > 1
      ? [
          `${archive}: a tar archive inside ${layers} layers of gzip (compressed ${layers} times); read through all of them`,
        ]
      : [];
  return { layers, warnings };
}

/** Feeds the (decompressed) tar stream into the parser; returns its length and last block. */
async function feed(
  file: string,
  layers: number,
  parser: Parser,
  stop: () => boolean,
  finished: Promise<void>,
  fed: { bytes: number },
): Promise<{ length: number; tail: Buffer }> {
  const input = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const stages: stream.Transform[] = Array.from({ length: layers }, () => zlib.createGunzip());
  // Errors of any stage come out of the last one, where the loop below meets them.
  const source: stream.Readable = stages.length
    ? (stream.pipeline([input, ...stages], () => {}) as unknown as stream.Readable)
    : input;
  let length = 0;
  let tail: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (stop()) break; // aborted (cap exceeded, a failed write): do not inflate the rest of a bomb
      length += chunk.length;
      fed.bytes = length;
      tail = chunk.length >= BLOCK ? chunk.subarray(-BLOCK) : Buffer.concat([tail, chunk]).subarray(-BLOCK);
      if (!parser.write(chunk) && !stop()) await Promise.race([once(parser, 'drain'), finished]);
    }
  } finally {
    input.destroy();
    for (const s of stages) s.destroy();
  }
  if (!stop()) parser.end();
  return { length, tail };
}

function tarFailure(archive: string, error: unknown, tarBytes: number): InputError {
  if (error instanceof InputError) return error;
  const e = error as { code?: string; message?: string; syscall?: string } | undefined;
  const message = e?.message ?? String(error);
  if (e?.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(message)) {
    return new InputError(
      `${archive}: archive truncated at byte ${fs.statSync(archive).size} (gzip stream ends early)`,
      archive,
    );
  }
  if (/^TAR_BAD_ARCHIVE: Truncated|Truncated input/.test(message)) {
    return new InputError(`${archive}: archive truncated at byte ${tarBytes} of the tar stream (${message})`, archive);
  }
  if (/Unrecognized archive format/.test(message)) return new InputError(`${archive}: not a tar archive`, archive);
  if (e?.code?.startsWith('Z_')) return new InputError(`${archive}: corrupt gzip stream (${message})`, archive);
  if (e?.syscall) return new InputError(`cannot read ${archive}: ${errnoText(error)}${errnoAdvice(error)}`, archive);
  return new InputError(`${archive}: cannot extract: ${message}`, archive);
}

/**
 * A damaged header or a cut member: node-tar warns and skips ahead; we stop (GNU tar exits 2).
 * `tarBytes` is how much of the tar stream was fed so far; `members` how many entries preceded.
 */
function warningFailure(archive: string, code: string, message: string, tarBytes: number, members: number): InputError {
  if (code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ABORT')
    return tarFailure(archive, new Error(`${code}: ${message}`), tarBytes);
  if (members === 0) return new InputError(`${archive}: not a tar archive (${message} in the first header)`, archive);
  const after = `after ${members} member${members === 1 ? '' : 's'}, within the first ${tarBytes} bytes of the tar stream`;
  return new InputError(`${archive}: damaged tar header ${after} (${message}); the archive is corrupt`, archive);
}

function checkKind(archive: string): void {
  const kind = detectArchiveKind(archive);
  if (kind === 'zstd' || kind === 'xz' || kind === 'bzip2') {
    throw new InputError(
      `${archive}: ${kind}-compressed archives are not supported; decompress it first and pass the .tar`,
      archive,
    );
  }
}

interface RunResult {
  readonly warnings: string[];
  readonly incomplete: string | undefined;
}

async function run(archive: string, writer: MemberWriter, signal?: AbortSignal): Promise<RunResult> {
  checkKind(archive);
  const { layers, warnings } = layersOf(archive);
  const tar = await import('tar'); // here, not at the top: loading tar costs every start ~20 ms
  let failure: InputError | undefined;
  const fed = { bytes: 0 };
  const parser: Parser = new tar.Parser({
    strict: false,
    brotli: false, // node-tar would otherwise guess brotli for anything that is not a tar header
    zstd: false,
    onwarn: (code: string, message: string) => {
      if (code === 'TAR_ENTRY_INFO') return;
      failure ??= warningFailure(archive, code, message, fed.bytes, writer.entriesSeen);
      parser.abort(failure);
    },
  });
  writer.onFatal = (error) => {
    failure ??= error;
    parser.abort(error);
  };
  // abort() reports itself as an unrecoverable warning, which node-tar emits as 'error'.
  parser.on('error', (error: unknown) => {
    failure ??= tarFailure(archive, error, fed.bytes);
  });
  parser.on('meta', (text: string) => writer.onMeta(text));
  parser.on('entry', (entry: ReadEntry) => writer.onEntry(entry));
  parser.on('ignoredEntry', (entry: ReadEntry) => writer.onIgnored(entry));
  const finished = new Promise<void>((resolve) => {
    parser.on('end', () => resolve());
    parser.on('abort', () => resolve());
  });
  // Members are written synchronously (tar-members.ts), so stopping leaves no write in flight.
  const stopped = () => failure !== undefined || signal?.aborted === true;
  let tarBytes = 0;
  try {
    const { length, tail } = await feed(archive, layers, parser, stopped, finished, fed);
    tarBytes = length;
    throwIfCancelled(signal);
    if (!stopped()) await finished;
    if (failure) throw failure;
    if (length % BLOCK !== 0)
      throw new InputError(
        `${archive}: archive truncated at byte ${length} of the tar stream (not a whole number of 512-byte blocks)`,
        archive,
      );
    const complete = length === 0 || allZero(tail);
    return {
      warnings,
      incomplete: complete
        ? undefined
        : `no end-of-archive marker after byte ${length} of the tar stream: the archive may have been cut short, and members after that point would be missing`,
    };
  } catch (error) {
    if (error instanceof Cancelled) throw error;
    throw failure ?? tarFailure(archive, error, tarBytes);
  }
}

/**
 * Extracts an archive into a new private temp directory. Throws InputError naming the archive
 * when it is missing, truncated, not a tar, over the caps, or cannot be written out (a full temp
 * dir); the temp directory is removed then.
 */
export async function extractArchive(archive: string, options: ExtractOptions = {}): Promise<ExtractedArchive> {
  try {
    if (!fs.statSync(archive).isFile()) throw new InputError(`${archive}: not a regular file`, archive);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`archive not found or not accessible: ${archive} (${errnoText(error)})`, archive);
  }
  let root: string;
  try {
    root = createTempDir(options.tempParent === undefined ? {} : { parent: options.tempParent });
  } catch (error) {
    const where = options.tempParent ?? process.env['TMPDIR'] ?? '/tmp';
    throw new InputError(
      `cannot create a temp dir in ${where} to unpack ${archive}: ${errnoText(error)}${errnoAdvice(error)}`,
      archive,
    );
  }
  const writer = new MemberWriter(archive, root, {
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    maxMembers: options.maxMembers ?? DEFAULT_MAX_MEMBERS,
  });
  try {
    const { warnings, incomplete } = await run(archive, writer, options.signal);
    return {
      root,
      refused: writer.refused,
      duplicates: writer.duplicates(),
      warnings,
      incomplete,
      bytes: writer.declaredBytes,
      cleanup: () => removeTempDir(root),
    };
  } catch (error) {
    removeTempDir(root);
    throw error;
  }
}
