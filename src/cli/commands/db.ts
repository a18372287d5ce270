// `raft-rescue db …`: the SQLite databases held in the raft log, rebuilt at an index.
//   db [list] <input...>                  each database: size, tables, row counts, integrity_check
//   db query <input...> --db NAME --sql S one read-only statement (also `db <input...> --db NAME --sql S`)
//   db export <input...> --out DIR        .db files and .sql dumps
//   db diff <input...>                    rows that differ between nodes
import type { Argv } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { renderDbList, renderDbQuery } from '../../report/db.js';
import { renderJson } from '../../report/json.js';
import { dbListDocument, dbQueryDocument, runDbList, runDbQuery } from '../../workflows/db.js';
import { ExitCode } from '../exit-codes.js';
import { dbDiffCommand } from './db-diff.js';
import { dbExportCommand } from './db-export.js';
import { dbRequestOf, withDbOptions, type DbArgs } from './db-options.js';
import type { AnyCommand, CommandContext } from './index.js';
import { inputNotesText, renderOptions, withInputs } from './shared.js';

interface QueryArgs extends DbArgs {
  db?: string;
  sql?: string;
  maxRows?: number;
}

function withQueryOptions(y: Argv, required: boolean): Argv {
  return withDbOptions(y)
    .option('db', {
      type: 'string',
      demandOption: required,
      describe: 'the database to query (its name as `db` lists it, e.g. demo, db.bin)',
    })
    .option('sql', {
      type: 'string',
      demandOption: required,
      describe: 'one read-only statement: SELECT, WITH, VALUES or a reporting PRAGMA',
    })
    .option('max-rows', { type: 'number', describe: 'at most this many rows (default 10000)' });
}

function handler(ctx: CommandContext) {
  return async (argv: unknown) => {
    const args = argv as QueryArgs;
    const request = dbRequestOf(args);
    if ((args.db === undefined) !== (args.sql === undefined))
      throw new UsageError('--db and --sql go together: name the database and the statement');
    await withInputs(args, ctx.io, async (inputs) => {
      const o = renderOptions(args, ctx.io);
      if (args.sql !== undefined) {
        const doc = dbQueryDocument(
          await runDbQuery(inputs, { ...request, database: args.db!, sql: args.sql, maxRows: args.maxRows }),
        );
        ctx.io.stdout(args.json ? renderJson('db', doc) : renderDbQuery(doc, o));
        return;
      }
      const doc = dbListDocument(inputs, await runDbList(inputs, request));
      ctx.io.stdout(args.json ? renderJson('db', doc) : renderDbList(doc, o) + inputNotesText(args, ctx.io, inputs));
    });
    ctx.exitCode = ExitCode.OK;
  };
}

export function dbCommand(ctx: CommandContext): AnyCommand {
  return {
    command: 'db',
    describe: 'rebuild the SQLite databases the raft log holds, at any index: list, query, export, diff',
    builder: (y) =>
      y
        .command({
          command: ['list <input...>', '$0 <input...>'],
          describe:
            'each database: page size, pages, tables and row counts, integrity_check (with --db/--sql: a query)',
          builder: (yy) => withQueryOptions(yy, false),
          handler: handler(ctx),
        })
        .command({
          command: 'query <input...>',
          describe: 'one read-only SQL statement against one database',
          builder: (yy) => withQueryOptions(yy, true),
          handler: handler(ctx),
        })
        .command(dbExportCommand(ctx))
        .command(dbDiffCommand(ctx)),
    handler: () => undefined,
  };
}
