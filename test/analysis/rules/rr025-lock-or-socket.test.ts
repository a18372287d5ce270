import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr025-lock-or-socket.js';
import { write } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR025 lock-or-socket', () => {
  it('notes a dqlite-lock file and warns about a fifo', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => {
      write(dir, 'dqlite-lock', new Uint8Array(0));
      execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    });
    expect(found.map((f) => [f.severity, f.file])).toEqual([['warning', 'pipe'], ['info', 'dqlite-lock']]);
    expect(found[0]!.message).toContain('pipe is a fifo');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
