import { describe, expect, it } from 'vitest';
import {
  classifyFileName,
  formatClosedSegmentName,
  formatOpenSegmentName,
  formatSnapshotMetaName,
  formatSnapshotName,
  parseClosedSegmentName,
  parseOpenSegmentName,
  parseSnapshotDataName,
  parseSnapshotMetaName,
} from '../../src/format/file-names.js';
import { sampleNodes } from '../helpers/samples.js';
import fs from 'node:fs';

type Nums = string[] | null;
// Ground truth from glibc: a C harness ran, for each name, the exact sscanf calls of
// uvSegmentInfoMatch / uvSnapshotParseFilename with the `%n == strlen` check and printed the
// values. Columns: name, closed [first,last], open [counter], meta [t,i,ts], data [t,i,ts].
const GLIBC: [string, Nums, Nums, Nums, Nums][] = [
  ['0000000000000001-0000000000000001', ['1', '1'], null, null, null],
  ['0000000000002601-0000000000003036', ['2601', '3036'], null, null, null],
  ['1-774', ['1', '774'], null, null, null],
  ['00000000000000001-2', null, null, null, null],
  ['1-00000000000000002', null, null, null, null],
  ['9999999999999999-9999999999999999', ['9999999999999999', '9999999999999999'], null, null, null],
  [' 1-2', ['1', '2'], null, null, null],
  ['\t0000000000000001-2', ['1', '2'], null, null, null],
  ['1- 2', ['1', '2'], null, null, null],
  ['1 -2', null, null, null, null],
  ['+1-2', ['1', '2'], null, null, null],
  ['-1-2', ['18446744073709551615', '2'], null, null, null],
  ['1--2', ['1', '18446744073709551614'], null, null, null],
  ['1-+2', ['1', '2'], null, null, null],
  ['+-1-2', null, null, null, null],
  ['1-2 ', null, null, null, null],
  ['\u000b1-2', ['1', '2'], null, null, null],
  ['\r1-2', ['1', '2'], null, null, null],
  ['+000000000000001-2', ['1', '2'], null, null, null],
  ['+0000000000000001-2', null, null, null, null],
  ['-000000000000001-2', ['18446744073709551615', '2'], null, null, null],
  ['-0-0', ['0', '0'], null, null, null],
  ['0-0', ['0', '0'], null, null, null],
  ['1-', null, null, null, null],
  ['-', null, null, null, null],
  ['1-2-3', null, null, null, null],
  ['0x1-2', null, null, null, null],
  ['1e3-4', null, null, null, null],
  ['open-1', null, ['1'], null, null],
  ['open-3', null, ['3'], null, null],
  ['open-', null, null, null, null],
  ['open-03', null, ['3'], null, null],
  ['open- 3', null, ['3'], null, null],
  ['open--1', null, ['18446744073709551615'], null, null],
  ['open-+3', null, ['3'], null, null],
  ['open--0', null, ['0'], null, null],
  ['open-+-7', null, null, null, null],
  ['open-\t +7', null, ['7'], null, null],
  ['open-18446744073709551615', null, ['18446744073709551615'], null, null],
  ['open-18446744073709551616', null, ['18446744073709551615'], null, null],
  ['open-99999999999999999999999', null, ['18446744073709551615'], null, null],
  ['open--18446744073709551615', null, ['1'], null, null],
  ['open--18446744073709551616', null, ['18446744073709551615'], null, null],
  ['open-3x', null, null, null, null],
  ['open-3 ', null, null, null, null],
  ['open-0x10', null, null, null, null],
  ['open-1e3', null, null, null, null],
  ['OPEN-3', null, null, null, null],
  ['open3', null, null, null, null],
  ['snapshot-1-2048-142161', null, null, null, ['1', '2048', '142161']],
  ['snapshot-1-2048-142161.meta', null, null, ['1', '2048', '142161'], null],
  ['snapshot-01-2048-142161.meta', null, null, ['1', '2048', '142161'], null],
  ['snapshot- 1-2-3.meta', null, null, ['1', '2', '3'], null],
  ['snapshot-1-2-3.meta.meta', null, null, null, null],
  ['snapshot-1-2-3.met', null, null, null, null],
  ['snapshot-1-2-3 .meta', null, null, null, null],
  ['snapshot-1-2-+3.meta', null, null, ['1', '2', '3'], null],
  ['snapshot--1-2-3', null, null, null, ['18446744073709551615', '2', '3']],
  ['snapshot-1-2', null, null, null, null],
  ['snapshot-1-2-3\t.meta', null, null, null, null],
  ['snapshot-18446744073709551616-1-1', null, null, null, ['18446744073709551615', '1', '1']],
  ['snapshot-1-2-3x', null, null, null, null],
  ['snapshot-0-0-0', null, null, null, ['0', '0', '0']],
  ['snapshot-1-2-3.META', null, null, null, null],
  ['metadata1', null, null, null, null],
  ['tmp-0000000000000001-0000000000000001', null, null, null, null],
];

const big = (xs: Nums): bigint[] | null => (xs ? xs.map((x) => BigInt(x)) : null);

describe('name parsing agrees with glibc sscanf', () => {
  it.each(GLIBC)('%j', (name, closed, open, meta, data) => {
    const c = parseClosedSegmentName(name);
    expect(c ? [c.first, c.last] : null).toEqual(big(closed));
    const o = parseOpenSegmentName(name);
    expect(o ? [o.counter] : null).toEqual(big(open));
    const m = parseSnapshotMetaName(name);
    expect(m ? [m.term, m.index, m.timestamp] : null).toEqual(big(meta));
    const d = parseSnapshotDataName(name);
    expect(d ? [d.term, d.index, d.timestamp] : null).toEqual(big(data));
    for (const p of [c, o, m, d]) {
      if (!p) continue;
      expect(p.nonCanonical === true).toBe(p.canonicalName !== name);
      if (p.nonCanonical) expect(p.reason).toContain(p.canonicalName);
    }
  });
});

describe('canonical spelling', () => {
  it('formats like the C templates', () => {
    expect(formatClosedSegmentName(1n, 774n)).toBe('0000000000000001-0000000000000774');
    expect(formatClosedSegmentName((1n << 64n) - 1n, 0n)).toBe('18446744073709551615-0000000000000000');
    expect(formatOpenSegmentName(3n)).toBe('open-3');
    expect(formatSnapshotName(1n, 2048n, 142161n)).toBe('snapshot-1-2048-142161');
    expect(formatSnapshotMetaName(1n, 2048n, 142161n)).toBe('snapshot-1-2048-142161.meta');
  });

  it('accepts canonical names without a flag', () => {
    expect(parseClosedSegmentName('0000000000002601-0000000000003036')).toEqual({
      first: 2601n, last: 3036n, canonicalName: '0000000000002601-0000000000003036' });
    expect(parseOpenSegmentName('open-12')).toEqual({ counter: 12n, canonicalName: 'open-12' });
    expect(parseSnapshotMetaName('snapshot-1-2048-142161.meta')).toEqual({
      term: 1n, index: 2048n, timestamp: 142161n, canonicalName: 'snapshot-1-2048-142161.meta' });
  });

  it('flags legacy unpadded closed names (accepted by C)', () => {
    expect(parseClosedSegmentName('1-774')).toMatchObject({
      first: 1n, last: 774n, nonCanonical: true, canonicalName: '0000000000000001-0000000000000774' });
    expect(parseClosedSegmentName('1-774')!.reason).toMatch(/fewer than 16 digits/);
  });

  it('explains what C does with signs, white space, overflow and leading zeros', () => {
    expect(parseClosedSegmentName('-1-2')!.reason).toMatch(/'-' sign/);
    expect(parseClosedSegmentName('-1-2')!.first).toBe((1n << 64n) - 1n);
    expect(parseClosedSegmentName(' 0000000000000001-0000000000000002')!.reason).toMatch(/white space/);
    expect(parseOpenSegmentName('open-+3')!.reason).toMatch(/'\+' sign/);
    expect(parseOpenSegmentName('open-99999999999999999999999')!.reason).toMatch(/saturated/);
    expect(parseOpenSegmentName('open-03')!.reason).toMatch(/leading zeros/);
    expect(parseSnapshotMetaName('snapshot-01-2048-142161.meta')).toMatchObject({
      nonCanonical: true, canonicalName: 'snapshot-1-2048-142161.meta' });
  });
});

describe('classifyFileName', () => {
  it.each([
    ['metadata1', { kind: 'metadata1' }],
    ['metadata2', { kind: 'metadata2' }],
    ['0000000000000001-0000000000000001', { kind: 'closed-segment', first: 1n, last: 1n }],
    ['open-7', { kind: 'open-segment', counter: 7n }],
    ['snapshot-1-2048-142161.meta', { kind: 'snapshot-meta', term: 1n, index: 2048n, timestamp: 142161n, dataName: 'snapshot-1-2048-142161' }],
    ['snapshot-1-2048-142161', { kind: 'snapshot-data', term: 1n, index: 2048n, timestamp: 142161n, metaName: 'snapshot-1-2048-142161.meta' }],
    ['snapshot-01-2-3.meta', { kind: 'snapshot-meta', dataName: 'snapshot-1-2-3', nonCanonical: true }],
    ['tmp-0000000000003037-0000000000003037', { kind: 'tmp', target: '0000000000003037-0000000000003037' }],
    ['corrupt-1795000000000000000-0000000000002601-0000000000003036',
      { kind: 'corrupt', ns: 1795000000000000000n, original: '0000000000002601-0000000000003036' }],
    ['corrupt--5-open-1', { kind: 'corrupt', ns: -5n, original: 'open-1' }],
    ['.probe', { kind: 'probe' }],
    ['.probe_fallocate', { kind: 'probe' }],
    ['dqlite-lock', { kind: 'lock' }],
    ['info.yaml', { kind: 'info-yaml' }],
    ['cluster.yaml', { kind: 'cluster-yaml' }],
    ['join', { kind: 'join' }],
    ['corrupt-x', { kind: 'ignored' }],
    ['constructor', { kind: 'ignored' }],
    ['toString', { kind: 'ignored' }],
    ['README', { kind: 'ignored' }],
    ['open-3 ', { kind: 'ignored' }],
    ['1-2-3', { kind: 'ignored' }],
  ])('%s', (name, expected) => {
    expect(classifyFileName(name)).toMatchObject(expected);
  });

  it('ignores names of 128 bytes or more, counting UTF-8 bytes (UvList)', () => {
    const name127 = `open-${'0'.repeat(121)}1`;
    expect(name127.length).toBe(127);
    expect(classifyFileName(name127)).toMatchObject({ kind: 'open-segment', counter: 1n, nonCanonical: true });
    expect(classifyFileName(`${name127}0`)).toMatchObject({ kind: 'ignored' });
    const utf8 = `snapshot-1-2-3.meta${'é'.repeat(55)}`; // 19 + 110 bytes, 74 chars
    expect(classifyFileName(utf8)).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/128 bytes/) });
    expect(classifyFileName(`tmp-${'x'.repeat(200)}`)).toMatchObject({ kind: 'tmp' }); // uvMaintenance deletes it anyway
  });

  it('classifies every file of the real sample nodes without an "ignored"', async () => {
    const seen = new Set<string>();
    for (const set of ['healthy', 'crash', 'lagging', 'past-snapshot']) {
      for (const node of await sampleNodes(set)) {
        for (const f of fs.readdirSync(node)) {
          const c = classifyFileName(f);
          expect(c.kind, f).not.toBe('ignored');
          expect('nonCanonical' in c, f).toBe(false);
          seen.add(c.kind);
        }
      }
    }
    expect([...seen].sort()).toEqual(
      ['closed-segment', 'cluster-yaml', 'info-yaml', 'metadata1', 'metadata2', 'open-segment', 'snapshot-data', 'snapshot-meta']);
  });
});
