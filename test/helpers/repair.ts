// Plans and applies repairs in-process for tests, and copies sample sets so tests may damage them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyPlan, type ApplyResult } from '../../src/repair/apply/apply.js';
import { planRepair, type PlanResult } from '../../src/repair/plan/plan.js';
import type { RepairOptions } from '../../src/repair/plan/types.js';
import { digestNodes } from '../../src/scan/digest.js';
import { openPayloadReader } from '../../src/scan/payloads.js';
import { scanInputs } from '../../src/scan/scan-inputs.js';
import type { NodeIndex } from '../../src/scan/node-index.js';

export const defaults: RepairOptions = {
  allowDataLoss: false, force: false, source: null, cluster: null, engine: 'auto', convertSnapshots: null,
};

export async function scan(paths: readonly string[]): Promise<readonly NodeIndex[]> {
  const s = await scanInputs(paths, { verifyData: true });
  return s.nodes;
}

export interface PlanFor {
  readonly nodes: readonly NodeIndex[];
  readonly result: PlanResult;
}

/** Plans a repair of `paths` (options merged over the defaults; `target` = YAML text). */
export async function planFor(paths: readonly string[], options: Partial<RepairOptions> = {}, target?: string): Promise<PlanFor> {
  const nodes = await scan(paths);
  const payloads = openPayloadReader();
  try {
    const result = planRepair({
      nodes, args: paths, digests: await digestNodes(nodes), payloads, options: { ...defaults, ...options },
      target: target === undefined ? undefined : { text: target, file: 'target.yaml' }, tool: 'raft-rescue test',
    });
    return { nodes, result };
  } finally {
    payloads.close();
  }
}

export async function repairTo(paths: readonly string[], out: string, options: Partial<RepairOptions> = {}, target?: string): Promise<{ plan: PlanFor; result: ApplyResult }> {
  const plan = await planFor(paths, options, target);
  if (plan.result.plan.status !== 'ready') throw new Error(`plan refused: ${plan.result.plan.refusals.join(' | ')}`);
  const result = await applyPlan(plan.result.plan, plan.nodes, { out, force: false });
  return { plan, result };
}

const scratchDirs: string[] = [];

/** A private scratch directory (removed by removeScratch). */
export function scratch(prefix = 'raft-rescue-repair-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

/** Removes every scratch directory made so far (call from afterAll). */
export function removeScratch(): void {
  for (const d of scratchDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** A scratch copy of a whole set directory (node dirs + expect.json). */
export function copySet(setDir: string): string {
  const dest = path.join(scratch('raft-rescue-set-'), path.basename(setDir));
  fs.cpSync(setDir, dest, { recursive: true, preserveTimestamps: true });
  return dest;
}

export function nodeDirs(setDir: string): string[] {
  return fs.readdirSync(setDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join(setDir, d.name)).sort();
}

/** Cluster YAML text for a target membership. */
export function targetYaml(members: readonly { id: bigint | string; address: string; role: number | string }[]): string {
  return members.map((m) => `- Address: ${m.address}\n  ID: ${m.id}\n  Role: ${m.role}\n`).join('');
}

/** Appends a half-written copy of the last good batch of the last non-empty open segment, ending the file there (a torn write). */
export function tearOpenTail(nodeDir: string, decode: (b: Uint8Array) => { batches: Iterable<{ offset: number; end: number }> }): string | undefined {
  const opens = fs.readdirSync(nodeDir).filter((n) => /^open-\d+$/.test(n)).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  for (const name of opens.reverse()) {
    const file = path.join(nodeDir, name);
    const bytes = fs.readFileSync(file);
    const batches = [...decode(bytes).batches];
    const last = batches[batches.length - 1];
    if (!last) continue;
    const half = Math.floor((last.end - last.offset) / 2);
    fs.writeFileSync(file, Buffer.concat([bytes.subarray(0, last.end), bytes.subarray(last.offset, last.offset + half)]));
    return name;
  }
  return undefined;
}
