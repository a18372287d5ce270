// Issue 10, "GNU sparse tar members": a node whose open segment is preallocated (data, then a
// hole, as raft's fallocate leaves it) archived by the real GNU tar with --sparse, in the old
// GNU format and in the PAX formats 0.0, 0.1 and 1.0. node-tar alone drops the old-format member
// and hands PAX members over as their data regions glued together (0.0 under the real name: a
// log read short) or under GNUSparseFile.N/. raft-rescue must read the PAX ones exactly as GNU tar
// restores them — every command reports the same as for the directory — and refuse the old
// format with one line naming the member and the format.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleSet } from '../helpers/samples.js';
import { segmentBytes } from '../helpers/synthetic-node.js';
import { errorLine, everyCommand, inputErrorProblems, runCli, sandbox } from './input-env.js';
import { cliProblems } from './cli-cases.js';

const NODE = '127.0.0.1:9511';
const OPEN_SIZE = 8 << 20;
let box: string;
let set: string;

beforeAll(async () => {
  box = sandbox('input-sparse');
  set = path.join(box, 'set');
  const node = path.join(set, NODE);
  fs.mkdirSync(node, { recursive: true });
  const src = path.join(await sampleSet('healthy'), NODE);
  for (const f of fs.readdirSync(src)) fs.copyFileSync(path.join(src, f), path.join(node, f));
  // An open segment continuing the log (2615..2617, term 1), preallocated to 8 MiB: data in the
  // first block, a hole after it, and a few bytes at the very end, as a real sparse file.
  const fd = fs.openSync(path.join(node, 'open-1'), 'w');
  fs.writeSync(fd, segmentBytes(2615n, { batches: [1, 1, 1] }), 0, undefined, 0);
  fs.writeSync(fd, Buffer.alloc(4, 0), 0, 4, OPEN_SIZE - 4);
  fs.closeSync(fd);
  expect(fs.statSync(path.join(node, 'open-1')).blocks * 512).toBeLessThan(OPEN_SIZE / 4);
});
afterAll(() => fs.rmSync(box, { recursive: true, force: true }));

function gnuTar(name: string, format: string[]): string {
  const file = path.join(box, name);
  execFileSync('tar', ['--sparse', ...format, '-C', box, '-cf', file, 'set']);
  return file;
}

/** What a command says about the nodes, without the paths (directory vs archive). */
function verdict(out: string): unknown {
  const doc = JSON.parse(out) as Record<string, unknown>;
  return JSON.parse(JSON.stringify(doc, (k, v: unknown) => (k === 'path' || k === 'node' || k === 'displayPath' || k === 'inputNotes' ? undefined : v)));
}

describe('GNU sparse members made by GNU tar --sparse', () => {
  it.each(['0.0', '0.1', '1.0'])('PAX sparse format %s: restored with its hole, every command as for the directory', async (version) => {
    const archive = gnuTar(`pax-${version}.tar`, ['--format=posix', `--sparse-version=${version}`]);
    // The member really is stored sparse: the archive is smaller than the files by most of the hole.
    const files = fs.readdirSync(path.join(set, NODE)).reduce((n, f) => n + fs.statSync(path.join(set, NODE, f)).size, 0);
    expect(fs.statSync(archive).size).toBeLessThan(files - OPEN_SIZE / 2);
    expect(fs.readFileSync(archive).includes('GNU.sparse.')).toBe(true);
    for (const argv of [['inspect', '--json'], ['rank', '--json'], ['check', '--json'], ['dump', '--json', '--from', '2610']]) {
      const fromDir = await runCli([...argv, set]);
      const fromTar = await runCli([...argv, archive]);
      expect(cliProblems(fromTar), fromTar.err).toEqual([]);
      expect(fromTar.code).toBe(fromDir.code);
      expect(verdict(fromTar.out), argv.join(' ')).toEqual(verdict(fromDir.out));
    }
    const inspect = JSON.parse((await runCli(['inspect', '--json', archive])).out);
    const open = inspect.nodes[0].segments.find((s: { name: string }) => s.name === 'open-1');
    expect(open).toMatchObject({ size: OPEN_SIZE, entries: 3, lastIndex: '2617' });
    expect(inspect.nodes[0].log.lastIndex).toBe('2617');
  }, 120_000);

  it('the old GNU sparse format is refused by every command, naming the member and the format', async () => {
    const archive = gnuTar('gnu.tar', ['--format=gnu']);
    for (const argv of everyCommand([archive], path.join(box, 'out'))) {
      const r = await runCli(argv);
      expect(inputErrorProblems(r), argv.join(' ')).toEqual([]);
      expect(errorLine(r)).toBe(`${archive}: member set/${NODE}/open-1 is a sparse file in the old GNU format (tar --sparse --format=gnu), which raft-rescue cannot read; extract the archive with GNU tar and pass the directory, or make it again with --format=posix`);
    }
    expect(fs.existsSync(path.join(box, 'out'))).toBe(false);
  }, 300_000);

  it('a sparse map that does not match the stored data is refused, not read short', async () => {
    const good = fs.readFileSync(gnuTar('pax-map.tar', ['--format=posix', '--sparse-version=0.1']));
    // Shift the map so the stored bytes no longer fill it: same record length, another offset.
    const text = good.toString('latin1');
    const m = /GNU\.sparse\.map=0,(\d+),/.exec(text);
    expect(m).not.toBeNull();
    const longer = String(Number(m![1]) + 1).padStart(m![1]!.length, '0').slice(-m![1]!.length);
    const bad = Buffer.from(text.replace(`GNU.sparse.map=0,${m![1]},`, `GNU.sparse.map=0,${longer},`), 'latin1');
    const archive = path.join(box, 'bad-map.tar');
    fs.writeFileSync(archive, bad);
    const r = await runCli(['rank', archive]);
    expect(inputErrorProblems(r)).toEqual([]);
    expect(errorLine(r)).toMatch(new RegExp(`member set/${NODE.replace(/\./g, '\\.')}/open-1: cannot restore the GNU sparse file: `));
  }, 60_000);
});
