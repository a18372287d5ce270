import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr042-member-missing.js';
import { lxdTree } from '../../helpers/products.js';
import { sampleSet, scratchDir } from '../../helpers/samples.js';
import { onHealthy, runRule } from './harness.js';
import { scanTree } from './product-harness.js';

describe('RR042 member-missing', () => {
  it('names the member whose machine is missing from an LXD case tree, by name, ID and address', async () => {
    const tree = await lxdTree(await sampleSet('small-ids'), { omit: [2] });
    const found = runRule(rule, await scanTree(tree.root));
    expect(found.map((f) => [f.node, f.severity, f.data['id'], f.data['address'], f.data['name']])).toEqual([
      ['*', 'warning', 3n, tree.members[2]!.address, 'lxd03'],
    ]);
    expect(found[0]!.message).toContain(`member lxd03, ID 3 at ${tree.members[2]!.address} (voter) of the raft configuration`);
  });

  it('names a missing go-dqlite node by info.yaml IDs; only a note when an input has no known identity', async () => {
    const set = await sampleSet('healthy');
    const dir = scratchDir();
    for (const n of ['127.0.0.1:9511', '127.0.0.1:9512']) fs.cpSync(path.join(set, n), path.join(dir, n), { recursive: true });
    const found = runRule(rule, await scanTree(dir));
    expect(found.map((f) => [f.severity, f.data['address']])).toEqual([['warning', '127.0.0.1:9513']]);
    fs.rmSync(path.join(dir, '127.0.0.1:9512', 'info.yaml'));
    fs.rmSync(path.join(dir, '127.0.0.1:9512', 'cluster.yaml'));
    const unknown = runRule(rule, await scanTree(dir));
    expect(unknown.map((f) => [f.severity, f.data['address']]).sort()).toEqual([['info', '127.0.0.1:9512'], ['info', '127.0.0.1:9513']]);
    expect(unknown.find((f) => f.data['address'] === '127.0.0.1:9512')!.message).toContain('unless it is one of the inputs whose identity is unknown (127.0.0.1:9512)');
  });

  it('does not fire when every member is there', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
