// Issue 10, "--source as a relative path is not recognised": repair resolves its inputs against
// the working directory, so node paths are absolute; --source given as a relative path (to a
// directory, or to a member of an archive) must name the same node. Run through bin/ in the
// directory the paths are relative to, as a user types them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleSet } from '../helpers/samples.js';
import { cliProblems } from './cli-cases.js';
import { runCli, sandbox } from './input-env.js';

let box: string;

beforeAll(async () => {
  box = sandbox('input-source');
  fs.cpSync(await sampleSet('healthy'), path.join(box, 'set'), { recursive: true });
  execFileSync('tar', ['-C', box, '-czf', path.join(box, 'set.tar.gz'), 'set']);
});
afterAll(() => fs.rmSync(box, { recursive: true, force: true }));

async function chosen(input: string, source: string): Promise<{ node: string; chosenBy: string }> {
  const r = await runCli(['repair', '--dry-run', '--json', input, '--source', source, '--out', 'out'], { cwd: box });
  expect(cliProblems(r, [0]), `--source ${source}: ${r.err}`).toEqual([]);
  return JSON.parse(r.out).plan.source;
}

describe('repair --source PATH', () => {
  it.each(['set/127.0.0.1:9512', './set/127.0.0.1:9512/', 'set/../set/127.0.0.1:9512'])('names the node by a path relative to the cwd: %s', async (source) => {
    expect(await chosen('set', source)).toMatchObject({ node: path.join(box, 'set', '127.0.0.1:9512'), chosenBy: '--source' });
  }, 120_000);

  it('names a node inside an archive by the archive\'s relative path and the member', async () => {
    expect(await chosen('set.tar.gz', 'set.tar.gz:set/127.0.0.1:9513')).toMatchObject({ node: `${path.join(box, 'set.tar.gz')}:set/127.0.0.1:9513`, chosenBy: '--source' });
  }, 120_000);

  it('still takes a node name (an address) or an ID, which are not paths', async () => {
    expect((await chosen('set', '127.0.0.1:9512')).node).toBe(path.join(box, 'set', '127.0.0.1:9512'));
    const id = fs.readFileSync(path.join(box, 'set', '127.0.0.1:9513', 'info.yaml'), 'utf8').match(/ID: (\d+)/)![1]!;
    expect((await chosen('set', id)).node).toBe(path.join(box, 'set', '127.0.0.1:9513'));
  }, 120_000);
});
