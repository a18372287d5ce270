import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RaftRole, encodeConfiguration } from '../../src/format/configuration.js';
import { crc32 } from '../../src/format/crc32.js';
import { decodeSnapshotMeta, encodeSnapshotMeta, encodeSnapshotMetaRaw } from '../../src/format/snapshot-meta.js';
import { sampleNodes, sampleSet } from '../helpers/samples.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const firstVerdict = (issues: { data?: Record<string, unknown> }[]): unknown =>
  issues.find((i) => i.data?.['raftCode'] !== undefined)?.data?.['raftCode'];

const SERVERS = [
  { id: 1n, address: 'a:1', role: RaftRole.VOTER },
  { id: 2n, address: 'b:2', role: RaftRole.STANDBY },
];

describe('encodeSnapshotMeta', () => {
  it('writes format, crc (u64, upper half zero), index, length and the configuration', () => {
    const bytes = encodeSnapshotMeta(6n, SERVERS);
    const conf = encodeConfiguration(SERVERS);
    const body = Buffer.concat([Buffer.from('0600000000000000', 'hex'), Buffer.from('2800000000000000', 'hex'), conf]);
    const crc = crc32(body);
    const crcHex = Buffer.alloc(4);
    crcHex.writeUInt32LE(crc);
    expect(conf.length).toBe(40);
    expect(hex(bytes)).toBe('0100000000000000' + crcHex.toString('hex') + '00000000' + hex(body));
    const r = decodeSnapshotMeta(bytes);
    expect(r.issues).toEqual([]);
    expect(r.value).toMatchObject({ crcOk: true, configurationIndex: 6n, configurationLength: 40n, configuration: SERVERS, trailingBytes: 0 });
  });
});

describe('decodeSnapshotMeta on real files', () => {
  let metas: string[] = [];
  beforeAll(async () => {
    for (const set of ['healthy', 'crash', 'lagging', 'past-snapshot']) {
      for (const node of await sampleNodes(set)) {
        for (const f of fs.readdirSync(node)) if (f.endsWith('.meta')) metas.push(path.join(node, f));
      }
    }
  });

  it('decodes every real .meta with a matching crc', () => {
    expect(metas.length).toBeGreaterThan(10);
    for (const file of metas) {
      const r = decodeSnapshotMeta(fs.readFileSync(file));
      expect(r.issues, file).toEqual([]);
      expect(r.value).toMatchObject({ format: 1n, crcOk: true, configurationLength: 88n, trailingBytes: 0 });
      expect(r.value!.crc).toBe(BigInt(r.value!.crcLow32));
      expect(r.value!.configuration).toHaveLength(3);
      expect(r.validBytes).toBe(120);
    }
  });

  it('knows the values of one real file (healthy 9511, snapshot-1-2048-256583)', async () => {
    const file = path.join(await sampleSet('healthy'), '127.0.0.1:9511', 'snapshot-1-2048-256583.meta');
    const v = decodeSnapshotMeta(fs.readFileSync(file)).value!;
    expect(v.configurationIndex).toBe(6n);
    expect(v.configuration!.map((s) => s.address)).toEqual(['127.0.0.1:9511', '127.0.0.1:9512', '127.0.0.1:9513']);
    expect(v.configuration![0]!.id).toBe(3297041220608546238n);
  });

  it('round-trips byte for byte with the raw configuration, and semantically with re-encoding', () => {
    let paddingDiffers = 0;
    for (const file of metas) {
      const bytes = new Uint8Array(fs.readFileSync(file));
      const v = decodeSnapshotMeta(bytes).value!;
      expect(hex(encodeSnapshotMetaRaw(v.configurationIndex, bytes.subarray(32)))).toBe(hex(bytes));
      const again = encodeSnapshotMeta(v.configurationIndex, v.configuration!);
      if (hex(again) !== hex(bytes)) {
        paddingDiffers++;
        // Only the padding (after 32 + 81) and therefore the crc may differ.
        expect(hex(again.subarray(16, 32 + 81))).toBe(hex(bytes.subarray(16, 32 + 81)));
        expect(bytes.subarray(32 + 81).some((b) => b !== 0)).toBe(true);
      }
      expect(decodeSnapshotMeta(again).value).toMatchObject({ crcOk: true, configuration: v.configuration });
    }
    expect(paddingDiffers).toBeGreaterThan(0); // C's uninitialised padding is real
  });
});

describe('decodeSnapshotMeta verdicts (C check order)', () => {
  const good = encodeSnapshotMeta(6n, SERVERS);
  const mutate = (f: (b: Uint8Array, v: DataView) => void): Uint8Array => {
    const b = Uint8Array.from(good);
    f(b, new DataView(b.buffer));
    return b;
  };

  it('every truncation is an IOERR short read and never throws', () => {
    for (let n = 0; n < good.length; n++) {
      const r = decodeSnapshotMeta(good.subarray(0, n));
      expect(r.value, `cut at ${n}`).toBeUndefined();
      expect(r.issues[0]!.kind).toBe(n < 32 ? 'meta-short-header' : 'meta-short-configuration');
      expect(firstVerdict(r.issues)).toBe('IOERR');
      expect(r.issues[0]!.offset).toBe(n < 32 ? n : 32);
    }
  });

  it('format ≠ 1 → MALFORMED, checks go on', () => {
    const r = decodeSnapshotMeta(mutate((b) => { b[0] = 2; }));
    expect(r.issues.map((i) => i.kind)).toEqual(['meta-bad-format']);
    expect(firstVerdict(r.issues)).toBe('MALFORMED');
    expect(r.value?.configuration).toEqual(SERVERS);
  });

  it('L == 0 and L > 1 MiB → CORRUPT', () => {
    const zero = decodeSnapshotMeta(mutate((_b, v) => v.setBigUint64(24, 0n, true)));
    expect(zero.issues[0]).toMatchObject({ kind: 'meta-no-configuration', offset: 24, data: { raftCode: 'CORRUPT' } });
    const big = decodeSnapshotMeta(mutate((_b, v) => v.setBigUint64(24, (1n << 20n) + 1n, true)));
    expect(big.issues[0]).toMatchObject({ kind: 'meta-configuration-too-big', data: { raftCode: 'CORRUPT' } });
    const max = decodeSnapshotMeta(mutate((_b, v) => v.setBigUint64(24, 1n << 20n, true)));
    expect(max.issues[0]).toMatchObject({ kind: 'meta-short-configuration', data: { raftCode: 'IOERR' } });
    const huge = decodeSnapshotMeta(mutate((_b, v) => v.setBigUint64(24, (1n << 64n) - 1n, true)));
    expect(huge.issues[0]!.kind).toBe('meta-configuration-too-big');
  });

  it('crc: only the low 32 bits count', () => {
    const flipped = decodeSnapshotMeta(mutate((b) => { b[8]! ^= 1; }));
    expect(flipped.issues[0]).toMatchObject({ kind: 'meta-checksum', offset: 8, data: { raftCode: 'CORRUPT' } });
    expect(flipped.value!.crcOk).toBe(false);
    const high = decodeSnapshotMeta(mutate((b) => { b[12] = 0xff; b[15] = 0x7f; }));
    expect(high.issues).toEqual([]);
    expect(high.value!.crc >> 32n).toBe(0x7f0000ffn);
  });

  it('a changed configuration index or body breaks the crc (they are covered)', () => {
    expect(decodeSnapshotMeta(mutate((b) => { b[16]! ^= 1; })).issues[0]!.kind).toBe('meta-checksum');
    expect(decodeSnapshotMeta(mutate((b) => { b[60]! ^= 1; })).issues[0]!.kind).toBe('meta-checksum');
  });

  it('a bad configuration with a good crc → MALFORMED from the configuration decoder', () => {
    const conf = encodeConfiguration([SERVERS[0]!, { ...SERVERS[1]!, id: 1n }]);
    const r = decodeSnapshotMeta(encodeSnapshotMetaRaw(6n, conf));
    expect(r.issues.map((i) => i.kind)).toEqual(['config-duplicate-id']);
    expect(r.issues[0]!.offset).toBe(32 + 1 + 8 + 8 + 4 + 1);
    expect(firstVerdict(r.issues)).toBe('MALFORMED');
    const noNul = decodeSnapshotMeta(encodeSnapshotMetaRaw(6n, new Uint8Array([1, 1, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0x61])));
    expect(noNul.value!.configuration).toBeUndefined();
    expect(noNul.issues[0]!.kind).toBe('config-address-no-nul');
  });

  it('counts trailing bytes, which C ignores', () => {
    const r = decodeSnapshotMeta(new Uint8Array([...good, 1, 2, 3]));
    expect(r.issues).toEqual([]);
    expect(r.value!.trailingBytes).toBe(3);
    expect(r.validBytes).toBe(good.length);
  });

  it('never throws on any single-byte corruption of a real file', async () => {
    const file = path.join(await sampleSet('healthy'), '127.0.0.1:9512', 'snapshot-1-2048-256621.meta');
    const real = new Uint8Array(fs.readFileSync(file));
    for (let i = 0; i < real.length; i++) {
      for (const x of [0x00, 0xff, real[i]! ^ 0x80]) {
        const b = Uint8Array.from(real);
        b[i] = x;
        expect(() => decodeSnapshotMeta(b)).not.toThrow();
      }
    }
    for (let n = 0; n <= real.length; n++) expect(() => decodeSnapshotMeta(real.subarray(0, n))).not.toThrow();
  });
});
