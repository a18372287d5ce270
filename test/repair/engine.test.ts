// Repair per engine: the recovery entry's term as the output's engine writes it, the snapshot in a
// form that engine reads (a raw snapshot becomes an LZ4 frame for dqlite ≥ 1.18.3; --convert-
// snapshots lz4|raw), the output checked with that engine's simulation, plans that say when the
// set would not start on another engine, and saved plans that re-plan equal.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { decodeSegmentBytes } from '../../src/format/segment.js';
import { decompressLz4Frame } from '../../src/format/lz4-verify.js';
import { isLz4Frame, walkLz4Frame } from '../../src/format/lz4-frame.js';
import { applyPlan } from '../../src/repair/apply/apply.js';
import { validatePlan } from '../../src/repair/plan/plan-validate.js';
import type { RepairPlan } from '../../src/repair/plan/types.js';
import { withLastBatchTerm, withRawNewestSnapshots } from '../helpers/engine-sets.js';
import { snapshotsNewestFirst } from '../helpers/damage.js';
import { nodeDirs, planFor, removeScratch, repairTo, scratch } from '../helpers/repair.js';
import { sampleSet } from '../helpers/samples.js';

afterAll(removeScratch);

let healthy = '';
let term2 = '';
let raw = '';
beforeAll(async () => {
  healthy = await sampleSet('healthy');
  term2 = withLastBatchTerm(healthy, 2n);
  raw = withRawNewestSnapshots(healthy);
});

const roundTrip = (p: RepairPlan): unknown => JSON.parse(JSON.stringify(p));
const snapshotFile = (p: RepairPlan) => p.outputs[0]!.files.find((f) => f.role === 'snapshot')!;

async function cli(args: string[]) {
  const io = memoryIo({ COLUMNS: '1000' }); // content, not layout: lines unwrapped
  const code = await run(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe('the recovery entry\'s term, as the output\'s engine writes it', () => {
  it('cowsql-1.15: the last log term; dqlite-1.18 and dqlite-1.11: 1; auto: the engine the inputs show', async () => {
    const plans = Object.fromEntries(await Promise.all(['cowsql-1.15', 'dqlite-1.18', 'dqlite-1.11', 'auto'].map(async (engine) =>
      [engine, (await planFor([term2], { engine })).result.plan] as const)));
    expect(plans['cowsql-1.15']!.configurationEntry).toMatchObject({ term: '2', termRule: expect.stringMatching(/^term 2, the last entry's .* as cowsql-1\.15 writes it/) });
    expect(plans['cowsql-1.15']!.expected!.lastTerm).toBe('2');
    expect(plans['cowsql-1.15']!.engine).toMatchObject({ name: 'cowsql-1.15', source: 'flag', evidence: [], snapshotForm: null });
    for (const e of ['dqlite-1.18', 'dqlite-1.11', 'auto']) {
      expect(plans[e]!.configurationEntry!.term, e).toBe('1');
      expect(plans[e]!.expected!.lastTerm, e).toBe('1');
    }
    expect(plans['auto']!.engine).toMatchObject({ name: 'dqlite-1.11', source: 'evidence' });
    expect(plans['dqlite-1.18']!.engine.snapshotForm).toBe('lz4'); // the samples' snapshots are LZ4 already: nothing converted
    expect(snapshotFile(plans['dqlite-1.18']!).from.kind).toBe('copy');
    for (const p of Object.values(plans)) expect(() => validatePlan(roundTrip(p))).not.toThrow();
  });

  it('the written entry has that term and the output passes that engine\'s loader check', async () => {
    const out = path.join(scratch(), 'out');
    const { plan, result } = await repairTo([term2], out, { engine: 'cowsql-1.15' });
    const entry = plan.result.plan.configurationEntry!;
    const bytes = fs.readFileSync(path.join(out, plan.result.plan.outputs[0]!.address, entry.file));
    expect(decodeSegmentBytes(bytes).batches.term(0)).toBe(2n);
    expect(result.checks.map((c) => [c.ok, c.lastTerm])).toEqual([[true, '2'], [true, '2'], [true, '2']]);
  });
});

describe('snapshots in a form the engine reads', () => {
  it('a raw (cowsql-written) snapshot becomes an LZ4 frame for dqlite-1.18, and stays raw for cowsql', async () => {
    const auto = (await planFor([raw])).result.plan;
    expect(auto.engine).toMatchObject({ name: 'cowsql-1.15', source: 'evidence', snapshotForm: null });
    expect(snapshotFile(auto).from.kind).toBe('copy');
    expect(auto.warnings.join('\n')).not.toMatch(/LZ4/);
    const dq = (await planFor([raw], { engine: 'dqlite-1.18' })).result.plan;
    expect(dq.status).toBe('ready');
    expect(dq.engine.snapshotForm).toBe('lz4');
    const snap = snapshotFile(dq);
    expect(snap.from).toMatchObject({ kind: 'converted-snapshot', to: 'lz4', file: snap.name });
    expect(snap.sha256).toBeNull();
    expect(dq.repairs.find((r) => r.kind === 'convert-snapshot')).toMatchObject({
      lossless: true, files: [snap.name], description: expect.stringMatching(/raw data .*written as an LZ4 frame.*dqlite-1\.18 reads snapshots only as LZ4 frames/),
    });
    const warnings = dq.warnings.join('\n');
    expect(warnings).toMatch(/the inputs look written by cowsql-1\.15 \(.*uncompressed newest snapshot.*\); the output is for dqlite-1\.18/);
    expect(warnings).toMatch(/is written as an LZ4 frame: an engine built without LZ4 .* "LZ4 not available"; --convert-snapshots raw/);
    expect(warnings).toMatch(/carries a WAL image .*dqlite 1\.18\.3–1\.18\.4 abort restoring it/);
    expect(() => validatePlan(roundTrip(dq))).not.toThrow();
  });

  it('applying it writes a stored-block LZ4 frame of the same content, checked with dqlite-1.18\'s loader', async () => {
    const out = path.join(scratch(), 'out');
    const { plan, result } = await repairTo([raw], out, { engine: 'dqlite-1.18' });
    const snap = snapshotFile(plan.result.plan);
    const source = plan.result.plan.source!.node;
    const input = fs.readFileSync(path.join(source, snap.name));
    expect(isLz4Frame(input)).toBe(false);
    for (const o of plan.result.plan.outputs) {
      const written = fs.readFileSync(path.join(out, o.address, snap.name));
      expect(written.length).toBe(snap.size);
      expect(walkLz4Frame(written)).toMatchObject({ compressed: true, contentSize: BigInt(input.length), issues: [] });
      expect(Buffer.from(decompressLz4Frame(written).data!).equals(input)).toBe(true);
    }
    expect(result.checks.every((c) => c.ok)).toBe(true);
  });

  it('--convert-snapshots raw: an LZ4 snapshot written raw, checked as the engine built without LZ4', async () => {
    const out = path.join(scratch(), 'out');
    const { plan, result } = await repairTo([healthy], out, { convertSnapshots: 'raw' });
    const p = plan.result.plan;
    expect(p.engine).toMatchObject({ name: 'dqlite-1.11', snapshotForm: 'raw' });
    expect(p.engine.notes[0]).toMatch(/as built without LZ4/);
    const snap = snapshotFile(p);
    expect(snap.from).toMatchObject({ kind: 'converted-snapshot', to: 'raw' });
    expect(p.warnings.join('\n')).toMatch(/is raw data in the output: dqlite 1\.18\.3–1\.18\.6 built with LZ4 \(their default\) cannot start the set/);
    const input = decompressLz4Frame(fs.readFileSync(path.join(p.source!.node, snap.name))).data!;
    expect(Buffer.from(fs.readFileSync(path.join(out, p.outputs[0]!.address, snap.name))).equals(Buffer.from(input))).toBe(true);
    expect(result.checks.every((c) => c.ok)).toBe(true);
  });

  it('an edited plan that asks for raw snapshots but copies the LZ4 one fails the output check (nothing published)', async () => {
    const { nodes, result } = await planFor([healthy]);
    const plan = roundTrip(result.plan) as { options: { convertSnapshots: string }; engine: { snapshotForm: string } };
    plan.options.convertSnapshots = 'raw';
    plan.engine.snapshotForm = 'raw';
    const checked = validatePlan(plan);
    const out = path.join(scratch(), 'out');
    await expect(applyPlan(checked, nodes, { out, force: false })).rejects.toThrow(/would not start .*LZ4 not available/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('an input snapshot changed after planning (same size) is refused while it is converted', async () => {
    const set = withRawNewestSnapshots(healthy);
    const { nodes, result } = await planFor([set], { engine: 'dqlite-1.18' });
    const snap = snapshotFile(result.plan);
    for (const dir of nodeDirs(set)) {
      const file = path.join(dir, snapshotsNewestFirst(dir)[0]!);
      const bytes = fs.readFileSync(file);
      bytes[bytes.length - 1] ^= 0xff;
      fs.writeFileSync(file, bytes);
    }
    expect(snap.from.kind).toBe('converted-snapshot');
    await expect(applyPlan(result.plan, nodes, { out: path.join(scratch(), 'out'), force: false }))
      .rejects.toMatchObject({ code: 'E_INPUTS_CHANGED' });
  });
});

describe('repair --engine and --convert-snapshots on the command line', () => {
  it('a saved plan for dqlite-1.18 with a converted snapshot is re-planned equal and applied', async () => {
    const dir = scratch();
    const planFile = path.join(dir, 'plan.json');
    const made = await cli(['repair', '--engine', 'dqlite-1.18', '--dry-run', '--plan-out', planFile, '--out', path.join(dir, 'x'), raw]);
    expect(made.code, made.err).toBe(0);
    expect(made.out).toMatch(/^For dqlite-1\.18 \(the engine named\), configuration entry term 1, snapshot written as an LZ4 frame\.$/m);
    expect(made.out).toMatch(/converted to an LZ4 frame/);
    const saved = JSON.parse(fs.readFileSync(planFile, 'utf8')) as RepairPlan;
    expect(saved.options).toMatchObject({ engine: 'dqlite-1.18', convertSnapshots: null });
    const applied = await cli(['repair', '--plan', planFile, '--out', path.join(dir, 'out'), '--json']);
    expect(applied.code, applied.err).toBe(0);
    expect(JSON.parse(applied.out).plan.engine.name).toBe('dqlite-1.18');
  });

  it('--engine and --convert-snapshots belong to making a plan, not to --plan; a bad form is exit 2', async () => {
    const dir = scratch();
    const planFile = path.join(dir, 'plan.json');
    expect((await cli(['repair', '--dry-run', '--plan-out', planFile, '--out', path.join(dir, 'x'), healthy])).code).toBe(0);
    for (const extra of [['--engine', 'cowsql-1.15'], ['--convert-snapshots', 'raw']]) {
      const r = await cli(['repair', '--plan', planFile, '--out', path.join(dir, 'y'), ...extra]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--engine, --convert-snapshots and --plan-out belong to making one/);
    }
    expect((await cli(['repair', '--dry-run', '--convert-snapshots', 'zstd', '--out', path.join(dir, 'z'), healthy])).code).toBe(2);
  });
});
