import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCommand, encodeCommand, summarizeCommand, type DqliteCommand } from '../../src/format/dqlite-command.js';
import { sampleSet } from '../helpers/samples.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** COMMAND payloads of a closed segment (minimal batch walk, independent of segment.ts). */
function commandPayloads(file: string): Uint8Array[] {
  const b = new Uint8Array(fs.readFileSync(file));
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Uint8Array[] = [];
  let p = 8;
  while (p + 16 <= b.length) {
    const n = Number(v.getBigUint64(p + 8, true));
    if (n === 0) break;
    let q = p + 16 + 16 * n;
    for (let i = 0; i < n; i++) {
      const h = p + 16 + 16 * i;
      const len = v.getUint32(h + 12, true);
      if (b[h + 8] === 1) out.push(b.subarray(q, q + len));
      q += len;
    }
    p = q;
  }
  return out;
}

const FRAMES: DqliteCommand = {
  type: 'frames', filename: 'demo', txId: 0n, truncate: 0, isCommit: 1, pageSize: 512, pageNumbers: [1n, 2n], pagesOffset: 48,
};

describe('encodeCommand', () => {
  it('writes the exact bytes of command__encode', () => {
    expect(hex(encodeCommand({ type: 'checkpoint', filename: 'demo' }))).toBe('0104000000000000' + '64656d6f00000000');
    expect(hex(encodeCommand({ type: 'open', filename: 'database-name' }))).toBe('0101000000000000' + hex(Buffer.from('database-name')) + '000000');
    expect(hex(encodeCommand({ type: 'undo', txId: 5n }))).toBe('0103000000000000' + '0500000000000000');
    const pages = [new Uint8Array(512).fill(0xaa), new Uint8Array(512).fill(0xbb)];
    const bytes = encodeCommand(FRAMES, pages);
    expect(hex(bytes.subarray(0, 48))).toBe(
      '0102000000000000' + '64656d6f00000000' + '0000000000000000' + '00000000' + '01000000' + '02000000' + '0002' + '0000' +
      '0100000000000000');
    expect(bytes.length).toBe(8 + 8 + 16 + 8 + 16 + 1024);
    expect(decodeCommand(bytes)).toEqual({ value: { ...FRAMES, pagesOffset: 56 }, issues: [], validBytes: bytes.length });
  });

  it('pads an 8-byte name to 16 (NUL included)', () => {
    expect(encodeCommand({ type: 'checkpoint', filename: '12345678' }).length).toBe(24);
    expect(decodeCommand(encodeCommand({ type: 'checkpoint', filename: '' }))).toMatchObject({ value: { filename: '' }, validBytes: 16 });
  });
});

describe('real log entries', () => {
  let payloads: Uint8Array[] = [];
  beforeAll(async () => {
    payloads = commandPayloads(path.join(await sampleSet('healthy'), '127.0.0.1:9511', '0000000000000002-0000000000001021'));
  });

  it('decode without issues and round-trip, except the uninitialised bytes after is_commit', () => {
    expect(payloads.length).toBe(1014);
    const types = new Map<string, number>();
    let stackGarbage = 0;
    for (const p of payloads) {
      const r = decodeCommand(p);
      expect(r.issues).toEqual([]);
      expect(r.validBytes).toBe(p.length);
      const v = r.value!;
      types.set(v.type, (types.get(v.type) ?? 0) + 1);
      const pages = v.type === 'frames'
        ? v.pageNumbers.map((_, i) => p.subarray(v.pagesOffset + i * v.pageSize, v.pagesOffset + (i + 1) * v.pageSize))
        : [];
      const again = encodeCommand(v, pages);
      expect(again.length).toBe(p.length);
      const expected = Uint8Array.from(p);
      if (v.type === 'frames' && v.unused) {
        // dqlite 1.11's leader leaves these bytes uninitialised (stack); we write zeros.
        stackGarbage++;
        expect(v.unused).toEqual({ afterCommit: 0x7f, afterPageSize: 0 });
        expected.fill(0, 29, 32);
      }
      expect(Buffer.from(again).equals(Buffer.from(expected))).toBe(true);
      expect(decodeCommand(again).value).toEqual({ ...v, unused: undefined });
    }
    expect(Object.fromEntries(types)).toEqual({ frames: 1012, checkpoint: 2 });
    expect(stackGarbage).toBeGreaterThan(1000);
  });

  it('summarizes the first FRAMES entry as format-spec §6 suggests', () => {
    expect(summarizeCommand(payloads[0]!)).toBe('frames db=demo pages=3 ps=4096 pgno=[1..3] commit=1');
    expect(summarizeCommand(payloads.find((p) => p[1] === 4)!)).toBe('checkpoint db=demo');
  });
});

describe('damaged commands', () => {
  const good = encodeCommand(FRAMES, [new Uint8Array(512), new Uint8Array(512)]);

  it('never throws on any truncation; each names a field', () => {
    for (let n = 0; n < good.length; n++) {
      const r = decodeCommand(good.subarray(0, n), 1000);
      expect(r.value).toBeUndefined();
      expect(r.issues[0]!.kind).toBe('command-short-read');
      expect(r.issues[0]!.offset).toBeGreaterThanOrEqual(1000);
      expect(() => summarizeCommand(good.subarray(0, n))).not.toThrow();
    }
    expect(summarizeCommand(good.subarray(0, 60))).toMatch(/^undecodable\(60 bytes\) !command-short-read$/);
  });

  it('flags bad format and unknown type as DQLITE_PROTO', () => {
    const f = Uint8Array.from(good);
    f[0] = 2;
    expect(decodeCommand(f).issues[0]).toMatchObject({ kind: 'command-bad-format', data: { dqliteCode: 'PROTO' } });
    const t = Uint8Array.from(good);
    t[1] = 9;
    expect(decodeCommand(t).issues[0]).toMatchObject({ kind: 'command-bad-type', offset: 1, data: { found: 9 } });
    expect(summarizeCommand(t)).toBe('undecodable(1080 bytes) !command-bad-type');
  });

  it('flags what C would reject later or never checks', () => {
    const notCommit = encodeCommand({ ...FRAMES, isCommit: 0, pageNumbers: [0x80000000n], txId: 7n, truncate: 2 }, [new Uint8Array(512)]);
    const r = decodeCommand(notCommit);
    expect(r.issues.map((i) => i.kind)).toEqual(['frames-not-commit', 'frames-page-number']);
    expect(summarizeCommand(notCommit)).toBe(
      'frames db=demo pages=1 ps=512 pgno=[2147483648] commit=0 tx=7 truncate=2 !frames-not-commit,frames-page-number');
    const trailing = new Uint8Array([...encodeCommand({ type: 'undo', txId: 1n }), 9]);
    expect(decodeCommand(trailing).issues[0]).toMatchObject({ kind: 'command-trailing-bytes', offset: 16 });
    const dirty = encodeCommand({ type: 'checkpoint', filename: 'db' });
    dirty[12] = 0x41;
    expect(decodeCommand(dirty).issues[0]).toMatchObject({ kind: 'command-text-padding-nonzero', offset: 11 });
  });

  it('compresses page runs in the summary', () => {
    const nums = [1n, 2n, 3n, 7n, 9n, 10n];
    const cmd = encodeCommand({ ...FRAMES, pageSize: 512, pageNumbers: nums }, nums.map(() => new Uint8Array(512)));
    expect(summarizeCommand(cmd)).toBe('frames db=demo pages=6 ps=512 pgno=[1..3,7,9..10] commit=1');
    const many = Array.from({ length: 20 }, (_, i) => BigInt(i * 2 + 1));
    const big = encodeCommand({ ...FRAMES, pageNumbers: many }, many.map(() => new Uint8Array(512)));
    expect(summarizeCommand(big)).toBe('frames db=demo pages=20 ps=512 pgno=[1,3,5,7,9,11,…(+14 runs)] commit=1');
  });
});
