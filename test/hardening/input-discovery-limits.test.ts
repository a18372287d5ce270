// Issue 10, "discovery limits silently drop nodes": a node deeper than the depth limit, a tree
// over the directory limit, a directory the user cannot read (the CLI runs as nobody: root reads
// everything), an archive cut at a block boundary (no end-of-archive marker), and a bind mount
// of a directory inside itself. Whatever leaves part of an input unsearched stops every command
// with exit 2 and one line naming the place and --accept-partial-scan; with the flag, every
// command's output — people's and JSON — says what was not searched. A loop is searched once.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_DIRS } from '../../src/scan/discover.js';
import { scanInputs } from '../../src/scan/scan-inputs.js';
import { sampleSet } from '../helpers/samples.js';
import { cliProblems } from './cli-cases.js';
import { NOBODY, errorLine, everyCommand, inputErrorProblems, rootAvailable, runCli, sandbox, unmount } from './input-env.js';

const NODE = '127.0.0.1:9511';
const rootOk = rootAvailable('unreadable-directory and bind-mount tests');
let box: string;
let source: string;

beforeAll(async () => {
  box = sandbox('input-limits');
  source = path.join(await sampleSet('healthy'), NODE);
});
afterAll(() => fs.rmSync(box, { recursive: true, force: true }));

/** A copy of the sample node at `rel` under `root`, readable by everyone. */
function placeNode(root: string, rel: string): string {
  const dir = path.join(root, rel);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(source)) {
    fs.copyFileSync(path.join(source, f), path.join(dir, f));
    fs.chmodSync(path.join(dir, f), 0o644);
  }
  return dir;
}

function chmodTree(dir: string): void {
  execFileSync('chmod', ['-R', 'a+rX', dir]);
}

/** Runs every command twice: refused without the flag, and with it saying what was left out. */
async function refusedThenAccepted(input: string, place: string, reason: RegExp, user?: number): Promise<void> {
  const out = path.join(box, 'never-written');
  for (const argv of everyCommand([input], out)) {
    const r = await runCli(argv, { user });
    expect(inputErrorProblems(r), argv.join(' ')).toEqual([]);
    expect(errorLine(r).startsWith(`${place}: `), errorLine(r)).toBe(true);
    expect(errorLine(r)).toMatch(reason);
    expect(errorLine(r)).toContain('Pass --accept-partial-scan to go on with the nodes found');
  }
  for (const argv of everyCommand([input], out, ['--accept-partial-scan'])) {
    const r = await runCli(argv, { user });
    expect(cliProblems(r, [0, 1]), argv.join(' ')).toEqual([]);
    if (argv.includes('--json')) {
      const notes = JSON.parse(r.out).inputNotes;
      expect(notes.partialScan.accepted, argv.join(' ')).toBe(true);
      expect(notes.partialScan.notSearched.some((s: { path: string; reason: string }) => s.path === place && reason.test(s.reason)), argv.join(' ')).toBe(true);
    } else {
      expect(r.out, argv.join(' ')).toContain('Partial scan (accepted with --accept-partial-scan)');
      expect(r.out).toContain(`${place}: `);
      expect(r.out).toMatch(reason);
    }
  }
  expect(fs.existsSync(out)).toBe(false);
}

describe('discovery limits', () => {
  it(`finds a node ${DEFAULT_MAX_DEPTH} levels down, and refuses to drop one deeper without --accept-partial-scan`, async () => {
    const tree = path.join(box, 'deep');
    const levels = (n: number) => Array.from({ length: n }, (_, i) => `l${i}`).join('/');
    placeNode(tree, levels(DEFAULT_MAX_DEPTH));
    const ok = await runCli(['rank', '--json', tree]);
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(ok.out).nodes).toHaveLength(1);
    placeNode(tree, `x/${levels(DEFAULT_MAX_DEPTH)}`);
    await refusedThenAccepted(tree, path.join(tree, 'x', levels(DEFAULT_MAX_DEPTH)), new RegExp(`not searched: deeper than ${DEFAULT_MAX_DEPTH} levels`));
    fs.rmSync(tree, { recursive: true });
  }, 300_000);

  it(`stops at the directory limit (${DEFAULT_MAX_DIRS} by default) and says where, unless accepted`, async () => {
    const tree = path.join(box, 'wide');
    placeNode(tree, 'a-first');
    for (let i = 0; i < 20; i++) fs.mkdirSync(path.join(tree, `m${String(i).padStart(2, '0')}`, 'sub'), { recursive: true });
    placeNode(tree, 'z-last');
    const refused = await scanInputs([tree], { discovery: { maxDirs: 10 } }).then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(InputError);
    expect((refused as Error).message).toMatch(/limit of 10 directories reached here .*Pass --accept-partial-scan/);
    const accepted = await scanInputs([tree], { discovery: { maxDirs: 10 }, acceptPartialScan: true });
    expect(accepted.nodes.map((n) => path.basename(n.dir))).toEqual(['a-first']);
    expect(accepted.notes.incomplete).toEqual([{ path: path.join(tree, 'm04'), reason: expect.stringMatching(/limit of 10 directories/) }]);
    accepted.cleanup();
    const all = await scanInputs([tree]);
    expect(all.nodes).toHaveLength(2);
    all.cleanup();
    fs.rmSync(tree, { recursive: true });
  });

  it('refuses an archive without its end-of-archive marker (cut at a block boundary) unless accepted', async () => {
    const tree = path.join(box, 'cut');
    placeNode(tree, `set/${NODE}`);
    const whole = path.join(box, 'whole.tar');
    execFileSync('tar', ['-C', tree, '-cf', whole, 'set']);
    // Cut before the last member's header: the archive ends at a member boundary, as a copy
    // stopped at a multiple of 512 bytes would, and nothing but the missing marker says so.
    const blocks = execFileSync('tar', ['-tRf', whole], { encoding: 'utf8' }).split('\n').filter((l) => /^block \d+: set\//.test(l));
    const lastHeader = Number(/^block (\d+):/.exec(blocks.at(-1)!)![1]);
    const cut = path.join(box, 'cut.tar');
    fs.writeFileSync(cut, fs.readFileSync(whole).subarray(0, lastHeader * 512));
    await refusedThenAccepted(cut, cut, new RegExp(`no end-of-archive marker after byte ${lastHeader * 512} of the tar stream`));
    fs.rmSync(tree, { recursive: true });
  }, 300_000);
});

describe.runIf(rootOk)('directories the tool cannot enter, and loops', () => {
  it('an unreadable directory (mode 000, run as nobody) is refused unless accepted', async () => {
    const tree = path.join(box, 'locked');
    placeNode(tree, 'open/node');
    placeNode(tree, 'closed/node');
    chmodTree(tree);
    fs.chmodSync(path.join(tree, 'closed'), 0o000);
    try {
      await refusedThenAccepted(tree, path.join(tree, 'closed'), /unreadable directory: EACCES \(permission denied\)/, NOBODY);
    } finally {
      fs.chmodSync(path.join(tree, 'closed'), 0o755);
    }
  }, 300_000);

  it('a directory bind-mounted inside itself is searched once, not forever', async () => {
    const tree = path.join(box, 'loop');
    placeNode(tree, 'n1');
    const mountPoint = path.join(tree, 'again');
    fs.mkdirSync(mountPoint);
    execFileSync('mount', ['--bind', tree, mountPoint]);
    try {
      const r = await runCli(['inspect', '--json', tree], { timeoutMs: 60_000 });
      expect(cliProblems(r), r.err).toEqual([]);
      const doc = JSON.parse(r.out);
      expect(doc.nodes.map((n: { path: string }) => n.path)).toEqual([path.join(tree, 'n1')]);
      expect(doc.inputNotes.skipped).toEqual([{ path: mountPoint, reason: 'the same directory was searched already (a bind mount?)' }]);
      expect(doc.inputNotes.partialScan).toBeNull();
    } finally {
      unmount(mountPoint);
    }
  }, 120_000);
});
