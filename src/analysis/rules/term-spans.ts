// A log as runs of equal terms, so that two logs of millions of entries compare in time
// proportional to their term changes: entries are walked with number positions, and a bigint is
// made only where the term changes. Used by the log-matching and misindexing rules.
import type { LoadedRun, LogView } from '../loader/index.js';

export interface TermSpan {
  readonly from: bigint;
  readonly to: bigint;
  readonly term: bigint;
}

/** Term spans of one run of entries. */
export function runSpans(run: LoadedRun): TermSpan[] {
  const out: TermSpan[] = [];
  let pos = 0;
  let start = 0;
  let term: bigint | undefined;
  const push = (end: number): void => {
    if (term !== undefined) out.push({ from: run.firstIndex + BigInt(start), to: run.firstIndex + BigInt(end), term });
  };
  const table = run.record.decoded.batches;
  const end = Math.min(run.count, table.entriesBefore(run.batches));
  for (; pos < end; pos++) {
    const t = table.term(pos);
    if (t !== term) {
      push(pos - 1);
      term = t;
      start = pos;
    }
  }
  push(pos - 1);
  return out;
}

/** Term spans of a log, in index order; later runs win where runs overlap; the snapshot counts at its index. */
export function termSpans(view: LogView): TermSpan[] {
  const out: TermSpan[] = [];
  for (const run of view.runs) {
    const spans = runSpans(run);
    const first = spans[0];
    if (!first) continue;
    while (out.length > 0 && out[out.length - 1]!.to >= first.from) {
      const last = out.pop()!;
      if (last.from < first.from) {
        out.push({ ...last, to: first.from - 1n });
        break;
      }
    }
    out.push(...spans);
  }
  const snap = view.snapshot;
  if (snap && !out.some((s) => s.from <= snap.index && snap.index <= s.to)) {
    const at = out.findIndex((s) => s.from > snap.index);
    out.splice(at < 0 ? out.length : at, 0, { from: snap.index, to: snap.index, term: snap.term });
  }
  return out;
}

/** Whether the log's entries cover every index in [from, to]. */
export function covers(view: LogView, from: bigint, to: bigint): boolean {
  let next = from;
  for (const r of [...view.runs].sort((a, b) =>
    a.firstIndex < b.firstIndex ? -1 : a.firstIndex > b.firstIndex ? 1 : 0,
  )) {
    const last = r.firstIndex + BigInt(r.count) - 1n;
    if (r.count > 0 && r.firstIndex <= next && last >= next) next = last + 1n;
    if (next > to) return true;
  }
  return next > to;
}

export interface SpanComparison {
  /** Indexes both logs hold. */
  readonly common: bigint;
  /** Of those, how many carry different terms. */
  readonly differing: bigint;
  readonly firstDivergent?: bigint;
  /** First index after a divergence where the terms agree again (a true log-matching violation). */
  readonly reconverged?: bigint;
  readonly termsAtDivergence?: readonly [bigint, bigint];
}

/** Merge walk over two span lists. */
export function compareSpans(a: readonly TermSpan[], b: readonly TermSpan[]): SpanComparison {
  let i = 0;
  let j = 0;
  let common = 0n;
  let differing = 0n;
  let firstDivergent: bigint | undefined;
  let reconverged: bigint | undefined;
  let terms: [bigint, bigint] | undefined;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const lo = x.from > y.from ? x.from : y.from;
    const hi = x.to < y.to ? x.to : y.to;
    if (lo <= hi) {
      common += hi - lo + 1n;
      if (x.term !== y.term) {
        differing += hi - lo + 1n;
        if (firstDivergent === undefined) {
          firstDivergent = lo;
          terms = [x.term, y.term];
        }
      } else if (firstDivergent !== undefined && reconverged === undefined) {
        reconverged = lo;
      }
    }
    if (x.to < y.to) i++;
    else j++;
  }
  return {
    common,
    differing,
    ...(firstDivergent !== undefined ? { firstDivergent, termsAtDivergence: terms } : {}),
    ...(reconverged !== undefined ? { reconverged } : {}),
  };
}
