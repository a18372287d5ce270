import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { engineProfile, profileOf } from '../../../src/analysis/engine/profiles.js';
import { rule } from '../../../src/analysis/rules/rr037-snapshot-payload-invalid.js';
import { decompressLz4Frame } from '../../../src/format/lz4-verify.js';
import { encodeLz4FrameStored } from '../../../src/format/lz4-frame.js';
import { cleanupCopies, fileStarting, findingsAfter, onHealthy, runRule, sampleIndexes } from './harness.js';

afterAll(cleanupCopies);

const newest = (dir: string): string => fileStarting(dir, 'snapshot-1-2048-', '');

describe('RR037 snapshot-payload-invalid', () => {
  it('dqlite 1.18.3–1.18.4 abort on the WAL images every Debian-made snapshot carries; 1.18.5+ restore them', async () => {
    const found = runRule(rule, await sampleIndexes('healthy'), { engine: engineProfile('dqlite-1.18.4')! });
    expect(found.filter((f) => f.severity === 'error').map((f) => f.node)).toEqual(['127.0.0.1:9511', '127.0.0.1:9512', '127.0.0.1:9513']);
    expect(found[0]).toMatchObject({ data: { kind: 'snapshot-wal-assert', newest: true } });
    expect(found[0]!.message).toMatch(/carries a WAL image \(\d+ bytes.*dqlite-1\.18\.4's restore asserts wal_size == 0 and raft_start aborts/);
    expect(runRule(rule, await sampleIndexes('healthy'), { engine: profileOf('dqlite-1.18') })).toEqual([]);
  });

  it('fires on random bytes without the LZ4 magic in the newest snapshot, which raft passes to dqlite as they are', async () => {
    let name = '';
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => {
      name = newest(dir);
      fs.writeFileSync(path.join(dir, name), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) & 0xff)));
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', file: name, offset: 0 });
    expect(found[0]!.message).toMatch(/no LZ4 magic.*format \d+, expected 1.*raft's loader accepts the file; dqlite's restore does not/);
    expect(found[0]!.repairs[0]).toMatch(/^Lossless: copy snapshot-1-2048-\d+ and its .meta from 127\.0\.0\.1:\d+/);
  });

  it('fires on a sound LZ4 frame whose content stops inside a database image', async () => {
    let name = '';
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => {
      name = newest(dir);
      const { data } = decompressLz4Frame(fs.readFileSync(path.join(dir, name)));
      fs.writeFileSync(path.join(dir, name), encodeLz4FrameStored(data!.subarray(0, data!.length >> 1)));
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', file: name, data: { kind: 'snapshot-data-overrun', compressed: true } });
    expect(found[0]!.message).toMatch(/after decompression.*no bounds check/);
  });

  it('is a warning on an older snapshot', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => fs.writeFileSync(path.join(dir, fileStarting(dir, 'snapshot-1-1024-', '')), Buffer.alloc(64, 0xee)));
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('warning');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
