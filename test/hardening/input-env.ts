// The real situations of issue 10's input classes, built for real: tmpfs mounts as TMPDIR, real
// GNU tar archives, files other users cannot read (the CLI then runs as `nobody` through
// setpriv: root reads every file whatever its mode), and the CLI run through bin/ in a child
// process, as a user runs it. Each situation needs root (mount, setpriv, chown): locally a
// machine without it skips with a message; with CI=true it is a failure, never a skip.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bin, cliProblems, type CliOutcome } from './cli-cases.js';
import { repoRoot } from '../helpers/samples.js';
import { recordSkip } from '../helpers/skips.js';

export const NOBODY = 65534;

/** Why the root-only situations cannot be built here, or undefined when they can. */
export function rootMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'not running as root (tmpfs mounts, setpriv and chown need it)';
  for (const cmd of ['mount', 'umount', 'setpriv', 'tar']) {
    try {
      execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    } catch {
      return `${cmd} is not installed`;
    }
  }
  return undefined;
}

/** True when the root-only tests can run; throws under CI when they cannot. */
export function rootAvailable(what: string): boolean {
  const missing = rootMissing();
  if (!missing) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${what} cannot be built: ${missing}`);
  recordSkip(what, missing);
  return false;
}

/** A fresh sandbox every user can enter (the CLI may run as nobody inside it). */
export function sandbox(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rr-${label}-`));
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** Mounts a tmpfs of `size` (e.g. '2m') on a new directory under `parent`. */
export function mountTmpfs(parent: string, name: string, size: string): string {
  const dir = path.join(parent, name);
  fs.mkdirSync(dir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=1777`, 'tmpfs', dir]);
  return dir;
}

export function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  }
}

/** Every path under dir (links not followed), with size and mtime: compared before and after. */
export function treeState(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).map((d) => {
    const p = path.join(d.parentPath, d.name);
    const st = fs.lstatSync(p);
    return `${path.relative(dir, p)} ${st.isDirectory() ? 'dir' : st.size} ${st.mtimeMs} ${st.mode.toString(8)}`;
  }).sort();
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Run as this uid/gid (through setpriv), e.g. NOBODY. */
  readonly user?: number;
  readonly timeoutMs?: number;
  readonly onSpawn?: (child: ChildProcess) => void;
}

/** bin/raft-rescue.js in a child process, optionally as another user. */
export function runCli(argv: string[], options: RunOptions = {}): Promise<CliOutcome> {
  const started = performance.now();
  const node = [process.execPath, bin, ...argv];
  const cmd = options.user === undefined ? node : ['setpriv', `--reuid=${options.user}`, `--regid=${options.user}`, '--clear-groups', ...node];
  return new Promise((resolve) => {
    // These tests read what is said, not how it is laid out: a wide terminal keeps names and
    // messages on one line (test/cli/fits-width.test.ts checks the layout at 80 columns).
    const env = { COLUMNS: '1000', ...(options.env ?? process.env) };
    const child = spawn(cmd[0]!, cmd.slice(1), { env, cwd: options.cwd ?? repoRoot });
    options.onSpawn?.(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ argv, code, signal, out, err, ms: performance.now() - started });
    });
  });
}

/** Every command that reads inputs, people's output and JSON; `out` is a path repair may not write. */
export function everyCommand(inputs: readonly string[], out: string, extra: readonly string[] = []): string[][] {
  const base = [
    ['inspect', ...inputs],
    ['rank', ...inputs],
    ['rank', '--verify', ...inputs],
    ['check', ...inputs],
    ['dump', '--limit', '20', ...inputs],
    ['map', ...inputs],
    ['repair', '--dry-run', ...inputs, '--out', out],
  ];
  return base.flatMap((argv) => [[...argv, ...extra], [...argv, '--json', ...extra]]);
}

/** The contract of an exit-2 run: exit 2, exactly one line on stderr, no stack, nothing on stdout. */
export function inputErrorProblems(r: CliOutcome): string[] {
  const problems = cliProblems(r, [2]);
  if (r.out !== '') problems.push(`raft-rescue ${r.argv.join(' ')}: printed a report although it failed: ${r.out.slice(0, 200)}`);
  return problems;
}

/** The one line an exit-2 run printed, without the "raft-rescue: " prefix. */
export function errorLine(r: CliOutcome): string {
  return r.err.split('\n').find((l) => l.trim() !== '')?.replace(/^raft-rescue: /, '') ?? '';
}

/** Control characters other than the newlines and (with colour) SGR sequences a report is made of. */
export function rawControls(text: string): string[] {
  const found = text.replace(/\n/g, '').match(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g) ?? [];
  return [...new Set(found)].map((c) => `U+${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}
