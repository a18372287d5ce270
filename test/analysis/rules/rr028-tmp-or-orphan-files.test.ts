import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr028-tmp-or-orphan-files.js';
import { write } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR028 tmp-or-orphan-files', () => {
  it('reports an unfinished recovery write, a probe, a join file and a stray file', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => {
      write(dir, 'tmp-0000000000002615-0000000000002615', new Uint8Array(128));
      write(dir, '.probe', new Uint8Array(0));
      write(dir, 'join', new Uint8Array(0));
      write(dir, 'notes.txt', Buffer.from('hello'));
    });
    expect(found.map((f) => [f.severity, f.file])).toEqual([
      ['warning', 'join'], ['warning', 'tmp-0000000000002615-0000000000002615'], ['info', '.probe'], ['info', 'notes.txt'],
    ]);
    expect(found[1]!.message).toContain('an unfinished write of closed segment 0000000000002615-0000000000002615');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
