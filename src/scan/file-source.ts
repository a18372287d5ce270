// A ByteSource over an open file descriptor: positioned reads on demand, so a multi-gigabyte
// segment is never held whole. crc() and isZero() stream through one shared 1 MiB scratch
// buffer (reads are synchronous, so one buffer per process is enough) instead of allocating
// `length` bytes per call. The file is opened read-only and never through a symlink: a recovery
// tool must not be the thing that damages or redirects the evidence.
import fs from 'node:fs';
import { InputError, InternalError, ShortReadError } from '../core/errors.js';
import { allZero, type ByteSource } from '../format/byte-source.js';
import { crc32 } from '../format/crc32.js';

export const CHUNK_SIZE = 1 << 20;

let scratch: Buffer | undefined;

function scratchBuffer(): Buffer {
  scratch ??= Buffer.allocUnsafe(CHUNK_SIZE);
  return scratch;
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (error instanceof Error ? error.message : String(error));
}

export class FileSource implements ByteSource {
  readonly path: string;
  readonly size: number;
  private fd: number | undefined;

  constructor(path: string) {
    this.path = path;
    // O_NOFOLLOW: a symlink planted in a node directory must not make us read another file.
    const flags = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0);
    try {
      this.fd = fs.openSync(path, flags);
    } catch (error) {
      throw new InputError(`cannot open ${path}: ${describe(error)}`, path);
    }
    try {
      this.size = fs.fstatSync(this.fd).size;
    } catch (error) {
      this.close();
      throw new InputError(`cannot stat ${path}: ${describe(error)}`, path);
    }
  }

  private descriptor(): number {
    if (this.fd === undefined) throw new InternalError(`read from closed FileSource ${this.path}`);
    return this.fd;
  }

  /**
   * Fills target[0, length) from `offset`. Throws ShortReadError when the file ends first (it
   * shrank after it was opened, or the caller did not check bounds against `size`).
   */
  private fill(target: Uint8Array, offset: number, length: number, field: string): void {
    const fd = this.descriptor();
    let done = 0;
    while (done < length) {
      let n: number;
      try {
        n = fs.readSync(fd, target, done, length - done, offset + done);
      } catch (error) {
        throw new InputError(`cannot read ${this.path} at offset ${offset + done}: ${describe(error)}`, this.path);
      }
      if (n === 0) throw new ShortReadError(field, offset, length, done, this.path);
      done += n;
    }
  }

  read(offset: number, length: number): Uint8Array {
    const out = Buffer.allocUnsafe(length);
    this.fill(out, offset, length, 'bytes');
    return out;
  }

  crc(offset: number, length: number, init = 0): number {
    const buf = scratchBuffer();
    let crc = init;
    for (let done = 0; done < length; ) {
      const n = Math.min(CHUNK_SIZE, length - done);
      this.fill(buf, offset + done, n, 'checksummed bytes');
      crc = crc32(buf.subarray(0, n), crc);
      done += n;
    }
    return crc >>> 0;
  }

  isZero(offset: number, length: number): boolean {
    const buf = scratchBuffer();
    for (let done = 0; done < length; ) {
      const n = Math.min(CHUNK_SIZE, length - done);
      this.fill(buf, offset + done, n, 'bytes');
      if (!allZero(buf.subarray(0, n))) return false;
      done += n;
    }
    return true;
  }

  /** Idempotent. */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    fs.closeSync(fd);
  }
}
