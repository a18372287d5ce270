// RR028: leftovers. uvMaintenance (raft src/uv.c) deletes tmp-* files at start-up: UvFsMakeFile
// writes tmp-<name> and renames it, so one left behind is a write that never finished (a
// recovery entry, a snapshot, a finalized segment). `.probe` files are removed too; a `join`
// file means go-dqlite never completed joining; other names are ignored by raft.
import { classifyFileName } from '../../format/file-names.js';
import type { FileRecord } from '../../scan/node-index.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding } from './util.js';

function tmpFinding(facts: NodeFacts, f: FileRecord, target: string): Finding {
  const kind = classifyFileName(target).kind;
  const what = kind === 'closed-segment' ? `closed segment ${target} (a recovery entry written by .reconfigure, or a segment being finalized)`
    : kind === 'snapshot-meta' || kind === 'snapshot-data' ? `snapshot file ${target}`
    : kind === 'metadata1' || kind === 'metadata2' ? `metadata file ${target}` : undefined;
  return finding(rule, facts.node.name, {
    severity: what ? 'warning' : 'info', file: f.name,
    message: what
      ? `${f.name} is an unfinished write of ${what}; raft deletes it at start-up, so whatever it was meant to record did not happen.`
      : `${f.name} is a temporary file; raft deletes it at start-up.`,
    repairs: what && kind === 'closed-segment'
      ? [`If a recovery (.reconfigure) was interrupted, run it again on a clean copy; then delete ${f.name}.`]
      : [`Delete ${f.name} (what start-up does).`],
    data: { target, targetKind: kind, size: f.size },
  });
}

function other(facts: NodeFacts, f: FileRecord): Finding | undefined {
  const c = f.class;
  const at = { file: f.name, data: { kind: c.kind, type: f.type, size: f.size } };
  if (c.kind === 'probe') {
    return finding(rule, facts.node.name, { severity: 'info', ...at, message: `${f.name} is left from raft's file-system probe; raft deletes it at start-up.`, repairs: [`Delete ${f.name}.`] });
  }
  if (c.kind === 'join') {
    return finding(rule, facts.node.name, {
      severity: 'warning', ...at,
      message: 'a join file is present: go-dqlite removes it once the node has joined the cluster, so this node may never have completed its join.',
      repairs: ['Check that the node is in the raft configuration; if it is, delete the join file.'],
    });
  }
  if (c.kind === 'ignored') {
    return finding(rule, facts.node.name, {
      severity: 'info', ...at, message: `${f.name} (${f.type}) is ignored by raft: ${c.reason}.`, repairs: ['None needed; move it out of the data directory if it does not belong there.'],
    });
  }
  return undefined;
}

function check(facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  for (const f of facts.node.files) {
    const found = f.class.kind === 'tmp' ? tmpFinding(facts, f, f.class.target) : other(facts, f);
    if (found) out.push(found);
  }
  return out;
}

export const rule: Rule = {
  code: 'RR028',
  name: 'tmp-or-orphan-files',
  severity: 'info',
  summary: 'tmp-* files (unfinished writes, deleted at start-up), .probe files, a join file, and names raft ignores.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
