// The fault rule catalogue of `raft-rescue check` and the driver that runs it: facts (loader
// prediction, on-disk and loaded logs, C's segment order) are computed once per node and shared by
// every rule. Codes are stable forever: never renumber or reuse one (house style §7).
import { UsageError } from '../../core/errors.js';
import type { NodeIndex } from '../../scan/node-index.js';
import type { NodeDatabaseFacts } from '../db/node-databases.js';
import { compareFindings, type Finding } from '../findings.js';
import { listSegments, makeLogView, selectSnapshot } from '../loader/index.js';
import { SimDir } from '../loader/sim-dir.js';
import type { NodeVerdict } from '../verdict.js';
import type { NodeFacts, Rule } from './rule.js';
import { rule as rr001 } from './rr001-past-last-snapshot.js';
import { rule as rr002 } from './rr002-closed-segment-gap.js';
import { rule as rr003 } from './rr003-closed-segment-overlap.js';
import { rule as rr004 } from './rr004-closed-segment-name-mismatch.js';
import { rule as rr005 } from './rr005-closed-segment-trailing-bytes.js';
import { rule as rr006 } from './rr006-entry-count-invalid.js';
import { rule as rr007 } from './rr007-checksum-mismatch.js';
import { rule as rr008 } from './rr008-open-segment-torn-tail.js';
import { rule as rr009 } from './rr009-open-segment-misindexed.js';
import { rule as rr010 } from './rr010-snapshot-meta-without-data.js';
import { rule as rr011 } from './rr011-snapshot-data-without-meta.js';
import { rule as rr012 } from './rr012-snapshot-empty-data.js';
import { rule as rr013 } from './rr013-snapshot-meta-checksum.js';
import { rule as rr014 } from './rr014-snapshot-lz4-damage.js';
import { rule as rr015 } from './rr015-snapshot-beyond-log.js';
import { rule as rr016 } from './rr016-metadata-missing.js';
import { rule as rr017 } from './rr017-metadata-equal-versions.js';
import { rule as rr018 } from './rr018-metadata-wrong-size.js';
import { rule as rr019 } from './rr019-metadata-bad-format.js';
import { rule as rr020 } from './rr020-corrupt-files-present.js';
import { rule as rr021 } from './rr021-info-yaml-problems.js';
import { rule as rr022 } from './rr022-cluster-yaml-stale.js';
import { rule as rr023 } from './rr023-identity-mismatch.js';
import { rule as rr024 } from './rr024-duplicate-identity.js';
import { rule as rr025 } from './rr025-lock-or-socket.js';
import { rule as rr026 } from './rr026-log-matching-violated.js';
import { rule as rr027 } from './rr027-startup-failure.js';
import { rule as rr028 } from './rr028-tmp-or-orphan-files.js';
import { rule as rr029 } from './rr029-unaligned-entry-length.js';
import { rule as rr030 } from './rr030-non-canonical-file-name.js';
import { rule as rr031 } from './rr031-unknown-entry-type.js';
import { rule as rr032 } from './rr032-closed-segment-truncated.js';
import { rule as rr033 } from './rr033-snapshot-meta-invalid.js';
import { rule as rr034 } from './rr034-segment-header-invalid.js';
import { rule as rr035 } from './rr035-unreadable-file.js';
import { rule as rr036 } from './rr036-metadata-term-behind-log.js';
import { rule as rr037 } from './rr037-snapshot-payload-invalid.js';
import { rule as rr038 } from './rr038-mixed-clusters.js';
import { rule as rr039 } from './rr039-snapshot-not-portable.js';
import { rule as rr040 } from './rr040-database-integrity.js';
import { rule as rr041 } from './rr041-product-identity-mismatch.js';
import { rule as rr042 } from './rr042-member-missing.js';
import { rule as rr043 } from './rr043-backup-newer-than-member.js';

export type { NodeFacts, Rule, RuleContext } from './rule.js';

/** Every rule, sorted by code. */
export const ALL_RULES: readonly Rule[] = [
  rr001,
  rr002,
  rr003,
  rr004,
  rr005,
  rr006,
  rr007,
  rr008,
  rr009,
  rr010,
  rr011,
  rr012,
  rr013,
  rr014,
  rr015,
  rr016,
  rr017,
  rr018,
  rr019,
  rr020,
  rr021,
  rr022,
  rr023,
  rr024,
  rr025,
  rr026,
  rr027,
  rr028,
  rr029,
  rr030,
  rr031,
  rr032,
  rr033,
  rr034,
  rr035,
  rr036,
  rr037,
  rr038,
  rr039,
  rr040,
  rr041,
  rr042,
  rr043,
].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

const BY_CODE = new Map(ALL_RULES.map((r) => [r.code, r]));

/** The rule with this code (case-insensitive), if any. */
export function ruleByCode(code: string): Rule | undefined {
  return BY_CODE.get(code.toUpperCase());
}

export interface RunRulesOptions {
  /** Rule codes (RR001) or names (past-last-snapshot) to run; all when absent. */
  readonly only?: readonly string[];
  /** Whether the verdicts assumed raft_uv_set_auto_recovery(true) (the default, as in dqlite and go-dqlite). */
  readonly autoRecovery?: boolean;
  /** Each node's databases rebuilt (nodeDatabaseFacts), for the rules that read them (RR040). */
  readonly databases?: ReadonlyMap<NodeIndex, NodeDatabaseFacts>;
}

/** Everything the rules need about one node, from its verdict (computed once for every command). */
export function buildNodeFacts(verdict: NodeVerdict, autoRecovery = true, databases?: NodeDatabaseFacts): NodeFacts {
  const node = verdict.node;
  const pass = verdict.simulation.pass;
  const loadedLog = pass?.kind === 'ok' ? makeLogView(pass.runs, pass.snapshot, pass.startIndex) : undefined;
  const engine = verdict.engine.profile;
  return {
    node,
    verdict,
    prediction: verdict.startup,
    diskLog: verdict.diskLog,
    loadedLog,
    segmentInfos: listSegments(new SimDir(node)),
    engine,
    snapshot: selectSnapshot(node, engine),
    autoRecovery,
    ...(databases ? { databases } : {}),
  };
}

/** The rules `only` names (codes like RR001 or names like past-last-snapshot); UsageError for an unknown one. */
export function selectRules(only: readonly string[] | undefined): readonly Rule[] {
  if (!only) return ALL_RULES;
  return only
    .map((key) => {
      const rule = ruleByCode(key) ?? ALL_RULES.find((r) => r.name === key.toLowerCase());
      if (!rule) throw new UsageError(`unknown rule ${JSON.stringify(key)} (see raft-rescue check --list-rules)`);
      return rule;
    })
    .filter((r, i, all) => all.indexOf(r) === i);
}

/** Runs the catalogue (or `only` some rules) over the nodes' verdicts; findings come sorted (compareFindings). */
export function runRules(
  verdicts: readonly NodeVerdict[],
  options: RunRulesOptions = {},
): { findings: Finding[]; facts: NodeFacts[] } {
  const rules = selectRules(options.only);
  const facts = verdicts.map((v) => buildNodeFacts(v, options.autoRecovery ?? true, options.databases?.get(v.node)));
  const ctx = { nodes: facts };
  const findings = rules.flatMap((r) => r.check(ctx)).sort(compareFindings);
  return { findings, facts };
}
