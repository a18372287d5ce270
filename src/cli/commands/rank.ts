import { UsageError } from '../../core/errors.js';
import { rankNodes } from '../../workflows/rank.js';
import { renderJson } from '../../report/json.js';
import { rankJson, renderRank } from '../../report/rank.js';
import { ExitCode } from '../exit-codes.js';
import type { AnyCommand, CommandContext } from './index.js';
import { inputNotesField, inputNotesText, renderOptions, withCommon, withScan, workersFrom, type CommonArgs } from './shared.js';

interface RankArgs extends CommonArgs {
  fast: boolean;
  verify: boolean;
}

export function rankCommand(ctx: CommandContext): AnyCommand {
  return {
    command: 'rank <input...>',
    describe: 'say whose data to keep: the raft rule (last term, then last index) over what each node can contribute',
    builder: (y) =>
      withCommon(y)
        .option('fast', {
          type: 'boolean',
          default: false,
          describe: 'rank from batch headers and the log\'s tail only, without verifying checksums (the output says so)',
        })
        .option('verify', {
          type: 'boolean',
          default: false,
          describe: 'read every byte of every node, not only of the nodes that decide the answer',
        }),
    handler: async (argv) => {
      const args = argv as unknown as RankArgs;
      if (args.fast && args.verify) throw new UsageError('--fast and --verify contradict each other: --fast skips the checksums --verify reads');
      // By default rank reads the cheap way first and then every byte of what decides the answer.
      await withScan(args, { verifyData: args.verify, logTailOnly: !args.verify }, async (scan) => {
        const outcome = await rankNodes(scan.nodes, { fast: args.fast, workers: workersFrom(ctx.io), signal: ctx.io.signal });
        const view = { result: outcome.result, fast: args.fast };
        ctx.io.stdout(args.json
          ? renderJson('rank', { ...rankJson(view), skipped: scan.skipped, ...inputNotesField(scan) })
          : renderRank(view, renderOptions(args, ctx.io)) + inputNotesText(args, ctx.io, scan));
        ctx.exitCode = ExitCode.OK;
      }, ctx.io);
    },
  };
}
