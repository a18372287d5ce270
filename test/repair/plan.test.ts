// planRepair on the real sample sets: source choice, log layout, repairs, lost ranges, refusals.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSegmentBytes } from '../../src/format/segment.js';
import type { RepairPlan } from '../../src/repair/plan/types.js';
import * as damage from '../helpers/damage.js';
import { copySet, nodeDirs, planFor, tearOpenTail } from '../helpers/repair.js';
import { removeScratch } from '../helpers/repair.js';
import { sampleSet } from '../helpers/samples.js';

const sets: Record<string, string> = {};
beforeAll(async () => {
  for (const s of ['healthy', 'crash', 'lagging', 'past-snapshot']) sets[s] = await sampleSet(s);
});
afterAll(removeScratch);

const node = (set: string, port: number) => path.join(sets[set]!, `127.0.0.1:${port}`);
const kinds = (plan: RepairPlan) => plan.repairs.map((r) => r.kind);
const fileNames = (plan: RepairPlan) => plan.outputs[0]!.files.map((f) => f.name);

describe('planRepair on sample sets', () => {
  it('healthy: keeps the membership, copies the source\'s log and adds the configuration entry N = last + 1', async () => {
    const { result } = await planFor([sets['healthy']!]);
    const plan = result.plan;
    expect(plan.status).toBe('ready');
    expect(plan.planVersion).toBe(3);
    expect(plan.source!.name).toBe('127.0.0.1:9511');
    expect(plan.repairs).toEqual([]);
    expect(plan.lost).toEqual([]);
    expect(plan.configurationEntry).toMatchObject({ file: '0000000000002615-0000000000002615', index: '2615', term: '1' });
    expect(plan.configurationEntry!.servers.map((s) => s.raftRole)).toEqual([1, 1, 1]);
    expect(plan.target!.from).toBe('source-configuration');
    expect(plan.outputs.map((o) => [o.address, o.isSource, o.metadata])).toEqual([
      ['127.0.0.1:9511', true, 'kept'], ['127.0.0.1:9512', false, 'fresh'], ['127.0.0.1:9513', false, 'fresh'],
    ]);
    expect(plan.expected).toEqual({ startIndex: '1', lastIndex: '2615', lastTerm: '1', snapshotIndex: '2048' });
    expect(fileNames(plan)).toContain('snapshot-1-2048-256583');
    expect(fileNames(plan)).not.toContain('snapshot-1-1024-251139');
    // every input file is pinned by its digest
    const inputFiles = plan.inputs.nodes.flatMap((n) => n.files);
    expect(inputFiles.length).toBeGreaterThan(30);
    for (const f of inputFiles) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('healthy: the fresh metadata term is the highest term any input knows', async () => {
    const { result } = await planFor([sets['healthy']!]);
    expect(result.plan.metadata!.freshTerm).toBe('3');
    const meta = result.plan.outputs[1]!.files.find((f) => f.name === 'metadata1')!;
    expect(meta.from.kind).toBe('generated');
    const bytes = Buffer.from((meta.from as { base64: string }).base64, 'base64');
    expect([...bytes.subarray(0, 32)].map((b) => b.toString(16).padStart(2, '0')).join('')).toBe(
      '0100000000000000' + '0100000000000000' + '0300000000000000' + '0000000000000000',
    );
  });

  it('crash: open segments become closed segments named by their indexes', async () => {
    const { result } = await planFor([sets['crash']!]);
    const plan = result.plan;
    expect(plan.status).toBe('ready');
    expect(kinds(plan).every((k) => k === 'finalize-open-segment')).toBe(true);
    expect(fileNames(plan).some((n) => n.startsWith('open-'))).toBe(false);
    const finalized = plan.outputs[0]!.files.filter((f) => f.from.kind === 'truncated-copy');
    expect(finalized.length).toBeGreaterThan(0);
    expect(plan.configurationEntry!.index).toBe('2614');
  });

  it('lagging: the lagging node gets the best node\'s data', async () => {
    const { result } = await planFor([sets['lagging']!]);
    const plan = result.plan;
    expect(plan.source!.name).toBe('127.0.0.1:9531');
    const lagging = plan.outputs.find((o) => o.address === '127.0.0.1:9533')!;
    expect(lagging.metadata).toBe('fresh');
    expect(lagging.files.filter((f) => f.role === 'segment').map((f) => f.from)).toEqual(plan.outputs[0]!.files.filter((f) => f.role === 'segment').map((f) => f.from));
  });

  it('past-snapshot: fills 1025..2040 losslessly from the lagging node 9543, with a proof', async () => {
    const { result } = await planFor([sets['past-snapshot']!]);
    const plan = result.plan;
    expect(plan.status).toBe('ready');
    expect(plan.lost).toEqual([]);
    const fill = plan.repairs.find((r) => r.kind === 'fill-from-other-node')!;
    expect(fill.lossless).toBe(true);
    expect(fill.range).toEqual({ from: '1025', to: '2040' });
    const proof = fill.proofs![0]!;
    expect(proof.donor).toBe(node('past-snapshot', 9543));
    expect(proof.anchor).toEqual({ index: '2041', rule: 'same-entry', term: '1' });
    expect(proof.payloadsCompared).toBe(172); // 2041..2212: every index both logs hold
    expect(plan.log!.pieces.map((p) => [p.firstIndex, p.lastIndex])).toEqual([['1025', '1025'], ['1026', '2040'], ['2041', '2048'], ['2049', '3016']]);
    const donorFiles = plan.outputs[0]!.files.filter((f) => f.from.kind === 'entries');
    expect(donorFiles.map((f) => f.name)).toEqual(['0000000000001025-0000000000001025', '0000000000001026-0000000000002040']);
    expect(plan.expected).toMatchObject({ startIndex: '1025', lastIndex: '3017', snapshotIndex: '1024' });
  });

  it('past-snapshot without the lagging node: refused, and --allow-data-loss states the lost range', async () => {
    const two = [node('past-snapshot', 9541), node('past-snapshot', 9542)];
    const refused = (await planFor(two)).result.plan;
    expect(refused.status).toBe('refused');
    expect(refused.refusals.join(' ')).toMatch(/--allow-data-loss/);
    const lossy = (await planFor(two, { allowDataLoss: true })).result.plan;
    expect(lossy.status).toBe('ready');
    expect(lossy.lost).toEqual([expect.objectContaining({ kind: 'unfillable-hole', from: '1025', to: '3016', complete: true })]);
    expect(kinds(lossy)).toContain('drop-segments');
    expect(lossy.configurationEntry!.index).toBe('1025');
    expect(fileNames(lossy).filter((n) => /^\d{16}-/.test(n))).toEqual(['0000000000001025-0000000000001025']);
  });

  it('--source on a node that lacks entries another holds is refused without --force', async () => {
    const refused = (await planFor([sets['past-snapshot']!], { source: '127.0.0.1:9543' })).result.plan;
    expect(refused.status).toBe('refused');
    expect(refused.refusals[0]).toMatch(/unsafe.*--force/);
    const forced = (await planFor([sets['past-snapshot']!], { source: '127.0.0.1:9543', force: true })).result.plan;
    expect(forced.status).toBe('ready');
    expect(forced.source!.chosenBy).toBe('--source');
    expect(forced.lost).toEqual([expect.objectContaining({ kind: 'source-choice', from: '2213', to: '3016' })]);
    expect(forced.configurationEntry!.index).toBe('2213');
  });

  it('--source naming an equally up-to-date node needs no --force', async () => {
    const plan = (await planFor([sets['healthy']!], { source: '127.0.0.1:9513' })).result.plan;
    expect(plan.status).toBe('ready');
    expect(plan.outputs.find((o) => o.isSource)!.address).toBe('127.0.0.1:9513');
  });
});

describe('planRepair: identity, determinism', () => {
  it('carries identity files (TLS certificates) to the output node with the same ID, at its new address', async () => {
    const set = copySet(sets['healthy']!);
    const dir = path.join(set, '127.0.0.1:9513');
    damage.write(dir, 'cluster.crt', Buffer.from('-----BEGIN CERTIFICATE-----\n'));
    const target = [
      { id: '3297041220608546238', address: '127.0.0.1:9511', role: 0 },
      { id: '2585399981790450267', address: '127.0.0.1:9512', role: 0 },
      { id: '12577195336283858413', address: '127.0.0.1:9999', role: 0 },
    ].map((m) => `- Address: ${m.address}\n  ID: ${m.id}\n  Role: ${m.role}\n`).join('');
    const plan = (await planFor([set], {}, target)).result.plan;
    const moved = plan.outputs.find((o) => o.address === '127.0.0.1:9999')!;
    expect(moved.inputNode).toBe(dir);
    expect(moved.files.find((f) => f.name === 'cluster.crt')).toMatchObject({ role: 'identity', from: { kind: 'copy', node: dir, file: 'cluster.crt' } });
    expect(plan.outputs.filter((o) => o.files.some((f) => f.name === 'cluster.crt'))).toHaveLength(1);
    const info = moved.files.find((f) => f.name === 'info.yaml')!.from as { text: string };
    expect(info.text).toBe('ID: 12577195336283858413\nAddress: 127.0.0.1:9999\nRole: 0\n');
  });

  it('is deterministic: the same inputs give the same plan', async () => {
    const a = (await planFor([sets['past-snapshot']!])).result.plan;
    const b = (await planFor([sets['past-snapshot']!])).result.plan;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});

describe('planRepair on damaged copies', () => {
  it('zeros after a closed segment\'s last batch and a cut-short newest snapshot: both fixed without loss', async () => {
    const set = copySet(sets['healthy']!);
    for (const dir of nodeDirs(set)) {
      const snap = damage.snapshotsNewestFirst(dir)[0]!;
      damage.truncate(dir, snap, Math.floor(damage.read(dir, snap).length / 2));
      damage.append(dir, damage.closedSegments(dir).pop()!, new Uint8Array(4096));
    }
    const plan = (await planFor([set])).result.plan;
    expect(plan.status).toBe('ready');
    expect(kinds(plan)).toEqual(['drop-snapshot', 'truncate-trailing-zeros']);
    expect(plan.lost).toEqual([]);
    expect(plan.log!.snapshot!.index).toBe('1024');
    expect(plan.expected!.lastIndex).toBe('2615');
  });

  it('a torn open-segment tail is cut after the last good batch, and says so', async () => {
    const set = copySet(sets['crash']!);
    for (const dir of nodeDirs(set)) tearOpenTail(dir, decodeSegmentBytes);
    const plan = (await planFor([set])).result.plan;
    expect(plan.status).toBe('ready');
    const torn = plan.repairs.find((r) => r.kind === 'truncate-torn-tail')!;
    expect(torn.lossless).toBe(false);
    // The torn batch's header survived: its entry count bounds what is lost.
    expect(plan.lost).toEqual([expect.objectContaining({ kind: 'torn-tail', complete: false, from: '2614', to: '2614' })]);
  });

  it('a damaged last batch of the last closed segment needs --allow-data-loss', async () => {
    const set = copySet(sets['healthy']!);
    for (const dir of nodeDirs(set)) {
      const last = damage.closedSegments(dir).pop()!;
      const { batches } = damage.batchesOf(dir, last);
      damage.flip(dir, last, batches[batches.length - 1]!.end - 1);
    }
    const refused = (await planFor([set])).result.plan;
    expect(refused.status).toBe('refused');
    expect(refused.lost[0]).toMatchObject({ kind: 'damaged-tail', to: '2614', complete: true });
    const lossy = (await planFor([set], { allowDataLoss: true })).result.plan;
    expect(lossy.status).toBe('ready');
    expect(BigInt(lossy.expected!.lastIndex)).toBe(BigInt(lossy.lost[0]!.from));
  });
});
