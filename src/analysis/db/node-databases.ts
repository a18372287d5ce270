// What `check` learns about a node's databases (rule RR040): they are rebuilt from the node's own
// log at its last index (from its newest snapshot that restores: only the entries after it are
// applied), each is opened in SQLite and given PRAGMA integrity_check, and every FRAMES entry that
// does not apply is kept with its index, file and offset. A log that cannot be rebuilt (a gap the
// other rules report) is skipped, with the reason.
import { InputError } from '../../core/errors.js';
import type { PayloadReader } from '../../scan/payloads.js';
import type { SnapshotContentReader } from '../../scan/snapshot-content.js';
import { applyRulesOf } from '../engine/profiles.js';
import type { NodeVerdict } from '../verdict.js';
import { heldDbLog } from './db-log.js';
import { materializeDatabases, type DbProblem } from './materialize.js';
import { openDatabase } from './summary.js';

export interface DatabaseIntegrity {
  readonly database: string;
  readonly ok: boolean;
  /** integrity_check's lines, or why the database could not be opened. */
  readonly messages: readonly string[];
  readonly opened: boolean;
}

export interface NodeDatabaseFacts {
  /** The index the databases were rebuilt at; undefined when they could not be (`skipped`). */
  readonly index: bigint | undefined;
  readonly skipped: string | undefined;
  readonly problems: readonly DbProblem[];
  readonly databases: readonly DatabaseIntegrity[];
}

export async function nodeDatabaseFacts(
  verdict: NodeVerdict,
  payloads: PayloadReader,
  snapshots: SnapshotContentReader,
): Promise<NodeDatabaseFacts> {
  const log = heldDbLog(verdict.node, verdict.diskLog);
  let result;
  try {
    result = materializeDatabases(log, { payloads, snapshots }, { rules: applyRulesOf(verdict.engine.profile) });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { index: undefined, skipped: error.message, problems: [], databases: [] };
  }
  const databases: DatabaseIntegrity[] = [];
  for (const d of result.databases) {
    const img = await openDatabase(d);
    if (typeof img === 'string') {
      databases.push({ database: d.name, ok: true, messages: [img], opened: false });
      continue;
    }
    try {
      const r = img.integrityCheck();
      databases.push({ database: d.name, ok: r.ok, messages: r.messages, opened: true });
    } finally {
      img.close();
    }
  }
  return { index: result.index, skipped: undefined, problems: result.problems, databases };
}
