// The report operation: everything an incident report shows, from one read of the inputs (every
// byte, every checksum, each file's sha256 in the same pass): the verdicts and findings (check),
// the ranking, the log map, what `repair --dry-run` would plan, inspect's records, and a saved
// plan (`--plan`) checked against the inputs as `repair --plan` would check it, and values from
// the databases only when asked for (report-data.ts). report/ renders
// it as one HTML file; writeReportFile puts that file in place with the guards every output has.
import fs from 'node:fs';
import { buildNodeReport, type NodeReport } from '../analysis/inspect-report.js';
import type { EngineProfile } from '../analysis/engine/profiles.js';
import type { Finding } from '../analysis/findings.js';
import { rankVerdicts, type RankResult } from '../analysis/rank.js';
import type { NodeVerdict } from '../analysis/verdict.js';
import { describeErrno, isErrnoError, RepairError } from '../core/errors.js';
import { TOOL } from '../core/version.js';
import { writeFileAtomic } from '../repair/apply/out-files.js';
import { guardOutputPath, InputSet, inputPathsOf } from '../repair/apply/out-path.js';
import type { RepairPlan } from '../repair/plan/types.js';
import type { InputNotes } from '../scan/scan-inputs.js';
import { checkNodes } from './check.js';
import type { Inputs } from './inputs.js';
import { mapOf } from './map.js';
import type { LogMap } from './map-model.js';
import { planRepair, replaySavedPlan } from './repair.js';
import { reportDataOf, type ReportData } from './report-data.js';

export interface ReportRequest {
  /** A plan saved with `repair --plan-out`, already read and validated (repair/apply/plan-file.ts readPlanFile). */
  readonly savedPlan?: { readonly plan: RepairPlan; readonly file: string };
  readonly autoRecovery?: boolean;
  readonly engine?: EngineProfile | 'auto';
  /** When the report was made (ISO 8601), as the caller's clock says; none: not shown. */
  readonly generatedAt?: string;
  /** Put values from the databases in the report (--include-data); off: reports travel. */
  readonly includeData?: boolean;
}

/** A saved plan, and whether `repair --plan` would apply it to these inputs (else why not). */
export interface SavedPlanCheck {
  readonly file: string;
  readonly plan: RepairPlan;
  readonly applies: boolean;
  readonly why: string | undefined;
}

export interface ReportOutcome {
  readonly tool: string;
  readonly generatedAt: string | undefined;
  readonly inputs: readonly string[];
  readonly verdicts: readonly NodeVerdict[];
  readonly findings: readonly Finding[];
  readonly ranking: RankResult;
  readonly map: LogMap;
  readonly nodes: readonly NodeReport[];
  /** What `repair --dry-run` plans for these inputs. */
  readonly dryRun: RepairPlan;
  readonly savedPlan: SavedPlanCheck | undefined;
  readonly notes: InputNotes;
  /** Values from the databases: only when asked for (includeData) and a node is recommended. */
  readonly databaseData: ReportData | undefined;
}

async function checkSavedPlan(inputs: Inputs, saved: NonNullable<ReportRequest['savedPlan']>): Promise<SavedPlanCheck> {
  try {
    await replaySavedPlan(saved.plan, saved.file, inputs);
    return {
      ...saved,
      applies: saved.plan.status === 'ready',
      why: saved.plan.status === 'ready' ? undefined : 'the plan is refused',
    };
  } catch (error) {
    if (!(error instanceof RepairError)) throw error;
    return { ...saved, applies: false, why: error.message };
  }
}

export async function runReport(inputs: Inputs, request: ReportRequest = {}): Promise<ReportOutcome> {
  const nodes = await inputs.read('every-byte', { hash: true });
  const { verdicts, findings } = await checkNodes(nodes, {
    autoRecovery: request.autoRecovery,
    engine: request.engine,
  });
  const ranking = rankVerdicts(verdicts);
  const { map } = mapOf(verdicts, ranking);
  const dryRun = await planRepair(inputs, { engine: request.engine });
  const savedPlan = request.savedPlan ? await checkSavedPlan(inputs, request.savedPlan) : undefined;
  const best = ranking.best?.verdict;
  const databaseData = request.includeData && best ? await reportDataOf(best) : undefined;
  return {
    tool: TOOL,
    generatedAt: request.generatedAt,
    inputs: inputs.paths,
    verdicts,
    findings,
    ranking,
    map,
    nodes: verdicts.map(buildNodeReport),
    dryRun,
    savedPlan,
    notes: inputs.notes,
    databaseData,
  };
}

/**
 * Writes the report to `file`: never into, over or around an input (nor the plan file), an
 * existing file only with `force` (replaced atomically: a temp file beside it, fsynced, renamed),
 * never a directory. A write that fails (a full disk) leaves nothing behind: RepairError (exit 3).
 */
export async function writeReportFile(
  file: string,
  text: string,
  inputs: Inputs,
  options: { force?: boolean; otherInputs?: readonly string[] } = {},
): Promise<string> {
  const nodes = await inputs.read('every-byte', { hash: true });
  const target = guardOutputPath(
    file,
    '--out',
    new InputSet(inputPathsOf(nodes, inputs.paths, options.otherInputs ?? [])),
  ).path;
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(target);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory())
    throw new RepairError(`--out ${target} is a directory; name the report's file`, 'E_OUT_EXISTS');
  if (st && !options.force)
    throw new RepairError(
      `${target} already exists; choose another --out, or repeat with --force to replace it`,
      'E_OUT_EXISTS',
    );
  try {
    writeFileAtomic(target, Buffer.from(text, 'utf8'), 0o644);
  } catch (error) {
    if (!isErrnoError(error)) throw error;
    throw new RepairError(`writing --out ${target} failed: ${describeErrno(error)}; it was not written`, 'E_OUTPUT_IO');
  }
  return target;
}
