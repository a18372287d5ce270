import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr043-backup-newer-than-member.js';
import { rule as rr038 } from '../../../src/analysis/rules/rr038-mixed-clusters.js';
import { copyRaftFiles, lxdTree } from '../../helpers/products.js';
import { sampleSet } from '../../helpers/samples.js';
import { runRule } from './harness.js';
import { scanTree } from './product-harness.js';

describe('RR043 backup-newer-than-member', () => {
  it('says when a global.bak holds entries its member lost', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'), { globalBak: 0 });
    const global = path.join(tree.stateDir(0), 'database/global');
    const last = fs.readdirSync(global).filter((n) => /^\d{16}-\d{16}$/.test(n)).sort().pop()!;
    fs.rmSync(path.join(global, last)); // the member rolled back: its last closed segment is gone
    const found = runRule(rule, await scanTree(tree.root));
    expect(found.map((f) => [f.node, f.severity, f.data['backupOf'], f.data['lastIndex']])).toEqual([['lxd01/global.bak', 'warning', 'lxd01', 2617n]]);
    expect(found[0]!.message).toMatch(/ends later than lxd01 itself: index 2617, term 4 against \d+/);
  });

  it('is silent for a backup as old as its member, notes one whose member is missing', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'), { globalBak: 1 });
    expect(runRule(rule, await scanTree(tree.root))).toEqual([]);
    const alone = await lxdTree(await sampleSet('small-ids'), { globalBak: 1 });
    fs.rmSync(path.join(alone.stateDir(1), 'database/global'), { recursive: true });
    const found = runRule(rule, await scanTree(alone.root));
    expect(found.map((f) => [f.severity, f.data['backupOf']])).toEqual([['info', 'lxd02']]);
  });

  it('notes a backup of another history (a global.bak from before clustering), which RR038 leaves out', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'));
    const other = path.join(await sampleSet('healthy'), '127.0.0.1:9511');
    copyRaftFiles(other, path.join(tree.stateDir(0), 'database/global.bak'));
    const nodes = await scanTree(tree.root);
    const found = runRule(rule, nodes);
    expect(found.map((f) => [f.node, f.severity])).toEqual([['lxd01/global.bak', 'info']]);
    expect(found[0]!.message).toContain('holds another history than');
    expect(runRule(rr038, nodes)).toEqual([]);
  });
});
