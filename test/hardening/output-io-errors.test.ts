// Issue 10: I/O errors on the output side are the user's situation, not bugs: one line, exit 3,
// never exit 70 with a stack trace, and nothing published or left behind. Built for real: a
// read-only tmpfs (EROFS), a directory the run's user may not write (EACCES, the CLI run as
// nobody), an --out that is a mount point (EBUSY when --force moves it aside). run.ts maps any
// system-call error nothing below caught to one line: 3 when writing, 2 when reading.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError, exitCodeFor } from '../../src/cli/run.js';
import { copySet } from '../helpers/repair.js';
import { repoRoot, sampleSet } from '../helpers/samples.js';
import { bin, runInProcess, type CliOutcome } from './cli-cases.js';
import { mountTmpfs, requireRoot, unmountAll } from './mounts.js';

let sandbox: string;
let healthy: string;

beforeAll(async () => {
  healthy = await sampleSet('healthy');
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-out-io-'));
});
afterAll(() => {
  unmountAll();
  fs.rmSync(sandbox, { recursive: true, force: true });
});

function oneLine(r: CliOutcome, code: number): string {
  expect(r.code, r.err).toBe(code);
  const lines = r.err.split('\n').filter((l) => l.trim() !== '');
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(/^raft-rescue: /);
  expect(r.err).not.toMatch(/internal error|^\s+at /m);
  return lines[0]!;
}

/** bin/raft-rescue.js as another user. */
function runAs(uid: number, argv: string[]): Promise<CliOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...argv], { uid, gid: uid, cwd: repoRoot, env: { ...process.env, HOME: '/' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ argv, code, out, err, ms: 0 }));
  });
}

describe.skipIf(!requireRoot())('output I/O errors, for real', () => {
  it('a read-only file system (EROFS): --out and --plan-out, exit 3, one line', async () => {
    const ro = path.join(sandbox, 'ro');
    mountTmpfs(ro, 1024, { ro: true });
    const line = oneLine(await runInProcess(['repair', healthy, '--out', path.join(ro, 'out')]), 3);
    expect(line).toMatch(/writing .*ro\/out failed: .*read-only file system \(EROFS\); nothing was published/);
    const plan = oneLine(await runInProcess(['repair', healthy, '--dry-run', '--out', path.join(sandbox, 'o'), '--plan-out', path.join(ro, 'plan.json')]), 3);
    expect(plan).toMatch(/read-only file system \(EROFS\)/);
    expect(fs.readdirSync(ro)).toEqual([]);
  });

  it('a directory the user may not write (EACCES, run as nobody): exit 3, one line', async () => {
    const nobody = 65534;
    const input = copySet(healthy);
    fs.chmodSync(path.dirname(input), 0o755);
    for (const e of fs.readdirSync(input, { recursive: true })) fs.chownSync(path.join(input, String(e)), nobody, nobody);
    fs.chownSync(input, nobody, nobody);
    const closed = path.join(sandbox, 'root-only');
    fs.mkdirSync(closed, { mode: 0o755 });
    fs.chmodSync(sandbox, 0o755);
    const r = await runAs(nobody, ['repair', input, '--out', path.join(closed, 'out')]);
    expect(oneLine(r, 3)).toMatch(/permission denied \(EACCES\)/);
    const p = await runAs(nobody, ['repair', input, '--dry-run', '--out', path.join(closed, 'o'), '--plan-out', path.join(closed, 'plan.json')]);
    expect(oneLine(p, 3)).toMatch(/permission denied \(EACCES\)/);
    expect(fs.readdirSync(closed)).toEqual([]);
  });

  it('--force over an --out that is a mount point (EBUSY): exit 3, the old output stays, nothing left', async () => {
    const out = path.join(sandbox, 'mounted-out');
    mountTmpfs(out, 1024, { fill: (d) => fs.writeFileSync(path.join(d, 'old'), 'previous output') });
    const line = oneLine(await runInProcess(['repair', healthy, '--out', out, '--force']), 3);
    expect(line).toMatch(/rename .*: .*\(EBUSY\)/);
    expect(fs.readFileSync(path.join(out, 'old'), 'utf8')).toBe('previous output');
    expect(fs.readdirSync(sandbox).filter((n) => n.includes('raft-rescue') || n.includes('replaced'))).toEqual([]);
  });
});

describe('run.ts maps system-call errors nothing below caught', () => {
  const errno = (code: string, syscall: string, p?: string): NodeJS.ErrnoException =>
    Object.assign(new Error(`${code}: something went wrong, ${syscall}${p ? ` '${p}'` : ''}`), { code, syscall, ...(p ? { path: p } : {}) });

  it('writing side: exit 3; reading side: exit 2; anything else: 70', () => {
    expect(exitCodeFor(errno('ENOSPC', 'write'))).toBe(3);
    expect(exitCodeFor(errno('EROFS', 'open', '/x'))).toBe(3);
    expect(exitCodeFor(errno('EACCES', 'mkdir', '/x'))).toBe(3);
    expect(exitCodeFor(errno('EBUSY', 'rename', '/x'))).toBe(3);
    expect(exitCodeFor(errno('EACCES', 'open', '/x'))).toBe(2);
    expect(exitCodeFor(errno('EIO', 'read'))).toBe(2);
    expect(exitCodeFor(new TypeError('x is undefined'))).toBe(70);
  });

  it('one line: the call, the path, the words and the code; no stack', () => {
    expect(describeError(errno('EBUSY', 'rename', '/a/b'))).toBe('rename /a/b: something went wrong (EBUSY)');
    expect(describeError(errno('EIO', 'read'))).toBe('read: something went wrong (EIO)');
    expect(describeError(new TypeError('boom'))).toMatch(/^internal error: boom\n/);
  });
});
