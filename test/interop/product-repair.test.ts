// The raft part of every product's repair output, started as a real cluster (lab.mjs verify) with
// every key of the sample set: LXD's and Incus's database/global/ (given the info.yaml dqlite-demo
// needs, which LXD keeps in local.db instead), microcluster's database/ and MicroK8s' backend/, all
// moved to new loopback addresses.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatClusterYaml, formatNodeInfo } from '../../src/format/node-yaml.js';
import type { RepairPlan } from '../../src/repair/plan/types.js';
import { engineAvailable, nextPortBase, verifyCluster } from '../helpers/lab.js';
import { lxdTree, microclusterTree, microk8sTree } from '../helpers/products.js';
import { removeScratch, repairTo, scratch } from '../helpers/repair.js';
import { sampleSet } from '../helpers/samples.js';

const live = engineAvailable();
const T = 240_000;

/** Copies each output's raft directory to <verify>/<address>/, writing the go-dqlite YAML where the product keeps none. */
function raftDirs(out: string, plan: RepairPlan, raftDir: string): string {
  const verify = path.join(scratch(), 'verify');
  const infos = plan.outputs.map((o) => ({ id: BigInt(o.id), address: o.address, role: o.role }));
  plan.outputs.forEach((o, i) => {
    const to = path.join(verify, o.address);
    fs.cpSync(path.join(out, o.dir ?? o.address, raftDir), to, { recursive: true });
    if (!fs.existsSync(path.join(to, 'info.yaml'))) {
      fs.writeFileSync(path.join(to, 'info.yaml'), formatNodeInfo(infos[i]!));
      fs.writeFileSync(path.join(to, 'cluster.yaml'), formatClusterYaml(infos));
    }
  });
  return verify;
}

describe.runIf(live)('product repair outputs start as a real cluster with every key', () => {
  let set = '';
  let expectFile = '';
  beforeAll(async () => {
    set = await sampleSet('small-ids');
    expectFile = path.join(set, 'expect.json');
  });
  afterAll(removeScratch);

  const addresses = () => {
    const base = nextPortBase() + 80;
    return [0, 1, 2].map((i) => `127.0.0.1:${base + i}`);
  };

  it('LXD: database/global/ of every member, at new addresses', async () => {
    const tree = await lxdTree(set);
    const a = addresses();
    const target = `members:\n${tree.names.map((n, i) => `- id: ${i + 1}\n  name: ${n}\n  address: ${a[i]}\n  role: voter\n`).join('')}`;
    const out = path.join(scratch(), 'out');
    const { plan } = await repairTo([tree.root], out, {}, target);
    const v = await verifyCluster(raftDirs(out, plan.result.plan, 'database/global'), expectFile);
    expect(v.pass, v.output).toBe(true);
  }, T);

  it('Incus: database/global/ of every member, at new addresses, local.db rewritten', async () => {
    const tree = await lxdTree(set, { product: 'incus', names: ['inc1', 'inc2', 'inc3'] });
    const a = addresses();
    const target = `members:\n${tree.names.map((n, i) => `- id: ${i + 1}\n  name: ${n}\n  address: ${a[i]}\n  role: voter\n`).join('')}`;
    const out = path.join(scratch(), 'out');
    const { plan } = await repairTo([tree.root], out, {}, target);
    expect(plan.result.plan.outputs.map((o) => [o.product, o.dir])).toEqual(tree.names.map((n) => ['incus', n]));
    expect(fs.existsSync(path.join(out, 'inc2/database/local.db'))).toBe(true);
    const v = await verifyCluster(raftDirs(out, plan.result.plan, 'database/global'), expectFile);
    expect(v.pass, v.output).toBe(true);
  }, T);

  it('LXD: a hole in every member filled from global.bak, at new addresses', async () => {
    const tree = await lxdTree(set, { globalBak: 0 });
    // Entry 2049 is then on no member (the third holds it in the segment that starts there).
    for (const [i, seg] of ['0000000000001312-0000000000002049', '0000000000001312-0000000000002049', '0000000000002049-0000000000002617'].entries()) {
      fs.rmSync(path.join(tree.stateDir(i), 'database/global', seg));
    }
    const a = addresses();
    const target = `members:\n${tree.names.map((n, i) => `- id: ${i + 1}\n  name: ${n}\n  address: ${a[i]}\n  role: voter\n`).join('')}`;
    const out = path.join(scratch(), 'out');
    const { plan } = await repairTo([tree.root], out, {}, target);
    expect(plan.result.plan.repairs.map((r) => r.kind)).toContain('fill-from-other-node');
    const v = await verifyCluster(raftDirs(out, plan.result.plan, 'database/global'), expectFile);
    expect(v.pass, v.output).toBe(true);
  }, T);

  it('microcluster: database/ of every member, at new addresses', async () => {
    const tree = microclusterTree(set);
    const a = addresses();
    const target = tree.names.map((n, i) => `- id: ${tree.members[i]!.id}\n  name: ${n}\n  address: ${a[i]}\n  role: voter\n`).join('');
    const out = path.join(scratch(), 'out');
    const { plan } = await repairTo([tree.root], out, {}, target);
    const v = await verifyCluster(raftDirs(out, plan.result.plan, 'database'), expectFile);
    expect(v.pass, v.output).toBe(true);
  }, T);

  it('MicroK8s: the backend directory of every member, at new addresses', async () => {
    const tree = microk8sTree(set);
    const a = addresses();
    const target = tree.members.map((m, i) => `- ID: ${m.id}\n  Address: ${a[i]}\n  Role: 0\n`).join('');
    const out = path.join(scratch(), 'out');
    const { plan } = await repairTo([tree.root], out, {}, target);
    const v = await verifyCluster(raftDirs(out, plan.result.plan, ''), expectFile);
    expect(v.pass, v.output).toBe(true);
  }, T);
});
