// The loader simulation under each engine profile against that engine's real loader: raft-load.sh
// run in the environment `../shared/engines/env.sh ENGINE` prints (Debian's libraft 0.15, dqlite
// 1.18.6 with its in-tree raft, cowsql 1.15.9 on cowsql/raft 0.22.1). Every field must match (ok,
// error text, code, crash, hang, renamed/removed/created, the loaded log) on every node of the
// sample sets, on damaged copies where the engines differ (test/helpers/engine-cases.ts), on
// synthetic frames that test dqlite 1.18's read chunks, and on a set each newer engine made
// itself (lab.mjs make under its environment), loaded by all three. CI=true fails when an engine
// build is missing. Each engine's part prints how long it took.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inferEngine } from '../../src/analysis/engine/infer.js';
import { profileOf, type EngineName } from '../../src/analysis/engine/profiles.js';
import { predictStartup } from '../../src/analysis/loader/index.js';
import { STREAM_CHUNK } from '../../src/analysis/loader/snapshot-read.js';
import { buildNodeIndex } from '../../src/scan/build-node-index.js';
import { flip } from '../helpers/damage.js';
import { ENGINE_CASES } from '../helpers/engine-cases.js';
import { engineAvailable, engineBuilt, engineEnv, LAB_ENGINES, PROFILE_OF, raftLoad, type LabEngine } from '../helpers/engine.js';
import { makeCluster } from '../helpers/lab.js';
import { normaliseEngine, predictionAsEngine } from '../helpers/loader-compare.js';
import { copyNode, SAMPLE_SETS, sampleNodes, type SampleSet } from '../helpers/samples.js';
import { emptyNode, removeNode, writeSnapshot } from '../helpers/synthetic-node.js';

const available = engineAvailable();
const built = new Map(LAB_ENGINES.map((e) => [e, available && engineBuilt(e)]));
/** Writes per made set: past 1024 entries, so that each node takes a snapshot (raw on cowsql). */
const MADE_WRITES = 1100;

function compare(dir: string, engine: LabEngine, hang = false): void {
  const node = buildNodeIndex(dir);
  const profile = profileOf(PROFILE_OF[engine] as EngineName);
  for (const noAutoRecovery of [false, true]) {
    const real = normaliseEngine(raftLoad(dir, { engine, noAutoRecovery, timeoutSeconds: hang ? 3 : 30 }));
    const predicted = predictionAsEngine(predictStartup(node, { autoRecovery: !noAutoRecovery, engine: profile }));
    expect(predicted, `${engine} ${dir}${noAutoRecovery ? ' --no-auto-recovery' : ''}`).toEqual(real);
  }
}

/**
 * A node holding one stored-block LZ4 snapshot whose end mark starts `beforeChunkEnd` bytes before
 * the end of dqlite 1.18's first read chunk, its content checksum flipped: 1.18 checks the
 * checksum only when it arrives in the chunk that completes the content.
 */
function chunkEdgeNode(beforeChunkEnd: number): string {
  const dir = emptyNode();
  const endMark = STREAM_CHUNK - beforeChunkEnd;
  // endMark = 15-byte header + 4 bytes per 64 KiB block + content; 65 blocks here.
  const content = new Uint8Array(endMark - 15 - 4 * 65).fill(0x5a);
  const name = writeSnapshot(dir, 1n, 100n, 5n, { content });
  flip(dir, name, fs.statSync(path.join(dir, name)).size - 2);
  return dir;
}

const samples = new Map<SampleSet, string[]>();
const made = new Map<LabEngine, string[]>();

beforeAll(async () => {
  if (!available) return;
  for (const set of SAMPLE_SETS) samples.set(set, await sampleNodes(set));
  for (const engine of ['dqlite-1.18', 'cowsql-1.15'] as const) {
    if (!built.get(engine)) continue;
    const started = Date.now();
    const dir = await makeCluster({ writes: MADE_WRITES, env: engineEnv(engine) });
    made.set(engine, fs.readdirSync(dir).filter((n) => n.includes(':')).sort().map((n) => path.join(dir, n)));
    console.log(`loader-engines: made a ${engine} set (${MADE_WRITES} writes) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}, 600_000);

for (const engine of LAB_ENGINES) {
  describe.skipIf(!built.get(engine))(`loader simulation vs ${engine} (profile ${PROFILE_OF[engine]})`, () => {
    let started = 0;
    beforeAll(() => { started = Date.now(); });
    afterAll(() => console.log(`loader-engines: ${engine} part took ${((Date.now() - started) / 1000).toFixed(1)} s`));

    for (const set of SAMPLE_SETS) {
      it(`every node of ${set} as it is`, () => {
        for (const dir of samples.get(set)!) compare(dir, engine);
      });
    }

    for (const c of ENGINE_CASES) {
      it(c.name, () => {
        const dir = copyNode(samples.get(c.set)![c.node ?? 0]!);
        try {
          c.damage(dir);
          compare(dir, engine, c.hang);
        } finally {
          removeNode(dir);
        }
      });
    }

    for (const [where, before] of [['inside', 8], ['across', 4], ['after', 0]] as const) {
      it(`LZ4 content checksum flipped, end mark and checksum ${where} the end of 1.18's first read chunk`, () => {
        const dir = chunkEdgeNode(before);
        try {
          compare(dir, engine);
        } finally {
          removeNode(dir);
        }
      });
    }

    for (const maker of ['dqlite-1.18', 'cowsql-1.15'] as const) {
      it(`every node of a set ${maker} made`, () => {
        const nodes = made.get(maker);
        if (!nodes) {
          // The maker is not built here: engineBuilt already failed the run under CI.
          expect(built.get(maker)).toBe(false);
          return;
        }
        expect(nodes.length).toBe(3);
        for (const dir of nodes) compare(dir, engine);
      });
    }
  });
}

describe.skipIf(!available)('auto: each engine recognised from the files it wrote', () => {
  it('Debian\'s samples, and the set each newer engine made', () => {
    const names = (dirs: readonly string[]): string => inferEngine(dirs.map((d) => buildNodeIndex(d))).name;
    for (const set of SAMPLE_SETS) expect(names(samples.get(set)!), set).toBe('dqlite-1.11');
    for (const [maker, nodes] of made) expect(names(nodes), maker).toBe(PROFILE_OF[maker]);
    expect(made.size).toBe([...built].filter(([e, ok]) => ok && e !== 'debian').length);
  });
});
