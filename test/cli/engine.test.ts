// --engine on every command that predicts, and its default `auto`: the JSON names the engine and
// why, people's output says it in one line, and where the files leave the engine open, the nodes
// another engine would start differently say so. The default never changes a prediction for a
// Debian-made set (every sample set: `auto` gives exactly what --engine dqlite-1.11 gives).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { snapshotsNewestFirst, truncate } from '../helpers/damage.js';
import { copyNode, SAMPLE_SETS, sampleNodes, sampleSet } from '../helpers/samples.js';
import * as s from '../helpers/synthetic-node.js';

async function cli(args: string[]) {
  const io = memoryIo({ COLUMNS: '1000' }); // content, not layout: lines unwrapped
  const code = await run(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) fs.rmSync(path.dirname(d), { recursive: true, force: true });
});

/** The healthy set with node 0's newest snapshot cut in half: dqlite ≥ 1.18.3 fails, the others hang. */
async function cutSnapshotSet(): Promise<string[]> {
  const [first, ...rest] = await sampleNodes('healthy');
  const dir = copyNode(first!);
  made.push(dir);
  const newest = snapshotsNewestFirst(dir)[0]!;
  truncate(dir, newest, Math.floor(fs.statSync(path.join(dir, newest)).size / 2));
  return [dir, ...rest];
}

/** A node with a few hundred entries from the project's encoder, no snapshot, no lock: nothing decides. */
function undecidedNode(): string {
  const dir = s.emptyNode();
  made.push(dir);
  s.writeClosed(dir, 1n, { batches: [50, 50] });
  return dir;
}

describe('--engine', () => {
  it('is taken by inspect, rank, check, dump and repair; an unknown name is exit 2 naming the accepted ones', async () => {
    const set = await sampleSet('healthy');
    for (const command of [['inspect'], ['rank'], ['check'], ['dump', '--limit', '1'], ['repair', '--dry-run', '--out', '/tmp/x']]) {
      const ok = await cli([...command, '--json', '--engine', 'dqlite-1.18.2', set]);
      expect(ok.code, `${command[0]}: ${ok.err}`).toBe(0);
      const bad = await cli([...command, '--engine', 'dqlite-2.0', set]);
      expect(bad.code, command[0]).toBe(2);
      expect(bad.err).toMatch(/unknown engine "dqlite-2\.0": engine must be auto, dqlite-1\.11, .*cowsql-1\.15 or a full version/);
      expect(bad.err).not.toContain('    at ');
    }
  });

  it('auto is the default, and on every Debian-made sample set predicts exactly what dqlite-1.11 does', async () => {
    for (const set of SAMPLE_SETS) {
      const auto = JSON.parse((await cli(['check', '--json', await sampleSet(set)])).out);
      const named = JSON.parse((await cli(['check', '--json', '--engine', 'dqlite-1.11', await sampleSet(set)])).out);
      expect(auto.engine, set).toMatchObject({ name: 'dqlite-1.11', source: 'evidence' });
      expect(auto.engine.evidence.join('\n')).toMatch(/LZ4 newest snapshot/);
      expect(named.engine).toEqual({ name: 'dqlite-1.11', source: 'flag', evidence: [] });
      expect(auto.nodes.map((n: { startup: unknown }) => n.startup), set).toEqual(named.nodes.map((n: { startup: unknown }) => n.startup));
      expect(auto.findings, set).toEqual(named.findings);
    }
  });

  it('check, rank, inspect and dump --json carry the same engine document', async () => {
    const set = await sampleSet('crash');
    const docs = await Promise.all([['check'], ['rank'], ['inspect'], ['dump', '--limit', '1']]
      .map(async (c) => JSON.parse((await cli([...c, '--json', set])).out)));
    // rank reads only what decides its answer: its evidence may name fewer nodes, never another engine.
    for (const d of docs) expect([d.engine.name, d.engine.source]).toEqual(['dqlite-1.11', 'evidence']);
    expect(docs[2].engine).toEqual(docs[0].engine);
    expect(docs[3].engine).toEqual(docs[0].engine);
    const flagged = JSON.parse((await cli(['inspect', '--json', '--engine', 'cowsql-1.15', set])).out);
    expect(flagged.engine).toEqual({ name: 'cowsql-1.15', source: 'flag', evidence: [] });
  });

  it('a named engine changes the prediction: dqlite-1.18 fails at once on a cut LZ4 snapshot the others hang on', async () => {
    const dirs = await cutSnapshotSet();
    const auto = JSON.parse((await cli(['check', '--json', ...dirs])).out);
    expect(auto.nodes[0].startup).toMatchObject({ outcome: 'hang' });
    expect(auto.nodes[0].otherEngines).toMatchObject([{ engines: ['dqlite-1.18'], startup: { outcome: 'error', code: 18 } }]);
    expect(auto.nodes[1]).not.toHaveProperty('otherEngines');
    const named = JSON.parse((await cli(['check', '--json', '--engine', 'dqlite-1.18', ...dirs])).out);
    expect(named.nodes[0].startup).toMatchObject({ outcome: 'error', error: 'short read: 131072 bytes instead of 309000' });
    expect(named.nodes[0]).not.toHaveProperty('otherEngines');
    const rank = JSON.parse((await cli(['rank', '--json', '--verify', '--engine', 'dqlite-1.18', ...dirs])).out);
    expect(rank.engine.name).toBe('dqlite-1.18');
    expect(rank.nodes.find((n: { name: string }) => n.name === '127.0.0.1:9511').startup.error).toMatch(/^short read/);
  });

  it('people\'s output says which engine and why in one line, and per node where another engine differs', async () => {
    const dirs = await cutSnapshotSet();
    const check = await cli(['check', ...dirs]);
    const lines = check.out.split('\n');
    expect(lines[0]).toMatch(/would not start/); // the verdict first
    expect(lines[2]).toMatch(/^Predictions for dqlite-1\.11 \(dqlite 1\.11\.1 on libraft 0\.15\.0\), inferred from the files: .*LZ4 newest snapshot/);
    expect(check.out).toMatch(/start-up \(dqlite-1\.11\)/);
    expect(check.out).toMatch(/Where the engine matters \(engines the files make less likely, not ruled out\):\n  127\.0\.0\.1:9511  dqlite-1\.18: refuses to start: short read: 131072 bytes instead of 309000/);
    for (const c of [['inspect'], ['rank', '--verify'], ['dump', '--limit', '1']]) {
      const r = await cli([...c, ...dirs]);
      expect(r.out, c[0]).toMatch(/Predictions for dqlite-1\.11 .*inferred from the files/);
      expect(r.out, c[0]).toMatch(/dqlite-1\.18: refuses to start: short read/);
    }
    const named = await cli(['check', '--engine', 'cowsql-1.15', ...dirs]);
    expect(named.out.split('\n')[2]).toBe('Predictions for cowsql-1.15 (cowsql 1.15.9 on cowsql/raft 0.22.1), the engine named.');
    expect(named.out).not.toMatch(/Where the engine matters/);
  });

  it('files that show nothing: source unknown, a guess said as such, every clue listed', async () => {
    const dir = undecidedNode();
    const doc = JSON.parse((await cli(['check', '--json', dir])).out);
    expect(doc.engine).toMatchObject({ name: 'dqlite-1.11', source: 'unknown' });
    expect(doc.engine.evidence).toHaveLength(2);
    const text = (await cli(['inspect', dir])).out;
    expect(text.split('\n')[0]).toMatch(/^Predictions for dqlite-1\.11 .*, a guess: the files do not show which engine runs them \(no dqlite-lock in any node; only zeros/);
  });

  it('auto recognises a cowsql-written node by its raw snapshot and predicts for cowsql', async () => {
    const dir = s.emptyNode();
    made.push(dir);
    s.writeClosed(dir, 1n, { batches: [20] });
    s.writeSnapshot(dir, 1n, 10n, 5n, { raw: true, content: new Uint8Array(64).fill(1) });
    const doc = JSON.parse((await cli(['check', '--json', dir])).out);
    expect(doc.engine).toMatchObject({ name: 'cowsql-1.15', source: 'evidence' });
    expect(doc.engine.evidence.join('\n')).toMatch(/uncompressed newest snapshot/);
  });
});
