// `repair` against the real engine (required in CI): for every scenario the output set must come
// up as a real cluster holding every committed key (lab.mjs verify), the new configuration
// segment must be accepted by libraft 0.15 and match what `dqlite .reconfigure` writes (padding
// aside), and a running cluster must report the target roles.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSegmentBytes } from '../../src/format/segment.js';
import { formatClusterYaml } from '../../src/format/node-yaml.js';
import type { RepairPlan } from '../../src/repair/plan/types.js';
import { clusterRoles } from '../helpers/cluster-roles.js';
import { raftLoad } from '../helpers/engine.js';
import { engineAvailable, makeCluster, nextPortBase, verifyCluster } from '../helpers/lab.js';
import * as damage from '../helpers/damage.js';
import { copySet, nodeDirs, removeScratch, repairTo, scratch, tearOpenTail, targetYaml } from '../helpers/repair.js';
import { sampleSet } from '../helpers/samples.js';

const exec = promisify(execFile);
const live = engineAvailable();
const T = 180_000;
const summary: string[] = [];

/** The ID and address of every node of a set, from info.yaml. */
function infos(set: string): { id: bigint; address: string }[] {
  return nodeDirs(set).map((d) => {
    const text = fs.readFileSync(path.join(d, 'info.yaml'), 'utf8');
    return { id: BigInt(/ID:\s*(\d+)/.exec(text)![1]!), address: /Address:\s*(\S+)/.exec(text)![1]! };
  });
}

/** `dqlite .reconfigure` on a copy of the output source node without our entry: same file? */
async function compareWithReconfigure(out: string, plan: RepairPlan): Promise<void> {
  const entry = plan.configurationEntry!;
  const node = plan.outputs.find((o) => o.isSource) ?? plan.outputs[0]!;
  const copy = path.join(scratch(), 'node');
  fs.cpSync(path.join(out, node.address), copy, { recursive: true });
  const ours = fs.readFileSync(path.join(copy, entry.file));
  fs.rmSync(path.join(copy, entry.file));
  const yamlFile = path.join(path.dirname(copy), 'target.yaml');
  fs.writeFileSync(yamlFile, formatClusterYaml(plan.target!.members.map((m) => ({ id: BigInt(m.id), address: m.address, role: m.role }))));
  const { stdout } = await exec('dqlite', ['-s', '127.0.0.1:1', 'x', `.reconfigure ${copy} ${yamlFile}`], { timeout: 60_000 });
  expect(stdout.trim()).toBe('OK');
  const theirs = fs.readFileSync(path.join(copy, entry.file));
  expect(theirs.length).toBe(ours.length);
  const [a, b] = [decodeSegmentBytes(ours).batches.batch(0), decodeSegmentBytes(theirs).batches.batch(0)];
  expect(b.entries.map((e) => [e.term, e.type, e.length])).toEqual(a.entries.map((e) => [e.term, e.type, e.length]));
  expect(theirs.subarray(0, 12)).toEqual(ours.subarray(0, 12)); // format word and header checksum
  const used = 40 + (Buffer.from(entry.payloadBase64, 'base64').length - 8); // the padding is C's stale heap bytes
  expect(theirs.subarray(40, used)).toEqual(ours.subarray(40, used));
}

interface Scenario {
  readonly name: string;
  readonly inputs: string[];
  readonly expect: string;
  readonly target?: string;
  readonly roles?: boolean;
}

async function runScenario(s: Scenario): Promise<RepairPlan> {
  const out = path.join(scratch(), 'out');
  const { plan } = await repairTo(s.inputs, out, {}, s.target);
  const p = plan.result.plan;
  for (const o of p.outputs) {
    const loaded = raftLoad(path.join(out, o.address));
    expect(loaded.ok, `${o.address}: ${loaded.error}`).toBe(true);
    expect([loaded.lastIndex, loaded.lastTerm]).toEqual([p.expected!.lastIndex, '1']);
  }
  await compareWithReconfigure(out, p);
  const v = await verifyCluster(out, s.expect);
  const keys = Object.keys(JSON.parse(fs.readFileSync(s.expect, 'utf8'))).length;
  summary.push(`${s.name}: ${keys} keys expected; ${v.output.trim().split('\n').pop()}`);
  expect(v.pass, v.output).toBe(true);
  if (s.roles) {
    const roles = await clusterRoles(out);
    const want = p.target!.members.map((m) => [BigInt(m.id), m.address, m.roleName]);
    expect(roles.map((r) => [r.id, r.address, r.role])).toEqual(want);
  }
  return p;
}

describe.runIf(live)('repair output starts as a real cluster with every key', () => {
  let healthy = '';
  let crashed = '';
  let lagging = '';
  let five = '';
  beforeAll(async () => {
    [healthy, crashed, lagging, five] = await Promise.all([
      makeCluster({ writes: 400, stop: 'term' }),
      makeCluster({ writes: 400, stop: 'kill' }),
      makeCluster({ writes: 400, stop: 'term', lagNode: 2, lagAfter: 150 }),
      makeCluster({ nodes: 5, writes: 300, stop: 'term' }),
    ]);
  });
  afterAll(() => {
    console.log(`repair interop, keys per scenario:\n  ${summary.join('\n  ')}`);
    removeScratch();
    for (const d of [healthy, crashed, lagging, five]) if (d) fs.rmSync(path.dirname(d), { recursive: true, force: true });
  });

  it('healthy cluster, membership kept (B.1)', async () => {
    await runScenario({ name: 'healthy', inputs: [healthy], expect: path.join(healthy, 'expect.json'), roles: true });
  }, T);

  it('why non-source nodes get fresh metadata: without it the bootstrap node re-bootstraps and fails', async () => {
    const [first, second] = infos(healthy);
    const out = path.join(scratch(), 'out');
    const { plan } = await repairTo([healthy], out, { source: second!.address, force: true });
    const node = plan.result.plan.outputs.find((o) => o.address === first!.address)!;
    expect([node.isSource, node.metadata, node.id]).toEqual([false, 'fresh', '3297041220608546238']);
    fs.rmSync(path.join(out, first!.address, 'metadata1'));
    const v = await verifyCluster(out, path.join(healthy, 'expect.json'));
    expect(v.pass).toBe(false);
    expect(v.output).toMatch(/unexpected closed segment 0000000000000001-0000000000000001: first index should have been \d+/);
  }, T);

  it('crashed cluster with open segments', async () => {
    const plan = await runScenario({ name: 'crash (open segments)', inputs: [crashed], expect: path.join(crashed, 'expect.json') });
    expect(plan.repairs.some((r) => r.kind === 'finalize-open-segment')).toBe(true);
  }, T);

  it('a lagging node gets the up-to-date data', async () => {
    const plan = await runScenario({ name: 'lagging node', inputs: [lagging], expect: path.join(lagging, 'expect.json') });
    expect(plan.source!.name).not.toBe(infos(lagging)[1]!.address);
  }, T);

  it('5 nodes, reconfigured to 3 voters and 2 stand-bys', async () => {
    const members = infos(five).map((m, i) => ({ ...m, role: i < 2 ? 'stand-by' : 'voter' }));
    await runScenario({ name: '5 nodes with stand-bys', inputs: [five], expect: path.join(five, 'expect.json'), target: targetYaml(members), roles: true });
  }, T);

  it('every address changes to new ports (same IDs)', async () => {
    const base = nextPortBase() + 50;
    const members = infos(healthy).map((m, i) => ({ id: m.id, address: `127.0.0.1:${base + i}`, role: 0 }));
    const plan = await runScenario({ name: 'address change', inputs: [healthy], expect: path.join(healthy, 'expect.json'), target: targetYaml(members), roles: true });
    expect(plan.warnings.filter((w) => / moves from /.test(w))).toHaveLength(3);
  }, T);

  it('shrinks 3 → 2', async () => {
    const members = infos(healthy).filter((_, i) => i !== 1).map((m) => ({ ...m, role: 0 }));
    await runScenario({ name: 'shrink 3→2', inputs: [healthy], expect: path.join(healthy, 'expect.json'), target: targetYaml(members), roles: true });
  }, T);

  it('grows 3 → 4 with a new ID (above 2^63)', async () => {
    const members = [...infos(healthy).map((m) => ({ ...m, role: 0 })), { id: 18000000000000000001n, address: `127.0.0.1:${nextPortBase() + 77}`, role: 1 }];
    const plan = await runScenario({ name: 'grow 3→4', inputs: [healthy], expect: path.join(healthy, 'expect.json'), target: targetYaml(members), roles: true });
    expect(plan.target!.members[3]!.isNew).toBe(true);
  }, T);

  it('past last snapshot: the gap is filled losslessly from the lagging node', async () => {
    const set = await sampleSet('past-snapshot');
    const plan = await runScenario({ name: 'past-snapshot (lossless fill)', inputs: [set], expect: path.join(set, 'expect.json') });
    expect(plan.lost).toEqual([]);
    expect(plan.repairs.find((r) => r.kind === 'fill-from-other-node')!.range).toEqual({ from: '1025', to: '2040' });
  }, T);

  it('torn open-segment tails (the engine crashes on them)', async () => {
    const set = copySet(crashed);
    for (const dir of nodeDirs(set)) {
      expect(tearOpenTail(dir, decodeSegmentBytes)).toBeDefined();
      expect(raftLoad(dir).crash).toBe(true);
    }
    const plan = await runScenario({ name: 'torn tail', inputs: [set], expect: path.join(set, 'expect.json') });
    expect(plan.repairs.some((r) => r.kind === 'truncate-torn-tail')).toBe(true);
  }, T);

  it('a full disk\'s leftovers: a cut-short newest snapshot and zeros after a closed segment', async () => {
    const set = copySet(await sampleSet('healthy'));
    for (const dir of nodeDirs(set)) {
      const snap = damage.snapshotsNewestFirst(dir)[0]!;
      damage.truncate(dir, snap, Math.floor(damage.read(dir, snap).length / 2));
      damage.append(dir, damage.closedSegments(dir).pop()!, new Uint8Array(4096));
      expect(raftLoad(dir, { timeoutSeconds: 3 }).hang).toBe(true);
    }
    const plan = await runScenario({ name: 'full disk (cut snapshot + zeros)', inputs: [set], expect: path.join(set, 'expect.json') });
    expect(plan.repairs.map((r) => r.kind)).toEqual(['drop-snapshot', 'truncate-trailing-zeros']);
    expect(plan.lost).toEqual([]);
  }, T);
});
