// The inspect operation: every node read byte for byte, described file by file (inspect-report),
// with the node's verdict.
import type { EngineResolution } from '../analysis/engine/infer.js';
import { buildNodeReport, type NodeReport } from '../analysis/inspect-report.js';
import { toPlain } from '../core/u64.js';
import { verdictsOf } from './check.js';
import {
  DEFAULT_ENGINE_CHOICE,
  engineDocument,
  engineOf,
  type EngineChoice,
  type EngineDocument,
} from './documents/engine.js';
import {
  identityDocument,
  inputNotesDocument,
  verdictDocument,
  type InputNotesDocument,
  type VerdictDocument,
} from './documents/verdict.js';
import type { Inputs } from './inputs.js';

export interface InspectRequest {
  /** The engine the verdicts predict for (parseEngineName), or `auto` (the default: inferred from the files). */
  readonly engine?: EngineChoice;
}

export interface InspectOutcome {
  /** The engine the verdicts are for, and why. */
  readonly engine: EngineResolution;
  readonly reports: readonly NodeReport[];
}

/** One node of `inspect --json`: its files, metadata, snapshots and segments, and its verdict. */
export type InspectNodeDocument = Record<string, unknown> &
  Pick<
    VerdictDocument,
    | 'product'
    | 'memberName'
    | 'id'
    | 'address'
    | 'backupOf'
    | 'held'
    | 'startup'
    | 'otherEngines'
    | 'startupDrops'
    | 'contribution'
    | 'read'
    | 'checksumsVerified'
  >;

/** `inspect --json` without its envelope. */
export interface InspectDocument {
  readonly engine: EngineDocument;
  readonly nodes: readonly InspectNodeDocument[];
  readonly skipped: InputNotesDocument['skipped'];
  readonly inputNotes: InputNotesDocument;
}

export async function runInspect(inputs: Inputs, request: InspectRequest = {}): Promise<InspectOutcome> {
  const nodes = await inputs.read('every-byte');
  const engine = request.engine ?? DEFAULT_ENGINE_CHOICE;
  const verdicts = verdictsOf(nodes, { engine });
  return { engine: engineOf(verdicts, engine, nodes), reports: verdicts.map(buildNodeReport) };
}

/** The inspect record with the node's verdict (as every command shows it) in place of the object behind it. */
export function inspectNodeDocument(n: NodeReport): InspectNodeDocument {
  const { verdict, ...report } = n;
  const v = verdictDocument(verdict);
  const { name, path, ...rest } = toPlain(report) as Record<string, unknown>;
  return {
    name,
    path,
    ...identityDocument(verdict.node),
    ...rest,
    held: v.held,
    startup: v.startup,
    ...(v.otherEngines ? { otherEngines: v.otherEngines } : {}),
    startupDrops: v.startupDrops,
    contribution: v.contribution,
    read: v.read,
    checksumsVerified: v.checksumsVerified,
  };
}

export function inspectDocument(inputs: Pick<Inputs, 'notes'>, outcome: InspectOutcome): InspectDocument {
  const notes = inputNotesDocument(inputs.notes);
  return {
    engine: engineDocument(outcome.engine),
    nodes: outcome.reports.map(inspectNodeDocument),
    skipped: notes.skipped,
    inputNotes: notes,
  };
}

/** Public API: every node described, as `inspect --json` gives it. */
export async function inspect(inputs: Inputs, request: InspectRequest = {}): Promise<InspectDocument> {
  return inspectDocument(inputs, await runInspect(inputs, request));
}
