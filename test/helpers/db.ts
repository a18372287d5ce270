// Rebuilding databases from real node directories in tests: a node's own log or a repair's, the
// `model` table of dqlite-demo's database as a key → value object.
import fs from 'node:fs';
import path from 'node:path';
import { diskLog } from '../../src/analysis/loader/index.js';
import { heldDbLog, recoveryDbLog, type DbLog } from '../../src/analysis/db/db-log.js';
import { materializeDatabases, type MaterializeOptions, type MaterializeResult } from '../../src/analysis/db/materialize.js';
import { SqliteImage } from '../../src/analysis/db/sqlite.js';
import { buildVerdicts } from '../../src/analysis/verdict.js';
import { buildNodeIndex } from '../../src/scan/build-node-index.js';
import type { NodeIndex } from '../../src/scan/node-index.js';
import { openPayloadReader } from '../../src/scan/payloads.js';
import { snapshotContentReader } from '../../src/scan/snapshot-content.js';

export function nodeDirsOf(setDir: string): string[] {
  return fs.readdirSync(setDir).filter((d) => fs.existsSync(path.join(setDir, d, 'info.yaml')) || /^\d+\.\d+\.\d+\.\d+:\d+$/.test(d))
    .map((d) => path.join(setDir, d)).sort();
}

export function heldLogOf(node: NodeIndex): DbLog {
  return heldDbLog(node, diskLog(node));
}

/** The log a repair with `source` as the source builds, with every other node of the set as a donor. */
export function repairLogOf(nodes: readonly NodeIndex[], source: NodeIndex): DbLog {
  const payloads = openPayloadReader();
  try {
    const v = buildVerdicts(nodes, payloads).find((x) => x.node === source)!;
    return recoveryDbLog(v.recovery);
  } finally {
    payloads.close();
  }
}

export function materialize(log: DbLog, options: MaterializeOptions = {}): MaterializeResult {
  const payloads = openPayloadReader();
  try {
    return materializeDatabases(log, { payloads, snapshots: snapshotContentReader }, options);
  } finally {
    payloads.close();
  }
}

export function scanSet(setDir: string): NodeIndex[] {
  return nodeDirsOf(setDir).map((d) => buildNodeIndex(d));
}

/** dqlite-demo's table as { key: value } (and its integrity_check), from a rebuilt database. */
export async function modelOf(result: MaterializeResult, database = 'demo'): Promise<{ model: Record<string, string>; integrity: readonly string[] }> {
  const db = result.databases.find((d) => d.name === database);
  if (!db) throw new Error(`no database ${database} in ${result.databases.map((d) => d.name).join(', ')}`);
  const img = await SqliteImage.openImage(db.image);
  try {
    const rows = img.query('SELECT key, value FROM model ORDER BY key').rows;
    return { model: Object.fromEntries(rows.map((r) => [String(r[0]), String(r[1])])), integrity: img.integrityCheck().messages };
  } finally {
    img.close();
  }
}
