// Pieces of the `db` documents: which log the databases come from, what went wrong rebuilding
// them, and SQL values as JSON. SQL values: NULL null, TEXT a string, REAL a number (±Infinity as
// the strings "Infinity" / "-Infinity"), INTEGER a number when JSON's numbers hold it exactly
// (|n| ≤ 2^53 - 1), else its decimal string, BLOB { "blob": "<hex>" }.
import type { DbProblem, MaterializeResult } from '../../analysis/db/materialize.js';
import type { DatabaseSummary } from '../../analysis/db/summary.js';
import type { SqlValue } from '../../analysis/db/sqlite.js';
import { lostDataDocument } from '../../repair/plan/lost-data-document.js';
import type { PlanLostData } from '../../repair/plan/types.js';
import type { DbSource } from '../db-source.js';
import { engineDocument, type EngineDocument } from '../check.js';
import { dec, type Dec } from './verdict.js';

export type SqlValueDocument = null | number | string | { readonly blob: string };

export function sqlValueDocument(v: SqlValue): SqlValueDocument {
  if (v === null || typeof v === 'string') return v;
  if (typeof v === 'bigint') {
    const safe = v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER);
    return safe ? Number(v) : v.toString(10);
  }
  if (typeof v === 'number') return Number.isFinite(v) ? v : v > 0 ? 'Infinity' : '-Infinity';
  return { blob: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') };
}

export interface DbSourceDocument {
  /** repair: the log a repair leaves (the recommended source plus fills); node: the node's own log. */
  readonly kind: 'repair' | 'node';
  readonly node: string;
  readonly path: string;
  readonly engine: EngineDocument;
  /** For `repair`: the repair the source needs and what it loses. */
  readonly repair: {
    readonly need: 'none' | 'lossless' | 'lossy';
    readonly lost: readonly {
      readonly kind: string;
      readonly from: Dec;
      readonly to: Dec | null;
      readonly data: PlanLostData | null;
    }[];
  } | null;
}

export function dbSourceDocument(s: DbSource): DbSourceDocument {
  return {
    kind: s.kind,
    node: s.node.name,
    path: s.node.displayPath,
    engine: engineDocument(s.engine),
    repair: s.repair
      ? {
          need: s.repair.need,
          lost: s.repair.lost.map((l) => ({
            kind: l.kind,
            from: dec(l.from),
            to: l.to === undefined ? null : dec(l.to),
            data: l.data ? lostDataDocument(l.data) : null,
          })),
        }
      : null,
  };
}

export interface DbProblemDocument {
  readonly kind: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly database: string | null;
  readonly index: Dec | null;
  readonly node: string;
  readonly file: string;
  readonly offset: number;
}

export function dbProblemDocument(p: DbProblem): DbProblemDocument {
  return {
    kind: p.kind,
    severity: p.severity,
    message: p.message,
    database: p.database ?? null,
    index: p.index === undefined ? null : dec(p.index),
    node: p.node,
    file: p.file,
    offset: p.offset,
  };
}

export type DbStartDocument =
  | { readonly kind: 'snapshot'; readonly node: string; readonly name: string; readonly index: Dec }
  | { readonly kind: 'empty' };

export function dbStartDocument(r: MaterializeResult): DbStartDocument {
  return r.start.kind === 'snapshot' ? { ...r.start, index: dec(r.start.index) } : { kind: 'empty' };
}

export interface DatabaseDocument {
  readonly name: string;
  readonly pageSize: number;
  readonly pages: number;
  readonly bytes: number;
  readonly changedAt: Dec;
  readonly transactions: number;
  readonly resetAt: Dec | null;
  readonly tables:
    readonly { readonly name: string; readonly rows: Dec | null; readonly error: string | null }[] | null;
  readonly integrity: { readonly ok: boolean; readonly messages: readonly string[] } | null;
  readonly error: string | null;
}

export function databaseDocument(d: DatabaseSummary): DatabaseDocument {
  return {
    name: d.name,
    pageSize: d.pageSize,
    pages: d.pages,
    bytes: d.bytes,
    changedAt: dec(d.changedAt),
    transactions: d.transactions,
    resetAt: d.resetAt === undefined ? null : dec(d.resetAt),
    tables: d.tables
      ? d.tables.map((t) => ({ name: t.name, rows: t.rows === undefined ? null : dec(t.rows), error: t.error ?? null }))
      : null,
    integrity: d.integrity ? { ok: d.integrity.ok, messages: d.integrity.messages } : null,
    error: d.error ?? null,
  };
}
