import path from 'node:path';
import type { Argv } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { readPlanFile } from '../../repair/apply/plan-file.js';
import { renderJson } from '../../report/json.js';
import { renderNextSteps, renderRepairPlan, renderRepairResult } from '../../report/repair.js';
import { inputNotesDocument } from '../../workflows/documents/verdict.js';
import {
  applyRepair,
  lockOutput,
  planRepair,
  repairNextSteps,
  replaySavedPlan,
  writePlan,
} from '../../workflows/repair.js';
import { ExitCode } from '../exit-codes.js';
import type { AnyCommand, CommandContext } from './index.js';
import {
  engineArg,
  inputNotesText,
  renderOptions,
  withInputOptions,
  withInputs,
  withWidth,
  type CommonArgs,
} from './shared.js';

interface RepairArgs extends CommonArgs {
  out: string;
  cluster?: string;
  source?: string;
  plan?: string;
  planOut?: string;
  dryRun: boolean;
  allowDataLoss: boolean;
  force: boolean;
  convertSnapshots?: 'lz4' | 'raw';
}

function builder(y: Argv): Argv {
  return withWidth(withInputOptions(y))
    .positional('input', {
      describe: 'node directories, directories holding them, or .tar/.tar.gz archives (omit with --plan)',
      type: 'string',
      array: true,
    })
    .option('out', {
      type: 'string',
      demandOption: true,
      describe:
        "output directory (one <Address>/ per node; <member>/ in the product's layout for LXD, Incus, microcluster), or FILE.tar / FILE.tar.gz",
    })
    .option('cluster', {
      type: 'string',
      describe:
        "target membership YAML: cluster.yaml (Address, ID, Role: 0/voter, 1/stand-by, 2/spare), LXD/Incus `members:` or microcluster's member list",
    })
    .option('source', {
      type: 'string',
      describe: "use this node's data (a name, ID or path) instead of the best by rank",
    })
    .option('dry-run', { type: 'boolean', default: false, describe: 'print the plan, write nothing' })
    .option('plan-out', { type: 'string', describe: 'write the plan (JSON) to this file' })
    .option('plan', { type: 'string', describe: 'apply a plan saved with --plan-out (refused if the inputs changed)' })
    .option('convert-snapshots', {
      type: 'string',
      choices: ['lz4', 'raw'],
      describe:
        'write the snapshot as an LZ4 frame or as raw data, whatever the engine needs ' +
        '(raw: for an engine built without LZ4)',
    })
    .option('allow-data-loss', {
      type: 'boolean',
      default: false,
      describe: 'allow repairs that drop entries no node can supply',
    })
    .option('force', {
      type: 'boolean',
      default: false,
      describe: 'allow an unsafe --source or mixed clusters, and replace a non-empty --out (moved aside)',
    })
    .option('json', { type: 'boolean', default: false, describe: 'write one JSON document to stdout' })
    .option('color', { type: 'boolean', describe: 'force colour on or off' });
}

/** --source is a name, an ID, or a path (resolved like the inputs: it holds a slash). */
const sourceArg = (s: string | undefined, cwd: string) =>
  s !== undefined && s.includes('/') ? path.resolve(cwd, s) : s;

export function repairCommand(ctx: CommandContext): AnyCommand {
  return {
    command: 'repair [input..]',
    describe: 'plan and write a repaired, reconfigured set of node directories that a real cluster starts from',
    builder,
    handler: async (argv) => {
      const args = argv as unknown as RepairArgs;
      if (!args.input?.length && !args.plan)
        throw new UsageError('name the input node directories, or give --plan FILE');
      const named = (args.engine ?? 'auto') !== 'auto';
      const making = args.cluster || args.source || args.planOut || args.convertSnapshots || named;
      if (args.plan && making) {
        throw new UsageError(
          '--plan applies a saved plan: --cluster, --source, --engine, --convert-snapshots ' +
            'and --plan-out belong to making one',
        );
      }
      const engine = engineArg(args);
      // A saved plan is read (and checked) before anything else; the inputs default to the plan's.
      const saved = args.plan ? readPlanFile(args.plan) : undefined;
      const paths = args.input?.length ? args.input.map((i) => path.resolve(ctx.io.cwd, i)) : [...saved!.inputs.args];
      const others = [args.plan, args.cluster].filter((p): p is string => p !== undefined);
      // One repair per --out at a time: the second is refused before it reads anything.
      const lock = args.dryRun ? undefined : lockOutput(args.out, [...paths, ...others]);
      try {
        await withInputs(
          args,
          ctx.io,
          async (inputs, onProgress) => {
            const plan = saved
              ? await replaySavedPlan(saved, args.plan!, inputs, { signal: ctx.io.signal, onProgress })
              : await planRepair(inputs, {
                  source: sourceArg(args.source, ctx.io.cwd),
                  cluster: args.cluster,
                  allowDataLoss: args.allowDataLoss,
                  force: args.force,
                  engine,
                  convertSnapshots: args.convertSnapshots,
                });
            if (args.planOut) await writePlan(args.planOut, plan, inputs, others);
            const go = plan.status === 'ready' && !args.dryRun;
            const result = go
              ? await applyRepair(plan, {
                  out: args.out,
                  force: args.force,
                  inputs,
                  otherInputs: others,
                  lock,
                  signal: ctx.io.signal,
                  onProgress,
                })
              : undefined;
            if (result) ctx.published = true;
            const o = renderOptions(args, ctx.io);
            const next = result ? repairNextSteps(plan, result) : null;
            ctx.io.stdout(
              args.json
                ? renderJson('repair', {
                    plan,
                    result: result ?? null,
                    nextSteps: next,
                    inputNotes: inputNotesDocument(inputs.notes),
                  })
                : renderRepairPlan(plan, o) +
                    (result ? `\n${renderRepairResult(result, o)}${renderNextSteps(next!, o)}` : '') +
                    inputNotesText(args, ctx.io, inputs),
            );
            if (plan.status !== 'ready')
              ctx.io.stderr(
                'raft-rescue: repair refused; nothing was written (the reasons are under "Refused" at the top)\n',
              );
            ctx.exitCode = plan.status === 'ready' ? ExitCode.OK : ExitCode.REPAIR_FAILED;
          },
          paths,
        );
      } finally {
        lock?.release();
      }
    },
  };
}
