// A plan's lost ranges say what they mean for the data: a --source that keeps less than the best
// node gets the rows it loses (compared in SQLite, against expect.json here), a hole no node fills
// or a damaged or torn tail what can be read of it; the data survives a saved plan's validation
// and its re-plan, and an edited `data` is refused like any other edited claim.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toJson } from '../../src/core/u64.js';
import { RepairError } from '../../src/core/errors.js';
import { decodeSegmentBytes } from '../../src/format/segment.js';
import { validatePlan } from '../../src/repair/plan/plan-validate.js';
import type { RepairPlan } from '../../src/repair/plan/types.js';
import { openInputs } from '../../src/workflows/inputs.js';
import { planRepair, replaySavedPlan } from '../../src/workflows/repair.js';
import * as damage from '../helpers/damage.js';
import { heldLogOf, materialize, modelOf, scanSet } from '../helpers/db.js';
import { copySet, nodeDirs, tearOpenTail } from '../helpers/repair.js';
import { sampleSet } from '../helpers/samples.js';

async function plan(paths: string[], request: Parameters<typeof planRepair>[1]): Promise<RepairPlan> {
  const inputs = await openInputs(paths, { workers: 0 });
  try {
    return await planRepair(inputs, request);
  } finally {
    inputs.close();
  }
}

async function replay(saved: RepairPlan, paths: string[]): Promise<RepairPlan> {
  const inputs = await openInputs(paths, { workers: 0 });
  try {
    return await replaySavedPlan(saved, 'plan.json', inputs);
  } finally {
    inputs.close();
  }
}

const roundTrip = (p: RepairPlan): RepairPlan => validatePlan(JSON.parse(toJson(p)));

describe('lost data in repair plans', () => {
  let lagging = '';
  beforeAll(async () => {
    lagging = await sampleSet('lagging');
  });

  it('--source on the lagging node: the rows it loses, compared against the best node\'s data', async () => {
    const forced = await plan([lagging], { source: '127.0.0.1:9533', force: true });
    expect(forced.status).toBe('ready');
    const lost = forced.lost.find((l) => l.kind === 'source-choice')!;
    const expected = JSON.parse(fs.readFileSync(path.join(lagging, 'expect.json'), 'utf8')) as Record<string, string>;
    const node3 = scanSet(lagging).find((n) => n.name === '127.0.0.1:9533')!;
    const old = (await modelOf(materialize(heldLogOf(node3)))).model;
    const updated = Object.keys(expected).filter((k) => k in old && old[k] !== expected[k]).length;
    const inserted = Object.keys(expected).filter((k) => !(k in old)).length;
    expect(lost.data).toMatchObject({
      rows: 'compared', readable: [{ from: lost.from, to: lost.to }], unreadable: [], problem: null,
      compared: { keptIndex: String(BigInt(lost.from) - 1n), droppedIndex: lost.to, droppedLog: 'repair from 127.0.0.1:9531' },
      databases: [{ name: 'demo', tables: [{ table: 'model', inserted: String(inserted), updated: String(updated), deleted: '0' }] }],
    });
    expect(lost.data!.transactions).toBeGreaterThan(1000);
    expect(lost.data!.words).toMatch(/^\d+ transactions touching table model \(\d+ rows: .*\) of database demo$/);
    // A saved plan validates and is re-made equal, data included; an edited count is refused.
    const saved = roundTrip(forced);
    expect((await replay(saved, [lagging])).lost).toEqual(forced.lost);
    const edited = roundTrip(forced);
    (edited.lost[0]!.data!.databases[0]!.tables![0]! as { updated: string }).updated = '1';
    await expect(replay(edited, [lagging])).rejects.toThrow(RepairError);
    await expect(replay(edited, [lagging])).rejects.toThrow(/lost\[0\]\.data\.databases\[0\]\.tables\[0\]\.updated/);
  });

  it('a damaged last batch: the entry the source cannot read, and nothing readable after it', async () => {
    const set = copySet(await sampleSet('healthy'));
    for (const dir of nodeDirs(set)) {
      const last = damage.closedSegments(dir).pop()!;
      const { batches } = damage.batchesOf(dir, last);
      damage.flip(dir, last, batches[batches.length - 1]!.end - 1);
    }
    const lossy = await plan([set], { allowDataLoss: true });
    expect(lossy.lost[0]).toMatchObject({
      kind: 'damaged-tail',
      data: { rows: 'unknown', readable: [], unreadable: [{ from: lossy.lost[0]!.from, to: '2614' }], transactions: 0 },
    });
    expect(lossy.lost[0]!.data!.words).toMatch(/^the source's log does not hold entr(y|ies) [\d-]+ readable, so what/);
    expect(roundTrip(lossy).lost).toEqual(lossy.lost);
  });

  it('a torn open-segment tail: unreadable, its count as the torn batch\'s header gives it', async () => {
    const set = copySet(await sampleSet('crash'));
    for (const dir of nodeDirs(set)) tearOpenTail(dir, decodeSegmentBytes);
    const p = await plan([set], {});
    expect(p.lost).toEqual([expect.objectContaining({
      kind: 'torn-tail', complete: false,
      data: expect.objectContaining({ rows: 'unknown', unreadable: [{ from: '2614', to: '2614' }], readable: [] }),
    })]);
  });
});
