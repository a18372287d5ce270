import { rankNodes } from '../../analysis/rank.js';
import { renderJson } from '../../report/json.js';
import { rankJson, renderRank } from '../../report/rank.js';
import { ExitCode } from '../exit-codes.js';
import type { AnyCommand, CommandContext } from './index.js';
import { renderOptions, withCommon, withScan, type CommonArgs } from './shared.js';

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
        describe: 'verify every payload checksum too (slower; rank reads names and headers by default)',
      }),
    handler: async (argv) => {
      const args = argv as unknown as RankArgs;
      await withScan(args, { verifyData: args.verify }, (scan) => {
        const result = rankNodes(scan.nodes);
        ctx.io.stdout(args.json ? renderJson('rank', { ...rankJson(result), checksumsVerified: args.verify }) : renderRank(result, renderOptions(args, ctx.io)));
        ctx.exitCode = ExitCode.OK;
      }, ctx.io);
    },
  };
}
