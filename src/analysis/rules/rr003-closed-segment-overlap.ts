// RR003: two closed segments whose name ranges overlap (a crash between uvSegmentTruncate writing
// `first-(i-1)` and unlinking the old file, or a re-bootstrap writing `1-1` next to `1-774`).
// uvSegmentInfoCompare ("s2.first > s1.end ? -1 : 1") is then inconsistent, so the order qsort
// leaves — and with it what start-up loads or refuses — depends on the sort (format-spec §9 item 7).
import type { SegmentRecord } from '../../scan/node-index.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { goodEntries } from './segment-facts.js';
import { entriesSpan, finding, plural, span } from './util.js';

interface Overlap {
  readonly from: bigint;
  readonly to: bigint;
  readonly compared: number;
  readonly differing: number;
}

/** Compares the terms both files hold for [from, to] (entries past a file's first failure are not compared). */
function compare(a: SegmentRecord, b: SegmentRecord, from: bigint, to: bigint): Overlap {
  const ea = goodEntries(a);
  const eb = goodEntries(b);
  const offA = Number(from - a.firstIndex!);
  const offB = Number(from - b.firstIndex!);
  const n = Number(to - from + 1n);
  let compared = 0;
  let differing = 0;
  for (let k = 0; k < n; k++) {
    const x = ea[offA + k];
    const y = eb[offB + k];
    if (!x || !y) continue;
    compared++;
    if (x.term !== y.term) differing++;
  }
  return { from, to, compared, differing };
}

function outcome(facts: NodeFacts): string {
  const p = facts.prediction;
  if (p.ok) return `with glibc's qsort the engine starts with ${entriesSpan(p.log!.startIndex, p.log!.lastIndex)}`;
  return p.error
    ? `with glibc's qsort the engine fails: "${p.error}"`
    : `with glibc's qsort the engine ${p.outcome === 'hang' ? 'hangs' : 'crashes'}`;
}

function repairs(a: SegmentRecord, b: SegmentRecord, o: Overlap): string[] {
  if (o.differing > 0) {
    return [
      `The files disagree on ${plural(o.differing, 'index')} in ${span(o.from, o.to)}: keep the one whose terms match the other nodes (see RR026) and move the other aside.`,
    ];
  }
  const inner =
    b.lastIndex! <= a.lastIndex! ? b : a.firstIndex! >= b.firstIndex! && a.lastIndex! <= b.lastIndex! ? a : undefined;
  if (inner)
    return [
      `Lossless: move ${inner.name} aside; every entry in it is also in ${inner === b ? a.name : b.name} with the same term.`,
    ];
  return [
    `Lossless: rewrite ${b.name} without its first ${plural(o.to - o.from + 1n, 'entry')} (they are also in ${a.name} with the same terms).`,
  ];
}

function check(facts: NodeFacts): Finding[] {
  const closed = facts.node.segments.filter(
    (s) =>
      s.kind === 'closed' && s.firstIndex !== undefined && s.lastIndex !== undefined && s.lastIndex >= s.firstIndex,
  );
  const out: Finding[] = [];
  for (let i = 0; i < closed.length; i++) {
    for (let j = i + 1; j < closed.length && closed[j]!.firstIndex! <= closed[i]!.lastIndex!; j++) {
      const a = closed[i]!;
      const b = closed[j]!;
      const to = a.lastIndex! < b.lastIndex! ? a.lastIndex! : b.lastIndex!;
      const o = compare(a, b, b.firstIndex!, to);
      out.push(
        finding(rule, facts.node.name, {
          file: b.name,
          message: `closed segments ${a.name} and ${b.name} both claim ${entriesSpan(o.from, o.to)}${o.differing > 0 ? ` (with different terms at ${plural(o.differing, 'index')})` : ''}: raft sorts them with an inconsistent comparator, so what loads depends on the sort order; ${outcome(facts)}.`,
          repairs: repairs(a, b, o),
          data: {
            segments: [a.name, b.name],
            overlapFrom: o.from,
            overlapTo: o.to,
            compared: o.compared,
            differingTerms: o.differing,
          },
        }),
      );
    }
  }
  return out;
}

export const rule: Rule = {
  code: 'RR003',
  name: 'closed-segment-overlap',
  severity: 'error',
  summary:
    "Two closed segments claim the same indexes; raft's segment sort is then inconsistent and the outcome depends on the order.",
  check: (ctx) => ctx.nodes.flatMap(check),
};
