// A repair reads and hashes each input once: the plan's sha256 come from the scan, and apply checks
// them while it copies. The only second read of an input byte is the copy itself (once per input
// file, however many outputs take from it); apply then reads its own output once to check it. Counted in this thread (workers: 0), through the one reader of input files.
// Slack: a read-ahead window may be read again where a read starts inside it (at most one window
// per file and phase, ~2% here); a second pass over the inputs would be 100%.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inputBytesRead, WINDOW_SIZE } from '../../src/scan/file-source.js';
import { applyRepair, openInputs, planRepair } from '../../src/workflows/index.js';
import type { RepairPlan } from '../../src/repair/plan/types.js';
import { sampleNodes } from '../helpers/samples.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-reads-once-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function inputSizes(plan: RepairPlan): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const node of plan.inputs.nodes) for (const f of node.files) sizes.set(`${node.key}\0${f.name}`, f.size);
  return sizes;
}

/** Bytes the copies read: each input file an output takes from, once, however many outputs take from it. */
function copiedInputBytes(plan: RepairPlan, sizes: Map<string, number>): number {
  const copied = new Set<string>();
  for (const out of plan.outputs) {
    for (const f of out.files) {
      if (f.from.kind === 'generated') continue;
      const key = `${f.from.node}\0${f.from.file}`;
      expect(sizes.get(key), `${f.from.node}/${f.from.file} is a pinned input`).toBeDefined();
      copied.add(key);
    }
  }
  return [...copied].reduce((sum, key) => sum + sizes.get(key)!, 0);
}

/** Bytes of the written output: apply reads it once more, through the same reader, to check it loads. */
function outputBytes(dir: string): number {
  let bytes = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).size;
  }
  return bytes;
}

describe('repair reads each input once', () => {
  for (const set of ['crash', 'lagging'] as const) {
    it(`${set}: plan + apply read every input byte once, plus the copies`, async () => {
      const nodes = await sampleNodes(set);
      const before = inputBytesRead.bytes;
      const inputs = await openInputs(nodes, { workers: 0 });
      try {
        const plan = await planRepair(inputs, { allowDataLoss: true });
        expect(plan.status, plan.refusals.join('; ')).toBe('ready');
        const sizes = inputSizes(plan);
        const total = [...sizes.values()].reduce((a, b) => a + b, 0);
        const slack = sizes.size * WINDOW_SIZE;
        const afterPlan = inputBytesRead.bytes - before;
        // Planning reads every byte (the plan pins every file's sha256) and nothing twice.
        expect(afterPlan).toBeGreaterThanOrEqual(total);
        expect(afterPlan).toBeLessThanOrEqual(total + slack);
        expect(slack).toBeLessThan(total / 20);

        const out = path.join(scratch, set);
        await applyRepair(plan, { out, inputs });
        const read = inputBytesRead.bytes - before;
        const budget = total + copiedInputBytes(plan, sizes) + outputBytes(out) + 2 * slack;
        expect(read).toBeGreaterThan(total);
        expect(read, `read ${read} bytes for ${total} bytes of input`).toBeLessThanOrEqual(budget);
      } finally {
        inputs.close();
      }
    });
  }
});
