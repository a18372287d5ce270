// validatePlan accepts every plan the planner makes (all sample sets, with and without options)
// and refuses what the planner never makes; applyPlan validates plans handed to it in-process.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RepairError } from '../../src/core/errors.js';
import { applyPlan } from '../../src/repair/apply/apply.js';
import { firstDifference } from '../../src/repair/plan/json-shape.js';
import { ALLOWED_FILE_MODES, plainNameProblem } from '../../src/repair/plan/plan-schema.js';
import { validatePlan } from '../../src/repair/plan/plan-validate.js';
import { PLAN_VERSION } from '../../src/repair/plan/types.js';
import { planFor, removeScratch, scratch, targetYaml } from '../helpers/repair.js';
import { sampleSet, SAMPLE_SETS } from '../helpers/samples.js';

afterAll(removeScratch);

const roundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('validatePlan accepts what the planner makes', () => {
  it.each(SAMPLE_SETS.map((s) => [s]))('%s: default, --allow-data-loss, --source + --force', async (name) => {
    const set = await sampleSet(name);
    for (const options of [{}, { allowDataLoss: true }, { source: path.join(set, '127.0.0.1:95' + ({ healthy: '13', crash: '23', lagging: '33', 'past-snapshot': '43' } as const)[name]), force: true }]) {
      const { result } = await planFor([set], options);
      expect(() => validatePlan(roundTrip(result.plan)), `${name} ${JSON.stringify(options)}`).not.toThrow();
    }
  });

  it('a --cluster target with a new member and a moved one', async () => {
    const set = await sampleSet('healthy');
    const target = targetYaml([
      { id: '3297041220608546238', address: '10.1.1.1:9001', role: 'voter' },
      { id: '2585399981790450267', address: '127.0.0.1:9512', role: 'stand-by' },
      { id: '77', address: '127.0.0.1:9599', role: 'spare' },
    ]);
    const { result } = await planFor([set], { cluster: 'target.yaml' }, target);
    expect(result.plan.target?.from).toBe('cluster-file');
    expect(() => validatePlan(roundTrip(result.plan))).not.toThrow();
  });

  it('a refused plan (a lost range without --allow-data-loss) is a valid refused plan', async () => {
    const set = await sampleSet('past-snapshot');
    const { result } = await planFor([path.join(set, '127.0.0.1:9541'), path.join(set, '127.0.0.1:9542')]);
    expect(result.plan.status).toBe('refused');
    expect(() => validatePlan(roundTrip(result.plan))).not.toThrow();
  });
});

describe('validatePlan refuses', () => {
  it('names the field and says the plan is refused (RepairError, exit 3)', async () => {
    const { result } = await planFor([await sampleSet('healthy')]);
    const plan = roundTrip(result.plan) as unknown as { outputs: { files: { name: string }[] }[] };
    plan.outputs[2]!.files[3]!.name = '../x';
    expect(() => validatePlan(plan, 'p.json')).toThrow(RepairError);
    expect(() => validatePlan(plan, 'p.json')).toThrow(/^p\.json: outputs\[2\]\.files\[3\]\.name: "\.\.\/x" is a path/);
  });

  it('JSON that is not an object, and objects with missing fields', () => {
    expect(() => validatePlan([1, 2])).toThrow(/must be an object, not an array/);
    expect(() => validatePlan({ planVersion: PLAN_VERSION })).toThrow(/tool: is missing/);
  });

  it('applyPlan validates a plan handed to it in-process, before it writes anything', async () => {
    const { nodes, result } = await planFor([await sampleSet('healthy')]);
    const plan = roundTrip(result.plan) as unknown as { outputs: { files: { mode: number }[] }[] };
    plan.outputs[0]!.files[0]!.mode = 0o4755;
    const parent = scratch();
    await expect(applyPlan(plan as never, nodes, { out: path.join(parent, 'out'), force: false })).rejects.toThrow(/outputs\[0\]\.files\[0\]\.mode: mode 04755 is not allowed/);
    expect(fs.readdirSync(parent)).toEqual([]);
  });
});

describe('building blocks', () => {
  it('plain file names: no /, ., .., NUL, control characters, at most 255 bytes', () => {
    for (const ok of ['metadata1', 'cluster.crt', '127.0.0.1:9001', 'ü'.repeat(127)]) expect(plainNameProblem(ok), ok).toBeUndefined();
    for (const bad of ['', '.', '..', 'a/b', '/a', 'a\0b', 'a\nb', 'a\u001bb', 'a\u0085b', 'ü'.repeat(128)]) expect(plainNameProblem(bad), bad).toBeDefined();
  });

  it('the allowed modes are exactly what raft-rescue writes: 0600', () => {
    expect(ALLOWED_FILE_MODES).toEqual([0o600]);
  });

  it('firstDifference reports the first differing JSON path', () => {
    expect(firstDifference({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toEqual({ at: 'a[1].b', left: 2, right: 3 });
    expect(firstDifference({ a: [1] }, { a: [1, 2] })).toEqual({ at: 'a[1]', left: undefined, right: 2 });
    expect(firstDifference({ a: 1 }, { a: 1, z: null })).toEqual({ at: 'z', left: undefined, right: null });
    expect(firstDifference({ a: [1, 'x'] }, { a: [1, 'x'] })).toBeUndefined();
  });
});
