// RR033: a snapshot `.meta` that uvSnapshotLoadMeta rejects for a reason other than its checksum
// (RR013): shorter than its header or its configuration (RAFT_IOERR short read), a format word
// other than 1 (RAFT_MALFORMED), a configuration length of 0 or above 1 MiB (RAFT_CORRUPT), or a
// configuration that does not decode (RAFT_MALFORMED; libraft 0.15 returns BADROLE/DUPLICATEID/
// DUPLICATEADDRESS as is). canonical raft and dqlite never fall back to an older snapshot.
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding, isNewestSnapshot, metaFileName } from './util.js';

function check(facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  for (const s of facts.node.snapshots) {
    const issue = s.meta?.decoded.issues.find((i) => i.data?.['raftCode'] !== undefined && i.kind !== 'meta-checksum');
    if (!issue) continue;
    const meta = metaFileName(facts, s);
    const newest = isNewestSnapshot(facts, s);
    const code = String(issue.data?.['legacyCode'] ?? issue.data?.['raftCode']);
    const p = facts.prediction;
    const cText = newest && p.file === meta && p.error ? ` ("${p.error}")` : '';
    out.push(
      finding(rule, facts.node.name, {
        severity: newest ? 'error' : 'warning',
        file: meta,
        offset: issue.offset,
        message: `${meta}: ${issue.message} (RAFT_${code}): ${newest ? `it is the snapshot start-up loads, so raft refuses to start${cText}; cowsql ≥ 0.22 would fall back to an older snapshot` : 'not the snapshot start-up loads, but unusable as a fallback'}.`,
        repairs: [
          'Lossless if the log still holds the configuration in force at the snapshot index: rewrite the .meta from it (configuration index and servers).',
          `Move ${meta} and ${s.name} aside so that an older snapshot is used (the segments must reach back to its index + 1).`,
        ],
        data: { snapshot: s.name, kind: issue.kind, raftCode: code, newest },
      }),
    );
  }
  return out;
}

export const rule: Rule = {
  code: 'RR033',
  name: 'snapshot-meta-invalid',
  severity: 'error',
  summary:
    'A snapshot .meta that is short, has a bad format, a bad configuration length or an undecodable configuration.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
