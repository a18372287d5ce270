// Repair outputs in each product's layout, on case trees laid out like the products' machines
// around real raft data: per-member directories that mirror the state directory, local.db read
// back through SQLite, localnode.yaml and daemon.yaml parsed, modes private.
import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSqlite } from '../../../src/core/sqlite-engine.js';
import { applyPlan } from '../../../src/repair/apply/apply.js';
import { lxdTree, microclusterTree, microk8sTree } from '../../helpers/products.js';
import { planFor, removeScratch, repairTo, scan, scratch } from '../../helpers/repair.js';
import { sampleSet } from '../../helpers/samples.js';

afterAll(removeScratch);

const NEW = ['10.0.0.1:8443', '10.0.0.2:8443', '10.0.0.3:8443'];

function lxdTarget(names: readonly string[], roles = ['voter', 'voter', 'voter']): string {
  return `members:\n${names.map((n, i) => `- id: ${i + 1}\n  name: ${n}\n  address: ${NEW[i]}\n  role: ${roles[i]}\n`).join('')}`;
}

async function readLocalDb(file: string): Promise<{ rows: unknown[][]; address: unknown }> {
  const SQL = await loadSqlite();
  const db = new SQL.Database(fs.readFileSync(file));
  try {
    const rows = db.exec('SELECT id, address, role, name FROM raft_nodes ORDER BY id')[0]!.values;
    const address = db.exec("SELECT value FROM config WHERE key = 'cluster.https_address'")[0]!.values[0]![0];
    return { rows, address };
  } finally {
    db.close();
  }
}

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('LXD and Incus repair outputs', () => {
  it('writes <name>/database/global/ and local.db with raft_nodes and the address replaced, through SQLite', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'));
    const out = path.join(scratch(), 'out');
    const { plan } = await repairTo([tree.root], out, {}, lxdTarget(tree.names));
    const p = plan.result.plan;
    expect(p.target!.format).toBe('lxd');
    expect(p.outputs.map((o) => [o.dir, o.product, o.name, o.address])).toEqual(tree.names.map((n, i) => [n, 'lxd', n, NEW[i]]));
    for (const [i, name] of tree.names.entries()) {
      const dir = path.join(out, name);
      expect(fs.readdirSync(dir).sort()).toEqual(['database']);
      expect(fs.readdirSync(path.join(dir, 'database')).sort()).toEqual(['global', 'local.db', 'patch.global.sql']);
      expect(fs.readdirSync(path.join(dir, 'database/global'))).toContain('metadata1');
      expect(fs.existsSync(path.join(dir, 'database/global/info.yaml'))).toBe(false);
      const db = await readLocalDb(path.join(dir, 'database/local.db'));
      expect(db.address).toBe(NEW[i]);
      expect(db.rows).toEqual(tree.names.map((n, k) => [k + 1, NEW[k], 0, n]));
      expect(fs.readFileSync(path.join(dir, 'database/patch.global.sql'), 'utf8')).toBe(
        NEW.map((a, k) => `UPDATE nodes SET address = "${a}" WHERE id = ${k + 1};\n`).join(''));
      for (const d of [dir, path.join(dir, 'database'), path.join(dir, 'database/global')]) expect(mode(d)).toBe(0o700);
      expect(mode(path.join(dir, 'database/local.db'))).toBe(0o600);
    }
    // The input local.db is untouched.
    const before = await readLocalDb(path.join(tree.stateDir(0), 'database/local.db'));
    expect(before.address).toBe(tree.members[0]!.address);
  });

  it('names members from local.db when repairing to the source configuration', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'), { product: 'incus', names: ['a1', 'a2', 'a3'] });
    const { result } = await planFor([tree.root]);
    const p = result.plan;
    expect(p.status).toBe('ready');
    expect(p.outputs.map((o) => [o.dir, o.product, o.address])).toEqual(['a1', 'a2', 'a3'].map((n, i) => [n, 'incus', tree.members[i]!.address]));
  });

  it('refuses a membership LXD itself refuses (a name changed), and --force writes it with a warning', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'));
    const target = lxdTarget(['lxd01', 'renamed', 'lxd03']);
    const refused = (await planFor([tree.root], {}, target)).result.plan;
    expect(refused.status).toBe('refused');
    expect(refused.refusals.join('\n')).toMatch(/Changing cluster member name is not supported \(lxd02 → renamed\)/);
    const forced = (await planFor([tree.root], { force: true }, target)).result.plan;
    expect(forced.status).toBe('ready');
    expect(forced.warnings.join('\n')).toMatch(/accepted with --force/);
  });

  it('refuses while a member holds an unapplied patch.global.sql (LXD refuses too); --force warns', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'));
    fs.writeFileSync(path.join(tree.stateDir(2), 'database/patch.global.sql'), 'UPDATE nodes SET address = "x:1" WHERE id = 3;\n');
    const refused = (await planFor([tree.root])).result.plan;
    expect(refused.status).toBe('refused');
    expect(refused.refusals.join('\n')).toMatch(/lxd03's database\/patch\.global\.sql has not been applied yet.*Custom patches should not be applied during recovery/);
    const forced = (await planFor([tree.root], { force: true })).result.plan;
    expect(forced.status).toBe('ready');
    expect(forced.warnings.join('\n')).toMatch(/lxd03's database\/patch\.global\.sql has not been applied yet/);
  });

  it('warns that a local.db in WAL mode is rewritten from its main file only', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'));
    const file = path.join(tree.stateDir(1), 'database/local.db');
    const bytes = fs.readFileSync(file);
    bytes[18] = 2;
    bytes[19] = 2;
    fs.writeFileSync(file, bytes);
    const out = path.join(scratch(), 'out');
    const { plan } = await repairTo([tree.root], out, {}, lxdTarget(tree.names));
    expect(plan.result.plan.warnings.join('\n')).toMatch(/lxd02's local\.db is in WAL mode: the rewritten copy holds only its main file/);
    expect((await readLocalDb(path.join(out, 'lxd02/database/local.db'))).address).toBe(NEW[1]);
  });

  it('refuses a plan whose local.db changed after it was made', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'));
    const { result } = await planFor([tree.root], {}, lxdTarget(tree.names));
    const file = path.join(tree.stateDir(1), 'database/local.db');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1] ^= 1;
    fs.writeFileSync(file, bytes);
    const again = await scan([tree.root]);
    await expect(applyPlan(result.plan, again, { out: path.join(scratch(), 'out'), force: false })).rejects.toThrow(/its database\/local\.db changed \(sha256 .*\) since the plan was made/);
  });

  it('refuses a plan whose generated patch.global.sql was edited', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'));
    const { nodes, result } = await planFor([tree.root], {}, lxdTarget(tree.names));
    const plan = JSON.parse(JSON.stringify(result.plan));
    const f = plan.outputs[0].files.find((x: { name: string }) => x.name === 'patch.global.sql');
    f.from.text = 'DROP TABLE nodes;\n';
    f.from.base64 = Buffer.from(f.from.text).toString('base64');
    await expect(applyPlan(plan, nodes, { out: path.join(scratch(), 'out'), force: false })).rejects.toThrow(/patch\.global\.sql for this target/);
  });
});

describe('backups as donors', () => {
  it('fills a hole every member has from global.bak, losslessly, and never writes the backup as a member', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'), { globalBak: 0 });
    // Entry 2049 is then on no member (the third holds it in the segment that starts there).
    for (const [i, seg] of ['0000000000001312-0000000000002049', '0000000000001312-0000000000002049', '0000000000002049-0000000000002617'].entries()) {
      fs.rmSync(path.join(tree.stateDir(i), 'database/global', seg));
    }
    const out = path.join(scratch(), 'out');
    const { plan } = await repairTo([tree.root], out);
    const p = plan.result.plan;
    expect(p.lost).toEqual([]);
    const fill = p.repairs.find((r) => r.kind === 'fill-from-other-node')!;
    expect([fill.lossless, fill.range, fill.proofs![0]!.donor]).toEqual([true, { from: '2049', to: '2049' }, path.join(tree.stateDir(0), 'database/global.bak')]);
    expect(p.outputs.map((o) => o.dir)).toEqual(tree.names);
    expect(p.source!.ranking.map((r) => r.name)).toEqual(tree.names);
    expect(fs.readdirSync(path.join(out, 'lxd02/database/global'))).toContain('0000000000002049-0000000000002049');
  });
});

describe('MicroK8s repair outputs', () => {
  it('rewrites localnode.yaml per member, carries the certificates and keys at 0600, in a private tarball', async () => {
    const tree = microk8sTree(await sampleSet('small-ids'));
    const target = tree.members.map((m, i) => `- ID: ${m.id}\n  Address: ${NEW[i]}\n  Role: 0\n`).join('');
    const out = path.join(scratch(), 'out.tar.gz');
    const { plan } = await repairTo([tree.root], out, {}, target);
    expect(plan.result.plan.outputs.map((o) => [o.dir, o.product])).toEqual(NEW.map(() => [undefined, 'microk8s']));
    expect(mode(out)).toBe(0o600);
    const x = scratch();
    await tar.x({ file: out, cwd: x });
    const entries: { path: string; mode: number }[] = [];
    await tar.t({ file: out, onReadEntry: (e) => entries.push({ path: e.path, mode: e.mode ?? 0 }) });
    for (const e of entries) expect(e.mode & 0o077, e.path).toBe(0);
    for (const [i, a] of NEW.entries()) {
      const dir = path.join(x, a);
      expect(parse(fs.readFileSync(path.join(dir, 'localnode.yaml'), 'utf8'))).toEqual([{ ID: Number(tree.members[i]!.id), Address: a, Role: 0 }]);
      expect(parse(fs.readFileSync(path.join(dir, 'info.yaml'), 'utf8'))).toMatchObject({ Address: a });
      expect(fs.readFileSync(path.join(dir, 'cluster.key'), 'utf8')).toMatch(/PRIVATE KEY/);
      expect(fs.readFileSync(path.join(dir, 'failure-domain'), 'utf8')).toBe('1\n');
    }
  });
});

describe('microcluster repair outputs', () => {
  it('sets daemon.yaml and every truststore address, keeps every other byte, writes patch.global.sql', async () => {
    const tree = microclusterTree(await sampleSet('small-ids'));
    const target = tree.names.map((n, i) => `- id: ${tree.members[i]!.id}\n  name: ${n}\n  address: ${NEW[i]}\n  role: voter\n`).join('');
    const out = path.join(scratch(), 'out');
    const { plan } = await repairTo([tree.root], out, {}, target);
    expect(plan.result.plan.target!.format).toBe('microcluster');
    for (const [i, name] of tree.names.entries()) {
      const dir = path.join(out, name);
      expect(fs.readdirSync(dir).sort()).toEqual(['daemon.yaml', 'database', 'patch.global.sql', 'truststore']);
      expect(fs.readFileSync(path.join(dir, 'daemon.yaml'), 'utf8')).toBe(`name: ${name}\naddress: ${NEW[i]}\nservers: {}\n`);
      for (const [k, other] of tree.names.entries()) {
        const entry = parse(fs.readFileSync(path.join(dir, 'truststore', `${other}.yaml`), 'utf8'));
        expect([entry.name, entry.address]).toEqual([other, NEW[k]]);
        expect(entry.certificate).toMatch(/BEGIN CERTIFICATE/);
      }
      expect(parse(fs.readFileSync(path.join(dir, 'database/info.yaml'), 'utf8'))).toMatchObject({ Address: NEW[i] });
      expect(fs.readFileSync(path.join(dir, 'patch.global.sql'), 'utf8')).toBe(
        tree.names.map((n, k) => `UPDATE core_cluster_members SET address = "${NEW[k]}" WHERE name = "${n}";\n`).join(''));
    }
  });

  it('refuses a host name, which microcluster cannot parse as an address', async () => {
    const tree = microclusterTree(await sampleSet('small-ids'));
    const target = tree.names.map((n, i) => `- id: ${tree.members[i]!.id}\n  name: ${n}\n  address: ${i === 0 ? 'host1:8443' : NEW[i]}\n  role: voter\n`).join('');
    const p = (await planFor([tree.root], {}, target)).result.plan;
    expect(p.status).toBe('refused');
    expect(p.refusals.join('\n')).toMatch(/Invalid address "host1:8443"/);
  });
});
