// RR014: a snapshot data file that starts with the LZ4 frame magic but is not a valid frame.
// raft's Decompress (src/compress.c) hands it to LZ4F_decompress: most damage is RAFT_IOERR with
// liblz4's error name; a frame cut short after its header makes the decompression loop spin
// forever (the node hangs at start-up without a message). What libraft 0.15 does with each problem
// is in the issue's data.cOutcome (format/lz4-frame.ts); trailing bytes after the frame are
// ignored. dqlite ≥ 1.18.3 reads frames its own way (EngineProfile.snapshots.lz4Decoder: a cut
// frame fails at once, a missing end mark or checksum goes unnoticed): the effect is the engine's,
// from the same reader the loader simulation uses (loader/snapshot-read.ts).
import { ErrMsg } from '../loader/errmsg.js';
import { readSnapshotData } from '../loader/snapshot-read.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule, RuleContext } from './rule.js';
import { finding, isNewestSnapshot } from './util.js';

/** Other nodes holding a sound snapshot of the same term and index (same state, other file name). */
function peers(ctx: RuleContext, self: NodeFacts, term: bigint, index: bigint): string[] {
  const found = ctx.nodes
    .filter((o) => o !== self)
    .flatMap((o) =>
      o.node.snapshots
        .filter(
          (x) =>
            x.term === term &&
            x.index === index &&
            x.meta?.decoded.value &&
            x.data?.size &&
            x.data.frame.issues.length === 0,
        )
        .map((x) => `${x.name} on ${o.node.name}`),
    );
  return found.length > 0
    ? [`Lossless: copy ${found[0]} (data and .meta; it holds the state at the same term and index).`]
    : [];
}

function check(ctx: RuleContext, facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  for (const s of facts.node.snapshots) {
    const issues = s.data?.frame.issues ?? [];
    const bad = issues.find((i) => i.data?.['cOutcome'] === 'hang' || i.data?.['cOutcome'] === 'IOERR');
    const newest = isNewestSnapshot(facts, s);
    if (!bad) {
      const trailing = issues.find((i) => i.kind === 'lz4-trailing-bytes');
      if (trailing) {
        out.push(
          finding(rule, facts.node.name, {
            severity: 'info',
            file: s.name,
            offset: trailing.offset,
            message: `${s.name}: ${trailing.message}; raft ignores them.`,
            repairs: [`Optional: truncate ${s.name} to ${trailing.offset} bytes.`],
            data: { snapshot: s.name, kind: trailing.kind, cOutcome: 'ignored' },
          }),
        );
      }
      continue;
    }
    const errmsg = new ErrMsg();
    const read = readSnapshotData(s.data, errmsg, facts.engine);
    const engine = facts.engine.name;
    const effect = read.ok
      ? `${engine} loads it anyway (its reader stops once the declared content is out and never checks the rest)`
      : read.hang
        ? `${engine}'s decompression loop never ends, so the node hangs at start-up without any message`
        : `${engine} fails with RAFT_${read.code} "${errmsg.text}"`;
    out.push(
      finding(rule, facts.node.name, {
        severity: newest && !read.ok ? 'error' : 'warning',
        file: s.name,
        offset: bad.offset,
        message: `snapshot ${s.name}: ${bad.message}. ${newest ? `It is the snapshot start-up loads: ${effect}` : `It is not the snapshot start-up loads, but as a fallback ${effect}`}.`,
        repairs: [
          ...peers(ctx, facts, s.term, s.index),
          `Move ${s.name} and its .meta aside so that an older snapshot is used (the segments must reach back to its index + 1), or let the leader send a fresh snapshot.`,
        ],
        data: {
          snapshot: s.name,
          kind: bad.kind,
          cOutcome: bad.data?.['cOutcome'],
          cError: bad.data?.['cError'],
          newest,
          issues: issues.map((i) => i.kind),
          engine,
          outcome: read.ok ? 'ok' : read.hang ? 'hang' : 'error',
          ...(read.ok || read.hang ? {} : { error: errmsg.text }),
        },
      }),
    );
  }
  return out;
}

export const rule: Rule = {
  code: 'RR014',
  name: 'snapshot-lz4-damage',
  severity: 'error',
  summary: 'A damaged LZ4 snapshot frame: raft fails with an I/O error, or hangs forever on a frame cut short.',
  check: (ctx) => ctx.nodes.flatMap((facts) => check(ctx, facts)),
};
