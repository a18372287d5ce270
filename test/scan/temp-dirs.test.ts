import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTempDir, liveTempDirs, removeAllTempDirs, removeTempDir } from '../../src/scan/temp-dirs.js';
import { repoRoot } from '../helpers/samples.js';

afterEach(() => {
  vi.restoreAllMocks();
  removeAllTempDirs();
});

describe('temp dirs', () => {
  it('creates private dirs and removes them one by one or all at once', () => {
    const a = createTempDir();
    const b = createTempDir({ prefix: 'raft-rescue-test-' });
    expect(fs.statSync(a).mode & 0o777).toBe(0o700);
    expect(path.dirname(a)).toBe(os.tmpdir());
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

  it('listens for signals only while a dir is alive', () => {
    const before = process.listenerCount('SIGINT');
    const a = createTempDir();
    createTempDir();
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    expect(process.listenerCount('SIGTERM')).toBeGreaterThan(0);
    removeTempDir(a);
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    removeAllTempDirs();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('on a signal removes the dirs, unhooks itself and re-raises when nobody else listens', () => {
    const others = process.listeners('SIGTERM');
    const dir = createTempDir();
    const ours = process.listeners('SIGTERM').filter((l) => !others.includes(l));
    expect(ours).toHaveLength(1);
    for (const l of others) process.removeListener('SIGTERM', l);
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => true);
    try {
      (ours[0] as () => void)();
    } finally {
      for (const l of others) process.on('SIGTERM', l);
    }
    expect(fs.existsSync(dir)).toBe(false);
    expect(process.listeners('SIGTERM')).not.toContain(ours[0]);
    expect(kill).toHaveBeenCalledWith(process.pid, 'SIGTERM');
  });
});

describe('a real process', () => {
  let compiled: string;
  beforeAll(() => {
    // Node 20 cannot run TypeScript: compile the module (it imports only node builtins).
    compiled = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-temp-dirs-js-'));
    const tsc = path.join(repoRoot, 'node_modules', '.bin', 'tsc');
    const args = ['--outDir', compiled, '--module', 'nodenext', '--target', 'es2022', '--types', 'node', '--skipLibCheck', '--ignoreConfig'];
    try {
      execFileSync(tsc, [...args, path.join(repoRoot, 'src', 'scan', 'temp-dirs.ts')], { cwd: repoRoot });
    } catch (error) {
      fs.rmSync(compiled, { recursive: true, force: true });
      throw error;
    }
    fs.writeFileSync(path.join(compiled, 'package.json'), '{"type":"module"}');
    return () => fs.rmSync(compiled, { recursive: true, force: true });
  });

  function child(body: string): ReturnType<typeof spawn> {
    const script = `import { createTempDir } from ${JSON.stringify(path.join(compiled, 'temp-dirs.js'))};\n${body}`;
    return spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  }

  async function firstLine(p: ReturnType<typeof spawn>): Promise<string> {
    return new Promise((resolve) => p.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  }

  it('still dies of SIGINT, and the dir is gone', async () => {
    const p = child(`const d = createTempDir(); console.log(d); setInterval(() => {}, 1000);`);
    const dir = await firstLine(p);
    expect(fs.existsSync(dir)).toBe(true);
    const exited = new Promise<[number | null, string | null]>((r) => p.on('exit', (code, sig) => r([code, sig])));
    p.kill('SIGINT');
    expect(await exited).toEqual([null, 'SIGINT']);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('cleans up on a normal exit', async () => {
    const p = child(`const d = createTempDir(); console.log(d);`);
    const dir = await firstLine(p);
    await new Promise((r) => p.on('exit', r));
    expect(fs.existsSync(dir)).toBe(false);
  });
});
