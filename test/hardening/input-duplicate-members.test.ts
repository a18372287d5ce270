// Issue 10, "duplicate members": an archive refreshed with GNU tar -rf (append) and -uf
// (update) holds two copies of a file; GNU tar extracts the last one. raft-rescue must read the
// same bytes as GNU tar does — every command's verdict equals the verdict on GNU tar's own
// extraction — and say in every command's output, people's and JSON, that the archive held
// several copies of the member.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMetadata } from '../../src/format/metadata.js';
import { sampleSet } from '../helpers/samples.js';
import { cliProblems } from './cli-cases.js';
import { everyCommand, runCli, sandbox } from './input-env.js';

const NODE = '127.0.0.1:9511';
let box: string;
let set: string;

beforeAll(async () => {
  box = sandbox('input-dups');
  set = path.join(box, 'set');
  fs.mkdirSync(path.join(set, NODE), { recursive: true });
  const src = path.join(await sampleSet('healthy'), NODE);
  for (const f of fs.readdirSync(src)) fs.copyFileSync(path.join(src, f), path.join(set, NODE, f));
});
afterAll(() => fs.rmSync(box, { recursive: true, force: true }));

function tar(args: string[]): void {
  execFileSync('tar', ['-C', box, ...args]);
}

/** What a command says about the nodes, without the paths (archive vs GNU tar's extraction). */
function verdict(out: string): unknown {
  return JSON.parse(out, (k, v: unknown) => (k === 'path' || k === 'node' || k === 'inputNotes' || k === 'mtimeMs' ? undefined : v));
}

describe('archives refreshed with tar -rf and tar -uf', () => {
  it('are read as GNU tar extracts them (last copy), and every command says the archive held several copies', async () => {
    const archive = path.join(box, 'refreshed.tar');
    tar(['-cf', archive, 'set']);
    // -rf: a newer metadata1 (term 7) appended after the original.
    fs.writeFileSync(path.join(set, NODE, 'metadata1'), encodeMetadata({ version: 9n, term: 7n, votedFor: 0n }));
    tar(['-rf', archive, `set/${NODE}/metadata1`]);
    // -uf: info.yaml changed and newer than the archived copy.
    const info = path.join(set, NODE, 'info.yaml');
    fs.writeFileSync(info, fs.readFileSync(info, 'utf8').replace(/Role: \d/, 'Role: 1'));
    fs.utimesSync(info, new Date(), new Date(Date.now() + 60_000));
    tar(['-uf', archive, `set/${NODE}/info.yaml`]);
    const listing = execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).split('\n');
    expect(listing.filter((l) => l === `set/${NODE}/metadata1`)).toHaveLength(2);
    expect(listing.filter((l) => l === `set/${NODE}/info.yaml`)).toHaveLength(2);

    const gnu = path.join(box, 'gnu-extracted');
    fs.mkdirSync(gnu);
    execFileSync('tar', ['-C', gnu, '-xf', archive]);
    // In the order of their first copies in the archive.
    const first = (m: string) => listing.indexOf(`set/${NODE}/${m}`);
    const expected = ['metadata1', 'info.yaml'].sort((a, b) => first(a) - first(b)).map((m) => ({ archive, member: `set/${NODE}/${m}`, copies: 2 }));
    for (const argv of everyCommand([archive], path.join(box, 'out'))) {
      const r = await runCli(argv);
      expect(cliProblems(r), argv.join(' ')).toEqual([]);
      if (argv.includes('--json')) {
        const doc = JSON.parse(r.out);
        expect(doc.inputNotes.duplicateMembers, argv.join(' ')).toEqual(expected);
        if (argv[0] !== 'repair') {
          const fromGnu = await runCli(argv.map((a) => (a === archive ? path.join(gnu, 'set') : a)));
          expect(verdict(r.out), argv.join(' ')).toEqual(verdict(fromGnu.out));
        }
      } else {
        expect(r.out, argv.join(' ')).toContain('Archives holding several copies of a member (the last copy was read, as GNU tar extracts it):');
        expect(r.out).toContain(`${archive}: set/${NODE}/metadata1 (2 copies)`);
      }
    }
    // The last copy is the one read: term 7 from metadata1, role 1 from info.yaml.
    const doc = JSON.parse((await runCli(['inspect', '--json', archive])).out);
    expect(doc.nodes[0].metadata.find((m: { file: string }) => m.file === 'metadata1')).toMatchObject({ version: '9', term: '7' });
    expect(doc.nodes[0].info.role).toBe(1);
  }, 300_000);
});
