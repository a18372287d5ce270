// Which statements a user may run against a rebuilt database: reads only. sql.js has no read-only
// open and does not export sqlite3_stmt_readonly, so three independent checks stand in for it:
//   1. the statement's first word is SELECT, WITH, VALUES or PRAGMA, a PRAGMA only from a list of
//      queries in a form that sets nothing (`PRAGMA user_version = 1` and `PRAGMA page_size(512)`
//      write; flag pragmas such as query_only take effect while the statement is prepared, so
//      they are refused before anything is prepared), and exactly one statement;
//   2. the compiled program (EXPLAIN) has no opcode that writes, begins a write transaction,
//      attaches, or changes the schema (a `WITH … INSERT` passes check 1 and fails here);
//   3. the connection runs with PRAGMA query_only = 1, re-set before every statement, so SQLite
//      itself refuses a write that got past both.
// The database is an in-memory copy either way: this is about answering reads only, not about
// protecting the files (nothing here can reach them).

/** PRAGMAs that only report; those in WITH_ARGUMENT take a table, index or limit argument. */
const REPORTING = new Set([
  'application_id',
  'auto_vacuum',
  'collation_list',
  'compile_options',
  'data_version',
  'database_list',
  'encoding',
  'freelist_count',
  'function_list',
  'journal_mode',
  'module_list',
  'page_count',
  'page_size',
  'pragma_list',
  'schema_version',
  'table_list',
  'user_version',
]);
const WITH_ARGUMENT = new Set([
  'foreign_key_check',
  'foreign_key_list',
  'index_info',
  'index_list',
  'index_xinfo',
  'integrity_check',
  'quick_check',
  'table_info',
  'table_list',
  'table_xinfo',
]);

/**
 * Opcodes of a program that changes a database, the schema, a transaction or the connection.
 * Insert, Delete, IdxInsert and IdxDelete are not among them: reads use them on ephemeral tables
 * (DISTINCT, ORDER BY, recursive CTEs); a write to a real table needs OpenWrite and a write
 * transaction, which are.
 */
export const WRITE_OPCODES = new Set([
  'OpenWrite',
  'Destroy',
  'Clear',
  'CreateBtree',
  'ParseSchema',
  'DropTable',
  'DropIndex',
  'DropTrigger',
  'SetCookie',
  'Vacuum',
  'IncrVacuum',
  'JournalMode',
  'Checkpoint',
  'Expire',
  'AutoCommit',
  'Savepoint',
  'VBegin',
  'VCreate',
  'VDestroy',
  'VUpdate',
  'VRename',
  'SqlExec',
  'LoadAnalysis',
]);

/** The SQL with leading blanks, `-- …` and `/* … *\/` comments removed. */
export function stripLeadingComments(sql: string): string {
  let s = sql;
  for (;;) {
    const t = s.replace(/^[\s;]+/, '');
    if (t.startsWith('--')) {
      const nl = t.indexOf('\n');
      s = nl < 0 ? '' : t.slice(nl + 1);
    } else if (t.startsWith('/*')) {
      const end = t.indexOf('*/', 2);
      s = end < 0 ? '' : t.slice(end + 2);
    } else return t;
  }
}

/** Why the statement's text alone shows it is not a read, or undefined when it may be one. */
export function refusalByText(sql: string): string | undefined {
  const s = stripLeadingComments(sql);
  if (!s) return 'the statement is empty';
  const word = /^[A-Za-z_]+/.exec(s)?.[0]?.toUpperCase();
  if (word === 'SELECT' || word === 'WITH' || word === 'VALUES') return undefined;
  if (word !== 'PRAGMA') {
    const what = word ?? s.slice(0, 12);
    return `${what} statements are refused: only SELECT, WITH, VALUES and reporting PRAGMAs run (read-only)`;
  }
  const m = /^PRAGMA\s+(?:("?)[A-Za-z_][\w$]*\1\s*\.\s*)?([A-Za-z_]+)\s*(=|\()?([^;]*?)\s*;?\s*$/i.exec(s);
  if (!m) return 'this PRAGMA form is refused (read-only)';
  const name = m[2]!.toLowerCase();
  const form = m[3];
  if (form === '=') return `PRAGMA ${name} = … sets a value: refused (read-only)`;
  if (form === '(' ? WITH_ARGUMENT.has(name) : REPORTING.has(name) || WITH_ARGUMENT.has(name)) return undefined;
  return form === '(' && REPORTING.has(name)
    ? `PRAGMA ${name}(…) sets a value: refused (read-only)`
    : `PRAGMA ${name} is refused: only reporting PRAGMAs run (read-only)`;
}

/** Why a compiled program (EXPLAIN rows: addr, opcode, p1, p2, p3, p4, …) writes, or undefined. */
export function refusalByProgram(rows: readonly (readonly unknown[])[]): string | undefined {
  for (const row of rows) {
    const opcode = String(row[1]);
    const p2 = Number(row[3]);
    const p4 = String(row[5] ?? '');
    if (opcode === 'Transaction' && p2 !== 0) return 'the statement opens a write transaction: refused (read-only)';
    if (opcode === 'Function' && /^sqlite_(attach|detach)\b/.test(p4)) {
      return 'ATTACH and DETACH are refused (read-only)';
    }
    if (opcode === 'JournalMode' && Number(row[4]) === -1) continue; // PAGER_JOURNALMODE_QUERY: `PRAGMA journal_mode`
    // Expire 1 1 is sqlite3VdbeRunOnlyOnce (every PRAGMA has it); Expire 0 0 (a setting changed) and
    // Expire 1 0 (ATTACH) are not.
    if (opcode === 'Expire' && Number(row[2]) === 1 && p2 === 1) continue;
    if (WRITE_OPCODES.has(opcode)) return `the statement writes (opcode ${opcode}): refused (read-only)`;
  }
  return undefined;
}
