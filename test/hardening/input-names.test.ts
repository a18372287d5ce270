// Issue 10, "file names with escape sequences or newlines are printed raw": junk files in a node
// directory, a node directory and an archive member whose names hold a newline, terminal escape
// sequences (retitle the window, clear the screen) and a right-to-left override. People's output
// of every command shows them escaped (one report line stays one line, no control character
// reaches the terminal); JSON keeps them exact; exit-2 messages stay one line; and repair copies
// none of the junk files, naming each in "Not copied".
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleSet } from '../helpers/samples.js';
import { cliProblems } from './cli-cases.js';
import { errorLine, everyCommand, inputErrorProblems, rawControls, runCli, sandbox } from './input-env.js';

const JUNK = ['evil\u001b]0;pwned\u0007', 'x\nmetadata1 forged line', 'clear\u001b[2J\u001b[H', 'rtl\u202etxt.exe', 'tab\tname', 'bell\u0007'];
const EVIL_DIR = 'node\u001b[31m\nred';
let box: string;
let set: string;
let lone: string;

beforeAll(async () => {
  box = sandbox('input-names');
  set = path.join(box, 'set');
  fs.cpSync(await sampleSet('healthy'), set, { recursive: true });
  fs.rmSync(path.join(set, 'expect.json'), { force: true });
  for (const name of JUNK) fs.writeFileSync(path.join(set, '127.0.0.1:9511', name), 'junk');
  // One node whose directory name is hostile and has no info.yaml: its name is the directory's.
  lone = path.join(box, 'lone');
  fs.cpSync(path.join(set, '127.0.0.1:9512'), path.join(lone, EVIL_DIR), { recursive: true });
  fs.rmSync(path.join(lone, EVIL_DIR, 'info.yaml'));
  fs.rmSync(path.join(lone, EVIL_DIR, 'cluster.yaml'));
});
afterAll(() => fs.rmSync(box, { recursive: true, force: true }));

/** People's output: no control character but line ends, and no line forged from a name. */
function expectPrintable(out: string, what: string): void {
  expect(rawControls(out), what).toEqual([]);
  expect(out.split('\n').filter((l) => l.startsWith('metadata1 forged line') || l.startsWith('red')), what).toEqual([]);
}

describe('hostile names', () => {
  it('are escaped in every command\'s people\'s output and exact in JSON', async () => {
    for (const input of [set, lone]) {
      for (const argv of everyCommand([input], path.join(box, 'never'))) {
        const r = await runCli(argv, { env: { ...process.env, NO_COLOR: '1' } });
        expect(cliProblems(r, [0, 1, 3]), argv.join(' ')).toEqual([]);
        if (!argv.includes('--json')) expectPrintable(r.out, argv.join(' '));
        else JSON.parse(r.out);
      }
    }
    const inspect = await runCli(['inspect', set]);
    expect(inspect.out).toContain('· other file evil\\x1b]0;pwned\\x07 (ignored, 4 B)');
    expect(inspect.out).toContain('· other file x\\nmetadata1 forged line (ignored, 4 B)');
    expect(inspect.out).toContain('rtl\\u{202e}txt.exe');
    const json = JSON.parse((await runCli(['inspect', '--json', set])).out);
    const others = json.nodes.find((n: { name: string }) => n.name === '127.0.0.1:9511').otherFiles.map((f: { name: string }) => f.name);
    expect(others.sort()).toEqual([...JUNK].sort());
    const rank = await runCli(['rank', lone]);
    expect(rank.out).toContain('node\\x1b[31m\\nred');
    expect(JSON.parse((await runCli(['rank', '--json', lone])).out).nodes[0].name).toBe(EVIL_DIR);
  }, 600_000);

  it('stay on one line in an exit-2 message', async () => {
    const archive = path.join(box, 'evil-member.tar');
    const staging = path.join(box, 'staging');
    fs.mkdirSync(path.join(staging, 'n'), { recursive: true });
    fs.writeFileSync(path.join(staging, 'n', 'metadata1'), Buffer.alloc(32));
    const sparse = path.join(staging, 'n', 'open-1\nforged\u001b[2J');
    fs.writeFileSync(sparse, 'x');
    fs.truncateSync(sparse, 1 << 20); // a hole: GNU tar --sparse stores it as a sparse member
    execFileSync('tar', ['--sparse', '--format=gnu', '-C', staging, '-cf', archive, 'n']);
    const r = await runCli(['inspect', archive]);
    expect(inputErrorProblems(r)).toEqual([]);
    expect(rawControls(r.err)).toEqual([]);
    expect(errorLine(r)).toContain('member n/open-1\\nforged\\x1b[2J is a sparse file in the old GNU format');
  }, 60_000);

  it('junk files are never copied by repair, and each is named under "Not copied"', async () => {
    const out = path.join(box, 'repaired');
    const plan = await runCli(['repair', '--dry-run', '--json', set, '--out', out]);
    expect(cliProblems(plan, [0]), plan.err).toEqual([]);
    const doc = JSON.parse(plan.out).plan;
    const planned = doc.outputs.flatMap((n: { files: { name: string }[] }) => n.files.map((f) => f.name));
    for (const name of JUNK) expect(planned, JSON.stringify(name)).not.toContain(name);
    const notCopied = new Map(doc.notCopied.map((n: { file: string; reason: string }) => [n.file, n.reason]));
    for (const name of JUNK) expect(notCopied.get(`127.0.0.1:9511:${name}`), JSON.stringify(name)).toMatch(/^not a file raft, dqlite or go-dqlite writes/);
    const people = await runCli(['repair', '--dry-run', '--width', '200', set, '--out', out]);
    expectPrintable(people.out, 'repair --dry-run');
    expect(people.out).toContain('  - 127.0.0.1:9511:evil\\x1b]0;pwned\\x07: not a file raft, dqlite or go-dqlite writes');
    const written = await runCli(['repair', set, '--out', out]);
    expect(cliProblems(written, [0]), written.err).toEqual([]);
    const files = fs.readdirSync(out, { recursive: true }).map(String);
    for (const name of JUNK) expect(files.some((f) => f.endsWith(name)), JSON.stringify(name)).toBe(false);
  }, 300_000);
});
