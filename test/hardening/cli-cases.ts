// Every command of the CLI, run in-process (run(argv, memoryIo)) or through bin/ in a child
// process, with the properties every run must have whatever the input: an exit code from the
// table (0, 1, 2, 3; never 70), no stack trace, one clear line on stderr for exit 2, and one JSON
// document on stdout for --json runs that succeed.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandModules } from '../../src/cli/commands/index.js';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { repoRoot } from '../helpers/samples.js';

export const bin = path.join(repoRoot, 'bin', 'raft-rescue.js');

export interface CliCommand {
  readonly name: string;
  /** The first word of argv: the yargs command that must be registered. */
  readonly command: string;
  /** argv for one input; `out` is a fresh path the command may create. */
  readonly argv: (input: string, out: string) => string[];
}

/** The commands issue 5 requires to be hardened. check, dump and repair are wired by others. */
export const CLI_COMMANDS: readonly CliCommand[] = [
  { name: 'inspect', command: 'inspect', argv: (i) => ['inspect', '--json', i] },
  { name: 'rank', command: 'rank', argv: (i) => ['rank', '--json', i] },
  { name: 'rank --verify', command: 'rank', argv: (i) => ['rank', '--verify', '--json', i] },
  { name: 'check', command: 'check', argv: (i) => ['check', '--json', i] },
  { name: 'dump', command: 'dump', argv: (i) => ['dump', '--json', '--limit', '50', i] },
  { name: 'repair --dry-run', command: 'repair', argv: (i, out) => ['repair', '--dry-run', '--json', i, '--out', out] },
  // The databases rebuilt from whatever the log holds, opened in SQLite, listed and written out.
  { name: 'db', command: 'db', argv: (i) => ['db', '--json', i] },
  { name: 'db export', command: 'db', argv: (i, out) => ['db', 'export', '--json', i, '--out', out] },
];

/** Names of the commands the CLI registers right now. */
export function registeredCommands(): Set<string> {
  const ctx = { io: memoryIo(), exitCode: 0 };
  return new Set(commandModules(ctx).map((m) => String(m.command ?? '').split(' ')[0]!));
}

export interface CliOutcome {
  readonly argv: readonly string[];
  readonly code: number | null;
  readonly signal?: string | null;
  readonly out: string;
  readonly err: string;
  readonly ms: number;
}

export async function runInProcess(argv: string[], env: Record<string, string | undefined> = {}): Promise<CliOutcome> {
  const io = memoryIo(env);
  const started = performance.now();
  const code = await run(argv, io);
  return { argv, code, out: io.out.join(''), err: io.err.join(''), ms: performance.now() - started };
}

/** bin/raft-rescue.js in a child process, killed after timeoutMs (a hang is reported, not awaited forever). */
export function runBin(argv: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string; onSpawn?: (child: ChildProcess) => void } = {}): Promise<CliOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...argv], { env: options.env ?? process.env, cwd: options.cwd ?? repoRoot });
    options.onSpawn?.(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ argv, code, signal, out, err, ms: performance.now() - started });
    });
  });
}

const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

/** What is wrong with one run, judged only by the exit-code and output contract. */
export function cliProblems(r: CliOutcome, allowed: readonly number[] = [0, 1, 2, 3]): string[] {
  const problems: string[] = [];
  const what = `raft-rescue ${r.argv.join(' ')}`;
  if (r.code === null) problems.push(`${what}: killed by ${r.signal ?? 'a signal'} after ${r.ms.toFixed(0)} ms (hang?)`);
  else if (!allowed.includes(r.code)) problems.push(`${what}: exit ${r.code}: ${r.err.slice(0, 400)}`);
  if (STACK.test(r.err) || /internal error/i.test(r.err)) problems.push(`${what}: stack trace or internal error on stderr: ${r.err.slice(0, 600)}`);
  if (r.code === 2) {
    const lines = r.err.split('\n').filter((l) => l.trim() !== '' && !/^Run 'raft-rescue --help'/.test(l));
    if (lines.length !== 1) problems.push(`${what}: exit 2 should give one clear line, got ${lines.length}: ${r.err.slice(0, 400)}`);
  }
  if ((r.code === 0 || r.code === 1) && r.argv.includes('--json') && !r.argv.includes('--help')) {
    try {
      JSON.parse(r.out);
    } catch {
      problems.push(`${what}: --json output is not one JSON document: ${r.out.slice(0, 200)}`);
    }
  }
  return problems;
}

/** A fresh, not yet existing output path under a scratch dir. */
export function freshOut(label = 'out'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-hardening-out-'));
  return path.join(dir, label);
}
