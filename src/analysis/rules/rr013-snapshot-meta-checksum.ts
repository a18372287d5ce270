// RR013: a snapshot `.meta` whose stored checksum (low 32 bits of the u64 at byte 8) does not
// match the crc32 of bytes 16..32+L. uvSnapshotLoadMeta fails with RAFT_CORRUPT
// "read %s: checksum mismatch"; canonical raft and dqlite load only the newest snapshot and never
// fall back, so on the newest snapshot start-up fails; cowsql ≥ 0.22 tries the older ones
// (EngineProfile.snapshots.fallback), so there it fails only when none of them loads.
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding, isNewestSnapshot, metaFileName } from './util.js';

const hex = (v: unknown): string => (typeof v === 'number' ? `0x${v.toString(16).padStart(8, '0')}` : String(v));

function check(facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  for (const s of facts.node.snapshots) {
    const issue = s.meta?.decoded.issues.find((i) => i.kind === 'meta-checksum');
    if (!issue) continue;
    const meta = metaFileName(facts, s);
    const newest = isNewestSnapshot(facts, s);
    const value = s.meta!.decoded.value;
    const sound =
      value?.configuration !== undefined &&
      !s.meta!.decoded.issues.some((i) => i.kind.startsWith('config-') && i.data?.['raftCode']);
    const older = facts.node.snapshots.filter(
      (o) => o !== s && o.meta?.decoded.value && !o.meta.decoded.issues.length && o.data?.size,
    );
    const fallback = facts.engine.snapshots.fallback;
    const tried = fallback ? `: ${facts.engine.name} tried the older snapshots too` : '';
    const effect = newest
      ? `raft refuses to start ("read ${meta}: checksum mismatch")${tried}`
      : fallback && s.name !== facts.snapshot?.name && facts.prediction.snapshot
        ? `${facts.engine.name} skips it and falls back to ${facts.prediction.snapshot.name}`
        : 'not the snapshot start-up uses, but unusable as a fallback';
    out.push(
      finding(rule, facts.node.name, {
        severity: newest ? 'error' : 'warning',
        file: meta,
        offset: 8,
        message: `${meta} has checksum ${hex(issue.data?.['found'])} but its content sums to ${hex(issue.data?.['expected'])}: ${effect}.`,
        repairs: [
          ...(sound
            ? [
                `Lossless if the configuration in it (index ${value!.configurationIndex}, ${value!.configuration!.length} servers) matches the log's CHANGE entry at that index: rewrite the checksum field.`,
              ]
            : []),
          ...(older.length > 0
            ? [
                `Move ${meta} and ${s.name} aside so that ${older[0]!.name} is used (the segments must reach back to its index + 1).`,
              ]
            : []),
        ],
        data: { snapshot: s.name, stored: issue.data?.['found'], computed: issue.data?.['expected'], newest },
      }),
    );
  }
  return out;
}

export const rule: Rule = {
  code: 'RR013',
  name: 'snapshot-meta-checksum',
  severity: 'error',
  summary:
    'A snapshot .meta checksum mismatch: on the newest snapshot raft refuses to start (no fallback in canonical raft/dqlite).',
  check: (ctx) => ctx.nodes.flatMap(check),
};
