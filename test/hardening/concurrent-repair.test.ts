// Issue 10: two repairs to the same --out used to both exit 0, one silently replacing the other.
// Now the first takes `<out>.raft-rescue.lock` (its pid inside) before it scans, and a second real
// process is refused at once: exit 3, one line naming the holder's pid. A lock whose process is
// gone (killed with SIGKILL) is stale and taken over, and the killed run's temp data beside --out
// is removed by the next run; a lock held by a live process is respected whoever it is.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_NAME } from '../../src/repair/apply/apply.js';
import { lockPathFor } from '../../src/repair/apply/out-lock.js';
import { sha256File } from '../../src/scan/digest.js';
import { repoRoot, sampleSet } from '../helpers/samples.js';
import { bin, runBin, type CliOutcome } from './cli-cases.js';

let sandbox: string;
let healthy: string;

beforeAll(async () => {
  healthy = await sampleSet('healthy');
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-concurrent-'));
});
afterAll(() => fs.rmSync(sandbox, { recursive: true, force: true }));

function start(argv: string[]): { child: ChildProcess; done: Promise<CliOutcome> } {
  const child = spawn(process.execPath, [bin, ...argv], { cwd: repoRoot });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<CliOutcome>((resolve) => child.on('close', (code, signal) => resolve({ argv, code, signal, out, err, ms: 0 })));
  return { child, done };
}

async function waitFor(what: string, test: () => boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!test()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function expectComplete(out: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(out, MANIFEST_NAME), 'utf8'));
  for (const f of manifest.files) expect(sha256File(path.join(out, f.path)).sha256).toBe(f.sha256);
}

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
}

describe('one repair per --out', () => {
  it('a second real process is refused while the first runs; the first completes', async () => {
    const out = path.join(sandbox, 'shared-out');
    const first = start(['repair', healthy, '--out', out]);
    await waitFor('the first run\'s lock', () => fs.existsSync(lockPathFor(out)));
    expect(fs.readFileSync(lockPathFor(out), 'utf8').trim()).toBe(String(first.child.pid));
    const second = await runBin(['repair', healthy, '--out', out]);
    expect(second.code, second.err).toBe(3);
    const lines = second.err.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`is being written by another raft-rescue \\(pid ${first.child.pid}\\)`));
    const r = await first.done;
    expect(r.code, r.err).toBe(0);
    expectComplete(out);
    expect(fs.existsSync(lockPathFor(out))).toBe(false);
  });

  it('a lock whose process is gone is stale: taken over, and removed afterwards', async () => {
    const out = path.join(sandbox, 'stale-lock');
    fs.writeFileSync(lockPathFor(out), `${deadPid()}\n`);
    const r = await runBin(['repair', healthy, '--out', out]);
    expect(r.code, r.err).toBe(0);
    expectComplete(out);
    expect(fs.existsSync(lockPathFor(out))).toBe(false);
  });

  it('a lock held by any live process is respected', async () => {
    const out = path.join(sandbox, 'held');
    fs.writeFileSync(lockPathFor(out), `${process.pid}\n`);
    const r = await runBin(['repair', healthy, '--out', out]);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(new RegExp(`pid ${process.pid}`));
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readFileSync(lockPathFor(out), 'utf8')).toBe(`${process.pid}\n`);
    fs.rmSync(lockPathFor(out));
  });
});

describe('a run killed with SIGKILL (no cleanup possible)', () => {
  it('leaves a lock and temp data; the next run takes the lock over and removes them', async () => {
    const dir = fs.mkdtempSync(path.join(sandbox, 'killed-'));
    const out = path.join(dir, 'out');
    const victim = start(['repair', healthy, '--out', out]);
    const ours = (n: string) => n.startsWith(`.out.raft-rescue-${victim.child.pid}-`);
    await waitFor('the temp dir beside --out', () => fs.readdirSync(dir).some(ours));
    victim.child.kill('SIGKILL');
    expect((await victim.done).signal).toBe('SIGKILL');
    expect(fs.readdirSync(dir).filter(ours)).toHaveLength(1);
    expect(fs.existsSync(lockPathFor(out))).toBe(true);
    // Another run's live temp data beside it must survive.
    const live = path.join(dir, `.other.raft-rescue-${process.pid}-abcdef`);
    fs.mkdirSync(live);
    const r = await runBin(['repair', healthy, '--out', out]);
    expect(r.code, r.err).toBe(0);
    expectComplete(out);
    expect(fs.readdirSync(dir).sort()).toEqual([path.basename(live), 'out']);
  });
});
