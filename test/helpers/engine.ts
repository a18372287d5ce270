// The real raft loader (Debian libraft 0.15, or a newer engine built by ../shared/engines/),
// driven through ../shared/dqlite-lab/raft-load.sh (CI clones the repo with shared/ beside it).
// engineAvailable() comes from lab.ts: locally a machine without the engine skips interop tests
// with a message; with CI=true it is a failure. The same holds for each newer engine's build
// (engineBuilt): an engine runs by environment alone, as `../shared/engines/env.sh ENGINE` prints it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { engineAvailable, engineMissing, labDir } from './lab.js';

export { engineAvailable, engineMissing };

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
  console.warn(`interop tests for ${engine} skipped: ${missing}`);
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

const script = path.join(labDir, 'raft-load.sh');

/** One line of raft-load.sh output, parsed (u64 values stay decimal strings as printed). */
export interface RaftLoadResult {
  ok: boolean;
  stage?: string;
  code?: number;
  codeName?: string;
  error?: string;
  crash?: boolean;
  signal?: number;
  hang?: boolean;
  seconds?: number;
  term?: string;
  votedFor?: string;
  snapshot?: { term: string; index: string; configurationIndex: string; members: number } | null;
  startIndex?: string;
  entries?: number;
  lastIndex?: string;
  lastTerm?: string;
  renamed: string[];
  removed: string[];
  created: string[];
}

export interface RaftLoadOptions {
  noAutoRecovery?: boolean;
  /** RAFT_LOAD_TIMEOUT: seconds before a spinning loader is reported as a hang (default 30). */
  timeoutSeconds?: number;
  /** The engine whose loader runs (its env.sh environment); default: the test process's own (Debian's). */
  engine?: LabEngine;
}

/** Runs the real loader on a scratch copy of `dir` (raft-load.sh never changes `dir`). */
export function raftLoad(dir: string, options: RaftLoadOptions = {}): RaftLoadResult {
  const args = [script, dir, ...(options.noAutoRecovery ? ['--no-auto-recovery'] : [])];
  const base = options.engine ? engineEnv(options.engine) : process.env;
  const env = { ...base, RAFT_LOAD_TIMEOUT: String(options.timeoutSeconds ?? 30) };
  const r = spawnSync('bash', args, { env, encoding: 'utf8', timeout: 120_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as RaftLoadResult;
  } catch {
    throw new Error(`raft-load.sh printed no JSON (status ${r.status}): ${r.stdout}${r.stderr}`);
  }
}
