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
