// Issue 10: `--cluster` and `--plan` name files the tool reads whole. A FIFO used to hang forever
// and /dev/zero to grow to 16 GB: now only a regular file is read (opened non-blocking and without
// following a symlink, then checked with fstat), under a size cap (1 MiB for a target YAML, 16 MiB
// for a plan). Everything else is exit 2 with one line, at once. Run through bin/ in a child
// process with a deadline, so a hang fails the test instead of stalling it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAN_FILE_LIMIT, TARGET_FILE_LIMIT } from '../../src/repair/apply/plan-file.js';
import { sampleSet } from '../helpers/samples.js';
import { runBin } from './cli-cases.js';

let sandbox: string;
let healthy: string;
let goodTarget: string;

beforeAll(async () => {
  healthy = await sampleSet('healthy');
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-option-files-'));
  goodTarget = path.join(sandbox, 'good.yaml');
  fs.writeFileSync(goodTarget, '- Address: 127.0.0.1:9511\n  ID: 3297041220608546238\n  Role: 0\n');
});
afterAll(() => fs.rmSync(sandbox, { recursive: true, force: true }));

function special(kind: string, option: '--cluster' | '--plan'): string {
  const p = path.join(sandbox, `${option.slice(2)}-${kind}`);
  if (kind === 'fifo') execFileSync('mkfifo', [p]);
  if (kind === 'dev-zero') return '/dev/zero';
  if (kind === 'directory') fs.mkdirSync(p);
  if (kind === 'symlink') fs.symlinkSync(goodTarget, p);
  if (kind === 'oversize') {
    fs.writeFileSync(p, '');
    fs.truncateSync(p, (option === '--plan' ? PLAN_FILE_LIMIT : TARGET_FILE_LIMIT) + 1); // sparse: no disk used
  }
  return p;
}

const CASES: [string, RegExp][] = [
  ['fifo', /not a regular file/],
  ['dev-zero', /not a regular file/],
  ['directory', /not a regular file/],
  ['symlink', /symbolic link/],
  ['oversize', /bytes, more than the \d+ such a file can need/],
];

describe.each([['--cluster'], ['--plan']] as const)('%s', (option) => {
  it.each(CASES)('%s: exit 2, one line, no hang', async (kind, pattern) => {
    const file = special(kind, option);
    const out = path.join(sandbox, `out-${kind}`);
    const argv = option === '--cluster' ? ['repair', healthy, '--cluster', file, '--out', out] : ['repair', '--plan', file, '--out', out];
    const r = await runBin(argv, { timeoutMs: 20_000 });
    expect(r.signal ?? null, `hung: ${r.err}`).toBeNull();
    expect(r.code, r.err).toBe(2);
    const lines = r.err.split('\n').filter((l) => l.trim() && !/^Run 'raft-rescue --help'/.test(l));
    expect(lines, r.err).toHaveLength(1);
    expect(lines[0]).toContain(option);
    expect(lines[0]).toMatch(pattern);
    expect(r.ms).toBeLessThan(15_000);
    expect(fs.existsSync(out)).toBe(false);
  });
});
