import { describe, expect, it } from 'vitest';
import { SparseMapError, SparseRestorer, paxRecords, sparseMember } from '../../src/scan/tar-sparse.js';

/** A pax record as GNU tar writes it: the length counts itself. */
function record(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let n = body.length + 1;
  while (`${n}${body}`.length !== n) n++;
  return `${n}${body}`;
}

/** Restores `stored` with `member`'s map into a buffer of its real size. */
function restore(member: NonNullable<ReturnType<typeof sparseMember>>, stored: Buffer, chunk = 7): Buffer {
  const out = Buffer.alloc(member.realSize);
  const r = new SparseRestorer(member, (bytes, at) => Buffer.from(bytes).copy(out, at));
  for (let i = 0; i < stored.length; i += chunk) r.feed(stored.subarray(i, i + chunk));
  r.finish();
  return out;
}

describe('paxRecords', () => {
  it('keeps repeated keywords in order and stops at a bad length', () => {
    const text = record('GNU.sparse.offset', '0') + record('GNU.sparse.numbytes', '5') + record('GNU.sparse.offset', '10') + record('path', 'a=b');
    expect(paxRecords(text)).toEqual([['GNU.sparse.offset', '0'], ['GNU.sparse.numbytes', '5'], ['GNU.sparse.offset', '10'], ['path', 'a=b']]);
    expect(paxRecords(`${record('a', '1')}99 b=2\n`)).toEqual([['a', '1']]);
    expect(paxRecords('not pax at all')).toEqual([]);
  });
});

describe('sparseMember', () => {
  it('is undefined without GNU.sparse keywords', () => {
    expect(sparseMember([['path', 'x'], ['mtime', '1']])).toBeUndefined();
  });

  it('reads 0.0 (repeated offset/numbytes), 0.1 (map) and 1.0 (map in the data) and restores the holes', () => {
    const regions = [[0, 4], [10, 3], [20, 0]] as const;
    const stored = Buffer.from('abcdXYZ');
    const expected = Buffer.alloc(20);
    expected.write('abcd', 0);
    expected.write('XYZ', 10);
    const v00 = sparseMember([['GNU.sparse.size', '20'], ['GNU.sparse.numblocks', '3'], ...regions.flatMap(([o, n]) => [['GNU.sparse.offset', String(o)], ['GNU.sparse.numbytes', String(n)]] as [string, string][])])!;
    expect(v00.format).toBe('0.0');
    expect(restore(v00, stored)).toEqual(expected);
    const v01 = sparseMember([['GNU.sparse.size', '20'], ['GNU.sparse.numblocks', '3'], ['GNU.sparse.name', 'n/open-1'], ['GNU.sparse.map', '0,4,10,3,20,0']])!;
    expect(v01).toMatchObject({ format: '0.1', name: 'n/open-1', realSize: 20 });
    expect(restore(v01, stored)).toEqual(expected);
    const v10 = sparseMember([['GNU.sparse.major', '1'], ['GNU.sparse.minor', '0'], ['GNU.sparse.name', 'n/open-1'], ['GNU.sparse.realsize', '20']])!;
    expect(v10).toMatchObject({ format: '1.0', map: undefined });
    const map = Buffer.from('3\n0\n4\n10\n3\n20\n0\n');
    const withMap = Buffer.concat([map, Buffer.alloc(512 - map.length), stored]);
    for (const chunk of [1, 5, 511, 512, 1000]) expect(restore(v10, withMap, chunk)).toEqual(expected);
  });

  it('refuses maps GNU tar would not write: overlaps, past the end, wrong counts, unknown versions', () => {
    const base: [string, string][] = [['GNU.sparse.size', '20'], ['GNU.sparse.numblocks', '2']];
    expect(() => sparseMember([...base, ['GNU.sparse.map', '0,10,5,3']])).toThrow(/before the end of the previous one/);
    expect(() => sparseMember([...base, ['GNU.sparse.map', '0,10,15,6']])).toThrow(/ends past the file size 20/);
    expect(() => sparseMember([...base, ['GNU.sparse.map', '0,10']])).toThrow(/says 2 regions, the map holds 1/);
    expect(() => sparseMember([...base, ['GNU.sparse.map', '0,x,1,1']])).toThrow(SparseMapError);
    expect(() => sparseMember([['GNU.sparse.major', '2'], ['GNU.sparse.minor', '0']])).toThrow(/sparse format 2\.0/);
    expect(() => sparseMember([['GNU.sparse.numblocks', '0']])).toThrow(/GNU.sparse.size is missing/);
  });

  it('refuses stored data that does not fill the map exactly', () => {
    const member = sparseMember([['GNU.sparse.size', '20'], ['GNU.sparse.numblocks', '1'], ['GNU.sparse.map', '0,4']])!;
    expect(() => restore(member, Buffer.from('abc'))).toThrow(/ends 1 bytes before/);
    expect(() => restore(member, Buffer.from('abcde'))).toThrow(/1 more stored bytes than the sparse map describes/);
    const v10 = sparseMember([['GNU.sparse.major', '1'], ['GNU.sparse.minor', '0'], ['GNU.sparse.realsize', '8']])!;
    expect(() => restore(v10, Buffer.from('1\n0\n'))).toThrow(/ends inside its sparse map/);
    expect(() => restore(v10, Buffer.from('1\n0\n4\n'))).toThrow(/inside the padding/);
  });
});
