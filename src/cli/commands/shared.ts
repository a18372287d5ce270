// Options and plumbing every command shares: inputs, --json, colour, opening inputs with cleanup.
import type { Argv } from 'yargs';
import { ENGINE_NAMES, parseEngineName } from '../../analysis/engine/profiles.js';
import { UsageError } from '../../core/errors.js';
import type { ScanProgress } from '../../scan/scan-inputs.js';
import { removeStaleTempDirs } from '../../scan/temp-dirs.js';
import { ProgressBar } from '../../report/progress.js';
import { renderInputNotes } from '../../report/input-notes.js';
import type { EngineChoice } from '../../workflows/documents/engine.js';
import { openInputs, type Inputs } from '../../workflows/inputs.js';
import { colorEnabled, type RenderOptions } from '../../report/style.js';
import type { CliIo } from '../io.js';

export interface CommonArgs {
  input: string[];
  json: boolean;
  color?: boolean;
  width?: number;
  acceptPartialScan?: boolean;
  engine?: string;
}

/** People's output is never wider than this many columns unless asked (--width, COLUMNS). */
export const DEFAULT_WIDTH = 80;
const MIN_WIDTH = 20;
const MAX_WIDTH = 1000;

const columnsOf = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,4}$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 ? Math.min(Math.max(n, MIN_WIDTH), MAX_WIDTH) : undefined;
};

/**
 * Columns people's output may take: --width, else COLUMNS, else the terminal's width, else 80
 * (output piped to a file or pasted into a ticket reads well at 80). --json ignores it.
 */
export function outputWidth(io: CliIo, width?: number): number {
  return columnsOf(width) ?? columnsOf(io.env['COLUMNS']) ?? columnsOf(io.stdoutColumns) ?? DEFAULT_WIDTH;
}

/** --width, for every command with people's output. */
export function withWidth<T>(y: Argv<T>): Argv<T & { width?: number }> {
  return y.option('width', {
    type: 'number',
    describe: "columns people's output may take (default: COLUMNS, else the terminal's width, else 80)",
    coerce: (v: unknown) => {
      if (v === undefined) return undefined;
      const n = Array.isArray(v) ? v[v.length - 1] : v;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < MIN_WIDTH || n > MAX_WIDTH) {
        throw new UsageError(
          `--width takes a whole number of columns from ${MIN_WIDTH} to ${MAX_WIDTH}, not '${String(n)}'`,
        );
      }
      return n;
    },
  }) as unknown as Argv<T & { width?: number }>;
}

/** Options every command that reads inputs takes, besides the inputs (repair builds its own). */
export function withInputOptions<T>(y: Argv<T>): Argv<T & CommonArgs> {
  return y
    .option('engine', {
      type: 'string',
      default: 'auto',
      describe: `the engine that will run the directories: auto (inferred from their files; the output says from what), ${ENGINE_NAMES.join(', ')}, or a full version such as dqlite-1.18.2`,
    })
    .option('accept-partial-scan', {
      type: 'boolean',
      default: false,
      describe:
        'go on when part of an input could not be searched (a discovery limit, an unreadable directory, an archive without its end marker); the output says what was left out',
    }) as unknown as Argv<T & CommonArgs>;
}

export function withCommon<T>(y: Argv<T>, inputRequired = true): Argv<T & CommonArgs> {
  return withWidth(withInputOptions(y))
    .positional('input', {
      describe: 'node directories, directories holding them (at any depth), or .tar/.tar.gz archives of either',
      type: 'string',
      array: true,
      demandOption: inputRequired,
    })
    .option('json', { type: 'boolean', default: false, describe: 'write one JSON document to stdout' })
    .option('color', {
      type: 'boolean',
      describe: 'force colour on or off (default: on for a terminal unless NO_COLOR)',
    }) as unknown as Argv<T & CommonArgs>;
}

/** --engine as a request's `engine`: a profile, or `auto`; a UsageError (exit 2) for an unknown name. */
export function engineArg(args: Pick<CommonArgs, 'engine'>): EngineChoice {
  return parseEngineName(args.engine ?? 'auto');
}

export function renderOptions(args: CommonArgs, io: CliIo): RenderOptions {
  const width = outputWidth(io, args.width);
  if (args.color !== undefined && !args.json) return { color: args.color, width };
  return { color: colorEnabled(io.stdoutIsTty, io.env, args.json), width };
}

/** A progress bar on stderr for scans that last over a second: terminals only, never with --json. */
export function progressFor(args: CommonArgs, io: CliIo | undefined): ProgressBar | undefined {
  if (!io?.stderrIsTty || args.json) return undefined;
  return new ProgressBar({ write: io.stderr, now: () => performance.now(), width: outputWidth(io, args.width) });
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
 * Opens the inputs (raft-rescue's own temp dirs of killed runs removed first), runs `body`, and
 * always closes them (their temp dirs removed). A progress bar on a terminal shows what is read
 * while the body runs; it is gone before the body's result is printed.
 */
export async function withInputs<R>(
  args: CommonArgs,
  io: CliIo,
  body: (inputs: Inputs, onProgress?: (p: ScanProgress) => void) => Promise<R>,
  paths = args.input,
): Promise<R> {
  removeStaleTempDirs();
  const bar = progressFor(args, io);
  const onProgress = bar ? (p: ScanProgress) => bar.update(p) : undefined;
  let inputs: Inputs | undefined;
  try {
    inputs = await openInputs(paths, {
      acceptPartialScan: args.acceptPartialScan ?? false,
      workers: workersFrom(io),
      signal: io.signal,
      cwd: io.cwd,
      ...(onProgress ? { onProgress } : {}),
    });
    return await body(inputs, onProgress);
  } finally {
    bar?.done();
    inputs?.close();
  }
}

/** What the search met besides nodes, as a block for the end of a people's report. */
export function inputNotesText(args: CommonArgs, io: CliIo, inputs: Pick<Inputs, 'notes'>): string {
  return renderInputNotes(inputs.notes, renderOptions(args, io));
}
