// `db export`: the databases of a log at an index written out as plain SQLite files and SQL dumps
// (repair/db-export.ts writes them, with every output guard a repair has).
import type { MaterializeResult } from '../analysis/db/materialize.js';
import { TOOL } from '../core/version.js';
import { exportDatabases, type ExportResult } from '../repair/apply/db-export.js';
import { inputPathsOf } from '../repair/apply/out-path.js';
import type { NodeIndex } from '../scan/node-index.js';
import { dbSource, rebuild, type DbRequest, type DbSource } from './db-source.js';
import {
  dbProblemDocument,
  dbSourceDocument,
  dbStartDocument,
  type DbProblemDocument,
  type DbSourceDocument,
  type DbStartDocument,
} from './documents/db.js';
import { dec, inputNotesDocument, type Dec, type InputNotesDocument } from './documents/verdict.js';
import type { Inputs } from './inputs.js';

export interface DbExportRequest extends DbRequest {
  /** A directory, or FILE.tar / FILE.tar.gz. */
  readonly out: string;
  /** Replace a non-empty `out` (the old one is moved aside once the new one is complete). */
  readonly force?: boolean;
  readonly signal?: AbortSignal;
}

export interface DbExportOutcome {
  readonly source: DbSource;
  readonly result: MaterializeResult;
  readonly written: ExportResult;
}

/** `db export --json` without its envelope (also what raft-rescue-export.json holds, less `out`). */
export interface DbExportDocument {
  readonly out: string;
  readonly format: ExportResult['format'];
  readonly replaced: string | null;
  readonly log: DbSourceDocument;
  readonly index: Dec;
  readonly start: DbStartDocument;
  readonly files: ExportResult['files'];
  readonly problems: readonly DbProblemDocument[];
  readonly inputNotes: InputNotesDocument;
}

export async function runDbExport(inputs: Inputs, request: DbExportRequest): Promise<DbExportOutcome> {
  const source = await dbSource(inputs, request);
  const result = rebuild(source, request.at);
  const nodes = inputs.current().filter((n): n is NodeIndex => n !== undefined);
  const manifest = (files: ExportResult['files']) => ({
    manifestVersion: 1,
    tool: TOOL,
    log: dbSourceDocument(source),
    index: dec(result.index),
    start: dbStartDocument(result),
    files,
  });
  const written = await exportDatabases(result.databases, manifest, {
    out: request.out,
    force: request.force ?? false,
    inputPaths: inputPathsOf(nodes, inputs.paths),
    signal: request.signal,
  });
  return { source, result, written };
}

export function dbExportDocument(inputs: Pick<Inputs, 'notes'>, o: DbExportOutcome): DbExportDocument {
  return {
    out: o.written.out,
    format: o.written.format,
    replaced: o.written.replaced,
    log: dbSourceDocument(o.source),
    index: dec(o.result.index),
    start: dbStartDocument(o.result),
    files: o.written.files,
    problems: o.result.problems.map(dbProblemDocument),
    inputNotes: inputNotesDocument(inputs.notes),
  };
}

/** Public API: writes the databases as `db export` does; returns what `db export --json` prints. */
export async function dbExport(inputs: Inputs, request: DbExportRequest): Promise<DbExportDocument> {
  return dbExportDocument(inputs, await runDbExport(inputs, request));
}
