// Issue 10: SIGINT, SIGTERM and SIGHUP stop a run at every phase. Before, once a tarball was
// unpacked the signals were ignored and the run published anyway, and a directory input left a
// full `.out.raft-rescue-*` copy behind. Here bin/raft-rescue.js runs a real repair of a ~290 MB
// generated set (test/bench/make-data.mjs) in a child process; a real signal is sent inside each
// phase (phase-watch.ts tells which from /proc); the run must exit 128 + the signal's number with
// one line, publish nothing, and leave no temp dir, temp file or lock beside --out or in TMPDIR.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/samples.js';
import { bin } from './cli-cases.js';
import { waitForPhase, type Phase } from './phase-watch.js';

const CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
type Sig = keyof typeof CODES;

let set: string;
let setTar: string;
let nodes: string[];
let sandbox: string;

beforeAll(async () => {
  const { ensureSet } = (await import(path.join(repoRoot, 'test', 'bench', 'make-data.mjs'))) as { ensureSet: (root: string, scale: number) => string };
  set = ensureSet(path.join(os.tmpdir(), 'rr-signal-sets'), 0.25);
  nodes = fs.readdirSync(set).filter((n) => fs.statSync(path.join(set, n)).isDirectory()).sort();
  setTar = `${set}.tar`;
  if (!fs.existsSync(setTar)) {
    execFileSync('tar', ['-cf', `${setTar}.part`, '-C', path.dirname(set), path.basename(set)]);
    fs.renameSync(`${setTar}.part`, setTar);
  }
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-signals-'));
}, 300_000);
afterAll(() => fs.rmSync(sandbox, { recursive: true, force: true }));

interface Case {
  readonly phase: Phase;
  readonly signal: Sig;
  readonly tarInput?: boolean;
  readonly out?: string;
}

const CASES: Case[] = [
  { phase: 'scan', signal: 'SIGINT' },
  { phase: 'hashing', signal: 'SIGTERM' },
  { phase: 'writing', signal: 'SIGHUP' },
  { phase: 'writing', signal: 'SIGTERM' },
  { phase: 'checking', signal: 'SIGINT' },
  { phase: 'packing', signal: 'SIGTERM', out: 'set.tar' },
  { phase: 'extracting', signal: 'SIGINT', tarInput: true },
  { phase: 'scan-extracted', signal: 'SIGTERM', tarInput: true },
  { phase: 'writing', signal: 'SIGINT', tarInput: true },
];

describe('a real signal in every phase of a real repair', () => {
  it.each(CASES.map((c) => [`${c.signal} while ${c.phase}${c.tarInput ? ' (tarball input)' : ''}`, c] as const))('%s', async (_label, c) => {
    const work = fs.mkdtempSync(path.join(sandbox, 'run-'));
    const tmpdir = path.join(work, 'tmp');
    const outParent = path.join(work, 'parent');
    fs.mkdirSync(tmpdir);
    fs.mkdirSync(outParent);
    const outName = c.out ?? 'out';
    const input = c.tarInput ? setTar : set;
    const child = spawn(process.execPath, [bin, 'repair', input, '--out', path.join(outParent, outName)], { cwd: repoRoot, env: { ...process.env, TMPDIR: tmpdir } });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.resume();
    let running = true;
    const done = new Promise<[number | null, string | null]>((resolve) => child.on('close', (code, sig) => ((running = false), resolve([code, sig]))));
    try {
      await waitForPhase({ pid: child.pid!, input: set, nodes, outParent, outName, tmpdir }, c.phase, () => running);
    } catch (error) {
      child.kill('SIGKILL');
      await done;
      throw new Error(`${(error as Error).message}; stderr: ${err}`);
    }
    const sentAt = Date.now();
    child.kill(c.signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const [code, sig] = await done;
    clearTimeout(timer);
    expect(sig, `killed: ${err}`).toBeNull();
    expect(code, err).toBe(CODES[c.signal]);
    expect(Date.now() - sentAt).toBeLessThan(15_000);
    const lines = err.split('\n').filter((l) => l.trim() !== '');
    expect(lines, err).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^raft-rescue: interrupted by ${c.signal}; .*nothing published`));
    expect(fs.readdirSync(outParent), 'nothing published, no temp data or lock beside --out').toEqual([]);
    expect(fs.readdirSync(tmpdir), 'no temp dir left in TMPDIR').toEqual([]);
  });
});

describe('leftovers of a run killed with SIGKILL (no handler can run)', () => {
  it('its extraction dir in TMPDIR is removed by the next run of any command; a live run\'s dir stays', async () => {
    const tmpdir = fs.mkdtempSync(path.join(sandbox, 'tmp-'));
    const child = spawn(process.execPath, [bin, 'inspect', setTar], { cwd: repoRoot, env: { ...process.env, TMPDIR: tmpdir }, stdio: 'ignore' });
    const done = new Promise((resolve) => child.on('close', resolve));
    const theirs = (n: string) => n.startsWith(`raft-rescue-${child.pid}-`);
    for (const until = Date.now() + 30_000; !fs.readdirSync(tmpdir).some(theirs); ) {
      if (Date.now() > until) throw new Error('no extraction dir appeared');
      await new Promise((r) => setTimeout(r, 2));
    }
    child.kill('SIGKILL');
    await done;
    expect(fs.readdirSync(tmpdir).filter(theirs)).toHaveLength(1);
    const live = `raft-rescue-${process.pid}-abcdef`;
    fs.mkdirSync(path.join(tmpdir, live));
    const next = spawn(process.execPath, [bin, 'inspect', '--json', path.join(set, nodes[0]!)], { cwd: repoRoot, env: { ...process.env, TMPDIR: tmpdir }, stdio: 'ignore' });
    expect(await new Promise((resolve) => next.on('close', resolve))).toBe(0);
    expect(fs.readdirSync(tmpdir)).toEqual([live]);
  });
});
