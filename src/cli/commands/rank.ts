import { UsageError } from '../../core/errors.js';
import { renderJson } from '../../report/json.js';
import { renderRank } from '../../report/rank.js';
import { rankDocument, runRank } from '../../workflows/rank.js';
import { ExitCode } from '../exit-codes.js';
import type { AnyCommand, CommandContext } from './index.js';
import { engineArg, inputNotesText, renderOptions, withCommon, withInputs, type CommonArgs } from './shared.js';

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
          describe: "rank from batch headers and the log's tail only, without verifying checksums (the output says so)",
        })
        .option('verify', {
          type: 'boolean',
          default: false,
          describe: 'read every byte of every node, not only of the nodes that decide the answer',
        }),
    handler: async (argv) => {
      const args = argv as unknown as RankArgs;
      if (args.fast && args.verify)
        throw new UsageError('--fast and --verify contradict each other: --fast skips the checksums --verify reads');
      const engine = engineArg(args);
      await withInputs(args, ctx.io, async (inputs) => {
        const outcome = await runRank(inputs, { fast: args.fast, verify: args.verify, engine });
        ctx.io.stdout(
          args.json
            ? renderJson('rank', rankDocument(inputs, outcome))
            : renderRank(outcome, renderOptions(args, ctx.io)) + inputNotesText(args, ctx.io, inputs),
        );
      });
      ctx.exitCode = ExitCode.OK;
    },
  };
}
