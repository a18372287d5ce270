// Issue 10, critical class: a plan file is untrusted input. Every hostile edit of a real plan
// (plan-mutations.ts) is refused by `repair --plan`: exit 3, one line on stderr that names the bad
// field by its JSON path, nothing on stdout, no --out, and nothing anywhere else changed (every
// path, size, mtime and inode under the sandbox that holds the inputs, the plan and --out, and the
// absolute canary paths). The unedited plan applies (so the refusals come from the edits), and an
// edit that is consistent with a --cluster target is honoured as such, with a manifest that says so.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_NAME } from '../../src/repair/apply/apply.js';
import { copySet } from '../helpers/repair.js';
import { sampleSet } from '../helpers/samples.js';
import { runInProcess, type CliOutcome } from './cli-cases.js';
import { CANARIES, moveMember, PLAN_MUTATIONS, type Plan } from './plan-mutations.js';

let sandbox: string;
const sets = new Map<string, string>();
const plans = new Map<string, string>();

/** Every entry under `root`: path → type, size, mtime, inode (a write anywhere changes one). */
function tree(root: string, outParent?: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (p: string): void => {
    const st = fs.lstatSync(p);
    out.set(p, p === outParent ? 'the directory of --out' : `${st.mode}:${st.size}:${st.mtimeMs}:${st.ino}`);
    if (st.isDirectory()) for (const n of fs.readdirSync(p)) visit(path.join(p, n));
  };
  visit(root);
  return out;
}

beforeAll(async () => {
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-hostile-plans-'));
  for (const name of ['past-snapshot', 'crash']) {
    const set = copySet(await sampleSet(name));
    const inputs = path.join(sandbox, 'inputs', name);
    fs.mkdirSync(path.dirname(inputs), { recursive: true });
    fs.renameSync(set, inputs);
    sets.set(name, inputs);
    const planFile = path.join(sandbox, `${name}.plan.json`);
    const r = await runInProcess(['repair', inputs, '--out', path.join(sandbox, 'unused'), '--dry-run', '--plan-out', planFile]);
    expect(r.code, r.err).toBe(0);
    plans.set(name, fs.readFileSync(planFile, 'utf8'));
  }
}, 120_000);
afterAll(() => fs.rmSync(sandbox, { recursive: true, force: true }));

function oneLine(r: CliOutcome): string {
  const lines = r.err.split('\n').filter((l) => l.trim() !== '');
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(/^raft-rescue: /);
  return lines[0]!;
}

function writePlan(name: string, plan: Plan): string {
  const file = path.join(sandbox, 'plans', `${name.replace(/\W+/g, '-')}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(plan));
  return file;
}

describe('hostile plans are refused: exit 3, one line naming the field, nothing written anywhere', () => {
  it('has at least 30 distinct mutations, each naming a field', () => {
    expect(PLAN_MUTATIONS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(PLAN_MUTATIONS.map((m) => m.name)).size).toBe(PLAN_MUTATIONS.length);
  });

  it.each(PLAN_MUTATIONS.map((m) => [m.name, m] as const))('%s', async (_name, m) => {
    const plan = JSON.parse(plans.get(m.set)!);
    m.mutate(plan);
    const file = writePlan(m.name, plan);
    // --out in a directory of its own: the lock taken (and removed) beside --out changes that
    // directory's mtime, which is not a write outside --out; it must be empty afterwards.
    const outParent = path.join(sandbox, 'out-parent');
    fs.mkdirSync(outParent, { recursive: true });
    const out = path.join(outParent, 'out');
    const before = tree(sandbox, outParent);
    const r = await runInProcess(['repair', '--plan', file, '--out', out]);
    expect(r.code, r.err).toBe(3);
    const line = oneLine(r);
    if (typeof m.field === 'string') expect(line).toContain(` ${m.field}`);
    else expect(line).toMatch(m.field);
    expect(line).toContain(path.basename(file));
    expect(line).toMatch(m.stage === 'validate' ? /the plan is refused/ : /raft-rescue plans .* for these inputs/);
    expect(r.out).toBe('');
    expect(fs.readdirSync(outParent)).toEqual([]);
    expect(tree(sandbox, outParent)).toEqual(before);
    for (const c of CANARIES) expect(fs.existsSync(c), c).toBe(false);
  });
});

describe('plans that are what raft-rescue plans', () => {
  it('the unedited plan applies (exit 0)', async () => {
    const out = path.join(sandbox, 'applied');
    const r = await runInProcess(['repair', '--plan', writePlan('unedited', JSON.parse(plans.get('past-snapshot')!)), '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['127.0.0.1:9541', '127.0.0.1:9542', '127.0.0.1:9543', MANIFEST_NAME]);
    fs.rmSync(out, { recursive: true });
  });

  it('a member moved consistently, as a --cluster target, is honoured as such; the manifest says so', async () => {
    const plan = JSON.parse(plans.get('past-snapshot')!);
    moveMember(plan, 0, '10.0.0.9:9001');
    const target = path.join(sandbox, 'target.yaml');
    Object.assign(plan.options, { cluster: target });
    Object.assign(plan.target, { from: 'cluster-file', file: target });
    plan.target.members[0].previousAddress = '127.0.0.1:9541';
    const out = path.join(sandbox, 'moved');
    const r = await runInProcess(['repair', '--plan', writePlan('moved', plan), '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['10.0.0.9:9001', '127.0.0.1:9542', '127.0.0.1:9543', MANIFEST_NAME]);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, MANIFEST_NAME), 'utf8'));
    expect(manifest.plan.target.members[0].address).toBe('10.0.0.9:9001');
    expect(manifest.plan.configurationEntry).toEqual(plan.configurationEntry);
    fs.rmSync(out, { recursive: true });
  });

  it('edited warnings are not repeated: the output and manifest carry the re-made plan\'s', async () => {
    const plan = JSON.parse(plans.get('past-snapshot')!);
    plan.warnings = ['all good, trust me'];
    const out = path.join(sandbox, 'warned');
    const r = await runInProcess(['repair', '--plan', writePlan('warned', plan), '--out', out, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).plan.warnings).toEqual([]);
    expect(JSON.parse(fs.readFileSync(path.join(out, MANIFEST_NAME), 'utf8')).plan.warnings).toEqual([]);
    fs.rmSync(out, { recursive: true });
  });
});
