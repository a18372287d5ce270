import path from 'node:path';
import { readPlanFile } from '../../repair/apply/plan-file.js';
import { renderHtmlReport } from '../../report/html-report.js';
import { renderJson } from '../../report/json.js';
import { runReport, writeReportFile } from '../../workflows/report.js';
import { ExitCode } from '../exit-codes.js';
import type { AnyCommand, CommandContext } from './index.js';
import { renderOptions, withCommon, withInputs, type CommonArgs } from './shared.js';
import { fitText } from '../../report/style.js';

interface ReportArgs extends CommonArgs {
  out: string;
  plan?: string;
  force: boolean;
  'include-data': boolean;
}

export function reportCommand(ctx: CommandContext): AnyCommand {
  return {
    command: 'report <input...>',
    describe:
      'write one self-contained HTML incident report (summary, log map, start-up, findings, ranking, every node)',
    builder: (y) =>
      withCommon(y)
        .option('out', {
          type: 'string',
          demandOption: true,
          describe: 'the HTML file to write (never in or over an input)',
        })
        .option('plan', {
          type: 'string',
          describe: 'add a plan saved with repair --plan-out, checked against the inputs',
        })
        .option('force', { type: 'boolean', default: false, describe: 'replace an existing --out file' })
        .option('include-data', {
          type: 'boolean',
          default: false,
          describe: 'add rows from the databases (off: reports travel)',
        }),
    handler: async (argv) => {
      const args = argv as unknown as ReportArgs;
      // The plan file is read and checked before any input is.
      const savedPlan = args.plan
        ? { plan: readPlanFile(path.resolve(ctx.io.cwd, args.plan)), file: args.plan }
        : undefined;
      const others = args.plan ? [path.resolve(ctx.io.cwd, args.plan)] : [];
      await withInputs(args, ctx.io, async (inputs) => {
        const outcome = await runReport(inputs, {
          savedPlan,
          generatedAt: new Date().toISOString(),
          includeData: args['include-data'],
        });
        const text = renderHtmlReport(outcome);
        const out = await writeReportFile(path.resolve(ctx.io.cwd, args.out), text, inputs, {
          force: args.force,
          otherInputs: others,
        });
        const bytes = Buffer.byteLength(text, 'utf8');
        const best = outcome.ranking.best?.name ?? null;
        ctx.io.stdout(
          args.json
            ? renderJson('report', { out, bytes, best, repair: outcome.dryRun.status })
            : fitText(
                `Wrote ${out} (${bytes} bytes).${best ? ` Keep the data of ${best}.` : ''}\n`,
                renderOptions(args, ctx.io).width,
              ),
        );
      });
      ctx.exitCode = ExitCode.OK;
    },
  };
}
