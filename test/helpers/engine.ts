// The real raft loader (Debian libraft 0.15, or a newer engine built by ../shared/engines/),
// driven through ../shared/dqlite-lab/raft-load.sh (CI clones the repo with shared/ beside it).
// engineAvailable() comes from lab.ts: locally a machine without the engine skips interop tests
// with a message; with CI=true it is a failure. The same holds for each newer engine's build
// (engineBuilt): an engine runs by environment alone, as `../shared/engines/env.sh ENGINE` prints it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { engineAvailable, engineEnv, engineMissing, labDir, type LabEngine } from './lab.js';

export { engineAvailable, engineBuilt, engineEnv, engineMissing, engineNotBuilt, LAB_ENGINES, PROFILE_OF, type LabEngine } from './lab.js';

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
  /** The environment to run in when the caller has it already (engineEnv, engineEnvIfBuilt); wins over `engine`. */
  env?: NodeJS.ProcessEnv;
  engine?: LabEngine;
}

/** Runs the real loader on a scratch copy of `dir` (raft-load.sh never changes `dir`). */
export function raftLoad(dir: string, options: RaftLoadOptions = {}): RaftLoadResult {
  const args = [script, dir, ...(options.noAutoRecovery ? ['--no-auto-recovery'] : [])];
  const base = options.env ?? (options.engine ? engineEnv(options.engine) : process.env);
  const env = { ...base, RAFT_LOAD_TIMEOUT: String(options.timeoutSeconds ?? 30) };
  const r = spawnSync('bash', args, { env, encoding: 'utf8', timeout: 120_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as RaftLoadResult;
  } catch {
    throw new Error(`raft-load.sh printed no JSON (status ${r.status}): ${r.stdout}${r.stderr}`);
  }
}
