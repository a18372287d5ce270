// The log part of a plan: the files that hold the repaired log (analysis/recovery/assemble.ts
// decided what goes into it) and the plan's JSON form of its steps, losses and proofs (u64 as
// decimal strings).
import type { Recovery } from '../../analysis/recovery/assemble.js';
import type { FillProof, IndexRange, LostEntries, RecoveryStep } from '../../analysis/recovery/types.js';
import type { InputDigests } from '../../scan/digest.js';
import { pieceFile, runFile } from './log-files.js';
import { lostDataDocument } from './lost-data-document.js';
import type { IndexRange as PlanRange, PlanLost, PlanProof, PlanRepair, PlannedFile } from './types.js';

/** The files holding the repaired log, in index order. */
export function logFiles(r: Recovery, digests: InputDigests): PlannedFile[] {
  return r.pieces.map((p) =>
    p.kind === 'run' ? runFile(r.source.node, p.run, p.outcome.treatment, digests) : pieceFile(p.piece),
  );
}

const range = (r: IndexRange): PlanRange => ({ from: r.from.toString(), to: r.to.toString() });

function planProof(p: FillProof): PlanProof {
  return {
    donor: p.donor,
    range: range(p.range),
    anchor: { index: p.anchor.index.toString(), rule: p.anchor.rule, term: p.anchor.term.toString() },
    termsCompared: p.termsCompared,
    payloadsCompared: p.payloadsCompared,
    bytesCompared: p.bytesCompared,
    ...(p.divergesFrom === undefined ? {} : { divergesFrom: p.divergesFrom.toString() }),
  };
}

export function planRepairOf(s: RecoveryStep): PlanRepair {
  return {
    kind: s.kind,
    lossless: s.lossless,
    description: s.description,
    ...(s.node === undefined ? {} : { node: s.node }),
    ...(s.files === undefined ? {} : { files: s.files }),
    ...(s.range === undefined ? {} : { range: range(s.range) }),
    ...(s.proofs === undefined ? {} : { proofs: s.proofs.map(planProof) }),
  };
}

export function planLostOf(l: LostEntries): PlanLost {
  const to = l.to === undefined ? null : l.to.toString();
  const data = l.data ? lostDataDocument(l.data) : null;
  return { kind: l.kind, from: l.from.toString(), to, reason: l.reason, complete: l.complete, data };
}
