// Two real clusters made on the same addresses (the same bootstrap node ID and configuration, as
// every lab or test cluster on default ports has), handed to raft-rescue together, as a support
// engineer might receive them: check names RR038 with the evidence, rank warns, repair refuses
// (exit 3) and, with --force, repairs from the chosen node's cluster only, which a real cluster
// then starts from with every key of that cluster.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { engineAvailable, makeCluster, nextPortBase, verifyCluster } from '../helpers/lab.js';
import { removeScratch, scratch } from '../helpers/repair.js';

const live = engineAvailable();
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({});
  const code = await run(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

afterAll(removeScratch);

describe.runIf(live)('two clusters on the same addresses', () => {
  let a = '';
  let b = '';
  beforeAll(async () => {
    const port = nextPortBase();
    a = await makeCluster({ port, writes: 300 });
    b = await makeCluster({ port, writes: 400 });
  }, 600_000);

  it('have the same addresses and bootstrap node', () => {
    const names = (d: string) => fs.readdirSync(d).filter((n) => n.startsWith('127.')).sort();
    expect(names(a)).toEqual(names(b));
  });

  it('check names RR038 with index, term, both files and offsets', async () => {
    const r = await cli(['check', '--json', a, b]);
    expect(r.code).toBe(1);
    const f = (JSON.parse(r.out).findings as Json[]).filter((x) => x.code === 'RR038');
    expect(f).toHaveLength(1);
    expect(f[0]!.data.groups).toHaveLength(2);
    const c = f[0]!.data.conflicts[0];
    expect(c.at[0].file).toMatch(/^\d{16}-\d{16}$/);
    expect(typeof c.at[1].offset).toBe('number');
    expect(f[0]!.message).toMatch(/both hold index \d+ in term \d+/);
  });

  it('rank warns; repair refuses without --force (exit 3, nothing written)', async () => {
    const rank = JSON.parse((await cli(['rank', '--json', a, b])).out);
    expect(rank.explanation[0]).toMatch(/^Warning: the inputs hold 2 different clusters/);
    const out = path.join(scratch(), 'out');
    const r = await cli(['repair', '--out', out, a, b]);
    expect(r.code).toBe(3);
    expect(r.out.replace(/\s+/g, ' ')).toMatch(/the inputs hold 2 different clusters/); // wrapped at 80 columns
    expect(fs.existsSync(out)).toBe(false);
  });

  it('repair --force writes the chosen node\'s cluster, which starts with every key of that cluster', async () => {
    const out = path.join(scratch(), 'out');
    const r = await cli(['repair', '--json', '--force', '--out', out, a, b]);
    expect(r.code, r.err).toBe(0);
    const plan = JSON.parse(r.out).plan;
    const from = String(plan.source.node).startsWith(a) ? a : b;
    for (const node of plan.outputs as Json[]) {
      for (const f of node.files as Json[]) if ('node' in f.from) expect(String(f.from.node).startsWith(from), f.name).toBe(true);
    }
    const v = await verifyCluster(out, path.join(from, 'expect.json'));
    expect(v.pass, v.output).toBe(true);
  }, 300_000);
});
