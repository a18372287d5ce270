import { renderDbExport } from '../../report/db.js';
import { renderJson } from '../../report/json.js';
import { dbExportDocument, runDbExport } from '../../workflows/db-export.js';
import { ExitCode } from '../exit-codes.js';
import { dbRequestOf, withDbOptions, type DbArgs } from './db-options.js';
import type { AnyCommand, CommandContext } from './index.js';
import { inputNotesText, renderOptions, withInputs } from './shared.js';

interface ExportArgs extends DbArgs {
  out: string;
  force: boolean;
}

export function dbExportCommand(ctx: CommandContext): AnyCommand {
  return {
    command: 'export <input...>',
    describe: 'write each database as a SQLite file (<name>.db) and an SQL dump (<name>.sql)',
    builder: (y) =>
      withDbOptions(y)
        .option('out', { type: 'string', demandOption: true, describe: 'output directory, or FILE.tar / FILE.tar.gz' })
        .option('force', {
          type: 'boolean',
          default: false,
          describe: 'replace a non-empty --out (the old one is moved aside)',
        }),
    handler: async (argv) => {
      const args = argv as unknown as ExportArgs;
      const request = { ...dbRequestOf(args), out: args.out, force: args.force, signal: ctx.io.signal };
      await withInputs(args, ctx.io, async (inputs) => {
        const doc = dbExportDocument(inputs, await runDbExport(inputs, request));
        ctx.published = true;
        ctx.io.stdout(
          args.json
            ? renderJson('db', doc)
            : renderDbExport(doc, renderOptions(args, ctx.io)) + inputNotesText(args, ctx.io, inputs),
        );
      });
      ctx.exitCode = ExitCode.OK;
    },
  };
}
