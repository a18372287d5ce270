import { atOrAbove, type SeverityName } from '../../analysis/findings.js';
import { ALL_RULES, selectRules } from '../../analysis/rules/index.js';
import { UsageError } from '../../core/errors.js';
import { renderCheck, renderRuleList } from '../../report/check.js';
import { renderJson } from '../../report/json.js';
import { checkDocument, runCheck } from '../../workflows/check.js';
import { ExitCode } from '../exit-codes.js';
import type { AnyCommand, CommandContext } from './index.js';
import { engineArg, inputNotesText, renderOptions, withCommon, withInputs, type CommonArgs } from './shared.js';

interface CheckArgs extends CommonArgs {
  failOn: SeverityName;
  listRules: boolean;
  autoRecovery: boolean;
  only?: string[];
}

function listRules(ctx: CommandContext, args: CheckArgs): void {
  const rules = ALL_RULES.map((r) => ({ code: r.code, name: r.name, severity: r.severity, summary: r.summary }));
  ctx.io.stdout(args.json ? renderJson('check', { rules }) : renderRuleList(ALL_RULES, renderOptions(args, ctx.io)));
}

export function checkCommand(ctx: CommandContext): AnyCommand {
  return {
    command: 'check [input...]',
    describe: 'find faults and predict exactly what the raft loader will do with each node at start-up',
    builder: (y) =>
      withCommon(y, false)
        .option('fail-on', {
          type: 'string',
          choices: ['error', 'warning', 'info'],
          default: 'error',
          describe: 'exit 1 when a finding at or above this severity exists',
        })
        .option('list-rules', { type: 'boolean', default: false, describe: 'list every finding code and exit' })
        .option('auto-recovery', {
          type: 'boolean',
          default: true,
          describe: 'predict with raft auto-recovery on (dqlite and go-dqlite default)',
        })
        .option('only', { type: 'string', array: true, describe: 'run only these rules (codes like RR001, or names)' }),
    handler: async (argv) => {
      const args = argv as unknown as CheckArgs;
      if (args.listRules) return listRules(ctx, args);
      // --only takes a list, so `--only RR999 DIR` swallows DIR: check the rules before the inputs.
      const only = args.only
        ?.flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter(Boolean);
      selectRules(only);
      const engine = engineArg(args);
      if (!args.input?.length) throw new UsageError('check needs at least one input (or --list-rules)');
      await withInputs(args, ctx.io, async (inputs) => {
        const outcome = await runCheck(inputs, { autoRecovery: args.autoRecovery, only, engine });
        const o = renderOptions(args, ctx.io);
        ctx.io.stdout(
          args.json
            ? renderJson('check', checkDocument(inputs, outcome))
            : renderCheck(outcome.engine, outcome.verdicts, outcome.findings, o) + inputNotesText(args, ctx.io, inputs),
        );
        ctx.exitCode = outcome.findings.some((f) => atOrAbove(f, args.failOn)) ? ExitCode.FINDINGS : ExitCode.OK;
      });
    },
  };
}
