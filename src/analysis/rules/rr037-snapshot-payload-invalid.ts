// RR037: a snapshot whose content dqlite cannot restore. raft hands the decompressed content (or
// the raw file, without the LZ4 magic) to dqlite's fsm__restore at start-up, and dqlite 1.11
// fails on a short header, a format other than 1, or a database header cut short — and copies
// main_size + wal_size bytes with no bounds check, so sizes past the end read beyond the buffer.
// raft's own loader (and raft-load.sh) accepts all of these: only the FSM restore trips.
// dqlite 1.18.3–1.18.4 also abort on any snapshot that carries a WAL image (decodeDatabase asserts
// wal_size == 0; EngineProfile.snapshots.restoresWalPayload), which every older dqlite and cowsql write.
import type { DecodeIssue } from '../../format/issue.js';
import type { SnapshotRecord } from '../../scan/node-index.js';
import type { Finding } from '../findings.js';
import { restoreProblem } from '../recovery/source-log.js';
import type { NodeFacts, Rule, RuleContext } from './rule.js';
import { finding, isNewestSnapshot, metaFileName } from './util.js';

/** Another node's snapshot at the same term and index whose content restores. */
function sameSnapshotElsewhere(
  ctx: RuleContext,
  self: NodeFacts,
  s: SnapshotRecord,
): { node: string; name: string } | undefined {
  for (const other of ctx.nodes) {
    if (other === self) continue;
    const twin = other.node.snapshots.find(
      (o) =>
        o.term === s.term &&
        o.index === s.index &&
        o.meta?.decoded.value &&
        o.data?.payload &&
        !restoreProblem(o, self.engine),
    );
    if (twin) return { node: other.node.name, name: twin.name };
  }
  return undefined;
}

/** The WAL-image assertion of dqlite 1.18.3–1.18.4, as a payload problem at the first database's wal_size. */
function walAssert(facts: NodeFacts, s: SnapshotRecord): DecodeIssue | undefined {
  const payload = s.data?.payload;
  if (!payload || payload.problem || payload.walBytes === 0n || facts.engine.snapshots.restoresWalPayload)
    return undefined;
  return {
    kind: 'snapshot-wal-assert',
    offset: 0,
    message:
      `the payload carries a WAL image (${payload.walBytes} bytes, as dqlite ≤ 1.16 and cowsql write it): ` +
      `${facts.engine.name}'s restore asserts wal_size == 0 and raft_start aborts`,
  };
}

function check(ctx: RuleContext, facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  for (const s of facts.node.snapshots) {
    const problem = s.data?.payload?.problem ?? walAssert(facts, s);
    if (!problem) continue;
    const newest = isNewestSnapshot(facts, s);
    const twin = sameSnapshotElsewhere(ctx, facts, s);
    const older = facts.node.snapshots.find(
      (o) => o !== s && (o.index < s.index || o.term < s.term) && o.data?.payload && !restoreProblem(o, facts.engine),
    );
    const where = `payload byte ${problem.offset}${s.data!.frame.compressed ? ' after decompression' : ' (no LZ4 magic: raft passes the file as it is)'}`;
    out.push(
      finding(rule, facts.node.name, {
        severity: newest ? 'error' : 'warning',
        file: s.name,
        offset: s.data!.frame.compressed ? 0 : problem.offset,
        message: `${s.name}, ${where}: ${problem.message}${newest ? '' : ' (not the snapshot start-up uses, but unusable as a fallback)'}. raft's loader accepts the file; dqlite's restore does not.`,
        repairs: [
          ...(twin
            ? [
                `Lossless: copy ${twin.name} and its .meta from ${twin.node} (same term ${s.term} and index ${s.index}, content that restores) in place of ${s.name}.`,
              ]
            : []),
          ...(older
            ? [
                `Move ${s.name} and ${metaFileName(facts, s)} aside so that ${older.name} is used (the segments must reach back to index ${older.index + 1n}).`,
              ]
            : []),
          "Rebuild this node from another node's data (`raft-rescue repair` takes the best node's log and snapshot).",
        ],
        data: {
          snapshot: s.name,
          newest,
          payloadOffset: problem.offset,
          kind: problem.kind,
          compressed: s.data!.frame.compressed,
        },
      }),
    );
  }
  return out;
}

export const rule: Rule = {
  code: 'RR037',
  name: 'snapshot-payload-invalid',
  severity: 'error',
  summary:
    'Snapshot content dqlite cannot restore (bad header or format, a database cut short): raft loads it, dqlite start-up fails or reads past its buffer.',
  check: (ctx) => ctx.nodes.flatMap((f) => check(ctx, f)),
};
