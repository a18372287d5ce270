import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeMetadata, encodeMetadata, metadataFileFor } from '../../src/format/metadata.js';
import { sampleNodes } from '../helpers/samples.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const md = (format: bigint, version: bigint, term: bigint, votedFor: bigint): Uint8Array => {
  const b = new Uint8Array(32);
  const v = new DataView(b.buffer);
  [format, version, term, votedFor].forEach((x, i) => v.setBigUint64(i * 8, x, true));
  return b;
};

describe('encodeMetadata / decodeMetadata', () => {
  it('writes format|version|term|votedFor as four LE u64', () => {
    const bytes = encodeMetadata({ version: 3n, term: 2n, votedFor: 0x23e12f95dcebd25bn });
    expect(hex(bytes)).toBe('0100000000000000' + '0300000000000000' + '0200000000000000' + '5bd2ebdc952fe123');
    expect(decodeMetadata(bytes)).toEqual({
      value: { format: 1n, version: 3n, term: 2n, votedFor: 0x23e12f95dcebd25bn },
      issues: [],
    });
  });

  it('maps versions to files by parity (uvMetadataFileIndex)', () => {
    expect([1n, 2n, 3n, 10n].map(metadataFileFor)).toEqual(['metadata1', 'metadata2', 'metadata1', 'metadata2']);
  });

  it('flags a short file (C deletes it) without a raftCode', () => {
    for (let n = 0; n < 32; n++) {
      const r = decodeMetadata(new Uint8Array(n), 'metadata2');
      expect(r.value).toBeUndefined();
      expect(r.issues).toEqual([expect.objectContaining({ kind: 'metadata-short', data: { size: n, cAction: 'delete' } })]);
    }
  });

  it('flags a long file as CORRUPT with C\'s message and still decodes its first 32 bytes', () => {
    const r = decodeMetadata(new Uint8Array([...md(1n, 3n, 2n, 0n), 0, 0, 0, 0, 0, 0, 0, 0]), 'metadata1');
    expect(r.issues[0]).toMatchObject({ kind: 'metadata-size', message: 'metadata1 has size 40 instead of 32', data: { raftCode: 'CORRUPT' } });
    expect(r.value!.version).toBe(3n);
  });

  it('bad format → MALFORMED; version 0 → CORRUPT', () => {
    expect(decodeMetadata(md(2n, 3n, 2n, 0n), 'metadata1').issues[0]).toMatchObject({
      kind: 'metadata-bad-format', message: 'decode content of metadata1: bad format version 2', data: { raftCode: 'MALFORMED' } });
    expect(decodeMetadata(md(1n, 0n, 2n, 0n), 'metadata2').issues[0]).toMatchObject({
      kind: 'metadata-zero-version', message: 'decode content of metadata2: version is set to zero', data: { raftCode: 'CORRUPT' } });
  });
});

describe('real metadata files', () => {
  let files: string[] = [];
  beforeAll(async () => {
    for (const set of ['healthy', 'crash', 'lagging', 'past-snapshot']) {
      for (const node of await sampleNodes(set)) {
        for (const f of ['metadata1', 'metadata2']) if (fs.existsSync(path.join(node, f))) files.push(path.join(node, f));
      }
    }
  });

  it('decode cleanly and round-trip byte for byte', () => {
    expect(files.length).toBeGreaterThan(8);
    for (const file of files) {
      const bytes = new Uint8Array(fs.readFileSync(file));
      const r = decodeMetadata(bytes, path.basename(file));
      expect(r.issues, file).toEqual([]);
      expect(metadataFileFor(r.value!.version)).toBe(path.basename(file));
      expect(hex(encodeMetadata(r.value!))).toBe(hex(bytes));
    }
  });
});
