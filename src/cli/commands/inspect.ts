import { buildNodeReport } from '../../analysis/inspect-report.js';
import { inspectNodeJson, renderInspect } from '../../report/inspect.js';
import { verdictsOf } from '../../workflows/check.js';
import { renderJson } from '../../report/json.js';
import { ExitCode } from '../exit-codes.js';
import type { AnyCommand, CommandContext } from './index.js';
import { inputNotesField, inputNotesText, renderOptions, withCommon, withScan, type CommonArgs } from './shared.js';

export function inspectCommand(ctx: CommandContext): AnyCommand {
  return {
    command: 'inspect <input...>',
    describe: 'index every node: files, metadata, snapshots, segments, log span, raft configuration',
    builder: (y) => withCommon(y),
    handler: async (argv) => {
      const args = argv as unknown as CommonArgs;
      await withScan(args, {}, (scan) => {
        const reports = verdictsOf(scan.nodes).map(buildNodeReport);
        ctx.io.stdout(args.json
          ? renderJson('inspect', { nodes: reports.map(inspectNodeJson), skipped: scan.skipped, ...inputNotesField(scan) })
          : renderInspect(reports, renderOptions(args, ctx.io)) + inputNotesText(args, ctx.io, scan));
        ctx.exitCode = ExitCode.OK;
      }, ctx.io);
    },
  };
}
