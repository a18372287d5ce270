// inspect's last index of every node must equal what the real engine says: reference-rank.sh
// loads a scratch copy of each node with the real library and prints last index + 1.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { memoryIo } from '../../src/cli/io.js';
import { engineAvailable, makeCluster, referenceRank } from '../helpers/lab.js';
import { sampleSet } from '../helpers/samples.js';

const live = engineAvailable();

async function inspectJson(dir: string): Promise<Array<{ name: string; log: { lastIndex: string } }>> {
  const io = memoryIo();
  const code = await run(['inspect', '--json', dir], io);
  expect(code, io.err.join('')).toBe(0);
  return JSON.parse(io.out.join('')).nodes;
}

async function expectSameLastIndex(dir: string): Promise<void> {
  const engine = await referenceRank(dir);
  const nodes = await inspectJson(dir);
  expect(nodes.length).toBe(engine.size);
  for (const node of nodes) {
    const e = engine.get(path.basename(node.name));
    expect(e?.error, node.name).toBeUndefined();
    expect(BigInt(node.log.lastIndex) + 1n, node.name).toBe(e!.next);
  }
}

describe.runIf(live)('inspect agrees with the real engine on last indexes', () => {
  let graceful = '';
  let crashed = '';
  beforeAll(async () => {
    [graceful, crashed] = await Promise.all([makeCluster({ writes: 700, stop: 'term' }), makeCluster({ writes: 700, stop: 'kill', lagNode: 2, lagAfter: 300 })]);
  });

  it('on a fresh cluster stopped gracefully', async () => {
    await expectSameLastIndex(graceful);
  });

  it('on a fresh cluster that crashed (open segments, a lagging node)', async () => {
    await expectSameLastIndex(crashed);
  });

  for (const set of ['healthy', 'crash', 'lagging']) {
    it(`on the ${set} sample set`, async () => {
      await expectSameLastIndex(await sampleSet(set));
    });
  }
});
