// Values from the databases, only for a report made with --include-data: the databases a repair
// from the recommended node would rebuild (analysis/db), each table's row count and first rows.
// Off by default because reports travel (tickets, e-mail) and the databases hold users' data.
import {
  materializeDatabases,
  quoteIdentifier,
  recoveryDbLog,
  SqliteImage,
  type SqlValue,
} from '../analysis/db/index.js';
import type { NodeVerdict } from '../analysis/verdict.js';
import { openPayloadReader } from '../scan/payloads.js';
import { snapshotContentReader } from '../scan/snapshot-content.js';

/** Rows shown per table; the rest are counted. */
export const DATA_ROWS = 20;
/** Characters shown of one value (a BLOB: its first bytes in hex). */
export const VALUE_CHARS = 200;

export interface ReportTableData {
  readonly name: string;
  readonly rows: bigint | undefined;
  readonly columns: readonly string[];
  /** The first DATA_ROWS rows, each value as text (NULL, numbers, text cut, BLOBs as hex). */
  readonly sample: readonly (readonly string[])[];
  /** Why the table could not be read. */
  readonly error?: string;
}

export interface ReportDatabaseData {
  readonly database: string;
  readonly tables: readonly ReportTableData[];
}

export interface ReportData {
  /** Whose log the databases come from, e.g. "repair from 127.0.0.1:9541". */
  readonly log: string;
  /** The raft index every database reflects. */
  readonly index: bigint;
  readonly databases: readonly ReportDatabaseData[];
  /** What made a database differ from what the engine would hold (counted past the first few). */
  readonly problems: readonly string[];
}

function valueText(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (v instanceof Uint8Array) {
    const shown = Buffer.from(v.subarray(0, VALUE_CHARS / 2)).toString('hex');
    return `x'${shown}'${v.length > VALUE_CHARS / 2 ? ` … (${v.length} bytes)` : ''}`;
  }
  const text = String(v);
  return text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS)}…` : text;
}

function tableData(img: SqliteImage, name: string, rows: bigint | undefined): ReportTableData {
  const sample: string[][] = [];
  try {
    const columns = img.each(`SELECT * FROM main.${quoteIdentifier(name)} LIMIT ${DATA_ROWS}`, (row) => {
      sample.push(row.map(valueText));
    });
    return { name, rows, columns, sample };
  } catch (error) {
    return { name, rows, columns: [], sample: [], error: (error as Error).message };
  }
}

/** The databases a repair from `verdict`'s node would rebuild, at its last index. */
export async function reportDataOf(verdict: NodeVerdict): Promise<ReportData> {
  const log = recoveryDbLog(verdict.recovery);
  const payloads = openPayloadReader();
  let result;
  try {
    result = materializeDatabases(log, { payloads, snapshots: snapshotContentReader });
  } finally {
    payloads.close();
  }
  const databases: ReportDatabaseData[] = [];
  for (const db of result.databases) {
    const img = await SqliteImage.openImage(db.image);
    try {
      databases.push({
        database: db.name,
        tables: img
          .tables()
          .map((t) =>
            t.error
              ? { name: t.name, rows: undefined, columns: [], sample: [], error: t.error }
              : tableData(img, t.name, t.rows),
          ),
      });
    } finally {
      img.close();
    }
  }
  const problems = result.problems.slice(0, 20).map((p) => `${p.database ?? '-'}: ${p.message}`);
  const more = result.problems.length - problems.length + result.problemsOmitted;
  const listed = more ? [...problems, `… ${more} more`] : problems;
  return { log: result.log, index: result.index, databases, problems: listed };
}
