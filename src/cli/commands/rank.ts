import { rankNodes } from '../../analysis/rank.js';
import { rescanNodes } from '../../scan/scan-inputs.js';
import { renderJson } from '../../report/json.js';
import { rankJson, renderRank } from '../../report/rank.js';
import { ExitCode } from '../exit-codes.js';
import type { AnyCommand, CommandContext } from './index.js';
import { inputNotesField, inputNotesText, renderOptions, withCommon, withScan, type CommonArgs } from './shared.js';

interface RankArgs extends CommonArgs {
  verify: boolean;
}

export function rankCommand(ctx: CommandContext): AnyCommand {
  return {
    command: 'rank <input...>',
    describe: 'order nodes by how up to date their logs are (raft rule: last term, then last index)',
    builder: (y) =>
      withCommon(y).option('verify', {
        type: 'boolean',
        default: false,
        describe: 'read every byte and verify every checksum (slower; by default rank reads file names, the last two closed segments and the open segments)',
      }),
    handler: async (argv) => {
      const args = argv as unknown as RankArgs;
      // Names and the log's tail are enough for the raft rule; --verify reads every byte.
      await withScan(args, { verifyData: args.verify, logTailOnly: !args.verify }, (scan) => {
        let result = rankNodes(scan.nodes);
        if (result.needsDeeperScan.length > 0) {
          const deeper = new Map(rescanNodes(result.needsDeeperScan, { verifyData: false }).map((n) => [n.dir, n]));
          result = rankNodes(scan.nodes.map((n) => deeper.get(n.dir) ?? n));
        }
        ctx.io.stdout(args.json
          ? renderJson('rank', { ...rankJson(result), checksumsVerified: args.verify, ...inputNotesField(scan) })
          : renderRank(result, renderOptions(args, ctx.io)) + inputNotesText(args, ctx.io, scan));
        ctx.exitCode = ExitCode.OK;
      }, ctx.io);
    },
  };
}
