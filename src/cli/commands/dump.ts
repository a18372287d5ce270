import { UsageError } from '../../core/errors.js';
import { parseU64 } from '../../core/u64.js';
import { renderDump } from '../../report/dump.js';
import { renderJson } from '../../report/json.js';
import { dumpDocument, runDump } from '../../workflows/dump.js';
import { ExitCode } from '../exit-codes.js';
import type { AnyCommand, CommandContext } from './index.js';
import { engineArg, inputNotesText, renderOptions, withCommon, withInputs, type CommonArgs } from './shared.js';

interface DumpArgs extends CommonArgs {
  from?: string;
  to?: string;
  type?: 'command' | 'barrier' | 'change';
  node?: string;
  limit: number;
}

function u64Arg(name: string, v: string | undefined): bigint | undefined {
  if (v === undefined) return undefined;
  const value = parseU64(v);
  if (value === undefined)
    throw new UsageError(`--${name} takes an index (a whole number from 0 to 2^64-1), not '${v}'`);
  return value;
}

export function dumpCommand(ctx: CommandContext): AnyCommand {
  return {
    command: 'dump <input...>',
    describe: 'list log entries (index, term, type, where they live, what they hold)',
    builder: (y) =>
      withCommon(y)
        .option('from', { type: 'string', describe: 'first index to list' })
        .option('to', { type: 'string', describe: 'last index to list' })
        .option('type', {
          type: 'string',
          choices: ['command', 'barrier', 'change'],
          describe: 'only entries of this type',
        })
        .option('node', {
          type: 'string',
          describe: 'only the node with this name (info.yaml Address or directory name)',
        })
        .option('limit', { type: 'number', default: 100000, describe: 'at most this many entries per node' }),
    handler: async (argv) => {
      const args = argv as unknown as DumpArgs;
      if (!Number.isSafeInteger(args.limit) || args.limit < 1)
        throw new UsageError(`--limit takes a positive whole number, not '${String(argv['limit'])}'`);
      const request = {
        from: u64Arg('from', args.from),
        to: u64Arg('to', args.to),
        type: args.type,
        node: args.node,
        limit: args.limit,
        engine: engineArg(args),
      };
      await withInputs(args, ctx.io, async (inputs) => {
        const outcome = await runDump(inputs, request);
        const doc = dumpDocument(inputs, outcome);
        ctx.io.stdout(
          args.json
            ? renderJson('dump', doc)
            : renderDump(outcome.engine, doc, renderOptions(args, ctx.io)) + inputNotesText(args, ctx.io, inputs),
        );
      });
      ctx.exitCode = ExitCode.OK;
    },
  };
}
