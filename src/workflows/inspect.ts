// The inspect operation: every node read byte for byte, described file by file (inspect-report),
// with the node's verdict.
import { buildNodeReport, type NodeReport } from '../analysis/inspect-report.js';
import { toPlain } from '../core/u64.js';
import { verdictsOf } from './check.js';
import { identityDocument, inputNotesDocument, verdictDocument, type InputNotesDocument, type VerdictDocument } from './documents/verdict.js';
import type { Inputs } from './inputs.js';

/** One node of `inspect --json`: its files, metadata, snapshots and segments, and its verdict. */
export type InspectNodeDocument = Record<string, unknown> & Pick<VerdictDocument,
  'product' | 'memberName' | 'id' | 'address' | 'backupOf' | 'held' | 'startup' | 'startupDrops' | 'contribution' | 'read' | 'checksumsVerified'>;

/** `inspect --json` without its envelope. */
export interface InspectDocument {
  readonly nodes: readonly InspectNodeDocument[];
  readonly skipped: InputNotesDocument['skipped'];
  readonly inputNotes: InputNotesDocument;
}

export async function runInspect(inputs: Inputs): Promise<NodeReport[]> {
  return verdictsOf(await inputs.read('every-byte')).map(buildNodeReport);
}

/** The inspect record with the node's verdict (as every command shows it) in place of the object behind it. */
export function inspectNodeDocument(n: NodeReport): InspectNodeDocument {
  const { verdict, ...report } = n;
  const v = verdictDocument(verdict);
  const { name, path, ...rest } = toPlain(report) as Record<string, unknown>;
  return {
    name, path, ...identityDocument(verdict.node), ...rest, held: v.held, startup: v.startup, startupDrops: v.startupDrops,
    contribution: v.contribution, read: v.read, checksumsVerified: v.checksumsVerified,
  };
}

export function inspectDocument(inputs: Inputs, reports: readonly NodeReport[]): InspectDocument {
  const notes = inputNotesDocument(inputs.notes);
  return { nodes: reports.map(inspectNodeDocument), skipped: notes.skipped, inputNotes: notes };
}

/** Public API: every node described, as `inspect --json` gives it. */
export async function inspect(inputs: Inputs): Promise<InspectDocument> {
  return inspectDocument(inputs, await runInspect(inputs));
}
