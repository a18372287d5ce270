// Product layouts recognised by content in case trees (one folder per machine), identities read
// from the products' own files, backups named as backups of their member.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanInputs } from '../../src/scan/scan-inputs.js';
import { canonicalNetworkAddress } from '../../src/scan/local-db.js';
import { localDbBytes, lxdTree, microclusterTree, microk8sTree } from '../helpers/products.js';
import { sampleSet, scratchDir } from '../helpers/samples.js';

async function scan(paths: string[]) {
  const s = await scanInputs(paths, { verifyData: false });
  try {
    return s.nodes;
  } finally {
    s.cleanup();
  }
}

describe('LXD and Incus layouts', () => {
  it('names every member by its local.db identity, not "global"', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'));
    const nodes = await scan([tree.root]);
    expect(nodes.map((n) => n.name)).toEqual(['lxd01', 'lxd02', 'lxd03']);
    const p = nodes[1]!.product!;
    expect([p.kind, p.id, p.address, p.name, p.role, p.raftPath, p.machine, p.schemaVersion]).toEqual(
      ['lxd', 2n, tree.members[1]!.address, 'lxd02', 0, 'database/global', 'lxd02', 43]);
    expect(p.members!.map((m) => [m.id, m.name])).toEqual([[1n, 'lxd01'], [2n, 'lxd02'], [3n, 'lxd03']]);
    expect(p.files.map((f) => [f.path, f.size])).toEqual([['database/local.db', fs.statSync(path.join(tree.stateDir(1), 'database/local.db')).size]]);
    expect(p.issues).toEqual([]);
  });

  it('tells Incus by its state directory', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'), { product: 'incus', names: ['inc1', 'inc2', 'inc3'] });
    const nodes = await scan([tree.root]);
    expect(nodes.map((n) => [n.name, n.product?.kind])).toEqual([['inc1', 'incus'], ['inc2', 'incus'], ['inc3', 'incus']]);
  });

  it('reads schemas without name or role columns (LXD before 4.19 and 3.20)', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'), { version: 38 });
    const nodes = await scan([tree.root]);
    expect(nodes.map((n) => n.name)).toEqual(tree.members.map((m) => m.address));
    expect(nodes[0]!.product!.members!.map((m) => [m.role, m.name])).toEqual([[0, undefined], [0, undefined], [0, undefined]]);
    expect(nodes[0]!.product!.schemaVersion).toBe(38);
  });

  it('shows global.bak and db_backup tarballs as backups of their member', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'), { globalBak: 0, dbBackup: 1 });
    const nodes = await scan([tree.root]);
    expect(nodes.map((n) => [n.name, n.product?.backup?.kind ?? null, n.product?.backup?.of ?? null])).toEqual([
      ['lxd01', null, null],
      ['lxd01/global.bak', 'global.bak', 'lxd01'],
      ['lxd02', null, null],
      ['lxd02/db_backup.2024-09-03T170440Z', 'db_backup', 'lxd02'],
      ['lxd03', null, null],
    ]);
    expect(nodes[3]!.displayPath).toMatch(/db_backup\.2024-09-03T170440Z\.tar\.gz:database\/global$/);
  });

  it('reports a local.db that is not SQLite, and a member with no raft role', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'));
    fs.writeFileSync(path.join(tree.stateDir(0), 'database/local.db'), 'not a database');
    fs.writeFileSync(path.join(tree.stateDir(1), 'database/local.db'), await localDbBytes({
      clusterAddress: '10.9.9.9', rows: tree.members.map((m) => ({ id: m.id, address: m.address })),
    }));
    const nodes = await scan([tree.root]);
    expect(nodes[0]!.product!.issues.map((i) => i.kind)).toEqual(['not-sqlite']);
    expect(nodes[0]!.name).toBe('lxd01'); // its machine's folder: local.db says nothing
    expect(nodes[1]!.product!.issues.map((i) => [i.kind, i.level])).toEqual([['no-raft-role', 'error']]);
    expect(nodes[1]!.product!.address).toBe('10.9.9.9:8443');
  });

  it('canonicalises addresses as LXD does (default port 8443, brackets for IPv6)', () => {
    expect(['10.0.0.1', '10.0.0.1:9000', 'node1', '::1', '[::1]:8443', 'host:'].map((a) => canonicalNetworkAddress(a))).toEqual(
      ['10.0.0.1:8443', '10.0.0.1:9000', 'node1:8443', '[::1]:8443', '[::1]:8443', 'host:8443']);
  });
});

describe('MicroK8s and microcluster layouts', () => {
  it('recognises a MicroK8s backend and its legacy localnode.yaml', async () => {
    const set = await sampleSet('healthy');
    const tree = microk8sTree(set);
    const nodes = await scan([tree.root]);
    expect(nodes.map((n) => [n.name, n.product?.kind, n.product?.machine])).toEqual(
      tree.members.map((m, i) => [m.address, 'microk8s', `node${i + 1}`]));
    expect(nodes[0]!.product!.localNode).toEqual({ id: tree.members[0]!.id, address: tree.members[0]!.address });
  });

  it('recognises a microcluster state directory, names members by daemon.yaml, and the app by its path', async () => {
    const tree = microclusterTree(await sampleSet('healthy'), { app: 'microceph' });
    const nodes = await scan([tree.root]);
    expect(nodes.map((n) => [n.name, n.product?.kind, n.product?.app])).toEqual(tree.names.map((n) => [n, 'microcluster', 'microceph']));
    const p = nodes[1]!.product!;
    expect([p.id, p.address, p.raftPath]).toEqual([tree.members[1]!.id, tree.members[1]!.address, 'database']);
    expect(p.files.map((f) => f.path)).toEqual(['daemon.yaml', ...tree.names.map((n) => `truststore/${n}.yaml`)]);
    expect(p.issues).toEqual([]);
  });

  it('leaves a plain go-dqlite set as it was', async () => {
    const nodes = await scan([await sampleSet('healthy')]);
    expect(nodes.every((n) => n.product === undefined)).toBe(true);
    expect(nodes.map((n) => n.name)).toEqual(['127.0.0.1:9511', '127.0.0.1:9512', '127.0.0.1:9513']);
  });

  it('makes clashing names unique with the path', async () => {
    const dir = scratchDir();
    const set = await sampleSet('healthy');
    fs.cpSync(path.join(set, '127.0.0.1:9511'), path.join(dir, 'a', 'node'), { recursive: true });
    fs.cpSync(path.join(set, '127.0.0.1:9511'), path.join(dir, 'b', 'node'), { recursive: true });
    const nodes = await scan([dir]);
    expect(nodes.map((n) => n.name)).toEqual([`127.0.0.1:9511 (${path.join(dir, 'a', 'node')})`, `127.0.0.1:9511 (${path.join(dir, 'b', 'node')})`]);
  });
});
