// Options and plumbing every command shares: inputs, --json, colour, scanning with cleanup.
import type { Argv } from 'yargs';
import { scanInputs, type ScanOptions, type ScanProgress, type ScanResult } from '../../scan/scan-inputs.js';
import { removeStaleTempDirs } from '../../scan/temp-dirs.js';
import { ProgressBar } from '../../report/progress.js';
import { inputNotesJson, renderInputNotes } from '../../report/input-notes.js';
import { colorEnabled, type RenderOptions } from '../../report/style.js';
import type { CliIo } from '../io.js';

export interface CommonArgs {
  input: string[];
  json: boolean;
  color?: boolean;
  acceptPartialScan?: boolean;
}

/** Options every command that reads inputs takes, besides the inputs (repair builds its own). */
export function withInputOptions<T>(y: Argv<T>): Argv<T & CommonArgs> {
  return y.option('accept-partial-scan', {
    type: 'boolean',
    default: false,
    describe: 'go on when part of an input could not be searched (a discovery limit, an unreadable directory, an archive without its end marker); the output says what was left out',
  }) as unknown as Argv<T & CommonArgs>;
}

export function withCommon<T>(y: Argv<T>, inputRequired = true): Argv<T & CommonArgs> {
  return withInputOptions(y)
    .positional('input', {
      describe: 'node directories, directories holding them (at any depth), or .tar/.tar.gz archives of either',
      type: 'string',
      array: true,
      demandOption: inputRequired,
    })
    .option('json', { type: 'boolean', default: false, describe: 'write one JSON document to stdout' })
    .option('color', { type: 'boolean', describe: 'force colour on or off (default: on for a terminal unless NO_COLOR)' }) as unknown as Argv<T & CommonArgs>;
}

export function renderOptions(args: CommonArgs, io: CliIo): RenderOptions {
  if (args.color !== undefined && !args.json) return { color: args.color };
  return { color: colorEnabled(io.stdoutIsTty, io.env, args.json) };
}

/** A progress bar on stderr for scans that last over a second: terminals only, never with --json. */
export function progressFor(args: CommonArgs, io: CliIo | undefined): ProgressBar | undefined {
  if (!io?.stderrIsTty || args.json) return undefined;
  return new ProgressBar({ write: io.stderr, now: () => performance.now(), width: Number(io.env['COLUMNS']) || 80 });
}

/**
 * Worker threads for verifying segments: RAFT_RESCUE_WORKERS=N sets the count (0: none), else
 * 'auto' (one a core when there is enough to verify).
 */
export function workersFrom(io: CliIo | undefined): number | 'auto' {
  const v = io?.env['RAFT_RESCUE_WORKERS'];
  return v !== undefined && /^\d{1,2}$/.test(v) ? Number(v) : 'auto';
}

/**
 * Scans the inputs, runs `body`, and always removes temp dirs made for archives. With `io`, a
 * progress bar shows bytes and files read while the scan runs.
 */
export async function withScan<R>(args: CommonArgs, options: ScanOptions, body: (scan: ScanResult) => Promise<R> | R, io?: CliIo): Promise<R> {
  const bar = progressFor(args, io);
  const onProgress = bar ? (p: ScanProgress) => bar.update(p) : options.onProgress;
  // Temp dirs of runs that were killed (SIGKILL, a crash): their pid is gone, remove them.
  removeStaleTempDirs();
  let scan: ScanResult;
  try {
    scan = await scanInputs(args.input, { workers: workersFrom(io), signal: io?.signal, ...options, onProgress, acceptPartialScan: args.acceptPartialScan ?? false });
  } finally {
    bar?.done();
  }
  try {
    return await body(scan);
  } finally {
    scan.cleanup();
  }
}

/** The notes about the inputs that end every people's report (partial scans, duplicates, …). */
export function inputNotesText(args: CommonArgs, io: CliIo, scan: Pick<ScanResult, 'notes'>): string {
  return renderInputNotes(scan.notes, renderOptions(args, io));
}

/** The same notes for a JSON document: spread into its body. */
export function inputNotesField(scan: Pick<ScanResult, 'notes'>): { inputNotes: Record<string, unknown> } {
  return { inputNotes: inputNotesJson(scan.notes) };
}
