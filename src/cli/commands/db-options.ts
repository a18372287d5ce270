// Options every `db` subcommand takes: which log (--node), which index (--at), which engine.
import type { Argv } from 'yargs';
import { parseEngineName } from '../../analysis/engine/profiles.js';
import { UsageError } from '../../core/errors.js';
import { parseU64 } from '../../core/u64.js';
import type { DbRequest } from '../../workflows/db.js';
import { withCommon, type CommonArgs } from './shared.js';

export interface DbArgs extends CommonArgs {
  node?: string;
  at?: string;
  engine?: string;
}

export function withDbOptions<T>(y: Argv<T>, node = true): Argv<T & DbArgs> {
  const common = withCommon(y)
    .option('at', {
      type: 'string',
      describe: "rebuild the databases at this raft index (default: the log's last index)",
    })
    .option('engine', {
      type: 'string',
      describe:
        'the engine that applies the entries: auto, dqlite-1.11, dqlite-1.16, dqlite-1.17, dqlite-1.18, cowsql-1.15 or a full version',
    });
  const withNode = node
    ? common.option('node', {
        type: 'string',
        describe:
          "one node's own log as it is (default: what a repair leaves: the recommended source plus what it fills)",
      })
    : common;
  return withNode as unknown as Argv<T & DbArgs>;
}

export function dbRequestOf(args: DbArgs): DbRequest {
  let at: bigint | undefined;
  if (args.at !== undefined) {
    at = parseU64(args.at);
    if (at === undefined)
      throw new UsageError(`--at takes a raft index (a whole number from 0 to 2^64-1), not '${args.at}'`);
  }
  return { node: args.node, at, engine: args.engine === undefined ? undefined : parseEngineName(args.engine) };
}
