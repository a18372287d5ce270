import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { profileOf } from '../../../src/analysis/engine/profiles.js';
import { rule } from '../../../src/analysis/rules/rr014-snapshot-lz4-damage.js';
import { flip, truncate } from '../../helpers/damage.js';
import { cleanupCopies, fileStarting, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR014 snapshot-lz4-damage', () => {
  it('predicts the endless loop on a frame cut short', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => {
      const snap = fileStarting(dir, 'snapshot-1-2048-');
      truncate(dir, snap, Math.floor(fs.statSync(path.join(dir, snap)).size / 2));
    });
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('error');
    expect(found[0]!.message).toContain('the node hangs at start-up without any message');
    expect(found[0]!.repairs[0]).toMatch(/^Lossless: copy snapshot-1-2048-\d+ on 127\.0\.0\.1:951[23]/);
  });

  it('quotes liblz4\'s error for a bad header checksum', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => flip(dir, fileStarting(dir, 'snapshot-1-2048-'), 14));
    expect(found[0]!.message).toContain('RAFT_IOERR "LZ4F_getFrameInfo ERROR_headerChecksum_invalid"');
  });

  it('words the engine\'s own reader: dqlite 1.18 fails at once on a cut frame, loads one missing only its checksum', async () => {
    const engine = profileOf('dqlite-1.18');
    const cut = await findingsAfter(rule, 'healthy', 0, (dir) => {
      const snap = fileStarting(dir, 'snapshot-1-2048-');
      truncate(dir, snap, Math.floor(fs.statSync(path.join(dir, snap)).size / 2));
    }, { engine });
    expect(cut[0]).toMatchObject({ severity: 'error', data: { engine: 'dqlite-1.18', outcome: 'error', cOutcome: 'hang' } });
    expect(cut[0]!.message).toContain('dqlite-1.18 fails with RAFT_IOERR "short read: 131072 bytes instead of 309000"');
    const unchecked = await findingsAfter(rule, 'healthy', 0, (dir) => {
      const snap = fileStarting(dir, 'snapshot-1-2048-');
      truncate(dir, snap, fs.statSync(path.join(dir, snap)).size - 2);
    }, { engine });
    expect(unchecked[0]).toMatchObject({ severity: 'warning', data: { outcome: 'ok' } });
    expect(unchecked[0]!.message).toContain('dqlite-1.18 loads it anyway');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
