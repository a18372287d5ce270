// The one bounds-checked little-endian cursor every codec reads with (house style: kafkajs
// Decoder, isomorphic-git BufferCursor). A read past the end throws ShortReadError carrying the
// file, field, offset and byte counts; tolerant decoders catch it and turn it into an issue.
import { ShortReadError } from '../core/errors.js';

export class Cursor {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly file: string | undefined;
  offset: number;

  constructor(bytes: Uint8Array, offset = 0, file?: string) {
    this.bytes = bytes;
    // byteOffset matters: Node's small Buffers are slices of a shared pool.
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = offset;
    this.file = file;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  canRead(n: number): boolean {
    return n >= 0 && this.offset + n <= this.bytes.length;
  }

  private need(field: string, n: number): void {
    if (!this.canRead(n)) {
      throw new ShortReadError(field, this.offset, n, Math.max(0, this.remaining), this.file);
    }
  }

  u8(field: string): number {
    this.need(field, 1);
    return this.bytes[this.offset++]!;
  }

  u16(field: string): number {
    this.need(field, 2);
    const v = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return v;
  }

  u32(field: string): number {
    this.need(field, 4);
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }

  u64(field: string): bigint {
    this.need(field, 8);
    const v = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    return v;
  }

  /** A view (no copy) of the next n bytes. */
  bytesOf(field: string, n: number): Uint8Array {
    this.need(field, n);
    const v = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  skip(field: string, n: number): void {
    this.need(field, n);
    this.offset += n;
  }

  /** NUL-terminated string; the NUL is consumed. Throws ShortReadError when no NUL follows. */
  cstring(field: string): string {
    const end = this.bytes.indexOf(0, this.offset);
    if (end < 0) {
      throw new ShortReadError(
        `${field} (no NUL terminator)`,
        this.offset,
        this.remaining + 1,
        this.remaining,
        this.file,
      );
    }
    const s = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.offset, end - this.offset).toString('utf8');
    this.offset = end + 1;
    return s;
  }
}

/** Little-endian writer with a growable buffer; every encoder uses it. */
export class Writer {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
    return this;
  }

  u64(v: bigint): this {
    this.ensure(8);
    this.view.setBigUint64(this.length, BigInt.asUintN(64, v), true);
    this.length += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
    return this;
  }

  cstring(s: string): this {
    return this.bytes(Buffer.from(s, 'utf8')).u8(0);
  }

  /** Pads with zeros to a multiple of 8 (raft's bytePad64). */
  pad8(): this {
    return this.zeros(pad8(this.length) - this.length);
  }

  /** Overwrites a u32 at an earlier position (used to patch checksums). */
  patchU32(at: number, v: number): this {
    this.view.setUint32(at, v >>> 0, true);
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** raft's bytePad64: rounds a length up to a multiple of 8. */
export function pad8(n: number): number {
  return (n + 7) & ~7;
}
