import { renderJson } from '../../report/json.js';
import { renderMap } from '../../report/map-text.js';
import { mapDocument, runMap } from '../../workflows/map.js';
import { ExitCode } from '../exit-codes.js';
import type { AnyCommand, CommandContext } from './index.js';
import { inputNotesText, renderOptions, withCommon, withInputs, type CommonArgs } from './shared.js';

interface MapArgs extends CommonArgs {
  autoRecovery: boolean;
}

export function mapCommand(ctx: CommandContext): AnyCommand {
  return {
    command: 'map <input...>',
    describe:
      'draw the log map: which node holds which indexes, snapshots, gaps, damage, what start-up keeps or drops, the node to keep',
    builder: (y) =>
      withCommon(y).option('auto-recovery', {
        type: 'boolean',
        default: true,
        describe: 'predict with raft auto-recovery on (dqlite and go-dqlite default)',
      }),
    handler: async (argv) => {
      const args = argv as unknown as MapArgs;
      await withInputs(args, ctx.io, async (inputs) => {
        const outcome = await runMap(inputs, { autoRecovery: args.autoRecovery });
        ctx.io.stdout(
          args.json
            ? renderJson('map', mapDocument(inputs, outcome))
            : renderMap(outcome.map, renderOptions(args, ctx.io)) + inputNotesText(args, ctx.io, inputs),
        );
      });
      ctx.exitCode = ExitCode.OK;
    },
  };
}
