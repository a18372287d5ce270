// `raft-rescue map` as people and scripts use it: --json is the map's model (u64 as decimal
// strings) and the same document the library's map() returns; colour only when asked for or on a
// terminal, the same characters either way.
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { map, openInputs } from '../../src/workflows/index.js';
import { sampleSet } from '../helpers/samples.js';

async function cli(args: string[], env: Record<string, string> = {}) {
  const io = memoryIo(env);
  const code = await run(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

describe('raft-rescue map', () => {
  it('--json: the past-snapshot case as data, the same document as the library gives', async () => {
    const set = await sampleSet('past-snapshot');
    const r = await cli(['map', '--json', set]);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ schemaVersion: 2, command: 'map', recommended: '127.0.0.1:9541' });
    expect(doc.axis).toEqual({ from: '1', to: '3016' });
    const [a, b, c] = doc.rows;
    expect(a).toMatchObject({ name: '127.0.0.1:9541', recommended: true, gaps: [{ from: '1025', to: '2040' }] });
    expect(a.startup).toMatchObject({ outcome: 'error', failsAt: '2041', file: '0000000000002041-0000000000002048' });
    expect(a.repair.fills).toEqual([{ range: { from: '1025', to: '2040' }, donors: ['127.0.0.1:9543'] }]);
    expect(b.startup.outcome).toBe('error');
    expect(c).toMatchObject({ name: '127.0.0.1:9543', recommended: false, gaps: [] });
    expect(c.startup.outcome).toBe('ok');
    const inputs = await openInputs([set]);
    try {
      const { schemaVersion: _v, command: _c, ...body } = doc;
      expect(JSON.parse(JSON.stringify(await map(inputs)))).toEqual(body);
    } finally {
      inputs.close();
    }
  }, 120_000);

  it('colour only with --color (or a terminal), never with NO_COLOR; the same characters', async () => {
    const set = await sampleSet('crash');
    const plain = await cli(['map', set]);
    const coloured = await cli(['map', set, '--color']);
    const noColor = await cli(['map', set], { NO_COLOR: '1' });
    expect(plain.out).not.toMatch(/\u001b\[/);
    expect(noColor.out).not.toMatch(/\u001b\[/);
    expect(coloured.out).toMatch(/\u001b\[/);
    expect(strip(coloured.out)).toBe(plain.out);
  }, 120_000);
});
