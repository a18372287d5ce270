import { UsageError } from '../../core/errors.js';
import { renderDbDiff } from '../../report/db-diff.js';
import { renderJson } from '../../report/json.js';
import { dbDiffDocument, runDbDiff } from '../../workflows/db-diff.js';
import { ExitCode } from '../exit-codes.js';
import { dbRequestOf, withDbOptions, type DbArgs } from './db-options.js';
import type { AnyCommand, CommandContext } from './index.js';
import { inputNotesText, renderOptions, withInputs } from './shared.js';

interface DiffArgs extends DbArgs {
  nodes?: string[];
  limit?: number;
}

export function dbDiffCommand(ctx: CommandContext): AnyCommand {
  return {
    command: 'diff <input...>',
    describe: 'rows that differ between nodes: what a repair leaves against every other node, or the nodes named',
    builder: (y) =>
      withDbOptions(y, false)
        .option('node', {
          type: 'string',
          array: true,
          describe: "compare what a repair leaves with this node only; named twice, compare the two nodes' own logs",
        })
        .option('limit', {
          type: 'number',
          describe: 'rows shown of each kind per table (default 20; with --json all)',
        }),
    handler: async (argv) => {
      const args = argv as unknown as DiffArgs & { node?: string[] };
      if (args.limit !== undefined && (!Number.isSafeInteger(args.limit) || args.limit < 0)) {
        throw new UsageError(`--limit takes a whole number, not '${String(argv['limit'])}'`);
      }
      const { at, engine } = dbRequestOf({ ...args, node: undefined });
      const limit = args.limit ?? (args.json ? Infinity : 20);
      await withInputs(args, ctx.io, async (inputs) => {
        const doc = dbDiffDocument(inputs, await runDbDiff(inputs, { at, engine, nodes: args.node, limit }));
        ctx.io.stdout(
          args.json
            ? renderJson('db', doc)
            : renderDbDiff(doc, renderOptions(args, ctx.io)) + inputNotesText(args, ctx.io, inputs),
        );
      });
      ctx.exitCode = ExitCode.OK;
    },
  };
}
