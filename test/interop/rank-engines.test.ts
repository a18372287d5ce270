// `rank --engine E` against the manual method run by engine E itself (reference-rank.sh under
// `env.sh E`: copy + `dqlite .reconfigure`, ranking by the new entry's index), for the three
// engines the lab builds, on the sets where they differ: a sample set whose newest snapshots are raw
// (as cowsql writes them: dqlite 1.18.3+ refuses every node) and a set cowsql made itself, plus
// the healthy sample. A node the engine refuses must be one rank says does not start; every other
// node's next index must be the engine's. CI=true fails, never skips, when an engine is missing.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { withRawNewestSnapshots } from '../helpers/engine-sets.js';
import { engineAvailable, engineBuilt, engineEnv, LAB_ENGINES, PROFILE_OF, type LabEngine } from '../helpers/engine.js';
import { makeCluster, referenceRank } from '../helpers/lab.js';
import { removeScratch } from '../helpers/repair.js';
import { sampleSet } from '../helpers/samples.js';

const available = engineAvailable();
const built = new Map(LAB_ENGINES.map((e) => [e, available && engineBuilt(e)]));
const T = 300_000;

interface RankedJson {
  name: string;
  startup: { ok: boolean; error: string | null; log: { lastIndex: string } | null };
}

const sets = new Map<string, string>();
beforeAll(async () => {
  if (!available) return;
  const healthy = await sampleSet('healthy');
  sets.set('healthy sample', healthy);
  sets.set('sample with raw snapshots', withRawNewestSnapshots(healthy));
  if (built.get('cowsql-1.15')) {
    sets.set('set cowsql made', await makeCluster({ writes: 1100, env: engineEnv('cowsql-1.15') }));
  }
}, 600_000);
afterAll(removeScratch);

async function rankFor(dir: string, engine: LabEngine): Promise<RankedJson[]> {
  const io = memoryIo();
  const code = await run(['rank', '--json', '--verify', '--engine', PROFILE_OF[engine], dir], io);
  expect(code, io.err.join('')).toBe(0);
  const doc = JSON.parse(io.out.join(''));
  expect(doc.engine).toMatchObject({ name: PROFILE_OF[engine], source: 'flag' });
  return doc.nodes as RankedJson[];
}

for (const engine of LAB_ENGINES) {
  const title = `rank --engine ${PROFILE_OF[engine]} vs reference-rank.sh under ${engine}`;
  describe.skipIf(!built.get(engine))(title, () => {
    let started = 0;
    beforeAll(() => { started = Date.now(); });
    afterAll(() => console.log(`rank-engines: ${engine} part took ${((Date.now() - started) / 1000).toFixed(1)} s`));

    for (const name of ['healthy sample', 'sample with raw snapshots', 'set cowsql made']) {
      it(name, async () => {
        const dir = sets.get(name);
        if (!dir) {
          // Only the cowsql-made set can be missing, when cowsql is not built (a failure under CI).
          expect(built.get('cowsql-1.15')).toBe(false);
          return;
        }
        const real = await referenceRank(dir, undefined, engineEnv(engine));
        const ranked = await rankFor(dir, engine);
        expect(ranked.length).toBe(real.size);
        for (const node of ranked) {
          const e = real.get(path.basename(node.name));
          expect(e, node.name).toBeDefined();
          const refused = [node.startup.ok, node.startup.error !== null];
          if (e!.error) expect(refused, `${node.name}: ${e!.error}`).toEqual([false, true]);
          else expect(BigInt(node.startup.log!.lastIndex) + 1n, node.name).toBe(e!.next);
        }
        const refused = [...real.values()].filter((e) => e.error).length;
        if (engine === 'dqlite-1.18' && name !== 'healthy sample') expect(refused).toBe(real.size);
        else expect(refused).toBe(0);
      }, T);
    }
  });
}
