// The check operation: every node read in full, one verdict per node, and the fault rules run over
// the verdicts (so a finding and the node's start-up verdict quote the same ranges).
import type { EngineResolution } from '../analysis/engine/infer.js';
import type { Finding, SeverityName } from '../analysis/findings.js';
import { nodeDatabaseFacts, type NodeDatabaseFacts } from '../analysis/db/node-databases.js';
import { runRules, selectRules } from '../analysis/rules/index.js';
import { buildVerdicts, type NodeVerdict, type VerdictOptions } from '../analysis/verdict.js';
import { toPlain } from '../core/u64.js';
import type { NodeIndex } from '../scan/node-index.js';
import { openPayloadReader } from '../scan/payloads.js';
import { snapshotContentReader } from '../scan/snapshot-content.js';
import {
  DEFAULT_ENGINE_CHOICE,
  engineDocument,
  engineOf,
  type EngineChoice,
  type EngineDocument,
} from './documents/engine.js';
import {
  inputNotesDocument,
  verdictDocument,
  type InputNotesDocument,
  type VerdictDocument,
} from './documents/verdict.js';
import type { Inputs } from './inputs.js';

export interface CheckRequest {
  /** raft_uv_set_auto_recovery as the nodes will run (default true). */
  readonly autoRecovery?: boolean;
  /** Rule codes or names to run; all when absent. */
  readonly only?: readonly string[];
  /** The engine to predict for (parseEngineName), or `auto` (the default: inferred from the files). */
  readonly engine?: EngineChoice;
}

export interface CheckOutcome {
  /** The engine the verdicts and findings are for, and why. */
  readonly engine: EngineResolution;
  readonly verdicts: readonly NodeVerdict[];
  readonly findings: readonly Finding[];
}

export interface FindingDocument {
  readonly code: string;
  readonly severity: SeverityName;
  /** The node's name, or '*' for a finding about the whole set. */
  readonly node: string;
  readonly file: string | null;
  readonly offset: number | null;
  readonly message: string;
  /** Repair options, lossless first. */
  readonly repairs: readonly string[];
  /** The evidence (u64 values as decimal strings). */
  readonly data: Readonly<Record<string, unknown>>;
}

export { engineDocument, type EngineDocument } from './documents/engine.js';

/** `check --json` without its envelope. */
export interface CheckDocument {
  readonly engine: EngineDocument;
  readonly nodes: readonly VerdictDocument[];
  readonly findings: readonly FindingDocument[];
  readonly skipped: InputNotesDocument['skipped'];
  readonly inputNotes: InputNotesDocument;
}

/** Verdicts for nodes, with the payload reader their fill proofs need opened and closed here. */
export function verdictsOf(nodes: readonly NodeIndex[], options: VerdictOptions = {}): NodeVerdict[] {
  const payloads = openPayloadReader();
  try {
    return buildVerdicts(nodes, payloads, options);
  } finally {
    payloads.close();
  }
}

/** Each node's databases rebuilt and checked in SQLite, for the rules that read them (RR040). */
export async function databaseFactsOf(verdicts: readonly NodeVerdict[]): Promise<Map<NodeIndex, NodeDatabaseFacts>> {
  const facts = new Map<NodeIndex, NodeDatabaseFacts>();
  const payloads = openPayloadReader();
  try {
    for (const v of verdicts) facts.set(v.node, await nodeDatabaseFacts(v, payloads, snapshotContentReader));
  } finally {
    payloads.close();
  }
  return facts;
}

export async function checkNodes(nodes: readonly NodeIndex[], request: CheckRequest = {}): Promise<CheckOutcome> {
  const engine = request.engine ?? DEFAULT_ENGINE_CHOICE;
  const verdicts = verdictsOf(nodes, { autoRecovery: request.autoRecovery, engine });
  const rules = selectRules(request.only);
  // Databases are rebuilt only when a rule that reads them runs.
  const databases = rules.some((r) => r.code === 'RR040') ? await databaseFactsOf(verdicts) : undefined;
  const { findings } = runRules(verdicts, { only: request.only, autoRecovery: request.autoRecovery, databases });
  return { engine: engineOf(verdicts, engine, nodes), verdicts, findings };
}

/** check on opened inputs: every node read in full. */
export async function runCheck(inputs: Inputs, request: CheckRequest = {}): Promise<CheckOutcome> {
  return checkNodes(await inputs.read('every-byte'), request);
}

export function findingDocument(f: Finding): FindingDocument {
  return toPlain({
    code: f.code,
    severity: f.severity,
    node: f.node,
    file: f.file ?? null,
    offset: f.offset ?? null,
    message: f.message,
    repairs: f.repairs,
    data: f.data,
  }) as FindingDocument;
}

export function checkDocument(inputs: Inputs, outcome: CheckOutcome): CheckDocument {
  const notes = inputNotesDocument(inputs.notes);
  return {
    engine: engineDocument(outcome.engine),
    nodes: outcome.verdicts.map(verdictDocument),
    findings: outcome.findings.map(findingDocument),
    skipped: notes.skipped,
    inputNotes: notes,
  };
}

/** Public API: every fault, and each node's verdict, as `check --json` gives them. */
export async function check(inputs: Inputs, request: CheckRequest = {}): Promise<CheckDocument> {
  return checkDocument(inputs, await runCheck(inputs, request));
}
