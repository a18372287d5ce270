// RR029: an entry payload whose length is not a multiple of 8. raft's writer refuses such
// buffers (uvCheckEntryBuffersAligned), so C never wrote this entry: the file was produced by
// another tool or garbled in a way that kept the checksums valid. The reader accepts it.
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { firstIndexOf, goodEntries } from './segment-facts.js';
import { finding } from './util.js';

function check(facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  for (const s of facts.node.segments) {
    const issues = s.decoded.issues.filter((i) => i.kind === 'unaligned-length');
    const first = issues[0];
    if (!first) continue;
    const start = firstIndexOf(facts, s);
    const position = goodEntries(s).findIndex((e) => e.payloadOffset === first.offset);
    const index = start !== undefined && position >= 0 ? start + BigInt(position) : undefined;
    out.push(
      finding(rule, facts.node.name, {
        file: s.name,
        offset: first.offset,
        message: `${s.name}: the payload ${index !== undefined ? `of entry ${index} ` : ''}at byte ${first.offset} is ${String(first.data?.['length'])} bytes, not a multiple of 8${issues.length > 1 ? ` (${issues.length} such entries)` : ''}: raft never writes that, so this file did not come from raft as it is.`,
        repairs: [
          "Find out which tool wrote or changed this file; compare its entries with another node's copy before trusting them.",
        ],
        data: { entries: issues.map((i) => ({ offset: i.offset, length: i.data?.['length'] })), firstIndex: index },
      }),
    );
  }
  return out;
}

export const rule: Rule = {
  code: 'RR029',
  name: 'unaligned-entry-length',
  severity: 'warning',
  summary:
    'An entry payload length is not a multiple of 8: raft never writes that, so another tool produced or changed the file.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
