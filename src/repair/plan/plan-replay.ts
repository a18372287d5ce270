// `repair --plan FILE`: a saved plan is honoured only when it is exactly what raft-rescue plans for
// the same inputs. Why re-plan rather than trust a validated plan: a plan holds both actions
// (files, origins, the configuration entry) and claims about them (source, lost ranges, repairs,
// expected log) that the manifest repeats. Checking every claim against every action separately
// would duplicate the planner and still miss combinations (an edited `source` with untouched
// files would be applied under a false manifest). So the inputs are scanned and pinned again, the
// plan is made again from them with the saved plan's options and target, and the saved plan must
// equal it, except for what legitimately differs: input paths (inputs moved since: matched by
// content), `inputs.args`, `tool` (another version that plans the same) and `warnings` (advice,
// recomputed). The plan that is then applied, printed and recorded in the manifest is the re-made
// one; the saved one has been shown to say the same.
import { RepairError } from '../../core/errors.js';
import { formatClusterYaml } from '../../format/node-yaml.js';
import { nodeDigests, type DigestOptions, type FileDigest } from '../../scan/digest.js';
import type { NodeIndex } from '../../scan/node-index.js';
import { openPayloadReader } from '../../scan/payloads.js';
import { progressCounter } from '../../scan/scan-inputs.js';
import { checkPinned, matchInputs } from './input-match.js';
import { firstDifference, quote } from './json-shape.js';
import { withSourceChoiceRows } from './lost-rows.js';
import { planRepair } from './plan.js';
import type { RepairPlan } from './types.js';

export interface ReplayRequest extends DigestOptions {
  /** A plan that passed validatePlan. */
  readonly saved: RepairPlan;
  /** The plan file, for messages. */
  readonly file: string;
  readonly nodes: readonly NodeIndex[];
  /** The input paths that were scanned (resolved). */
  readonly args: readonly string[];
  readonly tool: string;
}

/** Replaces every old node key inside every string by the key the node has now (one pass). */
function translatePaths(value: unknown, keys: ReadonlyMap<string, string>): unknown {
  const moved = [...keys].filter(([a, b]) => a !== b).sort((x, y) => y[0].length - x[0].length);
  if (moved.length === 0) return value;
  const map = new Map(moved);
  const re = new RegExp(moved.map(([a]) => a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(re, (m) => map.get(m) ?? m);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}

/** The parts of a plan that must be equal: everything but tool, warnings and the input arguments. */
function comparable(plan: RepairPlan): unknown {
  const { tool: _tool, warnings: _warnings, inputs, ...rest } = plan;
  return { ...rest, inputs: { nodes: inputs.nodes } };
}

function targetOf(saved: RepairPlan, file: string): { text: string; file: string } | undefined {
  if (saved.options.cluster === null) return undefined;
  if (!saved.target) {
    throw new RepairError(
      `${file}: target is null, but the plan was made with --cluster; the plan is refused`,
      'E_PLAN_INVALID',
    );
  }
  const members = saved.target.members.map((m) => ({ id: BigInt(m.id), address: m.address, role: m.role }));
  return { text: formatClusterYaml(members), file: saved.target.file ?? saved.options.cluster };
}

/** Scans, pins and plans again; returns the re-made plan, or throws naming the first difference. */
export async function replayPlan(req: ReplayRequest): Promise<RepairPlan> {
  const { saved, file } = req;
  const cache = new Map<NodeIndex, Promise<ReadonlyMap<string, FileDigest>>>();
  const files = req.nodes.flatMap((n) => n.files.filter((f) => f.type === 'file'));
  const count = progressCounter(files, req.onProgress, 'hashing');
  const digestOf = (n: NodeIndex): Promise<ReadonlyMap<string, FileDigest>> => {
    let d = cache.get(n);
    if (!d) cache.set(n, (d = nodeDigests(n, (size) => count(size, n.displayPath), req.signal)));
    return d;
  };
  const byKey = await matchInputs(saved, req.nodes, digestOf);
  await checkPinned(saved, byKey, digestOf);
  const nodes = saved.inputs.nodes.map((i) => byKey.get(i.key)!);
  const keys = new Map(saved.inputs.nodes.map((i) => [i.key, byKey.get(i.key)!.displayPath]));
  const digests = new Map<string, ReadonlyMap<string, FileDigest>>();
  for (const n of nodes) digests.set(n.displayPath, await digestOf(n));
  const source = saved.options.source;
  const options = { ...saved.options, source: source === null ? null : (keys.get(source) ?? source) };
  const payloads = openPayloadReader();
  let remade: RepairPlan;
  try {
    const target = targetOf(saved, file);
    const r = planRepair({ nodes, args: req.args, digests, payloads, target, options, tool: req.tool });
    if (r.usageErrors.length) {
      throw new RepairError(
        `${file}: target.members: ${r.usageErrors.join('; ')}; the plan is refused`,
        'E_PLAN_INVALID',
      );
    }
    remade = await withSourceChoiceRows(r, payloads);
  } finally {
    payloads.close();
  }
  const d = firstDifference(translatePaths(comparable(saved), keys), comparable(remade));
  if (d) {
    throw new RepairError(
      `${file}: ${d.at} is ${quote(d.left)}, but raft-rescue plans ${quote(d.right)} for these inputs: the plan was edited, ` +
        'or made by a version that plans differently; make a new plan (nothing was written)',
      'E_PLAN_MISMATCH',
    );
  }
  return remade;
}
