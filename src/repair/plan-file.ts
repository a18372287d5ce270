// Plan and target files on disk: `--plan-out` writes the plan (JSON, u64 as decimal strings),
// `--plan` reads one back and checks its shape before anything trusts it, `--cluster` reads the
// target membership's text.
import fs from 'node:fs';
import { UsageError } from '../core/errors.js';
import { toJson } from '../core/u64.js';
import { PLAN_VERSION, type RepairPlan } from './types.js';

export function writePlanFile(file: string, plan: RepairPlan): void {
  const fd = fs.openSync(file, 'w', 0o644);
  try {
    fs.writeSync(fd, `${toJson(plan)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

export function readTargetFile(file: string): string {
  return readText(file, 'the target membership');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function shapeProblems(v: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (v['planVersion'] !== PLAN_VERSION) problems.push(`planVersion is ${JSON.stringify(v['planVersion'])}, this tool reads ${PLAN_VERSION}`);
  if (v['status'] !== 'ready' && v['status'] !== 'refused') problems.push('status is missing');
  const inputs = v['inputs'];
  if (!isObject(inputs) || !Array.isArray(inputs['args']) || !Array.isArray(inputs['nodes'])) problems.push('inputs are missing');
  if (!Array.isArray(v['outputs'])) problems.push('outputs are missing');
  for (const o of Array.isArray(v['outputs']) ? v['outputs'] : []) {
    if (!isObject(o) || typeof o['address'] !== 'string' || !Array.isArray(o['files'])) problems.push('an output node is malformed');
  }
  return problems;
}

/** Reads a plan written by --plan-out; UsageError when it is not one. */
export function readPlanFile(file: string): RepairPlan {
  const text = readText(file, 'the plan');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(value)) throw new UsageError(`${file} is not a repair plan`);
  const problems = shapeProblems(value);
  if (problems.length) throw new UsageError(`${file} is not a usable repair plan: ${problems.join('; ')}`);
  return value as unknown as RepairPlan;
}
