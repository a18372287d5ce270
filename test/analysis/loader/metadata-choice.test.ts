// uvMetadataLoad's choice between metadata1 and metadata2, as the loader simulation makes it (the
// one place the rule lives: analysis/loader/init.ts). Every message is the exact `error` text
// libraft 0.15 printed through raft-load.sh for the same files in a copy of healthy/127.0.0.1:9511.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { predictStartup } from '../../../src/analysis/loader/index.js';
import { buildNodeIndex } from '../../../src/scan/build-node-index.js';
import { sampleNodes } from '../../helpers/samples.js';
import { emptyNode, removeNode, writeClosed } from '../../helpers/synthetic-node.js';

const md = (format: bigint, version: bigint, term: bigint, votedFor: bigint): Uint8Array => {
  const b = new Uint8Array(32);
  const v = new DataView(b.buffer);
  [format, version, term, votedFor].forEach((x, i) => v.setBigUint64(i * 8, x, true));
  return b;
};

const made: string[] = [];
afterEach(() => made.splice(0).forEach(removeNode));

/** A node with one entry and these metadata files (undefined: no file). */
function predictWith(m1: Uint8Array | undefined, m2: Uint8Array | undefined) {
  const dir = emptyNode();
  made.push(dir);
  writeClosed(dir, 1n, { batches: [1] });
  if (m1) fs.writeFileSync(path.join(dir, 'metadata1'), m1);
  if (m2) fs.writeFileSync(path.join(dir, 'metadata2'), m2);
  return predictStartup(buildNodeIndex(dir));
}

describe('metadata choice (uvMetadataLoad, loader/init.ts)', () => {
  it('chooses like libraft 0.15 on a real node (raft-load.sh: term 2, vote from metadata1 v3)', async () => {
    const [node] = await sampleNodes('healthy');
    const p = predictStartup(buildNodeIndex(node!));
    expect([p.log?.term, p.log?.votedFor]).toEqual([2n, 2585399981790450267n]);
  });

  it('equal non-zero versions → CORRUPT', () => {
    expect(predictWith(md(1n, 3n, 2n, 0n), md(1n, 3n, 2n, 0n))).toMatchObject({ ok: false, raftCode: 'CORRUPT', error: 'metadata1 and metadata2 are both at version 3' });
  });

  it('bad format in either file → MALFORMED, even when the other is fine', () => {
    expect(predictWith(md(2n, 3n, 2n, 0n), undefined)).toMatchObject({ ok: false, raftCode: 'MALFORMED', error: 'decode content of metadata1: bad format version 2' });
    expect(predictWith(md(1n, 3n, 2n, 0n), md(7n, 4n, 2n, 0n))).toMatchObject({ ok: false, raftCode: 'MALFORMED', error: 'decode content of metadata2: bad format version 7' });
    expect(predictWith(md((1n << 64n) - 1n, 3n, 0n, 0n), undefined)).toMatchObject({ error: 'decode content of metadata1: bad format version 18446744073709551615' });
  });

  it('version 0 and oversize files → CORRUPT; metadata1 is reported first', () => {
    expect(predictWith(md(1n, 0n, 2n, 0n), md(2n, 2n, 2n, 0n))).toMatchObject({ ok: false, raftCode: 'CORRUPT', error: 'decode content of metadata1: version is set to zero' });
    expect(predictWith(new Uint8Array([...md(1n, 3n, 2n, 0n), 0, 0, 0, 0, 0, 0, 0, 0]), undefined)).toMatchObject({ ok: false, raftCode: 'CORRUPT', error: 'metadata1 has size 40 instead of 32' });
  });

  it('short files are deleted and count as missing', () => {
    const p = predictWith(md(1n, 3n, 2n, 0n).subarray(0, 31), md(1n, 2n, 2n, 0n));
    expect([p.ok, p.log?.term, p.removed]).toEqual([true, 2n, ['metadata1']]);
    const q = predictWith(new Uint8Array(0), new Uint8Array(1));
    expect([q.ok, q.log?.term, q.log?.votedFor, [...q.removed].sort()]).toEqual([true, 0n, 0n, ['metadata1', 'metadata2']]);
  });

  it('both missing → fresh server (term 0, vote 0)', () => {
    const p = predictWith(undefined, undefined);
    expect([p.ok, p.log?.term, p.log?.votedFor]).toEqual([true, 0n, 0n]);
  });

  it('the higher version wins, whichever file holds it', () => {
    expect(predictWith(md(1n, 3n, 2n, 0n), md(1n, 4n, 5n, 9n)).log).toMatchObject({ term: 5n, votedFor: 9n });
    expect(predictWith(md(1n, 5n, 6n, 1n), md(1n, 4n, 5n, 9n)).log).toMatchObject({ term: 6n, votedFor: 1n });
    expect(predictWith(undefined, md(1n, 1n, 1n, 0n)).log).toMatchObject({ term: 1n });
  });
});
