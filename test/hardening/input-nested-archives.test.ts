// Issue 10, "nested archives": a support bundle of per-node tarballs (case.tar.gz holding
// node1.tar.gz …), a folder of such tarballs, a tarball gzipped twice, archives nested too deep,
// a damaged archive inside a bundle, and a folder holding both node directories and a tarball.
// All archives are made by GNU tar and gzip. Bundles are read like the directory they came from;
// what was opened is said in every output; limits and damage are one line with exit 2.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleSet } from '../helpers/samples.js';
import { cliProblems } from './cli-cases.js';
import { errorLine, everyCommand, inputErrorProblems, runCli, sandbox } from './input-env.js';

const NODES = ['127.0.0.1:9511', '127.0.0.1:9512', '127.0.0.1:9513'];
let box: string;
let set: string;
let perNode: string;

beforeAll(async () => {
  box = sandbox('input-nested');
  set = await sampleSet('healthy');
  perNode = path.join(box, 'per-node');
  fs.mkdirSync(perNode);
  for (const [i, n] of NODES.entries()) execFileSync('tar', ['-C', set, '-czf', path.join(perNode, `node${i + 1}.tar.gz`), n]);
});
afterAll(() => fs.rmSync(box, { recursive: true, force: true }));

/** The nodes a command reports, without where they were found. */
function verdict(out: string): unknown {
  return JSON.parse(out, (k, v: unknown) => (k === 'path' || k === 'node' || k === 'inputNotes' ? undefined : v));
}

describe('archives inside the inputs', () => {
  it('a bundle of per-node tarballs, and a folder of them, read like the set they came from', async () => {
    const bundle = path.join(box, 'case.tar.gz');
    execFileSync('tar', ['-C', box, '-czf', bundle, 'per-node']);
    for (const input of [bundle, perNode]) {
      for (const argv of [['rank', '--json'], ['check', '--json']]) {
        const nested = await runCli([...argv, input]);
        expect(cliProblems(nested), nested.err).toEqual([]);
        expect(verdict(nested.out), `${argv.join(' ')} ${input}`).toEqual(verdict((await runCli([...argv, set])).out));
      }
      const doc = JSON.parse((await runCli(['inspect', '--json', input])).out);
      const shown = input === bundle ? `${bundle}:per-node/` : `${perNode}/`;
      expect(doc.nodes.map((n: { path: string }) => n.path)).toEqual(NODES.map((n, i) => `${shown}node${i + 1}.tar.gz:${n}`));
      expect(doc.inputNotes.nestedArchives).toEqual(NODES.map((_, i) => ({ path: `${shown}node${i + 1}.tar.gz`, opened: true })));
      const people = await runCli(['rank', input]);
      expect(people.out).toContain('Archives inside the inputs:');
      expect(people.out).toContain(`${shown}node1.tar.gz: opened`);
    }
  }, 300_000);

  it('a tarball gzipped twice is read through, and said so', async () => {
    const once = path.join(box, 'set.tar.gz');
    execFileSync('tar', ['-C', path.dirname(set), '-czf', once, path.basename(set)]);
    const twice = path.join(box, 'set.tar.gz.gz');
    fs.writeFileSync(twice, execFileSync('gzip', ['-c', once], { maxBuffer: 1 << 30 }));
    for (const argv of everyCommand([twice], path.join(box, 'never'))) {
      const r = await runCli(argv);
      expect(cliProblems(r, [0, 1]), argv.join(' ')).toEqual([]);
      if (argv.includes('--json')) expect(JSON.parse(r.out).inputNotes.warnings).toEqual([`${twice}: a tar archive inside 2 layers of gzip (compressed 2 times); read through all of them`]);
      else expect(r.out).toContain('inside 2 layers of gzip');
    }
    expect(verdict((await runCli(['rank', '--json', twice])).out)).toEqual(verdict((await runCli(['rank', '--json', set])).out));
  }, 300_000);

  it('archives nested deeper than 3 levels are not opened: exit 2 unless accepted', async () => {
    // level4.tar.gz ⊂ level3.tar.gz ⊂ level2.tar.gz ⊂ level1.tar.gz (the input), with a node only in the innermost.
    const work = path.join(box, 'deep');
    fs.mkdirSync(work);
    execFileSync('tar', ['-C', set, '-czf', path.join(work, 'level4.tar.gz'), NODES[0]!]);
    for (const level of [3, 2, 1]) execFileSync('tar', ['-C', work, '-czf', path.join(work, `level${level}.tar.gz`), `level${level + 1}.tar.gz`]);
    const input = path.join(work, 'level1.tar.gz');
    const place = `${input}:level2.tar.gz:level3.tar.gz:level4.tar.gz`;
    const r = await runCli(['rank', input]);
    expect(inputErrorProblems(r)).toEqual([]);
    expect(errorLine(r)).toBe(`${place}: archive not opened: archives nested deeper than 3 levels are not opened; nodes there would be missing from every verdict. Pass --accept-partial-scan to go on with the nodes found`);
    const accepted = await runCli(['rank', '--json', '--accept-partial-scan', input]);
    expect(accepted.code).toBe(2); // nothing else to rank: still one line, exit 2
    expect(errorLine(accepted)).toMatch(/holds no raft node directory/);
  }, 120_000);

  it('a damaged archive inside a bundle stops every command with one line naming it', async () => {
    const work = path.join(box, 'damaged');
    fs.mkdirSync(work);
    const good = fs.readFileSync(path.join(perNode, 'node1.tar.gz'));
    fs.writeFileSync(path.join(work, 'node1.tar.gz'), good.subarray(0, good.length - 100));
    fs.copyFileSync(path.join(perNode, 'node2.tar.gz'), path.join(work, 'node2.tar.gz'));
    const bundle = path.join(box, 'damaged.tar');
    execFileSync('tar', ['-C', box, '-cf', bundle, 'damaged']);
    for (const argv of everyCommand([bundle], path.join(box, 'never'))) {
      const r = await runCli(argv);
      expect(inputErrorProblems(r), argv.join(' ')).toEqual([]);
      expect(errorLine(r)).toMatch(new RegExp(`^${bundle.replace(/[.]/g, '\\.')}:damaged/node1\\.tar\\.gz: archive truncated at byte \\d+ \\(gzip stream ends early\\)$`));
    }
  }, 300_000);

  it('an archive beside node directories is named, not opened (it may be their own copy)', async () => {
    const mixed = path.join(box, 'mixed');
    fs.cpSync(set, mixed, { recursive: true });
    fs.copyFileSync(path.join(perNode, 'node1.tar.gz'), path.join(mixed, 'node1.tar.gz'));
    const r = await runCli(['inspect', '--json', mixed]);
    expect(cliProblems(r), r.err).toEqual([]);
    const doc = JSON.parse(r.out);
    expect(doc.nodes).toHaveLength(3);
    expect(doc.inputNotes.nestedArchives).toEqual([{ path: path.join(mixed, 'node1.tar.gz'), opened: false, reason: 'not opened: the tree around it holds node directories (pass the archive as an input to read it)' }]);
  }, 120_000);
});
