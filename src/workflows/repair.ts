// The repair operations: planRepair (a pure, versioned plan from the inputs read in full with
// every file's sha256 in the same pass) and applyRepair (repair/apply: the only writer). A saved
// plan is applied only when re-planning from the same inputs gives it again (repair/plan-replay).
import { UsageError } from '../core/errors.js';
import { TOOL } from '../core/version.js';
import { applyPlan, lockTarget, type ApplyResult } from '../repair/apply/apply.js';
import type { OutLock } from '../repair/apply/out-lock.js';
import { nextSteps, type NextSteps } from '../repair/plan/product/next-steps.js';
import { InputSet, inputPathsOf } from '../repair/apply/out-path.js';
import { readTargetFile, writePlanFile } from '../repair/apply/plan-file.js';
import { planRepair as makePlan } from '../repair/plan/plan.js';
import { replayPlan } from '../repair/plan/plan-replay.js';
import { withSourceChoiceRows } from '../repair/plan/lost-rows.js';
import type { RepairPlan } from '../repair/plan/types.js';
import { digestNodes } from '../scan/digest.js';
import type { NodeIndex } from '../scan/node-index.js';
import { openPayloadReader } from '../scan/payloads.js';
import type { ScanProgress } from '../scan/scan-inputs.js';
import type { SnapshotForm } from '../analysis/engine/snapshot-form.js';
import { DEFAULT_ENGINE_CHOICE, type EngineChoice } from './documents/engine.js';
import type { Inputs } from './inputs.js';

export interface PlanRepairRequest {
  /** Keep this node's data (name, ID or path) instead of the best by rank; a worse one needs `force`. */
  readonly source?: string | null;
  /** The target membership: a cluster YAML file (read with the checks repair gives option files). */
  readonly cluster?: string | null;
  /** Allow repairs that drop entries no node can supply. */
  readonly allowDataLoss?: boolean;
  /** Allow an unsafe source, and a repair of mixed clusters from the source's cluster. */
  readonly force?: boolean;
  /**
   * The engine the output is for (parseEngineName), or `auto` (the default: inferred from the
   * inputs): it decides the recovery entry's term, the snapshot's form and the output check.
   */
  readonly engine?: EngineChoice;
  /** Write the snapshot as an LZ4 frame or raw data, whatever the engine needs (default: what it needs). */
  readonly convertSnapshots?: SnapshotForm | null;
}

export interface ApplyRepairOptions {
  /** The output: a directory (one node directory per member) or FILE.tar / FILE.tar.gz. */
  readonly out: string;
  /** Replace a non-empty `out` (moved aside once the new one is complete). */
  readonly force?: boolean;
  /** The inputs the plan was made from (opened); default: the plan's input paths, opened here. */
  readonly inputs?: Inputs;
  /** Other files the run read (a --cluster or --plan file): never written over either. */
  readonly otherInputs?: readonly string[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ScanProgress) => void;
  /** The lock on `out`, when the caller took it already (lockTarget). */
  readonly lock?: OutLock;
}

/** The inputs read in full, each file's sha256 from the same pass (what a plan pins). */
function readForRepair(inputs: Inputs): Promise<readonly NodeIndex[]> {
  return inputs.read('every-byte', { hash: true });
}

/**
 * Public API: the plan a repair of the inputs would carry out (status `ready` or `refused` with
 * the reasons), as `repair --dry-run --json` gives it under `plan`. Nothing is written.
 */
export async function planRepair(inputs: Inputs, request: PlanRepairRequest = {}): Promise<RepairPlan> {
  // The target file first: a FIFO, a device or a missing file fails before any input is read.
  const target = request.cluster ? { text: readTargetFile(request.cluster), file: request.cluster } : undefined;
  const nodes = await readForRepair(inputs);
  const payloads = openPayloadReader();
  try {
    const engine = request.engine ?? DEFAULT_ENGINE_CHOICE;
    const options = {
      allowDataLoss: request.allowDataLoss ?? false,
      force: request.force ?? false,
      source: request.source ?? null,
      cluster: request.cluster ?? null,
      engine: engine === 'auto' ? 'auto' : engine.name,
      convertSnapshots: request.convertSnapshots ?? null,
    };
    const digests = await digestNodes(nodes);
    const r = makePlan({ nodes, args: inputs.paths, digests, payloads, target, options, tool: TOOL });
    if (r.usageErrors.length) throw new UsageError(`${request.cluster}: ${r.usageErrors.join('; ')}`);
    return await withSourceChoiceRows(r, payloads);
  } finally {
    payloads.close();
  }
}

/** Writes a plan to a file with the guards of every output path (not over or in an input, atomic). */
export async function writePlan(
  file: string,
  plan: RepairPlan,
  inputs: Inputs,
  otherInputs: readonly string[] = [],
): Promise<void> {
  const nodes = await readForRepair(inputs);
  writePlanFile(file, plan, new InputSet(inputPathsOf(nodes, inputs.paths, otherInputs)));
}

/**
 * A saved plan, honoured only if it is what raft-rescue plans for the same inputs (moved inputs
 * are found by content): returns the re-made plan, or throws naming the first difference.
 */
export async function replaySavedPlan(
  saved: RepairPlan,
  file: string,
  inputs: Inputs,
  options: Pick<ApplyRepairOptions, 'signal' | 'onProgress'> = {},
): Promise<RepairPlan> {
  const nodes = await readForRepair(inputs);
  return replayPlan({
    saved,
    file,
    nodes,
    args: inputs.paths,
    tool: TOOL,
    onProgress: options.onProgress,
    signal: options.signal,
  });
}

/** Takes the lock on an output before anything is read, so a second repair to it is refused at once. */
export function lockOutput(out: string, inputPaths: readonly string[]): OutLock {
  return lockTarget(out, inputPaths);
}

/**
 * Public API: carries out a ready plan into `out` — written beside it, checked with the loader
 * simulation, then put in place — and returns what was written. The plan is checked field by
 * field first; every input file it reads is checked against the plan's sha256 while it is read.
 */
export async function applyRepair(plan: RepairPlan, options: ApplyRepairOptions): Promise<ApplyResult> {
  const { openInputs } = await import('./inputs.js');
  const inputs =
    options.inputs ??
    (await openInputs([...plan.inputs.args], { signal: options.signal, onProgress: options.onProgress }));
  try {
    const nodes = await readForRepair(inputs);
    return await applyPlan(plan, nodes, {
      out: options.out,
      force: options.force ?? false,
      onProgress: options.onProgress,
      signal: options.signal,
      otherInputs: options.otherInputs,
      lock: options.lock,
    });
  } finally {
    if (!options.inputs) inputs.close();
  }
}

/**
 * Public API: what the operator does after `applyRepair` wrote a plan's outputs, for the product
 * they are laid out for (stop, back up, put each member's directory in place, start, confirm).
 * Empty steps for go-dqlite's own layout.
 */
export function repairNextSteps(plan: RepairPlan, result: Pick<ApplyResult, 'out' | 'format'>): NextSteps {
  return nextSteps(plan, result.out, result.format !== 'directory');
}
