// One LZ4 block, decoded the way liblz4 1.9.4 does it for LZ4F_decompress: LZ4_decompress_generic
// (lib/lz4.c) in its "safe, full block" form with LZ4_FAST_DEC_LOOP on (the x86-64 and aarch64
// builds). A block is a run of sequences (doc/lz4_Block_format.md):
//
//   u8   token: high nibble = literal count L, low nibble = match length M - 4 (15 = more follows)
//   [u8 …] L continuation: bytes added to 15 while each is 255
//   L    literal bytes
//   u16  match offset (LE; distance back into the output, history included)
//   [u8 …] M continuation, as for L
//
// and the last sequence stops after its literals. Which damaged blocks liblz4 rejects depends on
// its parsing limits (the last 5 output bytes are literals, a match starts 12 bytes before the
// output end, an input cursor near its end means "last sequence"), and those bounds differ a
// little between its fast loop, its safe loop and the safe loop's shortcut, so all three are kept,
// with C's jumps between them (goto safe_literal_copy / safe_match_copy / _copy_match).

/** Where a block decodes: `out[start, start + capacity)`, after `history` bytes of earlier output. */
export interface Lz4BlockTarget {
  readonly out: Uint8Array;
  readonly start: number;
  /** liblz4's dstCapacity: the frame's maximum block size. */
  readonly capacity: number;
  /** Earlier output matches may reach (≤ start); 64 KiB or more means no limit. */
  readonly history: number;
  /**
   * The history is an external dictionary (LZ4F_decompress decoding into its tmpOut buffer):
   * liblz4's safe-loop shortcut then refuses a dictionary match ending in the last 5 bytes.
   */
  readonly extDict: boolean;
}

/** Where the decoder goes next: one of C's loop sections, or the end. */
const FAST = 0,
  SAFE = 1,
  SAFE_LITERAL = 2,
  COPY_MATCH = 3,
  SAFE_MATCH = 4,
  DONE = 5,
  FAILED = 6;
type Step =
  typeof FAST | typeof SAFE | typeof SAFE_LITERAL | typeof COPY_MATCH | typeof SAFE_MATCH | typeof DONE | typeof FAILED;

/** LZ4_decompress_generic's locals, with one method per section between its gotos. */
class BlockDecoder {
  ip = 0;
  op: number;
  token = 0;
  length = 0;
  offset = 0;
  private readonly iend: number;
  private readonly oend: number;
  /** checkOffset: a match may not start before this. */
  private readonly low: number;
  /** lowPrefix: the fast paths copy only from here on (the block start with an external dictionary). */
  private readonly lowPrefix: number;

  constructor(
    private readonly src: Uint8Array,
    private readonly t: Lz4BlockTarget,
  ) {
    this.iend = src.length;
    this.op = t.start;
    this.oend = t.start + t.capacity;
    this.low = t.start - t.history;
    this.lowPrefix = t.extDict ? t.start : this.low;
  }

  run(): number {
    const { src, t } = this;
    if (t.capacity === 0) return this.iend === 1 && src[0] === 0 ? 0 : -1;
    if (this.iend === 0) return -1;
    let step: Step = this.oend - this.op < 64 ? SAFE : FAST;
    while (step < DONE) {
      step =
        step === FAST
          ? this.fast()
          : step === SAFE
            ? this.safe()
            : step === SAFE_LITERAL
              ? this.safeLiteral()
              : step === COPY_MATCH
                ? this.copyMatchLength()
                : this.safeMatch();
    }
    return step === DONE ? this.op - t.start : -this.ip - 1;
  }

  /** The fast loop: decodes while the output is 64+ bytes from its end. */
  private fast(): Step {
    this.token = this.src[this.ip++]!;
    this.length = this.token >>> 4;
    if (this.length === 15) {
      if (!this.more(this.iend - 15, true)) return FAILED;
      if (this.op + this.length > this.oend - 32 || this.ip + this.length > this.iend - 32) return SAFE_LITERAL;
    } else if (this.ip > this.iend - 17) {
      return SAFE_LITERAL;
    }
    this.literals();
    this.readOffset();
    this.length = this.token & 15;
    if (this.length === 15) {
      if (!this.more(this.iend - 4, false)) return FAILED;
      this.length += 4;
      if (this.op - this.offset < this.low) return FAILED;
    } else {
      this.length += 4;
    }
    if (this.op + this.length >= this.oend - 64) return SAFE_MATCH;
    if (this.op - this.offset < this.low) return FAILED;
    this.match();
    return FAST;
  }

  /** The safe loop's head, with its shortcut for short literals and short matches. */
  private safe(): Step {
    this.token = this.src[this.ip++]!;
    this.length = this.token >>> 4;
    if (this.length !== 15 && this.ip < this.iend - 16 && this.op <= this.oend - 32) {
      this.literals();
      this.readOffset();
      this.length = this.token & 15;
      if (this.length !== 15 && this.offset >= 8 && this.op - this.offset >= this.lowPrefix) {
        this.length += 4;
        this.match();
        return SAFE;
      }
      return COPY_MATCH;
    }
    if (this.length === 15 && !this.more(this.iend - 15, true)) return FAILED;
    return SAFE_LITERAL;
  }

  /** safe_literal_copy: near either end, this must be the last sequence. */
  private safeLiteral(): Step {
    if (this.op + this.length > this.oend - 12 || this.ip + this.length > this.iend - 8) {
      if (this.ip + this.length !== this.iend || this.op + this.length > this.oend) return FAILED;
      this.literals();
      return DONE;
    }
    this.literals();
    this.readOffset();
    this.length = this.token & 15;
    return COPY_MATCH;
  }

  /** _copy_match: the rest of the match length. */
  private copyMatchLength(): Step {
    if (this.length === 15 && !this.more(this.iend - 4, false)) return FAILED;
    this.length += 4;
    return SAFE_MATCH;
  }

  /** safe_match_copy: dictionary and in-block matches alike leave the last 5 bytes to literals. */
  private safeMatch(): Step {
    if (this.op - this.offset < this.low) return FAILED;
    if (this.op + this.length > this.oend - 5) return FAILED;
    this.match();
    return SAFE;
  }

  /** read_variable_length, added to `length`; false when the input limit is reached. */
  private more(limit: number, initialCheck: boolean): boolean {
    if (initialCheck && this.ip >= limit) return false;
    let s = 0;
    do {
      s = this.src[this.ip++]!;
      this.length += s;
      if (this.ip > limit) return false;
    } while (s === 255);
    return true;
  }

  private literals(): void {
    const { src, length } = this;
    const out = this.t.out;
    if (length > 32) out.set(src.subarray(this.ip, this.ip + length), this.op);
    else for (let i = 0; i < length; i++) out[this.op + i] = src[this.ip + i]!; // short: a loop beats a subarray
    this.ip += length;
    this.op += length;
  }

  private readOffset(): void {
    this.offset = this.src[this.ip]! | (this.src[this.ip + 1]! << 8);
    this.ip += 2;
  }

  private match(): void {
    copyMatch(this.t.out, this.op, this.offset, this.length);
    this.op += this.length;
  }
}

/**
 * Decodes `src` into the target. Returns the decoded length, or C's error value -(input offset)-1
 * (LZ4F_decompress then fails with ERROR_decompressionFailed). Never reads or writes out of range.
 */
export function decodeLz4Block(src: Uint8Array, target: Lz4BlockTarget): number {
  return new BlockDecoder(src, target).run();
}

/** A match copy; overlapping (offset < length) repeats the pattern byte by byte, as C does. */
function copyMatch(out: Uint8Array, op: number, offset: number, length: number): void {
  if (offset === 0) {
    out.fill(0, op, op + length); // liblz4 1.9.4 writes zeros for offset 0 (LZ4_write32(op, 0) …)
  } else if (offset >= length && length > 32) {
    out.copyWithin(op, op - offset, op - offset + length);
  } else {
    for (let i = 0; i < length; i++) out[op + i] = out[op - offset + i]!;
  }
}
