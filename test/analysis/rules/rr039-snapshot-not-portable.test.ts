import { afterAll, describe, expect, it } from 'vitest';
import { parseEngineName, type EngineProfile } from '../../../src/analysis/engine/profiles.js';
import { rule } from '../../../src/analysis/rules/rr039-snapshot-not-portable.js';
import { decompressLz4Frame } from '../../../src/format/lz4-verify.js';
import { read, snapshotsNewestFirst, write } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

/** The newest snapshot's content written raw, as cowsql writes every snapshot. */
function rawNewest(dir: string): void {
  const name = snapshotsNewestFirst(dir)[0]!;
  write(dir, name, decompressLz4Frame(read(dir, name)).data!);
}

const engine = (name: string): EngineProfile => parseEngineName(name) as EngineProfile;

describe('RR039 snapshot-not-portable', () => {
  it('fires on a raw snapshot that the node\'s engine reads, naming the releases that would not', async () => {
    for (const name of ['dqlite-1.11', 'cowsql-1.15', 'dqlite-1.18.2']) {
      const found = await findingsAfter(rule, 'healthy', 0, rawNewest, { engine: engine(name) });
      expect(found, name).toHaveLength(1);
      expect(found[0]).toMatchObject({
        code: 'RR039', severity: 'info', node: '127.0.0.1:9511', file: expect.stringMatching(/^snapshot-1-2048-\d+$/),
      });
      expect(found[0]!.message).toBe(`${found[0]!.file} holds raw data, not an LZ4 frame (as cowsql writes snapshots): `
        + `${name} reads it, but dqlite 1.18.3–1.18.6 built with LZ4 (their default) would not start this node `
        + '("LZ4F_getFrameInfo ERROR_frameType_unknown").');
      expect(found[0]!.repairs[0]).toMatch(/`repair --engine dqlite-1\.18` writes the snapshot as an LZ4 frame/);
    }
  });

  it('does not fire where the engine itself fails on it (start-up failure), nor on LZ4 snapshots', async () => {
    expect(await findingsAfter(rule, 'healthy', 0, rawNewest, { engine: engine('dqlite-1.18') })).toEqual([]);
    expect(await onHealthy(rule)).toEqual([]);
  });
});
