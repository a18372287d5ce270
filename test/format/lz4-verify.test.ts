import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BufferSource } from '../../src/format/byte-source.js';
import { decodeLz4Block } from '../../src/format/lz4-block.js';
import { walkLz4Frame, xxh32, Xxh32 } from '../../src/format/lz4-frame.js';
import { decompressLz4Frame, mergeLz4Issues, verifyLz4Frame } from '../../src/format/lz4-verify.js';
import { cVerdict, lz4Layout, SNAPSHOT_DAMAGE } from '../helpers/lz4-damage.js';
import { repoRoot, sampleNodes, sampleSet } from '../helpers/samples.js';

/** What libraft 0.15 makes of a data file, per walk + verifier (raft-load.sh's "error", or hang / ok). */
function verdict(bytes: Uint8Array): string {
  const src = new BufferSource(bytes);
  const walk = walkLz4Frame(src);
  return cVerdict(mergeLz4Issues(walk.issues, verifyLz4Frame(src, walk).issues));
}

const u32 = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24];

/** Magic, FLG, BD, optional content size, header checksum. */
function header(flg: number, bd: number, contentSize?: bigint): number[] {
  const cs = new Uint8Array(8);
  if (contentSize !== undefined) new DataView(cs.buffer).setBigUint64(0, contentSize, true);
  const desc = Uint8Array.from([flg, bd, ...(flg & 8 ? cs : [])]);
  return [4, 0x22, 0x4d, 0x18, ...desc, (xxh32(desc) >>> 8) & 0xff];
}

let files: string[] = [];
let nine511 = new Uint8Array(0);

beforeAll(async () => {
  for (const set of ['healthy', 'crash', 'lagging', 'past-snapshot']) {
    for (const node of await sampleNodes(set)) {
      for (const f of fs.readdirSync(node)) if (/^snapshot-\d+-\d+-\d+$/.test(f)) files.push(path.join(node, f));
    }
  }
  nine511 = new Uint8Array(fs.readFileSync(path.join(await sampleSet('healthy'), '127.0.0.1:9511', 'snapshot-1-2048-256583')));
});

describe('Xxh32 (streaming)', () => {
  it('equals the one-shot hash for every split and for random chunks', () => {
    const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 131 + 7) & 255);
    for (let cut = 0; cut <= 100; cut++) {
      const a = data.subarray(0, 100);
      expect(new Xxh32().update(a.subarray(0, cut)).update(a.subarray(cut)).digest()).toBe(xxh32(a));
    }
    let seed = 1;
    for (let round = 0; round < 50; round++) {
      const h = new Xxh32(round);
      for (let p = 0; p < data.length;) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        const n = Math.min(data.length - p, (seed >>> 16) % 40);
        h.update(data.subarray(p, p + n));
        p += n;
      }
      expect(h.digest()).toBe(xxh32(data, round));
    }
    expect(new Xxh32().digest()).toBe(0x02cc5d05);
  });
});

describe('verifyLz4Frame on real snapshots', () => {
  it('decodes every sample snapshot clean, to its content size and checksum', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const bytes = new Uint8Array(fs.readFileSync(file));
      const walk = walkLz4Frame(bytes);
      expect(verifyLz4Frame(new BufferSource(bytes)), file).toEqual({ issues: [], contentBytes: walk.contentSize, bytesBeforeStop: walk.contentSize, contentChecksumOk: true,
        complete: true });
      const d = decompressLz4Frame(bytes);
      expect(d.issues).toEqual([]);
      expect(xxh32(d.data!)).toBe(walk.contentChecksum);
    }
  });

  it('predicts libraft 0.15 for each named damage (measured with raft-load.sh)', () => {
    for (const damage of SNAPSHOT_DAMAGE) expect(verdict(damage.apply(nine511)), damage.name).toBe(damage.c);
  });

  it('names the block and where liblz4 stops', () => {
    const bad = SNAPSHOT_DAMAGE.find((d) => d.name.startsWith('a match offset pointing before'))!.apply(nine511);
    const r = verifyLz4Frame(new BufferSource(bad));
    expect(r.issues).toEqual([expect.objectContaining({ kind: 'lz4-corrupt-block', offset: 15, data: expect.objectContaining({ block: 0, cOutcome: 'IOERR' }) })]);
    const at = r.issues[0]!.data!['at'] as number;
    expect(at).toBeGreaterThan(15);
    expect(at).toBeLessThan(lz4Layout(nine511).blocks[1]!.offset);
    const sum = verifyLz4Frame(new BufferSource(SNAPSHOT_DAMAGE.find((d) => d.name.startsWith('the content checksum'))!.apply(nine511)));
    expect(sum).toMatchObject({ contentBytes: 309000n, contentChecksumOk: false, issues: [{ kind: 'lz4-content-checksum', offset: 10367 }] });
  });

  it('matches C on a corpus of single-byte damage (fixtures/lz4-c-outcomes.json)', () => {
    const fixture = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'format', 'fixtures', 'lz4-c-outcomes.json'), 'utf8')) as
      { cases: [number, number, string][] };
    expect(fixture.cases.length).toBeGreaterThan(400);
    for (const [at, mask, c] of fixture.cases) {
      const b = Uint8Array.from(nine511);
      b[at]! ^= mask;
      expect(verdict(b), `byte ${at} ^ ${mask}`).toBe(c);
    }
  });

  it('never throws on a cut at any offset: the header fails cleanly, any later cut hangs C', () => {
    const small = new Uint8Array(fs.readFileSync(files.reduce((a, b) => (fs.statSync(a).size <= fs.statSync(b).size ? a : b))));
    for (let n = 0; n < small.length; n++) {
      const cut = small.subarray(0, n);
      if (n % 16 === 0) expect(() => decompressLz4Frame(cut)).not.toThrow();
      if (n < 4) expect(walkLz4Frame(cut).compressed).toBe(false);
      else expect(verdict(cut), `cut at ${n}`).toBe(n < 15 ? 'LZ4F_getFrameInfo ERROR_frameHeader_incomplete' : 'hang');
    }
  });

  it('never throws on random damage', () => {
    let seed = 7;
    const rnd = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
    for (let i = 0; i < 150; i++) {
      const b = Uint8Array.from(nine511.subarray(0, 15 + rnd(nine511.length - 15)));
      for (let j = 0; j < 1 + rnd(8); j++) b[4 + rnd(b.length - 4)] = rnd(256);
      expect(() => verdict(b)).not.toThrow();
      expect(() => decompressLz4Frame(b)).not.toThrow();
    }
  });
});

describe('C behaviours that need the decoder (outcomes from raft Decompress + liblz4 1.9.4)', () => {
  const body = (): Uint8Array => nine511.subarray(15);
  const reframe = (flg: number, bd: number, cs?: bigint): Uint8Array => Uint8Array.from([...header(flg, bd, cs), ...body()]);

  it('flags in a rebuilt header change what the blocks mean', () => {
    expect(verdict(reframe(0x6c, 0x40, 309000n))).toBe('LZ4F_decompress ERROR_decompressionFailed'); // independent blocks
    expect(verdict(reframe(0x5c, 0x40, 309000n))).toBe('LZ4F_decompress ERROR_blockChecksum_invalid');
    expect(verdict(reframe(0x4c, 0x70, 309000n))).toBe('ok'); // 4 MiB max blocks
    expect(verdict(reframe(0x48, 0x40, 309000n))).toBe('ok'); // no content checksum: its 4 bytes trail, ignored
    expect(verdict(reframe(0x44, 0x40))).toBe('hang'); // no content size: no room for the first byte
    expect(verdict(reframe(0x4c, 0x40, 0n))).toBe('hang');
  });

  it('a frame with no blocks and no content size loads (raft-load.sh: ok)', () => {
    expect(verdict(Uint8Array.from([...header(0x44, 0x40), 0, 0, 0, 0, ...u32(xxh32(new Uint8Array(0)))]))).toBe('ok');
  });

  it('a dictionary match into the last 5 bytes fails only when liblz4 decodes into its own buffer', () => {
    // Block 0: 64 KiB stored. Block 1: an RLE run to 65500 bytes, then 14 literals and an 18-byte
    // match; the match reads from block 0 (offset 65520) or from block 1 (offset 100). With the
    // exact content size raft's buffer has < 64 KiB left, so liblz4 decodes into tmpOut with
    // block 0 as an external dictionary, where its shortcut refuses that match.
    const frame = (cs: number, offset: number): Uint8Array => {
      const run = [0x1f, 0x41, 1, 0, ...new Array<number>(256).fill(255), 65499 - 19 - 256 * 255];
      const b1 = [...run, 0xee, ...new Array<number>(14).fill(0x42), offset & 255, offset >> 8, 0x00];
      const b0 = Array.from({ length: 65536 }, (_, i) => i & 255);
      return Uint8Array.from([...header(0x4c, 0x40, BigInt(cs)), ...u32(0x80010000), ...b0, ...u32(b1.length), ...b1, 0, 0, 0, 0, 1, 2, 3, 4]);
    };
    const content = 65536 + 65532;
    expect(verdict(frame(content, 65520))).toBe('LZ4F_decompress ERROR_decompressionFailed');
    expect(verdict(frame(content + 100, 65520))).toBe('LZ4F_decompress ERROR_frameSize_wrong'); // decoded in place: fine
    expect(verdict(frame(content, 100))).toBe('LZ4F_decompress ERROR_contentChecksum_invalid'); // in-block match: fine
  });

  it('decodeLz4Block keeps C\'s limits: the last sequence must end the input, 5 literal bytes end a block', () => {
    const out = new Uint8Array(64 << 10);
    const target = { out, start: 0, capacity: out.length, history: 0, extDict: false };
    expect(decodeLz4Block(Uint8Array.of(0x30, 0x61, 0x62, 0x63), target)).toBe(3);
    expect(decodeLz4Block(Uint8Array.of(0x30, 0x61, 0x62, 0x63, 0x00), target)).toBeLessThan(0); // bytes after the last literals
    expect(decodeLz4Block(new Uint8Array(0), target)).toBe(-1);
    expect(decodeLz4Block(Uint8Array.of(0x00), target)).toBe(0);
    const tail = [0x70, 1, 2, 3, 4, 5, 6, 7];
    expect(decodeLz4Block(Uint8Array.of(0x14, 0x61, 1, 0, ...tail), target)).toBe(1 + 8 + 7);
    expect(decodeLz4Block(Uint8Array.of(0x14, 0x61, 2, 0, ...tail), target)).toBeLessThan(0); // offset 2 > 1 byte of output
    expect(decodeLz4Block(Uint8Array.of(0x14, 0x61, 2, 0, ...tail), { ...target, start: 1, history: 1 })).toBe(16);
    expect(decodeLz4Block(Uint8Array.of(0x14, 0x61, 1, 0, 0x00), target)).toBeLessThan(0); // a match needs 8 more input bytes
  });
});

describe('memory', () => {
  /** Largest typed-array / Buffer request made while fn runs. */
  function largestAllocation(fn: () => void): number {
    const g = globalThis as unknown as Record<string, unknown>;
    const names = ['Uint8Array', 'ArrayBuffer', 'Int32Array'] as const;
    const saved = names.map((n) => g[n]);
    const savedAlloc = Buffer.allocUnsafe;
    let largest = 0;
    const note = (n: unknown): void => { if (typeof n === 'number' && n > largest) largest = n; };
    names.forEach((n, i) => {
      g[n] = new Proxy(saved[i] as new (...a: unknown[]) => object, { construct: (t, a, nt) => { note(a[0]); return Reflect.construct(t, a, nt); } });
    });
    Buffer.allocUnsafe = ((n: number) => { note(n); return savedAlloc(n); }) as typeof Buffer.allocUnsafe;
    try {
      fn();
    } finally {
      names.forEach((n, i) => { g[n] = saved[i]; });
      Buffer.allocUnsafe = savedAlloc;
    }
    return largest;
  }

  it('a tiny frame claiming 4 GiB of content allocates one window, and C reports the size', () => {
    const abc = [0x61, 0x62, 0x63];
    const frame = Uint8Array.from([...header(0x4c, 0x40, 1n << 32n), ...u32(0x80000003), ...abc, 0, 0, 0, 0, ...u32(xxh32(Uint8Array.from(abc)))]);
    let r: ReturnType<typeof verifyLz4Frame> | undefined;
    const largest = largestAllocation(() => { r = verifyLz4Frame(new BufferSource(frame)); decompressLz4Frame(frame); });
    expect(largest).toBe(128 << 10); // the window: 64 KiB history + one 64 KiB block (proves the tracker sees it)
    expect(r).toMatchObject({ contentBytes: 3n, issues: [{ kind: 'lz4-content-size', data: { cError: 'LZ4F_decompress ERROR_frameSize_wrong' } }] });
    expect(verdict(frame)).toBe('LZ4F_decompress ERROR_frameSize_wrong'); // raft-load.sh: the 4 GiB malloc succeeds
  });

  it('a content size no malloc can serve is RAFT_NOMEM before any decoding (raft-load.sh: "out of memory")', () => {
    const frame = Uint8Array.from([...header(0x4c, 0x40, 1n << 62n), ...u32(0x80000003), 0x61, 0x62, 0x63, 0, 0, 0, 0]);
    const largest = largestAllocation(() => { expect(verifyLz4Frame(new BufferSource(frame)).issues).toEqual([]); });
    expect(largest).toBeLessThan(1024);
    expect(walkLz4Frame(frame).issues[0]).toMatchObject({ kind: 'lz4-content-size-unallocatable', data: { cOutcome: 'NOMEM' } });
  });
});
