// The real raft loader (Debian libraft 0.15), driven through ../shared/dqlite-lab/raft-load.sh
// (CI clones the repo with shared/ beside it). Interop tests call engineAvailable() first: locally,
// a machine without libraft-dev/libuv1-dev skips them with a message; with CI=true a missing engine
// is a failure, never a skip.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './samples.js';

export const labDir = path.resolve(repoRoot, '..', 'shared', 'dqlite-lab');
const script = path.join(labDir, 'raft-load.sh');

function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why raft-load.sh cannot run here, or undefined when it can. */
export function engineMissing(): string | undefined {
  if (!fs.existsSync(script)) return `no raft-load.sh at ${script}`;
  if (!has('cc')) return 'no C compiler (apt-get install -y gcc)';
  if (!fs.existsSync('/usr/include/raft.h') || !fs.existsSync('/usr/include/uv.h')) {
    return 'raft/uv headers missing (apt-get install -y libraft-dev libuv1-dev)';
  }
  return undefined;
}

/** True when raft-load.sh can run; throws under CI=true when it cannot. */
export function engineAvailable(): boolean {
  const missing = engineMissing();
  if (!missing) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but the real raft loader is unavailable: ${missing}`);
  console.warn(`raft-load interop tests skipped: ${missing}`);
  return false;
}

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
}

/** Runs the real loader on a scratch copy of `dir` (raft-load.sh never changes `dir`). */
export function raftLoad(dir: string, options: RaftLoadOptions = {}): RaftLoadResult {
  const args = [script, dir, ...(options.noAutoRecovery ? ['--no-auto-recovery'] : [])];
  const env = { ...process.env, RAFT_LOAD_TIMEOUT: String(options.timeoutSeconds ?? 30) };
  const r = spawnSync('bash', args, { env, encoding: 'utf8', timeout: 120_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as RaftLoadResult;
  } catch {
    throw new Error(`raft-load.sh printed no JSON (status ${r.status}): ${r.stdout}${r.stderr}`);
  }
}
