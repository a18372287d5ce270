// RR040: the databases a node's log rebuilds are not sound. Two kinds of evidence, both from the
// node's own log replayed the way dqlite's FSM applies it (fsm.c apply_frames, vfs.c VfsApply;
// analysis/db):
//   a FRAMES entry that does not apply: not a dqlite command, a page size other than the
//     database's, page number 0 or above INT32_MAX, page images cut short, is_commit = 0 where
//     the engine rejects it (dqlite ≥ 1.18.2) — with the entry's index, segment file and the
//     offset of the offending bytes; dqlite would fail that apply;
//   a rebuilt database that fails SQLite's PRAGMA integrity_check: the file dqlite would hold is
//     damaged even though every entry applied.
// Snapshot content problems are RR037's and RR014's; a log with a gap is not rebuilt (RR001/RR002).
import type { DbProblem } from '../db/materialize.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding } from './util.js';

/** Findings per node for entries that do not apply; the rest are counted in the last one's data. */
const MAX_PER_NODE = 20;

function streamFindings(facts: NodeFacts, problems: readonly DbProblem[]): Finding[] {
  const node = facts.node.name;
  // Only entries of the log: a snapshot's content is RR037's.
  const bad = problems.filter(
    (p) => p.severity === 'error' && p.index !== undefined && p.file !== '' && !p.file.startsWith('snapshot-'),
  );
  return bad.slice(0, MAX_PER_NODE).map((p, i) =>
    finding(rule, node, {
      file: p.file,
      offset: p.offset,
      message:
        `${p.message}. dqlite's FSM would fail to apply this entry` +
        `${p.database ? ` to database ${p.database}` : ''}, ` +
        'so the database it holds cannot be the one the log describes.',
      repairs: [
        `Compare entry ${p.index} with another node's copy (\`raft-rescue dump --from ${p.index} --to ${p.index}\`); ` +
          'if another node holds it intact, repair from that node (`raft-rescue repair --source NODE`).',
        'Export the databases as they were before the entry (`raft-rescue db export --node ' +
          `${node} --at ${p.index! - 1n} --out DIR\`) to keep what is sound.`,
      ],
      data: {
        kind: p.kind,
        index: p.index,
        database: p.database ?? null,
        ...(i === MAX_PER_NODE - 1 && bad.length > MAX_PER_NODE ? { moreEntries: bad.length - MAX_PER_NODE } : {}),
      },
    }),
  );
}

function integrityFindings(facts: NodeFacts): Finding[] {
  const d = facts.databases!;
  return d.databases
    .filter((x) => !x.ok)
    .map((x) =>
      finding(rule, facts.node.name, {
        message:
          `database ${x.database}, rebuilt from this node's log at index ${d.index}, ` +
          "fails SQLite's PRAGMA integrity_check: " +
          `${x.messages.slice(0, 3).join('; ')}${x.messages.length > 3 ? ` (and ${x.messages.length - 3} more)` : ''}.`,
        repairs: [
          "Compare it with another node's (`raft-rescue db diff`) and repair from a node whose databases pass " +
            '(`raft-rescue repair --source NODE`).',
          `Export what can be read (\`raft-rescue db export --node ${facts.node.name} --out DIR\`) ` +
            'before changing anything.',
        ],
        data: { database: x.database, index: d.index, integrityCheck: x.messages },
      }),
    );
}

function check(facts: NodeFacts): Finding[] {
  const d = facts.databases;
  if (!d || d.index === undefined) return [];
  return [...streamFindings(facts, d.problems), ...integrityFindings(facts)];
}

export const rule: Rule = {
  code: 'RR040',
  name: 'database-integrity',
  severity: 'error',
  summary:
    "A database rebuilt from the node's log fails SQLite's integrity_check, or a FRAMES entry does not apply " +
    '(with its entry index, file and offset).',
  check: (ctx) => ctx.nodes.flatMap(check),
};
