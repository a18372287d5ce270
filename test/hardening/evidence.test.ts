// The evidence stays untouched (issue 5): every command (inspect, rank, check, dump, repair
// --dry-run and a real repair to a fresh --out) runs over the sample data, a damaged copy of it and
// a tarball, in a child process under strace. Afterwards every input file has the same bytes
// (sha256), size and mtime, and the trace shows no open for writing (O_WRONLY, O_RDWR, O_CREAT,
// O_TRUNC) and no creat/truncate/unlink/rename/mkdir/rmdir/utimensat/chmod/link on any path
// under an input. A control run that does write proves the trace would catch it.
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as d from '../helpers/damage.js';
import { repoRoot, sampleDataDir, sampleSet } from '../helpers/samples.js';
import { bin, cliProblems, type CliOutcome } from './cli-cases.js';

const SYSCALLS = 'openat,open,creat,truncate,unlink,unlinkat,rename,renameat,renameat2,mkdir,mkdirat,rmdir,utimensat,chmod,fchmodat,link,linkat,symlink,symlinkat,mknodat';
const WRITE_FLAGS = /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND/;

/** Commands and the exit codes each may give on sample and damaged data. */
const COMMANDS: { name: string; argv: (input: string, out: string) => string[]; codes: number[] }[] = [
  { name: 'inspect', argv: (i) => ['inspect', '--json', i], codes: [0] },
  { name: 'rank', argv: (i) => ['rank', '--json', i], codes: [0, 1] },
  { name: 'rank --verify', argv: (i) => ['rank', '--verify', '--json', i], codes: [0, 1] },
  { name: 'check', argv: (i) => ['check', '--json', i], codes: [0, 1] },
  { name: 'dump', argv: (i) => ['dump', '--json', '--limit', '200', i], codes: [0] },
  { name: 'repair --dry-run', argv: (i, out) => ['repair', '--dry-run', '--json', i, '--out', out], codes: [0, 1, 3] },
  { name: 'repair', argv: (i, out) => ['repair', i, '--out', out], codes: [0, 1, 3] },
];

interface FileState {
  readonly sha256: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly mode: number;
}

/** Every entry under `input` (or the input file itself): hash, size, mtime, mode. */
function fingerprint(input: string): Map<string, FileState | 'dir'> {
  const out = new Map<string, FileState | 'dir'>();
  const visit = (p: string): void => {
    const st = fs.lstatSync(p);
    if (st.isDirectory()) {
      out.set(p, 'dir');
      for (const name of fs.readdirSync(p).sort()) visit(path.join(p, name));
    } else {
      const sha256 = st.isFile() ? crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex') : st.isSymbolicLink() ? fs.readlinkSync(p) : '';
      out.set(p, { sha256, size: st.size, mtimeMs: st.mtimeMs, mode: st.mode });
    }
  };
  visit(input);
  return out;
}

interface TraceHit {
  readonly line: string;
  readonly path: string;
}

/** Trace lines that write or change a path under one of `roots`. */
export function writesUnder(trace: string, roots: readonly string[], cwd: string): TraceHit[] {
  const hits: TraceHit[] = [];
  const call = /^\d+\s+(\w+)\((.*)$/;
  for (const line of trace.split('\n')) {
    const m = call.exec(line);
    if (!m) continue; // "<... resumed>" lines carry only results; the arguments were on the first line
    const [, name, args] = m as unknown as [string, string, string];
    const paths = [...args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1]!);
    const relativeToFd = /^\d+,/.test(args) && !args.startsWith('AT_FDCWD');
    const mutates = name.startsWith('open') || name === 'creat' ? name === 'creat' || WRITE_FLAGS.test(args) : true;
    if (!mutates) continue;
    for (const p of paths) {
      const abs = path.isAbsolute(p) ? path.normalize(p) : relativeToFd ? `<fd-relative>/${p}` : path.resolve(cwd, p);
      if (abs.startsWith('<fd-relative>') || roots.some((r) => abs === r || abs.startsWith(`${r}${path.sep}`))) hits.push({ line, path: abs });
    }
  }
  return hits;
}

function strace(argv: string[], traceFile: string, cwd: string): Promise<CliOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const args = ['-f', '--seccomp-bpf', '-qq', '-e', `trace=${SYSCALLS}`, '-o', traceFile, process.execPath, ...argv];
    const child = spawn('strace', args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ argv: argv.slice(1), code, signal, out, err, ms: performance.now() - started });
    });
  });
}

let sandbox: string;
const inputs: { label: string; path: string }[] = [];

/** A copy of the crash set with the damage a full disk and bit rot leave behind. */
async function damagedSet(): Promise<string> {
  const dest = path.join(sandbox, 'damaged');
  fs.cpSync(await sampleSet('crash'), dest, { recursive: true, preserveTimestamps: true });
  const nodes = fs.readdirSync(dest).filter((n) => n.startsWith('127.')).sort().map((n) => path.join(dest, n));
  const [a, b, c] = nodes as [string, string, string];
  const closedA = d.closedSegments(a);
  d.flip(a, closedA[closedA.length - 2]!, 5000); // bit rot in a closed segment
  const torn = d.openWithBatches(b)!;
  const { batches } = d.batchesOf(b, torn);
  d.truncate(b, torn, batches[batches.length - 1]!.offset + 100); // torn write in the open segment
  const closedC = d.closedSegments(c);
  d.append(c, closedC[closedC.length - 1]!, new Uint8Array(4096)); // zeros after the last batch
  const snap = d.snapshotsNewestFirst(c)[0]!;
  d.truncate(c, snap, 100); // newest snapshot cut short
  return dest;
}

beforeAll(async () => {
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' });
  } catch {
    throw new Error('strace is required for the evidence test (apt-get install -y strace; .ci/run installs it)');
  }
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'raft-rescue.cjs'))) throw new Error('build first (npm run build): bin/ runs dist/raft-rescue.cjs');
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-evidence-'));
  inputs.push({ label: 'healthy', path: await sampleSet('healthy') });
  inputs.push({ label: 'past-snapshot', path: await sampleSet('past-snapshot') });
  inputs.push({ label: 'damaged crash copy', path: await damagedSet() });
  const tarball = path.join(sandbox, 'lagging.tar.gz');
  fs.copyFileSync(path.join(sampleDataDir, 'lagging.tar.gz'), tarball);
  inputs.push({ label: 'tarball', path: tarball });
}, 120_000);

afterAll(() => {
  if (sandbox) fs.rmSync(sandbox, { recursive: true, force: true });
});

describe('the evidence stays untouched', () => {
  it('the trace catches a process that writes under the input (control)', async () => {
    const dir = fs.mkdtempSync(path.join(sandbox, 'control-'));
    const trace = path.join(sandbox, 'control.trace');
    const script = `require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'x'))}, 'x'); require('fs').renameSync(${JSON.stringify(path.join(dir, 'x'))}, ${JSON.stringify(path.join(dir, 'y'))})`;
    await strace(['-e', script], trace, sandbox);
    const hits = writesUnder(fs.readFileSync(trace, 'utf8'), [dir], sandbox);
    expect(hits.map((h) => h.line.split('(')[0]!.replace(/^\d+\s+/, ''))).toEqual(expect.arrayContaining(['openat', 'rename']));
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))('%s leaves every input byte, size and mtime as it was and opens nothing under it for writing', async (_name, command) => {
    const problems: string[] = [];
    const codes: string[] = [];
    for (const input of inputs) {
      const before = fingerprint(input.path);
      const out = path.join(fs.mkdtempSync(path.join(sandbox, 'out-')), 'out');
      const trace = path.join(sandbox, `${command.name.replace(/\W+/g, '-')}-${input.label.replace(/\W+/g, '-')}.trace`);
      const r = await strace([bin, ...command.argv(input.path, out)], trace, sandbox);
      problems.push(...cliProblems(r, command.codes).map((p) => `${input.label}: ${p}`));
      codes.push(`${input.label} → exit ${r.code}`);
      const roots = [input.path, fs.realpathSync(input.path)];
      for (const hit of writesUnder(fs.readFileSync(trace, 'utf8'), roots, sandbox)) problems.push(`${input.label}: wrote under the input: ${hit.line}`);
      const after = fingerprint(input.path);
      expect([...after.keys()], `${input.label}: files appeared or vanished`).toEqual([...before.keys()]);
      for (const [p, state] of before) expect(after.get(p), `${input.label}: ${p} changed`).toEqual(state);
    }
    console.log(`evidence: ${command.name}: ${codes.join(', ')}; inputs unchanged, nothing opened for writing under them`);
    expect(problems).toEqual([]);
  }, 600_000);
});
