// Errors mean "cannot continue". Damage found in user data is a finding, never one of these.
// Each class carries a stable `code`; the CLI maps classes to exit codes (see cli/exit-codes.ts).

export class RaftRescueError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The command line or a user-supplied option file is wrong. Exit 2. */
export class UsageError extends RaftRescueError {
  constructor(message: string) {
    super('E_USAGE', message);
  }
}

/** An input path cannot be read at all (missing, not a node, unreadable archive). Exit 2. */
export class InputError extends RaftRescueError {
  readonly path: string | undefined;
  constructor(message: string, path?: string) {
    super('E_INPUT', message);
    this.path = path;
  }
}

/**
 * A read went past the end of a buffer. Codecs turn these into issues; only code that has no
 * tolerant path lets one escape.
 */
export class ShortReadError extends RaftRescueError {
  readonly field: string;
  readonly offset: number;
  readonly needed: number;
  readonly available: number;
  readonly file: string | undefined;
  constructor(field: string, offset: number, needed: number, available: number, file?: string) {
    super(
      'E_SHORT_READ',
      `${file ? `${file}: ` : ''}short read of ${field} at offset ${offset}: needed ${needed} bytes, ${available} left`,
    );
    this.field = field;
    this.offset = offset;
    this.needed = needed;
    this.available = available;
    this.file = file;
  }
}

/** A repair was refused (unsafe without --force / --allow-data-loss) or failed. Exit 3. */
export class RepairError extends RaftRescueError {
  constructor(message: string, code = 'E_REPAIR') {
    super(code, message);
  }
}

/** A bug in raft-rescue itself. */
export class InternalError extends RaftRescueError {
  constructor(message: string) {
    super('E_INTERNAL', message);
  }
}

/**
 * The run was stopped by a signal (SIGINT, SIGTERM, SIGHUP): bin/ aborts the run's AbortSignal
 * and the work stops at its next checkpoint (core/cancel.ts). Exit 128 + the signal's number.
 */
export class Cancelled extends RaftRescueError {
  readonly signal: string;
  constructor(signal: string) {
    super('E_CANCELLED', `interrupted by ${signal}`);
    this.signal = signal;
  }
}

/** An error from a system call (fs, child_process): it carries an errno code and the call's name. */
export function isErrnoError(error: unknown): error is NodeJS.ErrnoException & { code: string; syscall: string } {
  const e = error as { code?: unknown; syscall?: unknown } | null;
  return error instanceof Error && typeof e?.code === 'string' && typeof e.syscall === 'string';
}

/** One line for a system call error: `mkdir /x/y: read-only file system (EROFS)`. */
export function describeErrno(error: NodeJS.ErrnoException & { code: string; syscall: string }): string {
  // Node's message: "EROFS: read-only file system, mkdir '/x/y'"; keep the words, drop the rest.
  const words = /^[A-Z0-9_]+: ([^,]+)/.exec(error.message)?.[1] ?? error.message;
  const dest = (error as { dest?: string }).dest;
  const where = `${error.path ? ` ${error.path}` : ''}${dest ? ` -> ${dest}` : ''}`;
  return `${error.syscall}${where}: ${words} (${error.code})`.replace(/[\u0000-\u001f\u007f]/g, '?');
}
