// rank's order must follow the raft rule, and agree with the manual method (reference-rank.sh:
// copy + `dqlite .reconfigure`, ranking by the new entry's index) wherever the two rules agree.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { engineAvailable, makeCluster, referenceRank } from '../helpers/lab.js';
import { sampleSet } from '../helpers/samples.js';

const live = engineAvailable();

interface RankedJson {
  name: string;
  rank: number;
  contribution: { lastIndex: string; lastTerm: string };
  startup: { ok: boolean; error: string | null; log: { lastIndex: string } | null };
}

/** Every node's verdict (--verify reads all of them); the default run must recommend the same node. */
async function rankJson(dir: string): Promise<RankedJson[]> {
  const docs = [];
  for (const args of [['rank', '--json', '--verify', dir], ['rank', '--json', dir]]) {
    const io = memoryIo();
    expect(await run(args, io), io.err.join('')).toBe(0);
    docs.push(JSON.parse(io.out.join('')));
  }
  expect(docs[1].best).toBe(docs[0].best);
  return docs[0].nodes;
}

async function expectAgreement(dir: string): Promise<void> {
  const engine = await referenceRank(dir);
  const ranked = await rankJson(dir);
  // The raft rule over what each node contributes: non-increasing (lastTerm, lastIndex).
  for (let i = 1; i < ranked.length; i++) {
    const [p, c] = [ranked[i - 1]!.contribution, ranked[i]!.contribution];
    const pt = BigInt(p.lastTerm), ct = BigInt(c.lastTerm);
    expect(pt > ct || (pt === ct && BigInt(p.lastIndex) >= BigInt(c.lastIndex))).toBe(true);
  }
  for (const node of ranked) {
    const e = engine.get(path.basename(node.name))!;
    expect(e, node.name).toBeDefined();
    if (e.error) {
      // The engine refuses this node: rank must say so. (`dqlite .reconfigure` prints only
      // "recover failed with error code 1"; the exact text is checked against raft-load.sh in
      // loader.test.ts.)
      expect(node.startup.ok, node.name).toBe(false);
      expect(node.startup.error, node.name).toBeTruthy();
    } else {
      expect(node.startup.ok, node.name).toBe(true);
      expect(BigInt(node.startup.log!.lastIndex) + 1n, node.name).toBe(e.next);
    }
  }
  // Where all nodes start and share a last term, the raft order is the engine's index order.
  const terms = new Set(ranked.map((r) => r.contribution.lastTerm));
  if (terms.size === 1 && ranked.every((r) => r.startup.ok)) {
    const byEngine = [...engine.entries()].sort((a, b) => Number(b[1].next! - a[1].next!)).map(([n]) => engine.get(n)!.next);
    expect(ranked.map((r) => BigInt(r.startup.log!.lastIndex) + 1n)).toEqual(byEngine);
  }
}

describe.runIf(live)('rank agrees with the real engine', () => {
  let leaderKilled = '';
  beforeAll(async () => {
    // Node 1 (the first leader) is killed mid-run: the others elect a new leader in a newer term.
    leaderKilled = await makeCluster({ writes: 500, lagNode: 1, lagAfter: 200 });
  });

  for (const set of ['healthy', 'crash', 'lagging', 'past-snapshot']) {
    it(`on the ${set} sample set`, async () => expectAgreement(await sampleSet(set)));
  }

  it('after the leader was killed (a newer term on the survivors)', async () => {
    await expectAgreement(leaderKilled);
    const ranked = await rankJson(leaderKilled);
    expect(ranked[ranked.length - 1]!.name).toMatch(/:\d+1$/); // the killed first node is last
    expect(BigInt(ranked[0]!.contribution.lastTerm)).toBeGreaterThan(BigInt(ranked[ranked.length - 1]!.contribution.lastTerm));
  });
});
