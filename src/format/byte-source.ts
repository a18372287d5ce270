// Decoders read through a ByteSource so the same pure code serves a Buffer in a test and a
// multi-gigabyte file on disk (scan/ supplies a file-backed source that reads on demand and
// checksums long ranges in chunks, never holding a whole file). Reads are synchronous: a
// recovery tool reads one file at a time and simple control flow matters more than overlap.
import { crc32 } from './crc32.js';

export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Returns exactly `length` bytes from `offset`; callers check bounds against `size` first. */
  read(offset: number, length: number): Uint8Array;
  /** raft CRC of [offset, offset+length), chained from `init`; may stream in chunks. */
  crc(offset: number, length: number, init?: number): number;
  /** True when every byte of [offset, offset+length) is zero. */
  isZero(offset: number, length: number): boolean;
}

export class BufferSource implements ByteSource {
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  get size(): number {
    return this.bytes.length;
  }
  read(offset: number, length: number): Uint8Array {
    return this.bytes.subarray(offset, offset + length);
  }
  crc(offset: number, length: number, init = 0): number {
    return crc32(this.bytes.subarray(offset, offset + length), init);
  }
  isZero(offset: number, length: number): boolean {
    return allZero(this.bytes.subarray(offset, offset + length));
  }
}

export function allZero(bytes: Uint8Array): boolean {
  // Word-at-a-time where alignment allows: open segments are mostly zeros and this runs often.
  let i = 0;
  const n = bytes.length;
  if (bytes.byteOffset % 4 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, n >>> 2);
    for (let w = 0; w < words.length; w++) if (words[w] !== 0) return false;
    i = words.length * 4;
  }
  for (; i < n; i++) if (bytes[i] !== 0) return false;
  return true;
}
