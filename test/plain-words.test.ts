// No word of how this project was made reaches users (issue 9): not the names of the documents
// and procedures it was built from, nor internal labels. Checked in every source file (its
// strings become output), in the README, in every command's help, and in every command's
// output, people's and JSON (keys and values), on a sample set.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../src/cli/io.js';
import { run } from '../src/cli/run.js';
import { repoRoot, sampleSet } from './helpers/samples.js';

/** Words that belong to how the tool was made, not to what it does. */
const INTERNAL = [
  /\bseed ?(rank|method|procedure|rule|order|document|ranking)\b/i,
  /\bseedRank\b/,
  /\bthe seed\b/i,
  /\bseed's\b/i,
  /\b[A-C]\.\d(\.\d)?\b(?!\d)/, // section numbers of a procedure document (C.1.1, B.2)
  /\bby index\b/i, // a column header nobody could read
  /\bdrop-trailing-entries\b/, // named the entries that come first "trailing"
  /\bissue \d+\b/i,
];

function offending(text: string): string[] {
  return INTERNAL.flatMap((re) => [...text.matchAll(new RegExp(re, re.flags.includes('g') ? re.flags : `${re.flags}g`))].map((m) => m[0]));
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? sourceFiles(p) : /\.(ts|mjs|cjs|js)$/.test(d.name) ? [p] : [];
  });
}

async function cli(args: string[]): Promise<string> {
  const io = memoryIo({ RAFT_RESCUE_WORKERS: '0' });
  await run(args, io);
  return io.out.join('') + io.err.join('');
}

describe('plain words', () => {
  it.each([...sourceFiles(path.join(repoRoot, 'src')), path.join(repoRoot, 'README.md'), ...sourceFiles(path.join(repoRoot, 'bin'))]
    .map((f) => [path.relative(repoRoot, f), f]))('%s', (_rel, file) => {
    expect(offending(fs.readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('the patterns catch what they are meant to catch', () => {
    expect([...new Set(offending('a seedRank field; seed method C.1.1; the seed; "by index"; issue 5'))].sort()).toEqual(['C.1.1', 'by index', 'issue 5', 'seed method', 'seedRank', 'the seed']);
    expect(offending('RR_FUZZ_SEED replays a case; the fuzz seed 42; IPv4 10.1.1.1')).toEqual([]);
  });

  describe('command help and output', () => {
    let set = '';
    beforeAll(async () => {
      set = await sampleSet('past-snapshot');
    });
    const runs = [
      ['--help'], ['inspect', '--help'], ['rank', '--help'], ['check', '--help'], ['dump', '--help'], ['repair', '--help'],
      ['inspect', 'SET'], ['inspect', '--json', 'SET'], ['rank', 'SET'], ['rank', '--json', 'SET'], ['rank', '--fast', 'SET'],
      ['check', 'SET'], ['check', '--json', 'SET'], ['check', '--list-rules'], ['dump', '--limit', '5', 'SET'],
      ['repair', '--dry-run', '--out', '/nonexistent/out', 'SET'], ['repair', '--dry-run', '--json', '--out', '/nonexistent/out', 'SET'],
      ['db', '--help'], ['db', 'list', '--help'], ['db', 'query', '--help'], ['db', 'export', '--help'], ['db', 'diff', '--help'],
      ['db', 'SET'], ['db', '--json', 'SET'], ['db', 'diff', 'SET'], ['db', 'diff', '--json', 'SET'],
    ];
    it.each(runs.map((r) => [r.join(' '), r]))('%s', async (_label, args) => {
      const text = await cli(args.map((a) => (a === 'SET' ? set : a)));
      expect(text.length).toBeGreaterThan(0);
      expect(offending(text)).toEqual([]);
    });
  });
});
