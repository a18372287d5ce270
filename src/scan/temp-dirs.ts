// The one place that owns private temp directories (extracted archives). Each directory is
// registered, and cleanup runs on normal exit and on SIGINT/SIGTERM/SIGHUP. The signal handlers
// exist only while at least one directory is alive; after removing the directories a handler
// takes itself off and re-raises the signal, so Ctrl-C still ends the process with the usual
// status (house style: only bin/ sets exit codes; nothing here ends the process itself).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type Signal = (typeof SIGNALS)[number];

const live = new Set<string>();
const signalHandlers = new Map<Signal, () => void>();
let exitHookInstalled = false;

function onSignal(signal: Signal): void {
  removeAllTempDirs();
  uninstallSignalHandlers();
  // Someone else (a CLI, a test runner) may handle the signal; otherwise die as if we never
  // listened, which is what the user asked for by pressing Ctrl-C.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installHandlers(): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', removeAllTempDirs);
  }
  if (signalHandlers.size > 0) return;
  for (const signal of SIGNALS) {
    const handler = (): void => onSignal(signal);
    signalHandlers.set(signal, handler);
    process.on(signal, handler);
  }
}

function uninstallSignalHandlers(): void {
  for (const [signal, handler] of signalHandlers) process.removeListener(signal, handler);
  signalHandlers.clear();
}

export interface TempDirOptions {
  /** Parent directory (default os.tmpdir()). Tests pass a sandbox. */
  readonly parent?: string;
  readonly prefix?: string;
}

/** A fresh directory, mode 0700, removed at exit unless removed earlier. */
export function createTempDir(options: TempDirOptions = {}): string {
  const parent = options.parent ?? os.tmpdir();
  const dir = fs.mkdtempSync(path.join(parent, options.prefix ?? 'raft-rescue-'));
  // mkdtemp already uses 0700; chmod again so a permissive umask or platform cannot widen it.
  fs.chmodSync(dir, 0o700);
  live.add(dir);
  installHandlers();
  return dir;
}

/** Removes one directory made by createTempDir (idempotent). */
export function removeTempDir(dir: string): void {
  if (!live.delete(dir)) return;
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
  if (live.size === 0) uninstallSignalHandlers();
}

/** Removes every live temp directory; errors are swallowed (this runs on the way out). */
export function removeAllTempDirs(): void {
  for (const dir of [...live]) {
    try {
      removeTempDir(dir);
    } catch {
      live.delete(dir);
    }
  }
  uninstallSignalHandlers();
}

/** Directories still registered (for tests and diagnostics). */
export function liveTempDirs(): string[] {
  return [...live];
}
