// The temp-path registry: private dirs named with the pid, removed one by one or all at once, no
// signal listeners of its own (bin/ owns signals: test/hardening/signals.test.ts), and removal of
// leftovers whose process is gone.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTempDir, liveTempDirs, processAlive, registerTempPath, releaseTempPath, removeAllTempDirs, removeLeftovers, removeStaleTempDirs, removeTempDir,
} from '../../src/scan/temp-dirs.js';

afterEach(() => removeAllTempDirs());

/** A pid that certainly belonged to a process that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  const pid = Number(r.stdout.toString());
  expect(processAlive(pid)).toBe(false);
  return pid;
}

describe('temp dirs', () => {
  it('creates private dirs named with the pid and removes them one by one or all at once', () => {
    const a = createTempDir();
    const b = createTempDir({ prefix: 'raft-rescue-test-' });
    expect(fs.statSync(a).mode & 0o777).toBe(0o700);
    expect(path.dirname(a)).toBe(os.tmpdir());
    expect(path.basename(a)).toMatch(new RegExp(`^raft-rescue-${process.pid}-[A-Za-z0-9]{6}$`));
    expect(path.basename(b)).toMatch(/^raft-rescue-test-/);
    fs.writeFileSync(path.join(a, 'f'), 'x');
    removeTempDir(a);
    expect(fs.existsSync(a)).toBe(false);
    expect(liveTempDirs()).toEqual([b]);
    removeTempDir(a); // idempotent
    removeAllTempDirs();
    expect(fs.existsSync(b)).toBe(false);
    expect(liveTempDirs()).toEqual([]);
  });

  it('installs no signal or exit listeners (bin/ owns the process)', () => {
    const before = ['SIGINT', 'SIGTERM', 'SIGHUP', 'exit'].map((s) => process.listenerCount(s));
    createTempDir();
    expect(['SIGINT', 'SIGTERM', 'SIGHUP', 'exit'].map((s) => process.listenerCount(s))).toEqual(before);
  });

  it('registers paths made elsewhere; a released (published) path is never removed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-reg-'));
    const kept = path.join(dir, 'published');
    const dropped = path.join(dir, 'temp');
    fs.writeFileSync(kept, 'x');
    fs.writeFileSync(dropped, 'x');
    registerTempPath(kept);
    registerTempPath(dropped);
    releaseTempPath(kept);
    removeAllTempDirs();
    expect(fs.readdirSync(dir)).toEqual(['published']);
    fs.rmSync(dir, { recursive: true });
  });

  it('removes leftovers of dead processes, keeps those of live ones and names that are not its own', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-stale-'));
    const dead = deadPid();
    const names = [`raft-rescue-${dead}-abcDEF`, `raft-rescue-${process.pid}-abcDEF`, 'raft-rescue-abcdef', `other-${dead}-abcDEF`];
    for (const n of names) fs.mkdirSync(path.join(parent, n));
    fs.writeFileSync(path.join(parent, names[0]!, 'segment'), 'x');
    expect(removeStaleTempDirs(parent)).toEqual([path.join(parent, names[0]!)]);
    expect(fs.readdirSync(parent).sort()).toEqual(names.slice(1).sort());
    expect(removeStaleTempDirs(parent)).toEqual([]); // once per process and parent
    fs.rmSync(parent, { recursive: true });
  });

  it('removeLeftovers takes the pid from the pattern and leaves live pids alone', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-stale-'));
    const dead = deadPid();
    fs.writeFileSync(path.join(parent, `.out.raft-rescue-${dead}-aaaaaa.tmp`), 'x');
    fs.writeFileSync(path.join(parent, `.out.raft-rescue-${process.pid}-aaaaaa.tmp`), 'x');
    const removed = removeLeftovers(parent, /^\..+\.raft-rescue-(\d+)-[A-Za-z0-9]{6}\.tmp$/);
    expect(removed.map((p) => path.basename(p))).toEqual([`.out.raft-rescue-${dead}-aaaaaa.tmp`]);
    expect(fs.readdirSync(parent)).toEqual([`.out.raft-rescue-${process.pid}-aaaaaa.tmp`]);
    fs.rmSync(parent, { recursive: true });
  });

  it('processAlive: this process yes, a finished one and nonsense no', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(deadPid())).toBe(false);
    expect(processAlive(0)).toBe(false);
    expect(processAlive(-1)).toBe(false);
  });
});
