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
export { inspect, type InspectDocument, type InspectNodeDocument, type InspectRequest } from './inspect.js';
export { rank, type RankDocument, type RankNodeDocument, type RankOptions } from './rank.js';
export { check, type CheckDocument, type CheckRequest, type EngineDocument, type FindingDocument } from './check.js';
export { dump, type DumpDocument, type DumpRequest } from './dump.js';
export { map, type MapDocument, type MapRequest, type MapRowDocument } from './map.js';
export { applyRepair, planRepair, repairNextSteps, type ApplyRepairOptions, type PlanRepairRequest } from './repair.js';
export {
  dbList,
  dbQuery,
  type DbListDocument,
  type DbQueryDocument,
  type DbQueryRequest,
  type DbRequest,
} from './db.js';
export { dbExport, type DbExportDocument, type DbExportRequest } from './db-export.js';
export { dbDiff, type DbDiffRequest } from './db-diff.js';
export type { DbDiffDocument } from './documents/db-diff.js';
export type { SqlValueDocument } from './documents/db.js';
export type { NextStep, NextSteps } from '../repair/plan/product/next-steps.js';
export type {
  Dec,
  InputNotesDocument,
  MemberDocument,
  RangeDocument,
  StartupDocument,
  VerdictDocument,
} from './documents/verdict.js';
export type { PlanLostData, RepairPlan } from '../repair/plan/types.js';
export type { ApplyResult } from '../repair/apply/apply.js';
export { parseEngineName, ENGINE_NAMES } from '../analysis/engine/index.js';
export { Cancelled, InputError, InternalError, RaftRescueError, RepairError, UsageError } from '../core/errors.js';
export { VERSION } from '../core/version.js';
