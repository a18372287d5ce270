// After writing: index every output node the way `inspect` would and run the loader simulation
// of the plan's engine on it (raw snapshots: that engine built without LZ4, plan/engine-plan.ts). A
// node that would not start, or would start with another log than the plan promised (last index
// and term, first index, snapshot, configuration), fails the repair.
import { predictStartup, type StartupPrediction } from '../../analysis/loader/index.js';
import { buildNodeIndex } from '../../scan/build-node-index.js';
import { checkingProfile } from '../plan/engine-plan.js';
import type { PlannedNode, RepairPlan } from '../plan/types.js';

export interface NodeCheck {
  readonly address: string;
  readonly ok: boolean;
  readonly outcome: StartupPrediction['outcome'];
  readonly startIndex: string | null;
  readonly lastIndex: string | null;
  readonly lastTerm: string | null;
  readonly problems: readonly string[];
}

function configurationProblems(p: StartupPrediction, plan: RepairPlan): string[] {
  const want = plan.configurationEntry?.servers ?? [];
  const got = p.log?.configuration ?? [];
  const same =
    want.length === got.length &&
    want.every((w, i) => {
      const g = got[i];
      return g !== undefined && g.id.toString() === w.id && g.address === w.address && g.role === w.raftRole;
    });
  return same
    ? []
    : [
        `the loaded configuration is ${JSON.stringify(got.map((g) => `${g.id}@${g.address}/${g.role}`))}, the plan's is ${JSON.stringify(want.map((w) => `${w.id}@${w.address}/${w.raftRole}`))}`,
      ];
}

function problemsOf(p: StartupPrediction, plan: RepairPlan): string[] {
  const e = plan.expected!;
  if (!p.ok || !p.log) return [`would not start (${p.outcome}): ${p.error ?? p.why}`];
  const problems: string[] = [];
  const check = (what: string, got: string | null, want: string | null): void => {
    if (got !== want) problems.push(`${what} would be ${got ?? 'none'}, the plan says ${want ?? 'none'}`);
  };
  check('last index', p.log.lastIndex.toString(), e.lastIndex);
  check('last term', p.log.lastTerm.toString(), e.lastTerm);
  check('first index', p.log.startIndex.toString(), e.startIndex);
  check('snapshot index', p.snapshot?.index.toString() ?? null, e.snapshotIndex);
  for (const [what, list] of [
    ['renames', p.renamed],
    ['removes', p.removed],
    ['creates', p.created],
    ['ignores', p.ignored],
  ] as const) {
    if (list.length) problems.push(`start-up ${what} ${list.join(', ')}`);
  }
  return [...problems, ...configurationProblems(p, plan)];
}

export function checkOutputNode(
  dir: string,
  node: PlannedNode,
  plan: RepairPlan,
  onFile?: (name: string) => void,
): NodeCheck {
  const p = predictStartup(buildNodeIndex(dir, { verifyData: true, onFile }), { engine: checkingProfile(plan) });
  const problems = problemsOf(p, plan);
  return {
    address: node.address,
    ok: problems.length === 0,
    outcome: p.outcome,
    startIndex: p.log?.startIndex.toString() ?? null,
    lastIndex: p.log?.lastIndex.toString() ?? null,
    lastTerm: p.log?.lastTerm.toString() ?? null,
    problems,
  };
}
