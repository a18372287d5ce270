import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr017-metadata-equal-versions.js';
import { encodeMetadata } from '../../../src/format/metadata.js';
import { write } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR017 metadata-equal-versions', () => {
  it('fires when metadata2 carries metadata1\'s version', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => write(dir, 'metadata2', encodeMetadata({ version: 3n, term: 2n, votedFor: 0n })));
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('raft refuses to start ("metadata1 and metadata2 are both at version 3")');
    expect(found[0]!.repairs[0]).toContain('(metadata1)');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
