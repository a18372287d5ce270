import path from 'node:path';
import type { Argv } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { applyPlan, lockTarget, type ApplyResult } from '../../repair/apply.js';
import type { OutLock } from '../../repair/out-lock.js';
import { planRepair } from '../../repair/plan.js';
import { InputSet, inputPathsOf } from '../../repair/out-path.js';
import { readPlanFile, readTargetFile, writePlanFile } from '../../repair/plan-file.js';
import { replayPlan } from '../../repair/plan-replay.js';
import type { RepairPlan } from '../../repair/types.js';
import { renderJson } from '../../report/json.js';
import { renderRepairPlan, renderRepairResult } from '../../report/repair.js';
import { digestNodes } from '../../scan/digest.js';
import { openPayloadReader } from '../../scan/payloads.js';
import type { InputNotes, ScanProgress } from '../../scan/scan-inputs.js';
import { ExitCode } from '../exit-codes.js';
import { VERSION } from '../run.js';
import type { AnyCommand, CommandContext } from './index.js';
import { inputNotesField, inputNotesText, progressFor, renderOptions, withInputOptions, withScan, type CommonArgs } from './shared.js';

interface RepairArgs extends CommonArgs {
  out: string;
  cluster?: string;
  source?: string;
  plan?: string;
  planOut?: string;
  dryRun: boolean;
  allowDataLoss: boolean;
  force: boolean;
}

function builder(y: Argv): Argv {
  return withInputOptions(y)
    .positional('input', { describe: 'node directories, directories holding them, or .tar/.tar.gz archives (omit with --plan)', type: 'string', array: true })
    .option('out', { type: 'string', demandOption: true, describe: 'output directory (one <Address>/ per node), or FILE.tar.gz' })
    .option('cluster', { type: 'string', describe: 'target membership YAML (Address, ID, Role: 0/voter, 1/stand-by, 2/spare)' })
    .option('source', { type: 'string', describe: 'use this node\'s data instead of the best by the raft rule' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'print the plan, write nothing' })
    .option('plan-out', { type: 'string', describe: 'write the plan (JSON) to this file' })
    .option('plan', { type: 'string', describe: 'apply a plan saved with --plan-out (refused if the inputs changed)' })
    .option('allow-data-loss', { type: 'boolean', default: false, describe: 'allow repairs that drop entries no node can supply' })
    .option('force', { type: 'boolean', default: false, describe: 'allow an unsafe --source, and replace a non-empty --out (moved aside)' })
    .option('json', { type: 'boolean', default: false, describe: 'write one JSON document to stdout' })
    .option('color', { type: 'boolean', describe: 'force colour on or off' });
}

type Progress = ((p: ScanProgress) => void) | undefined;
/**
 * --source names a node by name, ID or path. Inputs are resolved against the cwd (node paths are
 * absolute), so a path is too: `--source ./copies/node2` or `x.tar.gz:set/node2`. Names and IDs
 * hold no slash and pass unchanged.
 */
function sourceArg(source: string | undefined, cwd: string): string | undefined {
  return source !== undefined && source.includes('/') ? path.resolve(cwd, source) : source;
}

type Made = { plan: RepairPlan; result?: ApplyResult; notes: InputNotes };

interface RunContext {
  readonly onProgress: Progress;
  readonly signal?: AbortSignal;
  readonly lock?: OutLock;
}

async function makePlan(args: RepairArgs, inputs: string[], run: RunContext): Promise<Made> {
  const { onProgress, signal, lock } = run;
  // The target file first: a FIFO, a device or a missing file fails before any input is read.
  const target = args.cluster ? { text: readTargetFile(args.cluster), file: args.cluster } : undefined;
  const otherInputs = args.cluster ? [args.cluster] : [];
  return withScan({ ...args, input: inputs }, { verifyData: true, hash: true, onProgress, signal }, async (scan) => {
    const payloads = openPayloadReader();
    let plan: RepairPlan;
    try {
      const digests = await digestNodes(scan.nodes, { onProgress, signal });
      const options = { allowDataLoss: args.allowDataLoss, force: args.force, source: args.source ?? null, cluster: args.cluster ?? null };
      const r = planRepair({ nodes: scan.nodes, args: inputs, digests, payloads, target, options, tool: `raft-rescue ${VERSION}` });
      if (r.usageErrors.length) throw new UsageError(`${args.cluster}: ${r.usageErrors.join('; ')}`);
      plan = r.plan;
    } finally {
      payloads.close();
    }
    if (args.planOut) writePlanFile(args.planOut, plan, new InputSet(inputPathsOf(scan.nodes, inputs, otherInputs)));
    if (plan.status !== 'ready' || args.dryRun) return { plan, notes: scan.notes };
    const applyOptions = { out: args.out, force: args.force, onProgress, signal, otherInputs, lock };
    return { plan, result: await applyPlan(plan, scan.nodes, applyOptions), notes: scan.notes };
  });
}

/** `--plan FILE`: checked field by field, then honoured only if it is what raft-rescue plans (plan-replay.ts). */
async function applySaved(args: RepairArgs, saved: RepairPlan, paths: string[], run: RunContext): Promise<Made> {
  const { onProgress, signal, lock } = run;
  return withScan({ ...args, input: paths }, { verifyData: true, hash: true, onProgress, signal }, async (scan) => {
    const tool = `raft-rescue ${VERSION}`;
    const plan = await replayPlan({ saved, file: args.plan!, nodes: scan.nodes, args: paths, tool, onProgress, signal });
    if (plan.status !== 'ready' || args.dryRun) return { plan, notes: scan.notes };
    const options = { out: args.out, force: args.force, onProgress, signal, otherInputs: [args.plan!], lock };
    return { plan, result: await applyPlan(plan, scan.nodes, options), notes: scan.notes };
  });
}

/** `--plan` is read (and checked) before anything else; the inputs default to the plan's. */
async function runRepair(args: RepairArgs, inputs: string[] | undefined, onProgress: Progress, signal?: AbortSignal): Promise<Made> {
  const saved = args.plan ? readPlanFile(args.plan) : undefined;
  const paths = inputs ?? [...saved!.inputs.args];
  const others = [args.plan, args.cluster].filter((p): p is string => p !== undefined);
  // One repair per --out at a time: the second is refused before it scans anything.
  const lock = args.dryRun ? undefined : lockTarget(args.out, [...paths, ...others]);
  try {
    const run: RunContext = { onProgress, signal, lock };
    return saved ? await applySaved(args, saved, paths, run) : await makePlan(args, paths, run);
  } finally {
    lock?.release();
  }
}

export function repairCommand(ctx: CommandContext): AnyCommand {
  return {
    command: 'repair [input..]',
    describe: 'plan and write a repaired, reconfigured set of node directories that a real cluster starts from',
    builder,
    handler: async (argv) => {
      const args = argv as unknown as RepairArgs;
      const inputs = args.input?.length ? args.input.map((i) => path.resolve(ctx.io.cwd, i)) : undefined;
      if (!inputs && !args.plan) throw new UsageError('name the input node directories, or give --plan FILE');
      if (args.plan && (args.cluster || args.source || args.planOut)) throw new UsageError('--plan applies a saved plan: --cluster, --source and --plan-out belong to making one');
      // One bar for the whole run (scan, hashing, writing, checking): it shows once the run has
      // lasted a second, whichever phase that falls in.
      const bar = progressFor(args, ctx.io);
      const onProgress: Progress = bar ? (p) => bar.update(p) : undefined;
      let made: Made;
      try {
        made = await runRepair({ ...args, source: sourceArg(args.source, ctx.io.cwd) }, inputs, onProgress, ctx.io.signal);
      } finally {
        bar?.done();
      }
      const { plan, result } = made;
      if (result) ctx.published = true;
      const o = renderOptions(args, ctx.io);
      ctx.io.stdout(args.json
        ? renderJson('repair', { plan, result: result ?? null, ...inputNotesField(made) })
        : renderRepairPlan(plan, o) + (result ? `\n${renderRepairResult(result, o)}` : '') + inputNotesText(args, ctx.io, made));
      if (plan.status !== 'ready') ctx.io.stderr('raft-rescue: repair refused; nothing was written (see "Refused" above)\n');
      ctx.exitCode = plan.status === 'ready' ? ExitCode.OK : ExitCode.REPAIR_FAILED;
    },
  };
}
