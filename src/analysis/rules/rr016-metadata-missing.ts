// RR016: no usable metadata file (both missing, or shorter than 32 bytes, which uvMetadataLoadN
// deletes) on a node that holds log data. raft then starts with term 0 and no vote, below the
// terms in its own log: it may vote again in a term it already voted in. dqlite re-bootstraps a
// node whose ID is 1 or BootstrapID when it finds no metadata (format-spec §5, §9 item 10).
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding } from './util.js';

/** go-dqlite's BootstrapID (app.go), also what `dqlite-demo` gives its first node. */
const BOOTSTRAP_IDS = new Set([1n, 0x2dc171858c3155ben]);

function check(facts: NodeFacts): Finding[] {
  const { node } = facts;
  const usable = [node.metadata1, node.metadata2].filter((m) => m && m.size >= 32);
  if (usable.length > 0) return [];
  if (node.segments.length === 0 && node.snapshots.length === 0) return [];
  const term = facts.diskLog.lastTerm;
  const id = node.info?.value?.id;
  const rebootstrap =
    id !== undefined && BOOTSTRAP_IDS.has(id)
      ? ` Its ID ${id} is the bootstrap ID: dqlite would bootstrap it again, writing metadata1 and a 0000000000000001-0000000000000001 segment next to the existing log.`
      : '';
  const present = [node.metadata1, node.metadata2]
    .filter((m) => m)
    .map((m) => `${m!.name} (${m!.size} bytes, deleted at start-up)`);
  return [
    finding(rule, node.name, {
      file: 'metadata1',
      message: `no usable metadata1/metadata2${present.length ? ` (only ${present.join(', ')})` : ''} although the log holds entries up to term ${term}: raft starts with term 0 and no vote, and may vote twice in a term.${rebootstrap}`,
      repairs: [
        `Lossless: write metadata1 with version 1, term ${term} (the last term in the log) and no vote; a vote from that term, if any, is forgotten, which is safe only while the node was not a voter in an election of that term.`,
      ],
      data: { lastLogTerm: term, id, bootstrapId: rebootstrap !== '' },
    }),
  ];
}

export const rule: Rule = {
  code: 'RR016',
  name: 'metadata-missing',
  severity: 'error',
  summary: 'No usable metadata file on a node with log data: raft starts with term 0 and no vote.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
