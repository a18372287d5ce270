// The rows a --source choice loses: when the chosen node keeps less than the best node, the plan's
// source-choice entry says what the best node's extra entries change, row by row. Both logs are
// rebuilt (each as a repair would build it, at its last index) and compared in SQLite; this is
// the one part of a plan that needs SQLite, so it runs after planRepair, here, for the plan made
// from the inputs and for the one re-made to check a saved plan alike.
import { recoveryDbLog } from '../../analysis/db/db-log.js';
import { comparedLoss } from '../../analysis/db/lost-data.js';
import type { PayloadReader } from '../../scan/payloads.js';
import { snapshotContentReader } from '../../scan/snapshot-content.js';
import { lostDataDocument } from './lost-data-document.js';
import type { PlanResult } from './plan.js';
import type { RepairPlan } from './types.js';

/** The plan with its source-choice entries' data filled in (the plan itself when there are none). */
export async function withSourceChoiceRows(result: PlanResult, payloads: PayloadReader): Promise<RepairPlan> {
  const { plan, sourceChoice } = result;
  if (!sourceChoice || !plan.lost.some((l) => l.kind === 'source-choice' && l.data === null)) return plan;
  const kept = { log: recoveryDbLog(sourceChoice.kept), index: sourceChoice.kept.lastIndex };
  const dropped = { log: recoveryDbLog(sourceChoice.dropped), index: sourceChoice.dropped.lastIndex };
  const sources = { payloads, snapshots: snapshotContentReader };
  const lost = [];
  for (const l of plan.lost) {
    if (l.kind !== 'source-choice' || l.data !== null || l.to === null) {
      lost.push(l);
      continue;
    }
    const range = { from: BigInt(l.from), to: BigInt(l.to) };
    const data = await comparedLoss(kept, dropped, range, sources, sourceChoice.rules);
    lost.push({ ...l, data: lostDataDocument(data) });
  }
  return { ...plan, lost };
}
