// run(argv, io) → exit code. The only entry point; bin/ calls it and sets process.exitCode.
import yargs, { type Argv } from 'yargs';
import {
  Cancelled,
  describeErrno,
  InputError,
  isErrnoError,
  RaftRescueError,
  RepairError,
  UsageError,
} from '../core/errors.js';
import { printable } from '../report/printable.js';
import { ExitCode, SIGNAL_EXIT_CODES } from './exit-codes.js';
import type { CliIo } from './io.js';
import { commandModules, type CommandContext } from './commands/index.js';
import { outputWidth } from './commands/shared.js';

import { VERSION } from '../core/version.js';

/**
 * System calls that change the disk. A failure of one of them is about where the tool writes
 * (exit 3); any other (open, read, stat, readdir …) is about what it reads (exit 2). Disk-full
 * and read-only errors are always the writing side.
 */
const WRITING_SYSCALLS = new Set([
  'write',
  'writev',
  'mkdir',
  'mkdtemp',
  'rename',
  'unlink',
  'rmdir',
  'rm',
  'fsync',
  'fdatasync',
  'ftruncate',
  'truncate',
  'copyfile',
  'link',
  'symlink',
  'chmod',
  'fchmod',
  'utime',
  'futime',
  'close',
]);
const WRITING_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EFBIG']);

export function exitCodeFor(error: unknown): number {
  if (error instanceof Cancelled) return SIGNAL_EXIT_CODES[error.signal] ?? ExitCode.REPAIR_FAILED;
  if (error instanceof UsageError || error instanceof InputError) return ExitCode.USAGE_OR_INPUT;
  if (error instanceof RepairError) return ExitCode.REPAIR_FAILED;
  // An I/O error nothing below turned into a typed error: the user's situation, not a bug.
  if (isErrnoError(error)) {
    const writing = WRITING_CODES.has(error.code) || WRITING_SYSCALLS.has(error.syscall);
    return writing ? ExitCode.REPAIR_FAILED : ExitCode.USAGE_OR_INPUT;
  }
  return ExitCode.INTERNAL;
}

export function describeError(error: unknown): string {
  if (error instanceof Cancelled) return `${error.message}; stopped, temp data removed, nothing published`;
  // Messages name files from the user's disk and archives: no escape sequences, and an exit-2
  // message stays one line whatever newlines a name holds (repair's lists keep their lines).
  if (error instanceof UsageError || error instanceof InputError) return printable(error.message);
  if (error instanceof RaftRescueError) return error.message.split('\n').map(printable).join('\n');
  if (isErrnoError(error)) return printable(describeErrno(error));
  if (error instanceof Error) return `internal error: ${error.message}\n${error.stack ?? ''}`;
  return `internal error: ${String(error)}`;
}

/** Options named on the command line that the command does not know. */
function unknownOptions(argv: readonly string[], instance: Argv): string[] {
  const known = new Set<string>();
  const options = (
    instance as unknown as { getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> } }
  ).getOptions();
  for (const k of Object.keys(options.key)) known.add(k);
  for (const list of Object.values(options.alias)) for (const a of list) known.add(a);
  const camel = (s: string) => s.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
  return argv
    .filter((a) => a.startsWith('--') && a.length > 2)
    .map((a) => a.slice(2).split('=')[0]!)
    .filter((name) => ![name, camel(name), name.replace(/^no-/, '')].some((n) => known.has(n)));
}

/** yargs' messages, made one clear line that names what is wrong. */
function usageMessage(message: string, argv: readonly string[], instance: Argv): string {
  const unknown = unknownOptions(argv, instance);
  if (unknown.length) return `unknown option ${unknown.map((u) => `--${u}`).join(', ')}`;
  if (/^Not enough non-option arguments/.test(message)) {
    return 'name at least one input: a node directory, a directory holding node directories, or a .tar/.tar.gz archive';
  }
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

function buildParser(argv: string[], ctx: CommandContext): Argv {
  let parser = yargs(argv)
    .scriptName('raft-rescue')
    // Messages in English whatever LANG says: usageMessage() rewords yargs' English text, and the
    // bundle carries no translations.
    .detectLocale(false)
    .usage('$0 <command> [options]\n\nOffline forensics and repair for dqlite/cowsql raft data directories.')
    .strict()
    .exitProcess(false)
    .version(VERSION)
    .help()
    .wrap(Math.min(110, outputWidth(ctx.io)))
    .demandCommand(1, 'Name a command: inspect, rank, check, dump, map, report, repair or db.')
    .recommendCommands()
    .fail((message: string | undefined, error: Error | undefined) => {
      if (error) throw error;
      throw new UsageError(usageMessage(message ?? 'invalid command line', argv, parser));
    });
  for (const mod of commandModules(ctx)) parser = parser.command(mod);
  return parser;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const ctx: CommandContext = { io, exitCode: ExitCode.OK };
  const signal = io.signal;
  try {
    const parser = buildParser(argv, ctx);
    let helpOutput = '';
    await parser.parseAsync(argv, {}, (_err: unknown, _args: unknown, output: string) => {
      helpOutput = output ?? '';
    });
    if (helpOutput) io.stdout(helpOutput.endsWith('\n') ? helpOutput : `${helpOutput}\n`);
    // A signal the command finished before noticing (its last stretch does not yield): still a
    // stop the user asked for, unless a repair already published its output.
    if (signal?.aborted && !ctx.published) throw new Cancelled(String(signal.reason));
    return ctx.exitCode;
  } catch (error) {
    const code = exitCodeFor(error);
    io.stderr(`raft-rescue: ${describeError(error)}\n`);
    if (error instanceof UsageError) io.stderr("Run 'raft-rescue --help' for usage.\n");
    return code;
  }
}
