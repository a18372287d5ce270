import { renderInspect } from '../../report/inspect.js';
import { renderJson } from '../../report/json.js';
import { inspectDocument, runInspect } from '../../workflows/inspect.js';
import { ExitCode } from '../exit-codes.js';
import type { AnyCommand, CommandContext } from './index.js';
import { engineArg, inputNotesText, renderOptions, withCommon, withInputs, type CommonArgs } from './shared.js';

export function inspectCommand(ctx: CommandContext): AnyCommand {
  return {
    command: 'inspect <input...>',
    describe: 'index every node: files, metadata, snapshots, segments, log span, raft configuration',
    builder: (y) => withCommon(y),
    handler: async (argv) => {
      const args = argv as unknown as CommonArgs;
      const engine = engineArg(args);
      await withInputs(args, ctx.io, async (inputs) => {
        const outcome = await runInspect(inputs, { engine });
        ctx.io.stdout(
          args.json
            ? renderJson('inspect', inspectDocument(inputs, outcome))
            : renderInspect(outcome, renderOptions(args, ctx.io)) + inputNotesText(args, ctx.io, inputs),
        );
      });
      ctx.exitCode = ExitCode.OK;
    },
  };
}
