// Seeded, reproducible corruptions of real files: generic byte damage (bit flips, truncation,
// zeroed and random regions, shifts, appended bytes, empty and random files) for every binary
// file type, structural lies aimed at each format's length and version fields, and text damage
// for the YAML files (text-mutations.ts). Each case says whether the damage is *detectable*:
// every byte it changed is covered by a check of the format (a checksum, a version, a length),
// so a decoder that reports nothing has missed damage. Detectability is derived from the format
// grammar (format-spec §2-§5), not from the decoders under test.
import { crc32 } from '../../src/format/crc32.js';
import { xxh32 } from '../../src/format/lz4-frame.js';
import { Rng } from './rng.js';
import type { Specimen } from './specimens.js';
import { textMutations } from './text-mutations.js';

export interface MutationCase {
  readonly specimen: Specimen;
  /** What was done, e.g. `bitflip@4123.6`; with the seed this replays the case. */
  readonly op: string;
  readonly bytes: Uint8Array;
  /** true: a check of the format must report it; undefined: the format cannot say (see isDetectable). */
  readonly detectable: boolean | undefined;
}

export interface Budget {
  /** Random single-bit flips per small specimen. */
  readonly flips: number;
  /** Random truncations, regions and shifts per small specimen. */
  readonly regions: number;
}

/** A case before its bytes exist: built one at a time, so large specimens never pile up. */
export interface Draft {
  readonly op: string;
  readonly make: () => Uint8Array;
  readonly detectable?: boolean;
}

const d = (op: string, make: () => Uint8Array, detectable?: boolean): Draft => (detectable === undefined ? { op, make } : { op, make, detectable });

const U64_VALUES: readonly bigint[] = [0n, 2n, 255n, 1n << 32n, (1n << 63n) - 1n, 1n << 63n, (1n << 64n) - 1n];

export function u64le(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return b;
}

function u32le(v: number): Uint8Array {
  return Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
}

export function patched(src: Uint8Array, at: number, bytes: Uint8Array): Uint8Array {
  const out = src.slice();
  out.set(bytes.subarray(0, Math.max(0, Math.min(bytes.length, out.length - at))), at);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array, from: number, to: number): boolean {
  if (to > a.length || to > b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset + from, to - from).equals(Buffer.from(b.buffer, b.byteOffset + from, to - from));
}

function allZeroFrom(b: Uint8Array, from: number): boolean {
  for (let i = from; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

function boundaries(s: Specimen): number[] {
  return [8, ...(s.batches ?? []).map((b) => b.end)];
}

/** First and last+1 offsets where a and b differ (length changes count from the shorter end). */
function changedRange(a: Uint8Array, b: Uint8Array): [number, number] {
  let lo = 0;
  const n = Math.min(a.length, b.length);
  while (lo < n && a[lo] === b[lo]) lo++;
  let ha = a.length;
  let hb = b.length;
  while (ha > lo && hb > lo && a[ha - 1] === b[hb - 1]) {
    ha--;
    hb--;
  }
  return [lo, Math.max(ha, hb)];
}

/**
 * LZ4 compressed blocks are not canonical: a flipped match offset can copy equal bytes and leave
 * the content (and liblz4's verdict) unchanged, so damage confined to compressed block data is
 * undecidable here. Everything else (header, block words, stored blocks, checksum) is covered.
 */
function lz4Detectable(o: Uint8Array, m: Uint8Array): boolean | undefined {
  const [lo, hi] = changedRange(o, m);
  if (m.length !== o.length) return true;
  const descEnd = 4 + 2 + (o[4]! & 0x08 ? 8 : 0) + (o[4]! & 0x01 ? 4 : 0) + 1;
  for (let off = descEnd; off + 4 <= o.length; ) {
    const word = new DataView(o.buffer, o.byteOffset).getUint32(off, true);
    if (word === 0) break;
    const size = word & 0x7fffffff;
    const compressed = (word & 0x80000000) === 0;
    if (compressed && lo >= off + 4 && hi <= off + 4 + size) return undefined;
    off += 4 + size;
  }
  return true;
}

/** Damage a check must catch, judged from the format grammar; undefined when it cannot be judged. */
export function isDetectable(s: Specimen, m: Uint8Array): boolean | undefined {
  const o = s.bytes;
  if (m.length === o.length && equalBytes(m, o, 0, o.length)) return false;
  switch (s.kind) {
    case 'closed-segment':
      // A clean cut at a batch boundary is a valid (shorter) segment; under 8 bytes there is no format word.
      return m.length >= 8 && !boundaries(s).some((b) => m.length === b && equalBytes(m, o, 0, b));
    case 'open-segment':
      // Written batches then zeros is what an open segment looks like: cut or zeroed at a boundary is clean.
      if (m.length < 8 || allZeroFrom(m, 0)) return false;
      return !boundaries(s).some((b) => b <= m.length && equalBytes(m, o, 0, b) && allZeroFrom(m, b));
    case 'metadata': {
      if (m.length !== 32) return true;
      const v = new DataView(m.buffer, m.byteOffset, 32);
      return v.getBigUint64(0, true) !== 1n || v.getBigUint64(8, true) === 0n;
    }
    case 'snapshot-meta': {
      // C compares only the low 32 bits of the crc word, and never reads past 32 + L.
      const end = 32 + Number(new DataView(o.buffer, o.byteOffset, 32).getBigUint64(24, true));
      return m.length < end || !equalBytes(m, o, 0, 12) || !equalBytes(m, o, 16, end);
    }
    case 'snapshot-data':
      return lz4Detectable(o, m);
    default:
      return undefined;
  }
}

function genericDrafts(s: Specimen, rng: Rng, budget: Budget): Draft[] {
  const o = s.bytes;
  const n = o.length;
  const scale = s.large ? 0.03 : s.kind === 'snapshot-data' ? 0.3 : 1;
  const flips = Math.max(3, Math.round(budget.flips * scale));
  const regions = Math.max(2, Math.round(budget.regions * scale));
  const out: Draft[] = [d('empty', () => new Uint8Array(0)), d('all-zero', () => new Uint8Array(n)), d('all-ff', () => new Uint8Array(n).fill(0xff))];
  for (let i = 0; i < flips; i++) {
    const at = rng.int(n);
    const bit = rng.int(8);
    out.push(d(`bitflip@${at}.${bit}`, () => patched(o, at, Uint8Array.of(o[at]! ^ (1 << bit)))));
  }
  for (let i = 0; i < regions; i++) {
    const at = rng.int(n);
    const len = 1 + rng.int(Math.min(n - at, rng.chance(0.5) ? 16 : 4096));
    const fill = rng.bytes(len);
    const value = rng.int(256);
    const from = rng.int(n);
    out.push(
      d(`byteset@${at}=${value}`, () => patched(o, at, Uint8Array.of(value))),
      d(`truncate@${at}`, () => o.slice(0, at)),
      d(`zero@${at}+${len}`, () => patched(o, at, new Uint8Array(len))),
      d(`random@${at}+${len}`, () => patched(o, at, fill)),
      d(`ff@${at}+${len}`, () => patched(o, at, new Uint8Array(len).fill(0xff))),
      d(`delete@${at}`, () => concat(o.subarray(0, at), o.subarray(at + 1))),
      d(`insert@${at}=${value}`, () => concat(o.subarray(0, at), Uint8Array.of(value), o.subarray(at))),
      d(`duplicate@${from}+${len}->${at}`, () => patched(o, at, o.slice(from, from + len))),
    );
  }
  for (const len of [1, 7, 8, 16, 4096]) {
    const garbage = rng.bytes(len).map((b) => b | 1);
    out.push(d(`append-garbage+${len}`, () => concat(o, garbage)), d(`append-zeros+${len}`, () => concat(o, new Uint8Array(len))));
  }
  for (const len of [n, 1 + rng.int(2 * n + 64), 7, 8, 31, 32, 33]) {
    const seed = rng.u32();
    out.push(d(`random-file:${len}:${seed}`, () => new Rng(seed).bytes(len)));
  }
  return out;
}

/** Header checksum crc1 recomputed so that only the edited field is wrong. */
function fixCrc1(bytes: Uint8Array, batchAt: number, n: number): Uint8Array {
  const end = Math.min(bytes.length, batchAt + 16 + n * 16);
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(batchAt, crc32(bytes.subarray(batchAt + 8, end)), true);
  return bytes;
}

function batchDrafts(o: Uint8Array, b: NonNullable<Specimen['batches']>[number], k: number, rng: Rng): Draft[] {
  const dataAt = b.offset + 16 + b.n * 16;
  const inside = [b.offset + 1 + rng.int(7), b.offset + 8 + rng.int(8), b.offset + 16 + rng.int(b.n * 16), dataAt + rng.int(b.end - dataAt)];
  const out: Draft[] = inside.map((at) => d(`truncate-inside-batch${k}@${at}`, () => o.slice(0, at)));
  for (const v of [0n, 2n, 262_144n, 262_145n, 1n << 32n, (1n << 64n) - 1n]) {
    out.push(d(`count=${v}@batch${k}`, () => patched(o, b.offset + 8, u64le(v))));
    out.push(d(`count=${v}@batch${k}+crc1`, () => fixCrc1(patched(o, b.offset + 8, u64le(v)), b.offset, Number(v > 262_144n ? 0n : v))));
  }
  const e = rng.int(b.n);
  const h = b.headers[e]!;
  for (const len of [0, 1, 8, 0x7fff_fff8, 0x8000_0000, 0xffff_ffff, o.length]) {
    out.push(d(`len=${len}@batch${k}.entry${e}+crc1`, () => fixCrc1(patched(o, h + 12, u32le(len)), b.offset, b.n)));
  }
  for (const type of [0, 4, 255]) out.push(d(`type=${type}@batch${k}.entry${e}+crc1`, () => fixCrc1(patched(o, h + 8, Uint8Array.of(type)), b.offset, b.n)));
  // A new term with a correct checksum is well formed: only a log-level rule can see it.
  out.push(d(`term=2^64-1@batch${k}.entry${e}+crc1`, () => fixCrc1(patched(o, h, u64le((1n << 64n) - 1n)), b.offset, b.n), false));
  out.push(d(`crc1-zero@batch${k}`, () => patched(o, b.offset, new Uint8Array(4))));
  out.push(d(`crc2-zero@batch${k}`, () => patched(o, b.offset + 4, new Uint8Array(4))));
  out.push(d(`zero-from-batch${k}`, () => patched(o, b.offset, new Uint8Array(o.length - b.offset))));
  out.push(d(`torn-batch${k}-headers-only`, () => concat(o.subarray(0, dataAt), new Uint8Array(Math.max(0, o.length - dataAt)))));
  return out;
}

function segmentDrafts(s: Specimen, rng: Rng): Draft[] {
  const o = s.bytes;
  const batches = s.batches ?? [];
  const out: Draft[] = U64_VALUES.map((v) => d(`format=${v}`, () => patched(o, 0, u64le(v))));
  const cuts = s.large ? [8, ...batches.slice(-2).map((b) => b.end)] : boundaries(s);
  for (const b of cuts) out.push(d(`truncate-at-boundary@${b}`, () => o.slice(0, b)));
  const picked = s.large ? [batches[0], batches[batches.length - 1]].filter((b) => b !== undefined) : batches;
  for (const b of picked) out.push(...batchDrafts(o, b, batches.indexOf(b), rng));
  return out;
}

function metaDrafts(s: Specimen): Draft[] {
  const o = s.bytes;
  const fixCrc = (b: Uint8Array): Uint8Array => {
    const end = Math.min(b.length, 32 + Number(new DataView(b.buffer, b.byteOffset).getBigUint64(24, true) & 0xfffffn));
    new DataView(b.buffer, b.byteOffset).setUint32(8, crc32(b.subarray(16, end)), true);
    return b;
  };
  const out: Draft[] = U64_VALUES.map((v) => d(`format=${v}`, () => patched(o, 0, u64le(v))));
  for (const v of [0n, 1n, 8n, 1n << 20n, (1n << 20n) + 8n, 1n << 32n, (1n << 64n) - 1n]) out.push(d(`conf-length=${v}`, () => patched(o, 24, u64le(v))));
  out.push(d('crc-high-bits', () => patched(o, 12, Uint8Array.of(0xde, 0xad, 0xbe, 0xef)), false));
  out.push(d('trailing-bytes', () => concat(o, new Uint8Array(24).fill(0xab)), false));
  out.push(d('conf-format=2+crc', () => fixCrc(patched(o, 32, Uint8Array.of(2)))));
  // Zero servers is a well-formed (empty) configuration: only the loader and rules can object.
  out.push(d('conf-servers=0+crc', () => fixCrc(patched(o, 33, u64le(0n))), false));
  for (const v of [4n, 1n << 32n, (1n << 64n) - 1n]) out.push(d(`conf-servers=${v}+crc`, () => fixCrc(patched(o, 33, u64le(v)))));
  const roleAt = o.indexOf(0, 49) + 1; // first server: u64 id at 41, address from 49, NUL, role
  if (roleAt > 0) for (const role of [3, 255]) out.push(d(`conf-role=${role}+crc`, () => fixCrc(patched(o, roleAt, Uint8Array.of(role)))));
  return out;
}

function metadataDrafts(s: Specimen): Draft[] {
  const o = s.bytes;
  const out: Draft[] = U64_VALUES.map((v) => d(`format=${v}`, () => patched(o, 0, u64le(v))));
  out.push(d('version=0', () => patched(o, 8, u64le(0n))));
  for (const v of [(1n << 64n) - 1n, 1n << 63n]) {
    out.push(d(`term=${v}`, () => patched(o, 16, u64le(v))), d(`version=${v}`, () => patched(o, 8, u64le(v))));
  }
  return out;
}

/** LZ4 frame header edits with the header checksum recomputed (format-spec §3.4). */
function lz4Drafts(s: Specimen): Draft[] {
  const o = s.bytes;
  const descEnd = 4 + 2 + (o[4]! & 0x08 ? 8 : 0) + (o[4]! & 0x01 ? 4 : 0);
  const fixHc = (b: Uint8Array): Uint8Array => {
    b[descEnd] = (xxh32(b.subarray(4, descEnd)) >>> 8) & 0xff;
    return b;
  };
  const out: Draft[] = [];
  for (const v of [0n, 1n, 1n << 30n, (1n << 30n) - 1n, 1n << 40n, (1n << 64n) - 1n]) out.push(d(`content-size=${v}+hc`, () => fixHc(patched(o, 6, u64le(v)))));
  for (const flg of [0x0c, 0x5c, 0x4d, 0x8c, 0x4e]) out.push(d(`flg=0x${flg.toString(16)}+hc`, () => fixHc(patched(o, 4, Uint8Array.of(flg)))));
  for (const bd of [0x00, 0x80, 0x41]) out.push(d(`bd=0x${bd.toString(16)}+hc`, () => fixHc(patched(o, 5, Uint8Array.of(bd)))));
  // A larger declared block maximum (4 MiB) is still a valid frame for 64 KiB blocks.
  out.push(d('bd=0x70+hc', () => fixHc(patched(o, 5, Uint8Array.of(0x70))), false));
  for (const word of [0x7fff_ffff, 0xffff_ffff, 0x8001_0000, 0x0001_0001, 0x8000_0001]) {
    out.push(d(`block0-size=0x${word.toString(16)}`, () => patched(o, descEnd + 1, u32le(word))));
  }
  out.push(d('no-endmark', () => o.slice(0, o.length - 8)));
  return out;
}

function draftsFor(s: Specimen, rng: Rng, budget: Budget): Draft[] {
  switch (s.kind) {
    case 'info-yaml':
    case 'cluster-yaml':
      return textMutations(s, rng, budget);
    case 'closed-segment':
    case 'open-segment':
      return [...genericDrafts(s, rng, budget), ...segmentDrafts(s, rng)];
    case 'snapshot-meta':
      return [...genericDrafts(s, rng, budget), ...metaDrafts(s)];
    case 'metadata':
      return [...genericDrafts(s, rng, budget), ...metadataDrafts(s)];
    case 'snapshot-data':
      return [...genericDrafts(s, rng, budget), ...lz4Drafts(s)];
  }
}

/** The drafts of one specimen (cases whose bytes are not built yet). */
export function draftsOf(s: Specimen, rng: Rng, budget: Budget): Draft[] {
  return draftsFor(s, rng.fork(s.label), budget);
}

/** Every case for one specimen, built lazily and deterministically from the rng. */
export function* mutationsOf(s: Specimen, rng: Rng, budget: Budget): Generator<MutationCase> {
  for (const draft of draftsFor(s, rng.fork(s.label), budget)) {
    const bytes = draft.make();
    yield { specimen: s, op: draft.op, bytes, detectable: draft.detectable ?? isDetectable(s, bytes) };
  }
}
