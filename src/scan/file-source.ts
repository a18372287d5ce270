// A ByteSource over an open file descriptor: positioned reads on demand, so a multi-gigabyte
// segment is never held whole. Small reads (batch preambles and headers, a few bytes each, one
// after the other) are served from a 64 KiB read-ahead window, one readSync per window instead
// of one per header; long crc() and isZero() ranges stream through one shared 1 MiB scratch
// buffer (reads are synchronous, so one buffer per process is enough) instead of allocating
// `length` bytes per call. The file is opened read-only, never through a symlink, and never
// blocking (a FIFO named like a segment must not hang us): a recovery tool must not be the thing
// that damages or redirects the evidence.
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { InputError, InternalError } from '../core/errors.js';
import type { ByteSource } from '../format/byte-source.js';
import { crc32, crcScratch, leaseCrcWindow, releaseCrcWindow } from '../format/crc32.js';
import { errnoAdvice, errnoText } from './io-errors.js';

/**
 * A file of the input could not be read: an errno (EACCES, EIO, …) or a file that shrank while
 * it was read. The user's situation, not damage in the data and not a bug: exit 2.
 */
export class FileReadError extends InputError {
  /** "EACCES (permission denied)", or what happened. */
  readonly reason: string;
  /** The errno code, when there is one. */
  readonly errno: string | undefined;
  constructor(file: string, verb: string, reason: string, error?: unknown) {
    super(`cannot ${verb} ${file}: ${reason}${errnoAdvice(error)}`, file);
    this.reason = reason;
    this.errno = (error as NodeJS.ErrnoException | undefined)?.code;
  }
}

/**
 * Bytes read from input files by this thread (every read goes through FileSource). Tests use it to
 * show that a run reads each input once.
 */
export const inputBytesRead = { bytes: 0 };

export const CHUNK_SIZE = 1 << 20;
/** Read-ahead for small reads: a few batches of a segment per readSync. */
export const WINDOW_SIZE = 64 * 1024;

let scratch: Buffer | undefined;
let hashScratch: Buffer | undefined;
let zeros: Buffer | undefined;

function scratchBuffer(): Buffer {
  scratch ??= Buffer.allocUnsafe(CHUNK_SIZE);
  return scratch;
}

function zeroBuffer(): Buffer {
  zeros ??= Buffer.alloc(CHUNK_SIZE);
  return zeros;
}

export class FileSource implements ByteSource {
  readonly path: string;
  readonly size: number;
  private fd: number | undefined;
  private window: Buffer | undefined;
  private windowStart = 0;
  private windowLength = 0;
  private readonly readAhead: number;
  private readonly reuseWindow: boolean;
  private spare: Buffer | undefined;
  private readonly hash: Hash | undefined;
  /** Bytes [0, hashedTo) went into `hash`. */
  private hashedTo = 0;

  /**
   * `readAhead`: bytes fetched per small read (default WINDOW_SIZE). A header-only walk over big
   * batches asks for less, so that the payloads it skips are not copied out of the page cache.
   * `reuseWindow`: refills overwrite one buffer instead of allocating a new one, so a view returned
   * by read() is valid only until the next call. For a reader that uses each view at once (the
   * segment decoder): one allocation per file instead of one per 64 KiB.
   * `hash`: compute the file's sha256 from the bytes the reader reads anyway (sha256() hashes the
   * rest), so that pinning an input for a repair costs no second pass over it.
   */
  constructor(path: string, options: { readAhead?: number; reuseWindow?: boolean; hash?: boolean } = {}) {
    this.path = path;
    this.readAhead = Math.min(WINDOW_SIZE, Math.max(64, options.readAhead ?? WINDOW_SIZE));
    this.reuseWindow = options.reuseWindow ?? false;
    this.hash = options.hash ? createHash('sha256') : undefined;
    // O_NOFOLLOW: a symlink planted in a node directory must not make us read another file.
    // O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer.
    const flags = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);
    try {
      this.fd = fs.openSync(path, flags);
    } catch (error) {
      throw new FileReadError(path, 'open', errnoText(error), error);
    }
    let st: fs.Stats;
    try {
      st = fs.fstatSync(this.fd);
    } catch (error) {
      this.close();
      throw new FileReadError(path, 'stat', errnoText(error), error);
    }
    if (!st.isFile()) {
      this.close();
      throw new FileReadError(path, 'read', 'not a regular file');
    }
    this.size = st.size;
  }

  private descriptor(): number {
    if (this.fd === undefined) throw new InternalError(`read from closed FileSource ${this.path}`);
    return this.fd;
  }

  /** Reads up to `length` bytes into target[0, …) from `offset`; fewer only at end of file. */
  private readInto(target: Uint8Array, offset: number, length: number): number {
    const done = this.readRaw(target, offset, length);
    if (this.hash) this.feedHash(target, offset, done);
    return done;
  }

  private readRaw(target: Uint8Array, offset: number, length: number): number {
    const fd = this.descriptor();
    let done = 0;
    while (done < length) {
      let n: number;
      try {
        n = fs.readSync(fd, target, done, length - done, offset + done);
      } catch (error) {
        throw new FileReadError(this.path, 'read', `${errnoText(error)} at offset ${offset + done}`, error);
      }
      if (n === 0) break;
      done += n;
    }
    inputBytesRead.bytes += done;
    return done;
  }

  /** Hashes what a read brought that the hash has not seen; a read that skips ahead hashes the gap first. */
  private feedHash(bytes: Uint8Array, offset: number, length: number): void {
    if (offset > this.hashedTo) this.hashRange(this.hashedTo, offset);
    const end = offset + length;
    if (end <= this.hashedTo) return;
    this.hash!.update(bytes.subarray(this.hashedTo - offset, length));
    this.hashedTo = end;
  }

  /** Reads [from, to) only to hash it (bytes the decoder skipped: header-only walks, early stops). */
  private hashRange(from: number, to: number): void {
    // Its own buffer: hashRange runs inside reads that may be filling the shared scratch buffer.
    hashScratch ??= Buffer.allocUnsafe(CHUNK_SIZE);
    const buf = hashScratch;
    for (let at = from; at < to;) {
      const n = this.readRaw(buf, at, Math.min(buf.length, to - at));
      if (n === 0) throw this.shrank('bytes to hash', at, to - at, 0);
      this.hash!.update(buf.subarray(0, n));
      at += n;
    }
    this.hashedTo = to;
  }

  /** The file's sha256 (hex): the bytes read so far and, read now, the rest. Only with `hash`. */
  sha256(): string {
    if (!this.hash) throw new InternalError(`${this.path} was not opened for hashing`);
    this.hashRange(this.hashedTo, this.size);
    return this.hash.digest('hex');
  }

  /**
   * Fills target[0, length) from `offset`. Callers check bounds against `size`, so a file that
   * ends first shrank after it was opened (something still writes to it): a FileReadError.
   */
  private fill(target: Uint8Array, offset: number, length: number, field: string): void {
    const done = this.readInto(target, offset, length);
    if (done < length) throw this.shrank(field, offset, length, done);
  }

  private shrank(field: string, offset: number, length: number, got: number): FileReadError {
    return new FileReadError(
      this.path,
      'read',
      `the file shrank while it was read (it had ${this.size} bytes; reading ${length} bytes of ${field} at offset ${offset} gave ${got}): is something still writing to it?`,
    );
  }

  /**
   * [offset, offset+length) as a view into the read-ahead window (length ≤ WINDOW_SIZE). A refill
   * reads into a new buffer, never over the old one, so views handed out earlier stay valid.
   */
  private windowed(offset: number, length: number, field: string): Buffer {
    if (!this.window || offset < this.windowStart || offset + length > this.windowStart + this.windowLength) {
      const want = Math.max(length, Math.min(this.readAhead, this.size - offset));
      if (this.reuseWindow && !this.spare) this.spare = leaseCrcWindow(); // reads land where the CRC runs
      const window =
        this.reuseWindow && this.spare && this.spare.length >= want
          ? this.spare.subarray(0, want)
          : Buffer.allocUnsafe(want);
      if (this.reuseWindow && (!this.spare || this.spare.length < want)) this.spare = window;
      // The part of the old window the new one starts with is moved, not read again: a sequential
      // reader reads each byte of the file once.
      const end = this.windowStart + this.windowLength;
      const keep = this.window && offset >= this.windowStart && offset < end ? Math.min(end - offset, want) : 0;
      if (keep) this.window!.copy(window, 0, offset - this.windowStart, offset - this.windowStart + keep);
      const got = keep + this.readInto(window.subarray(keep), offset + keep, want - keep);
      this.window = window;
      this.windowStart = offset;
      this.windowLength = got;
      if (got < length) throw this.shrank(field, offset, length, got);
    }
    const at = offset - this.windowStart;
    return this.window.subarray(at, at + length);
  }

  read(offset: number, length: number): Uint8Array {
    // Small reads are views of the window: no copy, and no later read can change them.
    if (length <= WINDOW_SIZE / 2) return this.windowed(offset, length, 'bytes');
    const out = Buffer.allocUnsafe(length);
    this.fill(out, offset, length, 'bytes');
    return out;
  }

  crc(offset: number, length: number, init = 0): number {
    if (length <= WINDOW_SIZE) return crc32(this.windowed(offset, length, 'checksummed bytes'), init);
    const direct = crcScratch();
    if (direct) {
      // Read straight into the CRC module's memory: no copy between reading and checksumming.
      let crc = init;
      for (let done = 0; done < length;) {
        const n = Math.min(direct.buffer.length, length - done);
        this.fill(direct.buffer.subarray(0, n), offset + done, n, 'checksummed bytes');
        crc = direct.crc(n, crc);
        done += n;
      }
      return crc >>> 0;
    }
    const buf = scratchBuffer();
    let crc = init;
    for (let done = 0; done < length;) {
      const n = Math.min(CHUNK_SIZE, length - done);
      this.fill(buf, offset + done, n, 'checksummed bytes');
      crc = crc32(buf.subarray(0, n), crc);
      done += n;
    }
    return crc >>> 0;
  }

  isZero(offset: number, length: number): boolean {
    const zero = zeroBuffer();
    if (length <= WINDOW_SIZE) return this.windowed(offset, length, 'bytes').equals(zero.subarray(0, length));
    const buf = scratchBuffer();
    for (let done = 0; done < length;) {
      const n = Math.min(CHUNK_SIZE, length - done);
      this.fill(buf, offset + done, n, 'bytes');
      // Native memcmp against zeros: open segments are mostly zeros, and this scans all of them.
      if (!buf.subarray(0, n).equals(zero.subarray(0, n))) return false;
      done += n;
    }
    return true;
  }

  /** Idempotent. */
  close(): void {
    this.window = undefined;
    if (this.spare) releaseCrcWindow(this.spare);
    this.spare = undefined;
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    fs.closeSync(fd);
  }
}
