// Issue 10: every path the tool writes gets the guards --out has. --plan-out and --out are refused
// (exit 3, one line) when they are an input, inside one or around one, compared by device and
// inode, so a real bind mount of the input counts; a symlink in their last component is replaced
// or moved aside, never followed; --plan-out is replaced atomically; --out x.tar is a tarball.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_NAME } from '../../src/repair/apply/apply.js';
import { sha256File } from '../../src/scan/digest.js';
import { copySet } from '../helpers/repair.js';
import { sampleDataDir, sampleSet } from '../helpers/samples.js';
import { runBin, runInProcess, type CliOutcome } from './cli-cases.js';
import { bindMount, requireRoot, unmountAll } from './mounts.js';

let sandbox: string;
let set: string;
let node: string;

/** Every entry under `root` with size, mtime and inode. */
function tree(root: string): string[] {
  return fs.readdirSync(root, { recursive: true, withFileTypes: false }).map(String).sort().map((rel) => {
    const st = fs.lstatSync(path.join(root, rel));
    return `${rel} ${st.size} ${st.mtimeMs} ${st.ino}`;
  });
}

function oneLine(r: CliOutcome, code: number): string {
  expect(r.code, r.err).toBe(code);
  const lines = r.err.split('\n').filter((l) => l.trim() !== '' && !/^Run 'raft-rescue --help'/.test(l));
  expect(lines, r.err).toHaveLength(1);
  return lines[0]!;
}

beforeAll(async () => {
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-out-guards-'));
  set = path.join(sandbox, 'set');
  fs.renameSync(copySet(await sampleSet('healthy')), set);
  node = path.join(set, '127.0.0.1:9511');
}, 60_000);
afterAll(() => {
  unmountAll();
  fs.rmSync(sandbox, { recursive: true, force: true });
});

describe('--plan-out and --out never land on, in or around an input', () => {
  const dry = (extra: string[]) => runInProcess(['repair', set, '--dry-run', '--out', path.join(sandbox, 'o'), ...extra]);

  it('--plan-out over an input file, into an input directory, or over the --cluster file', async () => {
    const before = tree(set);
    const cluster = path.join(sandbox, 'target.yaml');
    fs.writeFileSync(cluster, '- Address: 127.0.0.1:9511\n  ID: 3297041220608546238\n  Role: 0\n');
    for (const planOut of [path.join(node, 'metadata1'), path.join(node, 'plan.json'), set]) {
      expect(oneLine(await dry(['--plan-out', planOut]), 3)).toMatch(/--plan-out .* overlaps the input/);
    }
    expect(oneLine(await dry(['--cluster', cluster, '--plan-out', cluster]), 3)).toMatch(/overlaps the input .*target\.yaml/);
    expect(fs.readFileSync(cluster, 'utf8')).toMatch(/^- Address/);
    expect(tree(set)).toEqual(before);
  });

  it('--plan-out over the archive that is the input', async () => {
    const archive = path.join(sandbox, 'healthy.tar.gz');
    fs.copyFileSync(path.join(sampleDataDir, 'healthy.tar.gz'), archive);
    const before = sha256File(archive);
    const r = await runInProcess(['repair', archive, '--dry-run', '--out', path.join(sandbox, 'o'), '--plan-out', archive]);
    expect(oneLine(r, 3)).toMatch(/overlaps the input .*healthy\.tar\.gz/);
    expect(sha256File(archive)).toEqual(before);
  });

  describe.skipIf(!requireRoot())('through a real bind mount (same device and inode, another path)', () => {
    it('--out and --plan-out inside a bind mount of the input, and --out over a bind mount of its parent', async () => {
      const bound = path.join(sandbox, 'bound');
      bindMount(set, bound);
      const before = tree(set);
      expect(oneLine(await runInProcess(['repair', set, '--out', path.join(bound, 'out')]), 3)).toMatch(/--out .*bound\/out overlaps the input/);
      expect(oneLine(await dry(['--plan-out', path.join(bound, '127.0.0.1:9511', 'plan.json')]), 3)).toMatch(/--plan-out .* overlaps the input/);
      const parentBound = path.join(sandbox, 'parent-bound');
      bindMount(sandbox, parentBound);
      expect(oneLine(await runInProcess(['repair', set, '--force', '--out', parentBound]), 3)).toMatch(/overlaps the input/);
      expect(tree(set)).toEqual(before);
      expect(fs.readdirSync(bound).sort()).toEqual(['127.0.0.1:9511', '127.0.0.1:9512', '127.0.0.1:9513', 'expect.json']);
    });
  });
});

describe('temp dirs', () => {
  it('an archive is never unpacked into a directory that is an input (TMPDIR inside it): exit 2', async () => {
    const archive = path.join(sandbox, 'second.tar.gz');
    fs.copyFileSync(path.join(sampleDataDir, 'healthy.tar.gz'), archive);
    const before = tree(set);
    const r = await runBin(['inspect', set, archive], { env: { ...process.env, TMPDIR: node } });
    expect(oneLine(r, 2)).toMatch(new RegExp(`TMPDIR .*127\\.0\\.0\\.1:9511 is inside the input .*set, where .*second\\.tar\\.gz would be unpacked`));
    expect(tree(set)).toEqual(before);
  });

  it('a TMPDIR that does not exist: exit 2, one line naming it', async () => {
    const r = await runBin(['inspect', path.join(sampleDataDir, 'healthy.tar.gz')], { env: { ...process.env, TMPDIR: path.join(sandbox, 'no-such-tmp') } });
    expect(oneLine(r, 2)).toMatch(/cannot create a temp dir in .*no-such-tmp to unpack .*healthy\.tar\.gz: ENOENT \(no such file or directory\)/);
  });
});

describe('symlinks are replaced or moved aside, never followed', () => {
  it('--plan-out that is a symlink to another file: the link is replaced, its target untouched', async () => {
    const victim = path.join(sandbox, 'victim.txt');
    fs.writeFileSync(victim, 'keep me');
    const link = path.join(sandbox, 'plan-link.json');
    fs.symlinkSync(victim, link);
    const r = await runInProcess(['repair', set, '--dry-run', '--out', path.join(sandbox, 'o'), '--plan-out', link]);
    expect(r.code, r.err).toBe(0);
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep me');
    expect(fs.lstatSync(link).isFile()).toBe(true);
    expect(JSON.parse(fs.readFileSync(link, 'utf8')).planVersion).toBe(3);
  });

  it('--out that is a symlink to a directory: refused without --force, moved aside (not followed) with it', async () => {
    const elsewhere = path.join(sandbox, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(elsewhere, 'mine'), 'x');
    const out = path.join(sandbox, 'out-link');
    fs.symlinkSync(elsewhere, out);
    expect(oneLine(await runInProcess(['repair', set, '--out', out]), 3)).toMatch(/already exists \(a symbolic link\)/);
    const r = await runInProcess(['repair', set, '--out', out, '--force']);
    expect(r.code, r.err).toBe(0);
    expect(fs.readdirSync(elsewhere)).toEqual(['mine']);
    expect(fs.lstatSync(`${out}.replaced-1`).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(out).isDirectory()).toBe(true);
  });
});

describe('writing', () => {
  it('--plan-out replaces an existing plan atomically: a new inode, no temp file left', async () => {
    const dir = fs.mkdtempSync(path.join(sandbox, 'plans-'));
    const planOut = path.join(dir, 'plan.json');
    fs.writeFileSync(planOut, 'old');
    const ino = fs.statSync(planOut).ino;
    const r = await runInProcess(['repair', set, '--dry-run', '--out', path.join(sandbox, 'o'), '--plan-out', planOut]);
    expect(r.code, r.err).toBe(0);
    expect(fs.readdirSync(dir)).toEqual(['plan.json']);
    expect(fs.statSync(planOut).ino).not.toBe(ino);
    expect(JSON.parse(fs.readFileSync(planOut, 'utf8')).status).toBe('ready');
  });

  it('--out x.tar writes an uncompressed tarball of the same set (GNU tar reads it)', async () => {
    const dir = fs.mkdtempSync(path.join(sandbox, 'tar-'));
    const out = path.join(dir, 'set.tar');
    const r = await runInProcess(['repair', set, '--out', out, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).result.format).toBe('tar');
    expect(fs.readdirSync(dir)).toEqual(['set.tar']);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    const head = Buffer.alloc(512);
    fs.readSync(fs.openSync(out, 'r'), head, 0, 512, 0);
    expect(head.subarray(257, 262).toString('latin1')).toBe('ustar');
    const listed = execFileSync('tar', ['-tf', out]).toString().split('\n').filter(Boolean);
    expect(listed).toContain(MANIFEST_NAME);
    const x = fs.mkdtempSync(path.join(sandbox, 'x-'));
    await tar.x({ file: out, cwd: x });
    const manifest = JSON.parse(fs.readFileSync(path.join(x, MANIFEST_NAME), 'utf8'));
    expect(manifest.format).toBe('tar');
    for (const f of manifest.files) expect(sha256File(path.join(x, f.path)).sha256).toBe(f.sha256);
  });
});
