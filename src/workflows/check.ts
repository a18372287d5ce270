// The check operation: every node read in full, one verdict per node, and the fault rules run over
// the verdicts (so a finding and the node's start-up verdict quote the same ranges).
import type { Finding } from '../analysis/findings.js';
import { runRules } from '../analysis/rules/index.js';
import type { EngineProfile } from '../analysis/engine/profiles.js';
import { buildVerdicts, type NodeVerdict, type VerdictOptions } from '../analysis/verdict.js';
import type { NodeIndex } from '../scan/node-index.js';
import { openPayloadReader } from '../scan/payloads.js';

export interface CheckRequest {
  /** raft_uv_set_auto_recovery as the nodes will run (default true). */
  readonly autoRecovery?: boolean;
  /** Rule codes or names to run; all when absent. */
  readonly only?: readonly string[];
  /** The engine to predict for, or `auto`; default libraft 0.15 (analysis/engine). */
  readonly engine?: EngineProfile | 'auto';
}

export interface CheckOutcome {
  readonly verdicts: readonly NodeVerdict[];
  readonly findings: readonly Finding[];
}

/** Verdicts for nodes, with the payload reader their fill proofs need opened and closed here. */
export function verdictsOf(nodes: readonly NodeIndex[], options: VerdictOptions = {}): NodeVerdict[] {
  const payloads = openPayloadReader();
  try {
    return buildVerdicts(nodes, payloads, options);
  } finally {
    payloads.close();
  }
}

export function checkNodes(nodes: readonly NodeIndex[], request: CheckRequest = {}): CheckOutcome {
  const verdicts = verdictsOf(nodes, { autoRecovery: request.autoRecovery, engine: request.engine });
  const { findings } = runRules(verdicts, { only: request.only, autoRecovery: request.autoRecovery });
  return { verdicts, findings };
}
