import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr041-product-identity-mismatch.js';
import { localDbBytes, lxdTree, microclusterTree, microk8sTree } from '../../helpers/products.js';
import { sampleSet } from '../../helpers/samples.js';
import { runRule } from './harness.js';
import { scanTree } from './product-harness.js';

describe('RR041 product-identity-mismatch', () => {
  it('is silent on consistent LXD, MicroK8s and microcluster trees', async () => {
    const lxd = await lxdTree(await sampleSet('small-ids'));
    const healthy = await sampleSet('healthy');
    for (const root of [lxd.root, microk8sTree(healthy).root, microclusterTree(healthy).root]) {
      expect(runRule(rule, await scanTree(root))).toEqual([]);
    }
  });

  it('says when local.db gives no raft role, or another address than the raft configuration', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'));
    const [a, b, c] = tree.members;
    fs.writeFileSync(path.join(tree.stateDir(0), 'database/local.db'), await localDbBytes({
      clusterAddress: '10.1.1.1:8443', rows: tree.members.map((m, i) => ({ id: m.id, address: m.address, name: tree.names[i] })),
    }));
    const moved = [{ id: a!.id, address: a!.address, name: 'lxd01' }, { id: b!.id, address: '10.0.0.2:8443', name: 'lxd02' }, { id: c!.id, address: c!.address, name: 'lxd03' }];
    fs.writeFileSync(path.join(tree.stateDir(1), 'database/local.db'), await localDbBytes({ clusterAddress: '10.0.0.2:8443', rows: moved }));
    const found = runRule(rule, await scanTree(tree.root));
    expect(found.map((f) => [f.node, f.severity, f.file])).toEqual([
      ['10.1.1.1:8443', 'error', 'database/local.db'], // named by its address: no raft_nodes row gives a name
      ['lxd02', 'error', 'database/local.db'],
      ['lxd02', 'warning', 'database/local.db'],
    ]);
    expect(found[0]!.message).toContain('This cluster member has no raft role');
    expect(found[1]!.message).toContain(`lists ID 2 at ${b!.address}`);
    expect(found[2]!.message).toMatch(/raft_nodes \(.*10\.0\.0\.2:8443.*\) differs from the raft configuration/);
  });

  it('warns about machine folders named after another member (swapped copies)', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'));
    fs.renameSync(path.join(tree.root, 'lxd01'), path.join(tree.root, 'tmp'));
    fs.renameSync(path.join(tree.root, 'lxd02'), path.join(tree.root, 'lxd01'));
    fs.renameSync(path.join(tree.root, 'tmp'), path.join(tree.root, 'lxd02'));
    const found = runRule(rule, await scanTree(tree.root));
    expect(found.map((f) => [f.node, f.severity, f.data['machine']])).toEqual([['lxd01', 'warning', 'lxd02'], ['lxd02', 'warning', 'lxd01']]);
  });

  it('catches microcluster info.yaml at another address than daemon.yaml, and a stale MicroK8s localnode.yaml', async () => {
    const healthy = await sampleSet('healthy');
    const mc = microclusterTree(healthy);
    fs.writeFileSync(path.join(mc.stateDir(2), 'daemon.yaml'), `name: ${mc.names[2]}\naddress: 10.0.0.3:7443\nservers: {}\n`);
    const found = runRule(rule, await scanTree(mc.root));
    expect(found.map((f) => [f.node, f.severity, f.file])).toEqual([
      ['micro03', 'error', 'daemon.yaml'], ['micro03', 'error', 'database/info.yaml'], ['micro03', 'warning', 'truststore/micro03.yaml'],
    ]);
    expect(found[1]!.message).toContain('go-dqlite refuses to start');
    const k8s = microk8sTree(healthy);
    fs.writeFileSync(path.join(k8s.backend(0), 'localnode.yaml'), '- ID: 1\n  Address: 10.0.0.9:19001\n  Role: 0\n');
    expect(runRule(rule, await scanTree(k8s.root)).map((f) => [f.severity, f.file])).toEqual([['warning', 'localnode.yaml']]);
  });
});
