import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decompressLz4Frame } from '../../src/format/lz4-verify.js';
import { decodeSnapshotData, encodeSnapshotData } from '../../src/format/snapshot-data.js';
import { SnapshotPayloadChecker, checkSnapshotPayload } from '../../src/format/snapshot-payload.js';
import { discoverNodes } from '../../src/scan/discover.js';
import { sampleSet } from '../helpers/samples.js';

let payloads: Uint8Array[] = [];
beforeAll(async () => {
  const set = await sampleSet('healthy');
  for (const n of discoverNodes(set).nodes) {
    for (const f of fs.readdirSync(n.dir).filter((x) => /^snapshot-\d+-\d+-\d+$/.test(x))) {
      const { data } = decompressLz4Frame(fs.readFileSync(path.join(n.dir, f)));
      payloads.push(data!);
    }
  }
});

function chunked(bytes: Uint8Array, sizes: (i: number) => number) {
  const c = new SnapshotPayloadChecker();
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = Math.max(1, sizes(i));
    c.feed(bytes.subarray(at, at + n));
    at += n;
  }
  return c.finish();
}

describe('snapshot payload check', () => {
  it('accepts every real payload of the sample data, fed whole or in odd chunks', () => {
    expect(payloads.length).toBeGreaterThan(0);
    for (const p of payloads) {
      const whole = checkSnapshotPayload(p);
      expect(whole.problem).toBeUndefined();
      expect(whole.databases).toBe(decodeSnapshotData(p).value!.databases.length);
      expect(whole.filenames).toEqual(decodeSnapshotData(p).value!.databases.map((d) => d.filename));
      expect(chunked(p, (i) => (i * 7919) % 5000)).toEqual(whole);
    }
  });

  it('names what dqlite trips on at every cut of a payload', () => {
    const p = encodeSnapshotData([{ filename: 'db', main: new Uint8Array(4096).fill(1), wal: new Uint8Array(32) }, { filename: 'other.db', main: new Uint8Array(512) }]);
    expect(checkSnapshotPayload(p)).toMatchObject({ databases: 2, filenames: ['db', 'other.db'], problem: undefined });
    const kinds = new Set<string>();
    for (let cut = 0; cut < p.length; cut++) {
      const r = checkSnapshotPayload(p.subarray(0, cut));
      expect(r.problem, `cut at ${cut}`).toBeDefined();
      expect(r.problem!.offset).toBe(cut);
      kinds.add(r.problem!.kind);
      const inImages = r.problem!.kind === 'snapshot-data-overrun';
      expect(r.problem!.message).toMatch(inImages ? /no bounds check/ : /parse error/);
    }
    expect([...kinds].sort()).toEqual(['snapshot-data-overrun', 'snapshot-data-short']);
  });

  it('refuses a wrong format, ignores bytes after the last database, accepts zero databases', () => {
    const p = encodeSnapshotData([{ filename: 'db', main: new Uint8Array(8) }]);
    const wrong = Uint8Array.from(p);
    wrong[0] = 2;
    expect(checkSnapshotPayload(wrong).problem).toMatchObject({ kind: 'snapshot-data-format', offset: 0 });
    const trailing = checkSnapshotPayload(Uint8Array.from([...p, 1, 2, 3]));
    expect(trailing).toMatchObject({ databases: 1, trailingBytes: 3, problem: undefined });
    const none = new Uint8Array(16);
    none[0] = 1;
    expect(checkSnapshotPayload(none)).toMatchObject({ databases: 0, problem: undefined });
  });

  it('keeps memory flat for a filename that never ends and sizes of 2^64 - 1', () => {
    const p = new Uint8Array(1 << 20).fill(0x41);
    p.set([1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    const r = checkSnapshotPayload(p);
    expect(r.problem).toMatchObject({ kind: 'snapshot-data-short', offset: 1 << 20 });
    const huge = encodeSnapshotData([{ filename: 'db', main: new Uint8Array(0) }]);
    new DataView(huge.buffer, huge.byteOffset).setBigUint64(huge.length - 16, (1n << 64n) - 1n, true);
    expect(checkSnapshotPayload(huge).problem).toMatchObject({ kind: 'snapshot-data-overrun' });
  });
});
