// `raft-rescue repair` in-process: exit codes (0 written or dry run, 2 usage/input, 3 refused or
// failed), --dry-run writes nothing, --plan-out / --plan round trip, --json.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { copySet, removeScratch, scratch, targetYaml } from '../helpers/repair.js';
import { sampleSet } from '../helpers/samples.js';

async function cli(args: string[]) {
  const io = memoryIo();
  const code = await run(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

let pastSnapshot = '';
let healthy = '';
beforeAll(async () => {
  pastSnapshot = await sampleSet('past-snapshot');
  healthy = await sampleSet('healthy');
});
afterAll(removeScratch);

describe('raft-rescue repair', () => {
  it('--dry-run prints the plan and writes nothing (exit 0)', async () => {
    const out = path.join(scratch(), 'out');
    const r = await cli(['repair', pastSnapshot, '--out', out, '--dry-run']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/READY/);
    expect(r.out).toMatch(/fill-from-other-node: entries 1025\.\.2040/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('--plan-out then --plan applies the reviewed plan; a second apply refuses the non-empty --out (exit 3)', async () => {
    const dir = scratch();
    const planFile = path.join(dir, 'plan.json');
    const out = path.join(dir, 'out');
    const made = await cli(['repair', pastSnapshot, '--out', out, '--dry-run', '--plan-out', planFile]);
    expect(made.code).toBe(0);
    const plan = JSON.parse(fs.readFileSync(planFile, 'utf8'));
    expect(plan.planVersion).toBe(3);
    expect(plan.inputs.args).toEqual([pastSnapshot]);
    const applied = await cli(['repair', '--plan', planFile, '--out', out]);
    expect(applied.code, applied.err).toBe(0);
    expect(applied.out).toMatch(/Wrote \d+ files/);
    expect(fs.readdirSync(out).sort()).toEqual(['127.0.0.1:9541', '127.0.0.1:9542', '127.0.0.1:9543', 'raft-rescue-manifest.json']);
    const again = await cli(['repair', '--plan', planFile, '--out', out]);
    expect(again.code).toBe(3);
    expect(again.err).toMatch(/not empty/);
  });

  it('a saved plan finds inputs that were moved since by their content, and still refuses changed ones', async () => {
    const set = copySet(healthy);
    const dir = scratch();
    const planFile = path.join(dir, 'plan.json');
    expect((await cli(['repair', set, '--out', path.join(dir, 'unused'), '--dry-run', '--plan-out', planFile])).code).toBe(0);
    const moved = path.join(scratch(), 'moved-here');
    fs.renameSync(set, moved);
    const out = path.join(dir, 'out');
    const applied = await cli(['repair', '--plan', planFile, '--out', out, moved]);
    expect(applied.code, applied.err).toBe(0);
    expect(fs.readdirSync(out).filter((n) => n.startsWith('127.'))).toHaveLength(3);
    fs.appendFileSync(path.join(moved, '127.0.0.1:9512', 'metadata2'), 'x');
    const refused = await cli(['repair', '--plan', planFile, '--out', path.join(dir, 'out2'), moved]);
    expect(refused.code).toBe(3);
    expect(refused.err).toMatch(/127\.0\.0\.1:9512 is missing: no input node holds its \d+ files unchanged/);
  });

  it('a saved plan is refused when an input changed (exit 3)', async () => {
    const set = copySet(healthy);
    const dir = scratch();
    const planFile = path.join(dir, 'plan.json');
    expect((await cli(['repair', set, '--out', path.join(dir, 'out'), '--dry-run', '--plan-out', planFile])).code).toBe(0);
    fs.appendFileSync(path.join(set, '127.0.0.1:9513', 'metadata1'), 'x');
    const r = await cli(['repair', '--plan', planFile, '--out', path.join(dir, 'out')]);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/inputs changed/);
  });

  it('a refused repair prints the plan and exits 3 without writing', async () => {
    const out = path.join(scratch(), 'out');
    const r = await cli(['repair', path.join(pastSnapshot, '127.0.0.1:9541'), path.join(pastSnapshot, '127.0.0.1:9542'), '--out', out]);
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/REFUSED/);
    expect(r.err).toMatch(/repair refused/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('usage and input errors exit 2: missing --out, missing or invalid --cluster file, unknown --source', async () => {
    const dir = scratch();
    expect((await cli(['repair', healthy])).code).toBe(2);
    expect((await cli(['repair', healthy, '--out', path.join(dir, 'o'), '--cluster', path.join(dir, 'none.yaml')])).code).toBe(2);
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, targetYaml([{ id: 0, address: '127.0.0.1:1', role: 0 }]));
    const r = await cli(['repair', healthy, '--out', path.join(dir, 'o'), '--cluster', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ID 0/);
    expect((await cli(['repair', healthy, '--out', path.join(dir, 'o'), '--source', 'nobody'])).code).toBe(2);
    expect(fs.existsSync(path.join(dir, 'o'))).toBe(false);
  });

  it('--json writes one document with the plan and what was written', async () => {
    const out = path.join(scratch(), 'out.tar.gz');
    const r = await cli(['repair', healthy, '--out', out, '--json']);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.command).toBe('repair');
    expect(doc.plan.status).toBe('ready');
    expect(doc.plan.configurationEntry.servers[2].id).toBe('12577195336283858413');
    expect(doc.result.format).toBe('tar.gz');
    expect(doc.result.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
  });
});
