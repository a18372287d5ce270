// raft-rescue as a library: the operations the commands run, each on inputs opened once, each
// returning the document its command's `--json` prints (without the envelope: no schemaVersion
// or command). u64 values (indexes, terms, node IDs) are decimal strings, as in the JSON. Errors
// are RaftRescueError subclasses with a stable `code` (E_USAGE, E_INPUT, E_REPAIR …).
//
//   const inputs = await openInputs(['case.tar.gz']);
//   try {
//     const { best } = await rank(inputs);
//     const plan = await planRepair(inputs, {});
//     if (plan.status === 'ready') await applyRepair(plan, { out: 'repaired', inputs });
//   } finally {
//     inputs.close();
//   }
export { openInputs, Inputs, type OpenInputsOptions, type ReadLevel } from './inputs.js';
export { inspect, type InspectDocument, type InspectNodeDocument } from './inspect.js';
export { rank, type RankDocument, type RankNodeDocument, type RankOptions } from './rank.js';
export { check, type CheckDocument, type CheckRequest, type EngineDocument, type FindingDocument } from './check.js';
export { dump, type DumpDocument, type DumpRequest } from './dump.js';
export { map, type MapDocument, type MapRequest, type MapRowDocument } from './map.js';
export { applyRepair, planRepair, type ApplyRepairOptions, type PlanRepairRequest } from './repair.js';
export type { Dec, InputNotesDocument, MemberDocument, RangeDocument, StartupDocument, VerdictDocument } from './documents/verdict.js';
export type { RepairPlan } from '../repair/types.js';
export type { ApplyResult } from '../repair/apply.js';
export { parseEngineName, ENGINE_NAMES } from '../analysis/engine/index.js';
export { Cancelled, InputError, InternalError, RaftRescueError, RepairError, UsageError } from '../core/errors.js';
export { VERSION } from '../core/version.js';
