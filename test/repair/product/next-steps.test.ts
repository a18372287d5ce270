// After a repair in a product's layout, `repair` prints (and `--json` carries) that product's next
// steps: stop and check, back up, put each member's directory in place on its machine, start, confirm.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../../src/cli/io.js';
import { run } from '../../../src/cli/run.js';
import { nextSteps } from '../../../src/repair/plan/product/next-steps.js';
import { lxdTree, microclusterTree, microk8sTree } from '../../helpers/products.js';
import { planFor, removeScratch, scratch } from '../../helpers/repair.js';
import { sampleSet } from '../../helpers/samples.js';

afterAll(removeScratch);

async function cli(args: string[]) {
  const io = memoryIo();
  const code = await run(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe('next steps after a product repair', () => {
  it('LXD: the CLI writes --out/<member>/ and prints the steps; --json carries them as data', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'));
    const target = path.join(scratch(), 'members.yaml');
    fs.writeFileSync(target, `members:\n${tree.names.map((n, i) => `- id: ${i + 1}\n  name: ${n}\n  address: 10.1.0.${i + 1}:8443\n  role: voter\n`).join('')}`);
    const out = path.join(scratch(), 'out');
    const r = await cli(['repair', tree.root, '--cluster', target, '--out', out, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual([...tree.names, 'raft-rescue-manifest.json'].sort());
    const doc = JSON.parse(r.out);
    expect(doc.nextSteps.product).toBe('lxd');
    const steps = doc.nextSteps.steps as { title: string; where: string; commands: string[] }[];
    expect(steps[0]!.commands).toContain('sudo snap stop lxd');
    const lxd02 = steps.find((s) => s.title === 'Put lxd02/ in place')!;
    expect(lxd02.where).toBe('lxd02 (ID 2, new address 10.1.0.2:8443)');
    expect(lxd02.commands).toContain(`sudo cp -a ${out}/lxd02/database/local.db /var/snap/lxd/common/lxd/database/local.db`);
    expect(steps.at(-1)!.commands[0]).toMatch(/^lxc cluster list/);
    const text = await cli(['repair', tree.root, '--cluster', target, '--out', path.join(scratch(), 'out2')]);
    expect(text.out).toMatch(/Next steps \(lxd\):\n1\. Stop the product on every member/);
    expect(text.out).toMatch(/│ ID +│ name +│ address +│ role/);
    expect(text.out).toMatch(/│ 2 +│ lxd02 +│ 10\.1\.0\.2:8443 +│ voter \(0\)/);
    expect(text.out).toMatch(/lxd01\/ \(10\.1\.0\.1:8443, ID 1, voter, source, metadata kept\)/);
  });

  it('a saved plan (--plan-out) for an LXD tree is applied with --plan; an edited local.db then refuses it', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'), { omit: [2] });
    const dir = scratch();
    const planFile = path.join(dir, 'plan.json');
    const made = await cli(['repair', tree.root, '--out', path.join(dir, 'unused'), '--dry-run', '--plan-out', planFile]);
    expect(made.code, made.err).toBe(0);
    const plan = JSON.parse(fs.readFileSync(planFile, 'utf8'));
    expect(plan.notCopied.map((n: { file: string }) => n.file)).toContain(`${plan.outputs[2].address}:database/local.db`);
    const out = path.join(dir, 'out');
    const applied = await cli(['repair', '--plan', planFile, '--out', out]);
    expect(applied.code, applied.err).toBe(0);
    expect(fs.readdirSync(path.join(out, 'lxd03', 'database')).sort()).toEqual(['global', 'patch.global.sql']);
    const db = path.join(tree.stateDir(0), 'database/local.db');
    fs.appendFileSync(db, Buffer.alloc(4096));
    const refused = await cli(['repair', '--plan', planFile, '--out', path.join(dir, 'out2')]);
    expect(refused.code).toBe(3);
    expect(refused.err).toMatch(/inputs\.nodes\[0\]\.productFiles\[0\]\.size is \d+, but raft-rescue plans \d+ for these inputs/);
  });

  it('MicroK8s and microcluster: their own stop, start and confirm commands, the state directory from the input', async () => {
    const set = await sampleSet('small-ids');
    const k8s = (await planFor([microk8sTree(set).root])).result.plan;
    const k = nextSteps(k8s, '/root/out.tar.gz', true);
    expect(k.product).toBe('microk8s');
    expect(k.steps.flatMap((s) => s.commands)).toEqual(expect.arrayContaining(['sudo microk8s stop', 'sudo microk8s start', 'sudo tar -xpf /root/out.tar.gz -C /root/raft-rescue-out']));
    expect(k.steps.flatMap((s) => s.commands)).toContain('sudo mv /var/snap/microk8s/current/var/kubernetes/backend /var/snap/microk8s/current/var/kubernetes/backend.before-repair');
    const mc = (await planFor([microclusterTree(set, { app: 'microceph' }).root])).result.plan;
    const m = nextSteps(mc, '/root/out', false);
    expect(m.product).toBe('microcluster');
    const all = m.steps.flatMap((s) => s.commands);
    expect(all).toEqual(expect.arrayContaining(['sudo snap stop microceph', 'sudo microceph cluster list',
      'sudo cp -a /root/out/micro01/daemon.yaml /var/snap/microceph/common/state/daemon.yaml']));
  });
});
