// What a run skipped and why, for the last lines of `npm test`: a green run that skipped the
// real-engine, browser or root-only tests must not look like a full one. Test processes append
// one line per skip to a file named after the vitest process (their parent); the reporter
// (skip-reporter.ts) prints them after the summary and removes the file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The file the test processes of the vitest run with this pid append to. */
export function skipLogOf(vitestPid: number): string {
  return path.join(os.tmpdir(), `raft-rescue-skips-${vitestPid}.jsonl`);
}

/** Records that `what` was skipped because `why` (also said at once on stderr). */
export function recordSkip(what: string, why: string): void {
  console.warn(`${what} skipped: ${why}`);
  try {
    fs.appendFileSync(skipLogOf(process.ppid), `${JSON.stringify({ what, why })}\n`);
  } catch {
    // the warning above still says it
  }
}
