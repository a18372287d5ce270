// applyPlan: writes what the plan says, checks the output with the loader simulation, refuses
// changed inputs and unsafe targets, never touches an input, leaves nothing half-written.
import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictStartup } from '../../src/analysis/loader/index.js';
import { RepairError } from '../../src/core/errors.js';
import { applyPlan, MANIFEST_NAME } from '../../src/repair/apply/apply.js';
import type { RepairPlan } from '../../src/repair/plan/types.js';
import { buildNodeIndex } from '../../src/scan/build-node-index.js';
import { digestNodes, sha256File } from '../../src/scan/digest.js';
import type { ScanProgress } from '../../src/scan/scan-inputs.js';
import { copySet, planFor, repairTo, scan, scratch } from '../helpers/repair.js';
import { removeScratch } from '../helpers/repair.js';
import { sampleSet } from '../helpers/samples.js';

let pastSnapshot = '';
let healthy = '';
beforeAll(async () => {
  pastSnapshot = await sampleSet('past-snapshot');
  healthy = await sampleSet('healthy');
});
afterAll(removeScratch);

function listTree(root: string): string[] {
  return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())
    .map((d) => path.relative(root, path.join(d.parentPath, d.name))).sort();
}

async function inputDigests(set: string): Promise<string> {
  const nodes = await scan([set]);
  return JSON.stringify([...(await digestNodes(nodes))].map(([k, v]) => [k, [...v.values()]]));
}

describe('applyPlan', () => {
  it('reports every phase to the end: re-hashing the inputs, writing, checking the output', async () => {
    const { nodes, result } = await planFor([healthy]);
    const seen: ScanProgress[] = [];
    await applyPlan(result.plan, nodes, { out: path.join(scratch(), 'out'), force: false, onProgress: (p) => seen.push(p) });
    const phases = ['checking inputs of', 'writing', 'checking output'];
    const phaseOf = (p: ScanProgress): string => p.phase!;
    expect([...new Set(seen.map(phaseOf))]).toEqual(phases);
    for (const phase of phases) {
      const mine = seen.filter((p) => phaseOf(p) === phase);
      const last = mine[mine.length - 1]!;
      expect(last.filesDone, phase).toBe(last.filesTotal);
      expect(last.bytesDone, phase).toBe(last.bytesTotal);
      expect(last.bytesTotal, phase).toBeGreaterThan(1_000_000);
    }
    const written = seen.filter((p) => phaseOf(p) === 'writing');
    expect(written[written.length - 1]!.filesTotal).toBe(result.plan.outputs.reduce((n, o) => n + o.files.length, 0));
  });

  it('writes the past-snapshot repair; every node starts with the planned log; the inputs are untouched', async () => {
    const before = await inputDigests(pastSnapshot);
    const out = path.join(scratch(), 'out');
    const { plan, result } = await repairTo([pastSnapshot], out);
    expect(await inputDigests(pastSnapshot)).toBe(before);
    expect(result.format).toBe('directory');
    expect(result.checks.every((c) => c.ok)).toBe(true);
    for (const o of plan.result.plan.outputs) {
      const p = predictStartup(buildNodeIndex(path.join(out, o.address)));
      expect(p.ok).toBe(true);
      expect([p.log!.startIndex, p.log!.lastIndex, p.log!.lastTerm]).toEqual([1025n, 3017n, 1n]);
      expect(p.log!.configuration!.map((s) => s.address)).toEqual(['127.0.0.1:9541', '127.0.0.1:9542', '127.0.0.1:9543']);
    }
  });

  it('writes a manifest with every file, its size and sha256, and the plan', async () => {
    const out = path.join(scratch(), 'out');
    const { plan } = await repairTo([healthy], out);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, MANIFEST_NAME), 'utf8'));
    expect(manifest.manifestVersion).toBe(1);
    expect(manifest.plan).toEqual(JSON.parse(JSON.stringify(plan.result.plan)));
    const files = listTree(out).filter((f) => f !== MANIFEST_NAME);
    expect(manifest.files.map((f: { path: string }) => f.path).sort()).toEqual(files);
    for (const f of manifest.files) {
      const d = sha256File(path.join(out, f.path));
      expect([d.size, d.sha256]).toEqual([f.size, f.sha256]);
    }
  });

  it('writes the same set as a .tar.gz', async () => {
    const dir = scratch();
    const { result } = await repairTo([healthy], path.join(dir, 'set.tar.gz'));
    expect(result.format).toBe('tar.gz');
    expect(fs.readdirSync(dir)).toEqual(['set.tar.gz']); // no temp files left beside it
    const x = scratch();
    await tar.x({ file: path.join(dir, 'set.tar.gz'), cwd: x });
    expect(listTree(x)).toContain(MANIFEST_NAME);
    const manifest = JSON.parse(fs.readFileSync(path.join(x, MANIFEST_NAME), 'utf8'));
    for (const f of manifest.files) expect(sha256File(path.join(x, f.path)).sha256).toBe(f.sha256);
    for (const o of ['127.0.0.1:9511', '127.0.0.1:9512', '127.0.0.1:9513']) {
      expect(predictStartup(buildNodeIndex(path.join(x, o))).log!.lastIndex).toBe(2615n);
    }
  });

  it('refuses a plan whose inputs changed since it was made', async () => {
    const set = copySet(healthy);
    const { nodes, result } = await planFor([set]);
    fs.appendFileSync(path.join(set, '127.0.0.1:9512', 'info.yaml'), '# edited\n');
    const out = path.join(scratch(), 'out');
    await expect(applyPlan(result.plan, nodes, { out, force: false })).rejects.toThrow(/inputs changed.*9512\/info\.yaml changed/s);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('refuses a refused plan, and a non-empty --out unless --force (which moves it aside)', async () => {
    const { nodes, result } = await planFor([healthy]);
    const refused: RepairPlan = { ...result.plan, status: 'refused', refusals: ['no'] };
    const parent = scratch();
    await expect(applyPlan(refused, nodes, { out: path.join(parent, 'o'), force: false })).rejects.toBeInstanceOf(RepairError);
    const busy = path.join(parent, 'busy');
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, 'keep-me'), 'x');
    await expect(applyPlan(result.plan, nodes, { out: busy, force: false })).rejects.toThrow(/not empty/);
    const r = await applyPlan(result.plan, nodes, { out: busy, force: true });
    expect(r.replaced).toBe(`${busy}.replaced-1`);
    expect(fs.readFileSync(path.join(`${busy}.replaced-1`, 'keep-me'), 'utf8')).toBe('x');
  });

  it('never writes into, over or around its inputs', async () => {
    const set = copySet(healthy); // a copy: should the check ever fail, the shared sample stays clean
    const { nodes, result } = await planFor([set]);
    for (const out of [path.join(set, 'inside'), path.join(set, '127.0.0.1:9511', 'x'), set, path.dirname(set)]) {
      await expect(applyPlan(result.plan, nodes, { out, force: true })).rejects.toThrow(/overlaps the input/);
    }
    expect(fs.readdirSync(set).sort()).toEqual(['127.0.0.1:9511', '127.0.0.1:9512', '127.0.0.1:9513', 'expect.json']);
  });

  it('fails loudly, and publishes nothing, when the output would not start as planned', async () => {
    const { nodes, result } = await planFor([healthy]);
    const wrong: RepairPlan = { ...result.plan, expected: { ...result.plan.expected!, lastIndex: '9999' } };
    const parent = scratch();
    await expect(applyPlan(wrong, nodes, { out: path.join(parent, 'out'), force: false })).rejects.toThrow(/would not start as planned.*last index would be 2615, the plan says 9999/s);
    expect(fs.readdirSync(parent)).toEqual([]);
  });
});
