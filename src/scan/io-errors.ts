// Failed reads of the user's input (a permission, a failing disk, a file that shrinks, a full
// temp dir while unpacking) are the user's situation, not bugs: they become one-line InputErrors
// (exit 2) that name the file and the errno, never a stack trace and never a "skipped" note that
// a later step mistakes for damage in the data.
import util from 'node:util';
import { InputError } from '../core/errors.js';

let systemErrors: Map<number, [string, string]> | undefined;

/** "EACCES (permission denied)", "ENOSPC (no space left on device)", or the error's message. */
export function errnoText(error: unknown): string {
  const e = error as NodeJS.ErrnoException | undefined;
  if (e?.code && typeof e.errno === 'number') {
    systemErrors ??= util.getSystemErrorMap();
    const text = systemErrors.get(e.errno)?.[1];
    return text ? `${e.code} (${text})` : e.code;
  }
  if (e?.code) return e.code;
  return error instanceof Error ? error.message : String(error);
}

/** What to tell the user to do about an errno, when there is something obvious. */
export function errnoAdvice(error: unknown): string {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'EACCES':
    case 'EPERM':
      return "; fix the permissions (or run as the files' owner) and try again";
    case 'ENOSPC':
    case 'EDQUOT':
      return '; free some space there, or point TMPDIR at a larger disk';
    default:
      return '';
  }
}

/** An InputError for a failed read of `file` ("cannot read FILE: EIO (i/o error)"). */
export function readFailure(file: string, error: unknown, verb = 'read'): InputError {
  if (error instanceof InputError) return error;
  return new InputError(`cannot ${verb} ${file}: ${errnoText(error)}${errnoAdvice(error)}`, file);
}

/**
 * A scan issue for a file that could not be read. The error is re-thrown unless it is an
 * InputError (an errno or a file that shrank): anything else is a bug, not the user's disk.
 */
export interface UnreadableIssue {
  readonly file: string;
  readonly kind: 'unreadable';
  readonly offset: number;
  readonly message: string;
  readonly data: { readonly errno: string | null };
}

export function unreadableIssue(file: string, error: unknown): UnreadableIssue {
  if (!(error instanceof InputError)) throw error;
  const reason = (error as InputError & { reason?: string }).reason ?? error.message;
  const errno = (error as InputError & { errno?: string }).errno ?? null;
  return { file, kind: 'unreadable', offset: 0, message: `cannot read: ${reason}`, data: { errno } };
}
