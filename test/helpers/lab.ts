// The real engine, driven through ../shared/dqlite-lab (CI clones the repo with shared/ beside
// it). Interop tests call `engineOrSkip()` first: locally, a machine without go-dqlite skips them
// with a message; with CI=true a missing engine is a failure, never a skip.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';
import { repoRoot } from './samples.js';

const run = promisify(execFile);
// Real path: lab.mjs runs its main block only when argv[1] equals its own (resolved) URL, so a
// symlinked shared/ would make `lab.mjs make` silently do nothing.
const labPath = path.resolve(repoRoot, '..', 'shared', 'dqlite-lab');
export const labDir = fs.existsSync(labPath) ? fs.realpathSync(labPath) : labPath;

function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why the real engine cannot be used here, or undefined when it can. */
export function engineMissing(): string | undefined {
  if (!fs.existsSync(path.join(labDir, 'lab.mjs'))) return `no dqlite-lab at ${labDir}`;
  for (const cmd of ['dqlite-demo', 'dqlite', 'cc']) if (!has(cmd)) return `${cmd} not installed (apt-get install -y go-dqlite libraft-dev libuv1-dev)`;
  if (!fs.existsSync('/usr/include/raft.h') || !fs.existsSync('/usr/include/uv.h')) return 'raft/uv headers missing (apt-get install -y libraft-dev libuv1-dev)';
  return undefined;
}

/** True when interop tests should run; throws under CI when the engine is missing. */
export function engineAvailable(): boolean {
  const missing = engineMissing();
  if (!missing) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but the real engine is unavailable: ${missing}`);
  console.warn(`interop tests skipped: ${missing}`);
  return false;
}

// Loopback ports for test clusters. Each test process claims one slot of 300 ports (an atomic
// mkdir in os.tmpdir(), released at exit) so parallel test files never share ports, and every
// port stays below 32768: Linux hands out 32768-60999 as ephemeral source ports, and a listener
// there can collide with the clients' own connections.
const SLOT_PORTS = 3000;
const SLOTS = 7; // 10000 + 7 * 3000 = 31000
let slot: number | undefined;
let slotCursor = 0;

function claimSlot(): number {
  for (let i = 0; i < SLOTS; i++) {
    const lock = path.join(os.tmpdir(), `rr-port-slot-${i}`);
    try {
      fs.mkdirSync(lock);
    } catch {
      const owner = Number(fs.readFileSync(path.join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
      let alive = owner > 0;
      try {
        if (alive) process.kill(owner, 0);
      } catch {
        alive = false;
      }
      if (alive) continue;
    }
    fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
    process.once('exit', () => fs.rmSync(lock, { recursive: true, force: true }));
    return i;
  }
  throw new Error(`no free port slot (${SLOTS} test processes already hold one)`);
}

/** A base port with 300 free ports above it, distinct within and across test processes. */
export function nextPortBase(): number {
  slot ??= claimSlot();
  const base = 10_000 + slot * SLOT_PORTS + (slotCursor % 10) * 300;
  slotCursor++;
  return base;
}

export interface MakeOptions {
  nodes?: number;
  writes?: number;
  stop?: 'term' | 'kill';
  lagNode?: number;
  lagAfter?: number;
  valueBytes?: number;
  keys?: number;
  /** The engine's environment (engineEnv); default this process's (Debian's engine). */
  env?: NodeJS.ProcessEnv;
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Makes a fresh real cluster with lab.mjs make; returns the data dir (node dirs + expect.json). */
export async function makeCluster(o: MakeOptions = {}): Promise<string> {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-lab-'));
  made.push(parent);
  const dir = path.join(parent, 'data');
  const args = [path.join(labDir, 'lab.mjs'), 'make', '--dir', dir, '--port', String(nextPortBase())];
  args.push('--nodes', String(o.nodes ?? 3), '--writes', String(o.writes ?? 600), '--stop', o.stop ?? 'term');
  args.push('--value-bytes', String(o.valueBytes ?? 16), '--keys', String(o.keys ?? 64));
  if (o.lagNode) args.push('--lag-node', String(o.lagNode), '--lag-after', String(o.lagAfter ?? 100));
  const { stdout, stderr } = await run('node', args, { timeout: 300_000, env: o.env ?? process.env });
  if (!fs.existsSync(path.join(dir, 'expect.json'))) throw new Error(`lab.mjs make left no cluster in ${dir}: ${stdout}${stderr}`);
  return dir;
}

/** reference-rank.sh: "INDEX ADDRESS" (index = last index + 1) or "ERROR ADDRESS message". */
export async function referenceRank(dataDir: string, targetYaml?: string): Promise<Map<string, { next?: bigint; error?: string }>> {
  const args = [path.join(labDir, 'reference-rank.sh'), dataDir, ...(targetYaml ? [targetYaml] : [])];
  const { stdout } = await run('bash', args, { timeout: 600_000, env: { ...process.env, RANK_TIMEOUT: '20' } });
  const out = new Map<string, { next?: bigint; error?: string }>();
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [first, name, ...rest] = line.split(' ');
    if (first === 'ERROR') out.set(name!, { error: rest.join(' ') });
    else out.set(name!, { next: BigInt(first!) });
  }
  return out;
}

/** lab.mjs verify: starts the set as a real cluster and checks every key. */
export async function verifyCluster(dataDir: string, expectFile: string): Promise<{ pass: boolean; output: string }> {
  try {
    const { stdout } = await run('node', [path.join(labDir, 'lab.mjs'), 'verify', '--dir', dataDir, '--expect', expectFile, '--port', String(nextPortBase())], { timeout: 300_000 });
    return { pass: /verify: PASS/.test(stdout), output: stdout };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return { pass: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}${e.message}` };
  }
}

/** Engines ../shared/engines builds, besides Debian's own (`debian`). */
export type EngineName = 'debian' | 'dqlite-1.18' | 'cowsql-1.15';

/**
 * The environment that makes dqlite-demo, the dqlite shell and raft-load.sh use `engine`
 * (../shared/engines/env.sh), or undefined when it is not built here: interop tests then skip
 * with a message, except under CI=true, where a missing engine is a failure.
 */
export function engineEnv(engine: EngineName): NodeJS.ProcessEnv | undefined {
  const base = { ...process.env };
  for (const k of ['RAFT_ENGINE', 'LD_LIBRARY_PATH', 'LD_PRELOAD', 'ENGINES_PREFIX']) delete base[k];
  if (engine === 'debian') return engineAvailable() ? base : undefined;
  if (!engineAvailable()) return undefined;
  const script = path.resolve(labDir, '..', 'engines', 'env.sh');
  let out: string;
  try {
    out = execFileSync('bash', [script, engine], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const why = `${engine} is not built (run ../shared/engines/build.sh ${engine}): ${(error as { stderr?: string }).stderr ?? error}`;
    if (process.env.CI === 'true') throw new Error(`CI=true but ${why}`);
    console.warn(`interop tests for ${engine} skipped: ${why}`);
    return undefined;
  }
  for (const m of out.matchAll(/^export ([A-Z_]+)=(.*)$/gm)) base[m[1]!] = m[2]!.replace(/^'(.*)'$/, '$1');
  return base;
}

export interface TwoPhaseOptions {
  first: number;
  second: number;
  env: NodeJS.ProcessEnv;
  stop?: 'term' | 'kill';
  keys?: number;
  valueBytes?: number;
}

/**
 * A real cluster written in two phases (test/helpers/lab-two-phase.mjs): `first` holds the node
 * directories as they were after the first writes (every node stopped, so their logs end at the
 * index that state belongs to), `dir` the same nodes after more writes. Each has expect.json (the
 * values written) and shell.json (what the running cluster answered through the dqlite shell).
 */
export async function makeTwoPhaseCluster(o: TwoPhaseOptions): Promise<{ dir: string; first: string }> {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-lab2-'));
  made.push(parent);
  const dir = path.join(parent, 'data');
  const script = path.join(repoRoot, 'test', 'helpers', 'lab-two-phase.mjs');
  const args = [script, '--lab', path.join(labDir, 'lab.mjs'), '--dir', dir, '--port', String(nextPortBase()),
    '--first', String(o.first), '--second', String(o.second), '--stop', o.stop ?? 'term',
    '--keys', String(o.keys ?? 64), '--value-bytes', String(o.valueBytes ?? 16)];
  const { stdout, stderr } = await run('node', args, { timeout: 600_000, env: o.env });
  if (!fs.existsSync(path.join(dir, 'shell.json'))) throw new Error(`lab-two-phase.mjs left no cluster in ${dir}: ${stdout}${stderr}`);
  return { dir, first: `${dir}.first` };
}

/** What `dataDir` answers as a running cluster (started from a copy): dqlite-demo's model table. */
export async function clusterModel(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<Record<string, string>> {
  const script = path.join(repoRoot, 'test', 'helpers', 'lab-query.mjs');
  const { stdout } = await run('node', [script, '--lab', path.join(labDir, 'lab.mjs'), '--dir', dataDir, '--port', String(nextPortBase())], { timeout: 300_000, env });
  return JSON.parse(stdout) as Record<string, string>;
}

/**
 * A real cluster whose database `shrink` was VACUUMed by its leader (test/helpers/lab-vacuum.mjs):
 * node directories, every node's in-memory files as the shell's `.dump` saved them in
 * dumps/<address>/, and vacuum.json ({ leader, vacuum: 'ok' or the engine's failure }).
 */
export async function makeVacuumCluster(env: NodeJS.ProcessEnv): Promise<string> {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-lab-vacuum-'));
  made.push(parent);
  const dir = path.join(parent, 'data');
  const script = path.join(repoRoot, 'test', 'helpers', 'lab-vacuum.mjs');
  const { stdout, stderr } = await run('node', [script, '--lab', path.join(labDir, 'lab.mjs'), '--dir', dir, '--port', String(nextPortBase())], { timeout: 300_000, env });
  if (!fs.existsSync(path.join(dir, 'vacuum.json'))) throw new Error(`lab-vacuum.mjs left no cluster in ${dir}: ${stdout}${stderr}`);
  return dir;
}
