// RR037 against the real engine (required in CI): raft's loader accepts a snapshot whose content
// dqlite cannot restore, and only a real dqlite start shows it. Random bytes in place of the
// newest snapshot must stop dqlite-demo (and be flagged); the same content re-wrapped in a
// different but sound LZ4 frame must start (and not be flagged) — so the check judges the
// content, not the bytes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRules } from '../../src/analysis/rules/index.js';
import { verdictsOf } from '../../src/workflows/check.js';
import { decompressLz4Frame } from '../../src/format/lz4-verify.js';
import { buildNodeIndex } from '../../src/scan/build-node-index.js';
import { raftLoad } from '../helpers/engine.js';
import { engineAvailable, verifyCluster } from '../helpers/lab.js';
import { encodeLz4FrameStored } from '../../src/format/lz4-frame.js';
import { copySet, nodeDirs, removeScratch, repairTo, scratch } from '../helpers/repair.js';
import { sampleSet } from '../helpers/samples.js';

const live = engineAvailable();
const T = 240_000;

let healthy = '';
beforeAll(async () => {
  healthy = await sampleSet('healthy');
});
afterAll(removeScratch);

/** A copy of the healthy set with node 0's newest snapshot data replaced by `make(old)`. */
function withNewestSnapshot(make: (old: Buffer) => Uint8Array): { set: string; node: string; file: string } {
  const set = copySet(healthy);
  const node = nodeDirs(set)[0]!;
  const file = fs.readdirSync(node).filter((n) => /^snapshot-\d+-\d+-\d+$/.test(n)).sort((a, b) => Number(a.split('-')[2]) - Number(b.split('-')[2])).pop()!;
  fs.writeFileSync(path.join(node, file), make(fs.readFileSync(path.join(node, file))));
  return { set, node, file };
}

function rr037(set: string) {
  const nodes = nodeDirs(set).map((d) => buildNodeIndex(d));
  return runRules(verdictsOf(nodes)).findings.filter((f) => f.code === 'RR037');
}

describe.runIf(live)('snapshot content against dqlite-demo', () => {
  it('random bytes: raft loads them, dqlite does not start, and RR037 says so', async () => {
    const { set, node, file } = withNewestSnapshot(() => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) & 0xff)));
    const raft = raftLoad(node);
    expect(raft.ok).toBe(true);
    const found = rr037(set);
    expect(found.map((f) => [f.file, f.severity])).toEqual([[file, 'error']]);
    const v = await verifyCluster(set, path.join(healthy, 'expect.json'));
    expect(v.pass).toBe(false);
    expect(v.output).toMatch(new RegExp(`FAIL ${path.basename(node).replace(/\./g, '\\.')} exited at start: .*raft_start\\(\\)`));
  }, T);

  it('the same content in another sound LZ4 frame: dqlite starts with every key, and RR037 is silent', async () => {
    const { set } = withNewestSnapshot((old) => encodeLz4FrameStored(decompressLz4Frame(old).data!));
    expect(rr037(set)).toEqual([]);
    const v = await verifyCluster(set, path.join(healthy, 'expect.json'));
    expect(v.output).toMatch(/verify: PASS/);
  }, T);

  it('repair drops snapshots dqlite cannot restore (on every node) and the output starts with every key', async () => {
    const set = copySet(healthy);
    const broken: string[] = [];
    for (const node of nodeDirs(set)) {
      const file = fs.readdirSync(node).filter((n) => /^snapshot-\d+-\d+-\d+$/.test(n)).sort((a, b) => Number(a.split('-')[2]) - Number(b.split('-')[2])).pop()!;
      fs.writeFileSync(path.join(node, file), Buffer.alloc(4096, 0xee));
      broken.push(file);
    }
    const out = path.join(scratch(), 'out');
    const { plan } = await repairTo([set], out);
    const p = plan.result.plan;
    const drop = p.repairs.find((r) => r.kind === 'drop-snapshot');
    expect(broken).toContain(drop?.files[0]);
    expect(drop?.description).toMatch(/dqlite cannot restore its content/);
    expect(p.lost).toEqual([]);
    const v = await verifyCluster(out, path.join(healthy, 'expect.json'));
    expect(v.output).toMatch(/verify: PASS/);
  }, T);
});
