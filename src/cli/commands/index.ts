import type { CommandModule } from 'yargs';
import type { CliIo } from '../io.js';
import { inspectCommand } from './inspect.js';
import { rankCommand } from './rank.js';
import { repairCommand } from './repair.js';
import { dumpCommand } from './dump.js';
import { checkCommand } from './check.js';
import { dbCommand } from './db.js';
import { mapCommand } from './map.js';
import { reportCommand } from './report.js';

/** What every command gets: the io, and a place to leave its exit code. */
export interface CommandContext {
  readonly io: CliIo;
  exitCode: number;
  /**
   * Set once a repair has put its output in place: a signal after that no longer undoes
   * anything, so the run ends with its own exit code instead of the signal's.
   */
  published?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = CommandModule<object, any>;

export function commandModules(ctx: CommandContext): AnyCommand[] {
  return [
    inspectCommand(ctx),
    rankCommand(ctx),
    checkCommand(ctx),
    dumpCommand(ctx),
    mapCommand(ctx),
    reportCommand(ctx),
    repairCommand(ctx),
    dbCommand(ctx),
  ];
}
