// raft's checksum (src/byte.c: byteCrc32, table from libiberty crc32.c): CRC-32 with polynomial
// 0x04C11DB7, MSB-first (not reflected), caller-supplied initial value (raft always passes 0),
// no final XOR. Check value: crc32("123456789") = 0x89A1897F. This is NOT zlib's crc32.
//
// Slicing-by-16: sixteen 256-entry tables (T_k = the CRC of a byte followed by k zero bytes) let
// the loop consume 16 bytes per iteration with no dependency between the lookups, reading the
// input as four aligned 32-bit words instead of sixteen bytes. No allocation per call. This runs
// over every payload byte `check` verifies, so it is the hot loop of the tool.

import { CRC32_WASM_BASE64 } from './crc32-wasm.js';

const POLY = 0x04c11db7;
const SLICES = 16;

/** T[k * 256 + i]: table k of slicing-by-16, in one array for locality. */
function buildTables(): Uint32Array {
  const t = new Uint32Array(SLICES * 256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ POLY : c << 1;
    t[i] = c >>> 0;
  }
  for (let k = 1; k < SLICES; k++) {
    for (let i = 0; i < 256; i++) {
      const p = t[(k - 1) * 256 + i]!;
      t[k * 256 + i] = ((p << 8) ^ t[p >>> 24]!) >>> 0;
    }
  }
  return t;
}

const T = buildTables();
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Byte at a time (the head and tail around the aligned 16-byte blocks). */
function bytewise(bytes: Uint8Array, from: number, to: number, crc: number): number {
  for (let i = from; i < to; i++) crc = (crc << 8) ^ T[((crc >>> 24) ^ bytes[i]!) & 0xff]!;
  return crc;
}

/**
 * 16 bytes per step from 32-bit little-endian loads: byte j of word w is bytes[4w + j], and the
 * MSB-first register meets bytes in order, so the first word is xored into the register with its
 * bytes reversed (b0 against the top byte).
 */
function sliced(words: Uint32Array, crc: number): number {
  for (let w = 0; w + 4 <= words.length; w += 4) {
    const a = words[w]!;
    const b = words[w + 1]!;
    const c = words[w + 2]!;
    const d = words[w + 3]!;
    crc =
      T[15 * 256 + (((crc >>> 24) ^ a) & 0xff)]! ^
      T[14 * 256 + (((crc >>> 16) ^ (a >>> 8)) & 0xff)]! ^
      T[13 * 256 + (((crc >>> 8) ^ (a >>> 16)) & 0xff)]! ^
      T[12 * 256 + ((crc ^ (a >>> 24)) & 0xff)]! ^
      T[11 * 256 + (b & 0xff)]! ^
      T[10 * 256 + ((b >>> 8) & 0xff)]! ^
      T[9 * 256 + ((b >>> 16) & 0xff)]! ^
      T[8 * 256 + (b >>> 24)]! ^
      T[7 * 256 + (c & 0xff)]! ^
      T[6 * 256 + ((c >>> 8) & 0xff)]! ^
      T[5 * 256 + ((c >>> 16) & 0xff)]! ^
      T[4 * 256 + (c >>> 24)]! ^
      T[3 * 256 + (d & 0xff)]! ^
      T[2 * 256 + ((d >>> 8) & 0xff)]! ^
      T[256 + ((d >>> 16) & 0xff)]! ^
      T[d >>> 24]!;
  }
  return crc;
}

/** The JavaScript path of crc32, for every length (the reference the WebAssembly path is tested against). */
export function crc32Js(bytes: Uint8Array, init = 0): number {
  let crc = init >>> 0;
  const n = bytes.length;
  if (!LITTLE_ENDIAN || n < 64) return bytewise(bytes, 0, n, crc) >>> 0;
  // Align to 4 bytes for the Uint32Array view (no copy: a view over the same memory).
  const head = (4 - (bytes.byteOffset % 4)) % 4;
  crc = bytewise(bytes, 0, head, crc);
  const blocks = Math.floor((n - head) / 16);
  crc = sliced(new Uint32Array(bytes.buffer, bytes.byteOffset + head, blocks * 4), crc);
  return bytewise(bytes, head + blocks * 16, n, crc) >>> 0;
}

/** Bit-at-a-time reference, kept for tests that cross-check the sliced tables. */
export function crc32Bitwise(bytes: Uint8Array, init = 0): number {
  let crc = init >>> 0;
  for (const b of bytes) {
    crc ^= b << 24;
    for (let k = 0; k < 8; k++) crc = crc & 0x80000000 ? (crc << 1) ^ POLY : crc << 1;
  }
  return crc >>> 0;
}

// The WebAssembly path (crc32.wat, about twice as fast for long inputs): the module's memory holds
// the 16 tables at 0, a scratch area at SCRATCH where data is copied in chunks (or read straight
// into), and a read window at WINDOW that one reader at a time can lease (crcWindow), so that the
// payloads it reads are checksummed where they landed, without a copy.
const SCRATCH = 65536;
const SCRATCH_BYTES = 1 << 20;
const WINDOW = SCRATCH + SCRATCH_BYTES;
/** The leasable window: large enough for any FileSource window (64 KiB). */
export const CRC_WINDOW_BYTES = 128 * 1024;
/** Below this, copying into the module and calling it costs more than it saves. */
const WASM_MIN_BYTES = 2048;

// The few WebAssembly names used here (tsconfig's lib has no WebAssembly declarations).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
};
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface CrcModule {
  readonly bytes: Uint8Array;
  readonly crc: (p: number, n: number, crc: number) => number;
}

let module: CrcModule | null | undefined;

function wasmModule(): CrcModule | null {
  if (module !== undefined) return module;
  try {
    const compiled = new WebAssembly.Module(Buffer.from(CRC32_WASM_BASE64, 'base64'));
    const instance = new WebAssembly.Instance(compiled);
    const memory = instance.exports['memory'] as WasmMemory;
    memory.grow(Math.ceil((WINDOW + CRC_WINDOW_BYTES) / 65536) - memory.buffer.byteLength / 65536);
    new Uint32Array(memory.buffer, 0, T.length).set(T);
    module = { bytes: new Uint8Array(memory.buffer), crc: instance.exports['crc'] as CrcModule['crc'] };
  } catch {
    module = null; // no WebAssembly here: the JavaScript path is exact too
  }
  return module;
}

export function crc32UsesWasm(): boolean {
  return LITTLE_ENDIAN && wasmModule() !== null;
}

/** raft's byteCrc32(bytes, init). Chains: crc32(b, crc32(a)) === crc32(a ‖ b). */
export function crc32(bytes: Uint8Array, init = 0): number {
  const m = bytes.length >= WASM_MIN_BYTES && LITTLE_ENDIAN ? wasmModule() : null;
  if (!m) return crc32Js(bytes, init);
  if (bytes.buffer === m.bytes.buffer) {
    // Already in the module's memory (a leased window): checksummed in place.
    const blocks = bytes.length & ~15;
    return bytewise(bytes, blocks, bytes.length, m.crc(bytes.byteOffset, blocks, init >>> 0)) >>> 0;
  }
  let crc = init >>> 0;
  for (let at = 0; at < bytes.length; at += SCRATCH_BYTES) {
    const chunk = bytes.subarray(at, Math.min(bytes.length, at + SCRATCH_BYTES));
    m.bytes.set(chunk, SCRATCH);
    const blocks = chunk.length & ~15;
    crc = m.crc(SCRATCH, blocks, crc) >>> 0;
    crc = bytewise(chunk, blocks, chunk.length, crc) >>> 0;
  }
  return crc;
}

/**
 * The module's scratch area, for a reader that fills it straight from a file (no copy), and the
 * CRC of its first n bytes; undefined where WebAssembly is not available.
 */
export function crcScratch(): { readonly buffer: Uint8Array; crc(n: number, init: number): number } | undefined {
  const m = LITTLE_ENDIAN ? wasmModule() : null;
  if (!m) return undefined;
  const buffer = m.bytes.subarray(SCRATCH, SCRATCH + SCRATCH_BYTES);
  return {
    buffer,
    crc: (n, init) => {
      const blocks = n & ~15;
      return bytewise(buffer, blocks, n, m.crc(SCRATCH, blocks, init >>> 0)) >>> 0;
    },
  };
}

let windowLeased = false;

/**
 * The module's read window for one reader at a time (undefined when it is leased already or there
 * is no WebAssembly): bytes read into it are checksummed without a copy. Give it back with
 * releaseCrcWindow.
 */
export function leaseCrcWindow(): Buffer | undefined {
  const m = !windowLeased && LITTLE_ENDIAN ? wasmModule() : null;
  if (!m) return undefined;
  windowLeased = true;
  return Buffer.from(m.bytes.buffer, WINDOW, CRC_WINDOW_BYTES);
}

export function releaseCrcWindow(window: Uint8Array): void {
  const m = wasmModule();
  if (m && window.buffer === m.bytes.buffer) windowLeased = false;
}
