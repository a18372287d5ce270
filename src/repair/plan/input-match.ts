// Which scanned node each of a plan's input nodes is, and whether its files are still the ones
// the plan pinned. Plan inputs are keyed by the path they were read from; inputs moved or renamed
// since (e.g. the tarball copied to the recovery machine) are found by content instead: the node
// whose every file has the pinned size and sha256.
import { RepairError } from '../../core/errors.js';
import type { FileDigest } from '../../scan/digest.js';
import type { NodeIndex } from '../../scan/node-index.js';
import type { RepairPlan } from './types.js';

type PlanInput = RepairPlan['inputs']['nodes'][number];
export type DigestOf = (node: NodeIndex) => Promise<ReadonlyMap<string, FileDigest>>;

/** Same regular files with the same sizes: worth hashing to see whether it is the same node. */
function sameShape(input: PlanInput, node: NodeIndex): boolean {
  const files = node.files.filter((f) => f.type === 'file');
  if (files.length !== input.files.length) return false;
  const sizes = new Map(files.map((f) => [f.name, f.size]));
  return input.files.every((f) => sizes.get(f.name) === f.size);
}

async function samePins(input: PlanInput, node: NodeIndex, digestOf: DigestOf): Promise<boolean> {
  if (!sameShape(input, node)) return false;
  const pinned = new Map(input.files.map((f) => [f.name, f.sha256]));
  return [...(await digestOf(node)).values()].every((d) => pinned.get(d.name) === d.sha256);
}

/** Plan key → scanned node: by path first, then by content for inputs that moved. */
export async function matchInputs(
  plan: RepairPlan,
  nodes: readonly NodeIndex[],
  digestOf: DigestOf,
): Promise<Map<string, NodeIndex>> {
  const byKey = new Map<string, NodeIndex>();
  const all = new Map(nodes.map((n) => [n.displayPath, n]));
  for (const input of plan.inputs.nodes) {
    const node = all.get(input.key);
    if (node) byKey.set(input.key, node);
  }
  const used = new Set(byKey.values());
  const spare = nodes.filter((n) => !used.has(n));
  for (const input of plan.inputs.nodes) {
    if (byKey.has(input.key)) continue;
    for (const n of spare) {
      if (!(await samePins(input, n, digestOf))) continue;
      byKey.set(input.key, n);
      spare.splice(spare.indexOf(n), 1);
      break;
    }
  }
  return byKey;
}

/** Every pinned file unchanged (size and sha256), none gone, none new; else E_INPUTS_CHANGED. */
export async function checkPinned(
  plan: RepairPlan,
  byKey: ReadonlyMap<string, NodeIndex>,
  digestOf: DigestOf,
): Promise<void> {
  const changes: string[] = [];
  for (const input of plan.inputs.nodes) {
    const node = byKey.get(input.key);
    if (!node) {
      const how = 'matched by path, then by size and sha256';
      changes.push(`${input.key} is missing: no input node holds its ${input.files.length} files unchanged (${how})`);
      continue;
    }
    const now = await digestOf(node);
    const before = new Map(input.files.map((f) => [f.name, f]));
    for (const [name, f] of before) {
      const d = now.get(name);
      if (!d) changes.push(`${input.key}/${name} is gone`);
      else if (d.size !== f.size || d.sha256 !== f.sha256) {
        changes.push(`${input.key}/${name} changed (sha256 ${f.sha256.slice(0, 12)}… → ${d.sha256.slice(0, 12)}…)`);
      }
    }
    for (const name of now.keys()) if (!before.has(name)) changes.push(`${input.key}/${name} is new`);
  }
  if (changes.length) {
    throw new RepairError(
      `the inputs changed since the plan was made; make a new plan:\n  ${changes.join('\n  ')}`,
      'E_INPUTS_CHANGED',
    );
  }
}
