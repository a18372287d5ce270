// The lossless fix for a log with holes ("closed segment … is past last snapshot", a damaged
// middle segment): take the missing entries from another node's log, but only after proving
// that they are the entries the source lost.
//
// The proof rests on raft's Log Matching property: two logs holding an entry with the same index
// and term are identical up to that index. For a donor range lo..hi the anchor is index hi+1 of
// the log being built: either the donor holds that very entry (same term, identical payload
// bytes), or the donor's entry at hi has the anchor's term; then, because a term has one leader
// and a leader never changes its own entries, the source accepted hi+1 on top of exactly the
// donor's entry at hi. On top of the anchor, every index both logs hold at or below it is
// compared: the same term, and byte-identical payloads where both hold an entry.
import { formatClosedSegmentName } from '../../format/file-names.js';
import type { NodeIndex, SegmentRecord } from '../../scan/node-index.js';
import type { PayloadReader } from '../../scan/payloads.js';
import type { LogEntryRef, LogView } from '../loader/log-view.js';
import { runLast, type Hole, type SourceLog } from './source-log.js';
import type { FillProof, RecoveryStep } from './types.js';

export interface Donor {
  readonly node: NodeIndex;
  readonly view: LogView;
}

/** Entries lo..hi of one donor segment file, re-encoded into a new closed segment. */
export interface DonorPiece {
  readonly donor: Donor;
  readonly file: string;
  readonly record: SegmentRecord;
  readonly firstIndex: bigint;
  readonly lastIndex: bigint;
  readonly firstPosition: number;
}

interface Placed {
  readonly donor: Donor;
  readonly from: bigint;
  readonly to: bigint;
}

/** The log being built: the source's entries plus donor ranges placed so far. */
class Assembled {
  constructor(
    readonly source: Donor,
    readonly placed: Placed[] = [],
  ) {}

  holder(i: bigint): Donor | undefined {
    const p = this.placed.find((x) => i >= x.from && i <= x.to);
    if (p) return p.donor;
    return this.source.view.entryAt(i) ? this.source : undefined;
  }

  entryAt(i: bigint): { donor: Donor; ref: LogEntryRef } | undefined {
    const d = this.holder(i);
    const ref = d?.view.entryAt(i);
    return d && ref ? { donor: d, ref } : undefined;
  }

  termAt(i: bigint): bigint | undefined {
    return this.entryAt(i)?.ref.term ?? this.source.view.termAt(i);
  }

  ranges(): Hole[] {
    const rs = this.source.view.runs.map((r) => ({ from: r.firstIndex, to: runLast(r) }));
    return [...rs, ...this.placed.map((p) => ({ from: p.from, to: p.to }))];
  }
}

type Proof = { ok: true; proof: FillProof } | { ok: false; why: string };

function samePayload(
  reader: PayloadReader,
  a: { donor: Donor; ref: LogEntryRef },
  b: { donor: Donor; ref: LogEntryRef },
): boolean {
  if (a.ref.entry.length !== b.ref.entry.length || a.ref.type !== b.ref.type) return false;
  const x = reader.payload(a.donor.node, a.ref.file, a.ref.entry);
  const y = reader.payload(b.donor.node, b.ref.file, b.ref.entry);
  return (
    Buffer.compare(Buffer.from(x.buffer, x.byteOffset, x.length), Buffer.from(y.buffer, y.byteOffset, y.length)) === 0
  );
}

function intersect(a: readonly Hole[], b: readonly Hole[], max: bigint): Hole[] {
  // max: the donor's last index (everything both hold is compared).
  const out: Hole[] = [];
  for (const x of a) {
    for (const y of b) {
      const from = x.from > y.from ? x.from : y.from;
      let to = x.to < y.to ? x.to : y.to;
      if (to > max) to = max;
      if (from <= to) out.push({ from, to });
    }
  }
  return out;
}

function checkAnchor(
  d: Donor,
  hi: bigint,
  base: Assembled,
  reader: PayloadReader,
): { rule: 'same-entry' | 'same-term'; term: bigint } | string {
  const anchor = base.entryAt(hi + 1n);
  if (!anchor) return `no entry at ${hi + 1n} to anchor the range`;
  const own = d.view.entryAt(hi + 1n);
  if (own) {
    if (own.term !== anchor.ref.term)
      return `its entry ${hi + 1n} has term ${own.term}, the kept log's has term ${anchor.ref.term}`;
    if (!samePayload(reader, { donor: d, ref: own }, anchor))
      return `its entry ${hi + 1n} differs in payload bytes from the kept log's`;
    return { rule: 'same-entry', term: anchor.ref.term };
  }
  const t = d.view.termAt(hi);
  if (t !== anchor.ref.term)
    return `its entry ${hi} has term ${String(t)} but the kept log's entry ${hi + 1n} has term ${anchor.ref.term}, so nothing ties them together`;
  return { rule: 'same-term', term: anchor.ref.term };
}

interface Tally {
  terms: number;
  payloads: number;
  bytes: number;
  divergesFrom?: bigint;
}

/** Compares every index both logs hold: a mismatch at or below the anchor refutes the donor. */
function compareOverlap(
  d: Donor,
  base: Assembled,
  anchor: bigint,
  reader: PayloadReader,
  t: Tally,
): string | undefined {
  const mine = d.view.runs.map((r) => ({ from: r.firstIndex, to: runLast(r) }));
  for (const r of intersect(mine, base.ranges(), d.view.lastIndex)) {
    for (let i = r.from; i <= r.to; i++) {
      const a = d.view.entryAt(i);
      const b = base.entryAt(i);
      // A segment read by name only (rank's first, cheap read): its entries are unknown, so this
      // donor cannot be proven yet; rank reads both nodes in full before it relies on the answer.
      if (!a || !b) return `entry ${i} was not read (its segment was read by name only)`;
      const same = a.term === b.ref.term && samePayload(reader, { donor: d, ref: a }, b);
      if (!same && i <= anchor) {
        return a.term !== b.ref.term
          ? `at index ${i} its term is ${a.term}, the kept log's is ${b.ref.term}`
          : `entry ${i} has different payload bytes`;
      }
      if (!same) {
        // Past the anchor a donor may hold a deposed leader's entries: irrelevant to lo..hi.
        t.divergesFrom = i;
        return undefined;
      }
      t.terms++;
      t.payloads++;
      t.bytes += a.entry.length;
    }
  }
  return undefined;
}

/** Proves that the donor's entries lo..hi are the ones the kept log lacks. */
export function prove(d: Donor, lo: bigint, hi: bigint, base: Assembled, reader: PayloadReader): Proof {
  const anchor = checkAnchor(d, hi, base, reader);
  if (typeof anchor === 'string') return { ok: false, why: anchor };
  const t: Tally = { terms: 0, payloads: 0, bytes: 0 };
  for (const snap of [d.view.snapshot?.index, base.source.view.snapshot?.index]) {
    if (snap === undefined || snap > hi + 1n) continue;
    const [x, y] = [d.view.termAt(snap), base.termAt(snap)];
    if (x !== undefined && y !== undefined) {
      if (x !== y) return { ok: false, why: `at index ${snap} its term is ${x}, the kept log's is ${y}` };
      t.terms++;
    }
  }
  const bad = compareOverlap(d, base, hi + 1n, reader, t);
  if (bad) return { ok: false, why: bad };
  const proof: FillProof = {
    donor: d.node.displayPath,
    range: { from: lo, to: hi },
    anchor: { index: hi + 1n, rule: anchor.rule, term: anchor.term },
    termsCompared: t.terms,
    payloadsCompared: t.payloads,
    bytesCompared: t.bytes,
    ...(t.divergesFrom === undefined ? {} : { divergesFrom: t.divergesFrom }),
  };
  return { ok: true, proof };
}

function covers(d: Donor, lo: bigint, hi: bigint): boolean {
  for (let i = lo; i <= hi; i++) if (!d.view.entryAt(i)) return false;
  return true;
}

/** Splits a donor range at segment-file boundaries. */
function piecesOf(d: Donor, lo: bigint, hi: bigint): DonorPiece[] {
  const out: DonorPiece[] = [];
  let cur: { file: string; record: SegmentRecord; first: bigint; pos: number; last: bigint } | undefined;
  const flush = (): void => {
    if (!cur) return;
    const { file, record, first, last, pos } = cur;
    out.push({ donor: d, file, record, firstIndex: first, lastIndex: last, firstPosition: pos });
  };
  for (let i = lo; i <= hi; i++) {
    const ref = d.view.entryAt(i)!;
    const run = d.view.runs.find((r) => r.file === ref.file)!;
    if (cur && cur.file === ref.file && cur.pos + Number(i - cur.first) === ref.position) {
      cur.last = i;
      continue;
    }
    flush();
    cur = { file: ref.file, record: run.record, first: i, pos: ref.position, last: i };
  }
  flush();
  return out;
}

export interface HoleFill {
  readonly hole: Hole;
  readonly pieces: readonly DonorPiece[];
  readonly proofs: readonly FillProof[];
  /** Donors that were tried and could not be proven, with why. */
  readonly rejected: readonly string[];
  /** The nodes behind `rejected`. */
  readonly rejectedNodes: readonly NodeIndex[];
  /** Part of the hole no donor could fill (the whole fill is then unusable). */
  readonly unfilled?: Hole;
  /**
   * Donors that hold part of an unfilled range in a segment read by name only (a log-tail scan):
   * their entries are unknown, so the fill is undecided until they are read.
   */
  readonly unread?: readonly NodeIndex[];
}

/** Donors with a segment read by name only that overlaps lo..hi. */
function unreadDonors(donors: readonly Donor[], lo: bigint, hi: bigint): NodeIndex[] {
  return donors
    .filter((d) => d.view.runs.some((r) => r.record.depth === 'name' && r.firstIndex <= hi && runLast(r) >= lo))
    .map((d) => d.node);
}

function fillOne(source: Donor, h: Hole, donors: readonly Donor[], reader: PayloadReader): HoleFill {
  const rejected: string[] = [];
  const rejectedNodes = new Set<NodeIndex>();
  for (const d of donors) {
    if (!covers(d, h.from, h.to)) continue;
    const p = prove(d, h.from, h.to, new Assembled(source), reader);
    if (p.ok)
      return {
        hole: h,
        pieces: piecesOf(d, h.from, h.to),
        proofs: [p.proof],
        rejected,
        rejectedNodes: [...rejectedNodes],
      };
    rejected.push(`${d.node.name}: ${p.why}`);
    rejectedNodes.add(d.node);
  }
  const base = new Assembled(source);
  const proofs: FillProof[] = [];
  let hi = h.to;
  while (hi >= h.from) {
    let placed: Placed | undefined;
    for (const d of donors) {
      if (!d.view.entryAt(hi)) continue;
      let lo = hi;
      while (lo > h.from && d.view.entryAt(lo - 1n)) lo--;
      const p = prove(d, lo, hi, base, reader);
      if (!p.ok) {
        rejected.push(`${d.node.name} (${lo}..${hi}): ${p.why}`);
        rejectedNodes.add(d.node);
        continue;
      }
      placed = { donor: d, from: lo, to: hi };
      proofs.unshift(p.proof);
      break;
    }
    if (!placed) {
      const unread = unreadDonors(donors, h.from, hi);
      return {
        hole: h,
        pieces: [],
        proofs: [],
        rejected,
        rejectedNodes: [...rejectedNodes],
        unfilled: { from: h.from, to: hi },
        ...(unread.length ? { unread } : {}),
      };
    }
    base.placed.push(placed);
    hi = placed.from - 1n;
  }
  const pieces = [...base.placed].reverse().flatMap((p) => piecesOf(p.donor, p.from, p.to));
  return { hole: h, pieces, proofs, rejected, rejectedNodes: [...rejectedNodes] };
}

/** Tries to fill every hole of the source's log from the donors (best ranked first). */
export function fillHoles(src: SourceLog, donors: readonly Donor[], reader: PayloadReader): HoleFill[] {
  const source: Donor = { node: src.node, view: src.view };
  return src.holes.map((h) => fillOne(source, h, donors, reader));
}

/** The repair step of a filled hole: which donors, and what was compared to prove them. */
export function fillStep(f: HoleFill, node: string): RecoveryStep {
  const donors = [...new Set(f.pieces.map((p) => p.donor.node.name))];
  const checks = f.proofs.map(
    (p) =>
      `${p.termsCompared} terms and ${p.payloadsCompared} payloads (${p.bytesCompared} bytes) compared, ` +
      `anchored at ${p.anchor.index} (${p.anchor.rule === 'same-entry' ? 'the donor holds the same entry' : "same term as the donor's previous entry"})`,
  );
  return {
    kind: 'fill-from-other-node',
    lossless: true,
    node,
    files: f.pieces.map((p) => formatClosedSegmentName(p.firstIndex, p.lastIndex)),
    range: f.hole,
    description:
      `entries ${f.hole.from}..${f.hole.to} are missing on the source; they are re-encoded from ${donors.join(' and ')} ` +
      `after proving the logs agree: ${checks.join('; ')}`,
    proofs: f.proofs,
  };
}
