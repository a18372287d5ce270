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
  const { stdout, stderr } = await run('node', args, { timeout: 300_000, ...(o.env ? { env: o.env } : {}) });
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
