// The real engine, driven through ../shared/dqlite-lab (CI clones the repo with shared/ beside
// it). Interop tests call `engineOrSkip()` first: locally, a machine without go-dqlite skips them
// with a message; with CI=true a missing engine is a failure, never a skip.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';
import { repoRoot } from './samples.js';
import { recordSkip } from './skips.js';

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
  recordSkip('interop tests against the real engine (test/interop/)', missing);
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
  /** Base port (node i listens on base + i); default: a fresh one of this process's slot. */
  port?: number;
  /** The whole environment `lab.mjs make` runs in (engine.ts engineEnv picks another engine). */
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
  const args = [path.join(labDir, 'lab.mjs'), 'make', '--dir', dir, '--port', String(o.port ?? nextPortBase())];
  args.push('--nodes', String(o.nodes ?? 3), '--writes', String(o.writes ?? 600), '--stop', o.stop ?? 'term');
  args.push('--value-bytes', String(o.valueBytes ?? 16), '--keys', String(o.keys ?? 64));
  if (o.lagNode) args.push('--lag-node', String(o.lagNode), '--lag-after', String(o.lagAfter ?? 100));
  const { stdout, stderr } = await run('node', args, { timeout: 300_000, env: o.env ?? process.env });
  if (!fs.existsSync(path.join(dir, 'expect.json'))) throw new Error(`lab.mjs make left no cluster in ${dir}: ${stdout}${stderr}`);
  return dir;
}

/**
 * reference-rank.sh (env: engineEnv picks the engine): "INDEX ADDRESS" (index = last index + 1) or
 * "ERROR ADDRESS message".
 */
export async function referenceRank(dataDir: string, targetYaml?: string,
  env: NodeJS.ProcessEnv = process.env): Promise<Map<string, { next?: bigint; error?: string }>> {
  const args = [path.join(labDir, 'reference-rank.sh'), dataDir, ...(targetYaml ? [targetYaml] : [])];
  const { stdout } = await run('bash', args, { timeout: 600_000, env: { ...env, RANK_TIMEOUT: '20' } });
  const out = new Map<string, { next?: bigint; error?: string }>();
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [first, name, ...rest] = line.split(' ');
    if (first === 'ERROR') out.set(name!, { error: rest.join(' ') });
    else out.set(name!, { next: BigInt(first!) });
  }
  return out;
}

/** lab.mjs verify: starts the set as a real cluster and checks every key (env: engineEnv picks the engine). */
export async function verifyCluster(dataDir: string, expectFile: string,
  env: NodeJS.ProcessEnv = process.env): Promise<{ pass: boolean; output: string }> {
  try {
    const port = String(nextPortBase());
    const args = [path.join(labDir, 'lab.mjs'), 'verify', '--dir', dataDir, '--expect', expectFile, '--port', port];
    const { stdout } = await run('node', args, { timeout: 300_000, env });
    return { pass: /verify: PASS/.test(stdout), output: stdout };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return { pass: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}${e.message}` };
  }
}

/** The engines ../shared/engines/env.sh knows: Debian's (libraft 0.15, nothing to build) and two built from source. */
export const LAB_ENGINES = ['debian', 'dqlite-1.18', 'cowsql-1.15'] as const;
export type LabEngine = (typeof LAB_ENGINES)[number];

/** The analysis profile each lab engine is (engine/profiles.ts): dqlite-1.18 is built from 1.18.6. */
export const PROFILE_OF: Readonly<Record<LabEngine, string>> = { debian: 'dqlite-1.11', 'dqlite-1.18': 'dqlite-1.18', 'cowsql-1.15': 'cowsql-1.15' };

const envScript = path.join(path.dirname(labDir), 'engines', 'env.sh');

/** Undoes `printf %q` for the words env.sh prints (paths: backslash escapes only). */
function unquote(word: string): string {
  return word.replace(/\\(.)/g, '$1');
}

/** Why `engine` cannot run here (env.sh's own message), or undefined. */
export function engineNotBuilt(engine: LabEngine): string | undefined {
  const missing = engineMissing();
  if (missing) return missing;
  const r = spawnSync('bash', [envScript, engine], { encoding: 'utf8' });
  return r.status === 0 ? undefined : (r.stderr.trim() || `env.sh ${engine} failed (status ${r.status})`);
}

/** Whether the engine is built; under CI=true a missing build throws (tests fail, never skip). */
export function engineBuilt(engine: LabEngine): boolean {
  const missing = engineNotBuilt(engine);
  if (!missing) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but engine ${engine} is unavailable: ${missing}`);
  recordSkip(`interop tests for ${engine}`, missing);
  return false;
}

const envCache = new Map<LabEngine, NodeJS.ProcessEnv>();

/** process.env with `env.sh ENGINE`'s export and unset lines applied (RAFT_ENGINE, LD_LIBRARY_PATH, LD_PRELOAD …). */
export function engineEnv(engine: LabEngine): NodeJS.ProcessEnv {
  const cached = envCache.get(engine);
  if (cached) return cached;
  const r = spawnSync('bash', [envScript, engine], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`env.sh ${engine}: ${r.stderr.trim()}`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const line of r.stdout.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const exported = /^export ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (exported) env[exported[1]!] = unquote(exported[2]!);
    else if (line.startsWith('unset ')) for (const name of line.slice(6).split(/\s+/)) delete env[name];
    else throw new Error(`env.sh ${engine} printed an unexpected line: ${line}`);
  }
  envCache.set(engine, env);
  return env;
}

/** The engine names the lab knows (the db tests' name for LabEngine). */
export type EngineName = LabEngine;

/**
 * engineEnv when the engine is built here, else undefined: interop tests then skip with a message,
 * except under CI=true, where engineBuilt throws (a missing engine is a failure).
 */
export function engineEnvIfBuilt(engine: LabEngine): NodeJS.ProcessEnv | undefined {
  return engineBuilt(engine) ? engineEnv(engine) : undefined;
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

/** What `dataDir` answers as a running cluster to one statement on dqlite-demo's database (the shell's lines). */
export async function clusterQuery(dataDir: string, sql: string, env: NodeJS.ProcessEnv = process.env,
): Promise<{ ok: boolean; lines: string[] }> {
  const script = path.join(repoRoot, 'test', 'helpers', 'lab-query.mjs');
  const args = [script, '--lab', path.join(labDir, 'lab.mjs'), '--dir', dataDir, '--port', String(nextPortBase())];
  args.push('--sql', sql);
  const { stdout } = await run('node', args, { timeout: 300_000, env });
  return JSON.parse(stdout) as { ok: boolean; lines: string[] };
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
