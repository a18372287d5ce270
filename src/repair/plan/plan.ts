// planRepair: node verdicts + options → a RepairPlan (types.ts), without touching the disk. The
// log comes from the chosen source's verdict (analysis/recovery: its runs, and donor ranges proven
// to agree), so the plan keeps exactly what `rank` and `check` say a repair keeps. The inputs'
// digests (scan/digest.ts) pin the files the plan copies.
import { latestConfiguration, type Recovery } from '../../analysis/recovery/assemble.js';
import { clusterGroups } from '../../analysis/cluster-identity.js';
import { applyRulesOf, type EngineProfile } from '../../analysis/engine/profiles.js';
import type { ApplyRules } from '../../format/dqlite-apply.js';
import { identityOf, isBackup } from '../../analysis/identity.js';
import { inferEngine, resolveEngine } from '../../analysis/engine/infer.js';
import { buildVerdicts, type NodeVerdict } from '../../analysis/verdict.js';
import type { NodeInfo } from '../../format/node-yaml.js';
import type { InputDigests } from '../../scan/digest.js';
import type { NodeIndex } from '../../scan/node-index.js';
import type { PayloadReader } from '../../scan/payloads.js';
import { chooseSource } from './choose-source.js';
import { logFiles, planLostOf, planRepairOf } from './final-log.js';
import { snapshotFiles } from './log-files.js';
import { highestTerm, METADATA_RULE, metadataUsable } from './node-files.js';
import { engineChoiceOf, engineWarnings, planEngine, recoveryTerm, termRule } from './engine-plan.js';
import { configurationEntry, outputNode, RECOVERY_PAYLOAD_LIMIT, type OutputContext } from './outputs.js';
import { notCopied, planInputs, planLog, refusalsFor, sourceIdOf, warningsFor } from './plan-parts.js';
import { namedMembers, productChecks, productContextOf } from './product/plan-product.js';
import {
  checkMembers,
  checkTargetText,
  membersFromConfiguration,
  planMembers,
  type KnownAddresses,
  type TargetCheck,
} from './target.js';
import { PLAN_VERSION, type PlanRepair, type RepairOptions, type RepairPlan } from './types.js';

export interface PlanRequest {
  readonly nodes: readonly NodeIndex[];
  /** The input paths as given (resolved), so `repair --plan` can scan them again. */
  readonly args: readonly string[];
  readonly digests: InputDigests;
  readonly payloads: PayloadReader;
  /**
   * The nodes' verdicts when the caller has them already (built from `nodes` and `payloads`
   * otherwise), for options.engine and options.convertSnapshots.
   */
  readonly verdicts?: readonly NodeVerdict[];
  /** The --cluster file's text. */
  readonly target?: { readonly text: string; readonly file: string };
  readonly options: RepairOptions;
  readonly tool: string;
}

export interface PlanResult {
  readonly plan: RepairPlan;
  /** Problems with the target file: a usage error (exit 2), not a refusal. */
  readonly usageErrors: readonly string[];
  /**
   * A --source that keeps less than the best node: the two logs whose databases lost-rows.ts
   * compares for the source-choice entry's data (left null in `plan` until then).
   */
  readonly sourceChoice:
    { readonly kept: Recovery; readonly dropped: Recovery; readonly rules: ApplyRules } | undefined;
}

/** IDs and addresses the inputs know: the source's configuration, then each member's own identity (backups aside). */
function knownAddresses(nodes: readonly NodeIndex[], log: Recovery): Map<bigint, string> {
  const known = new Map<bigint, string>();
  for (const s of latestConfiguration(log)?.servers ?? []) known.set(s.id, s.address);
  for (const n of nodes) {
    const who = identityOf(n);
    if (!isBackup(n) && who.id !== undefined && who.address !== undefined) known.set(who.id, who.address);
  }
  return known;
}

function membership(req: PlanRequest, log: Recovery, known: KnownAddresses): TargetCheck & { usage: boolean } {
  if (req.target) return { ...checkTargetText(req.target.text, req.target.file, known), usage: true };
  const conf = latestConfiguration(log);
  if (!conf?.servers) {
    return {
      members: [] as NodeInfo[],
      errors: ['the source holds no readable raft configuration: give the membership with --cluster'],
      warnings: [],
      usage: false,
    };
  }
  const fromConf = membersFromConfiguration(conf.servers);
  return { ...checkMembers(fromConf.members, known, fromConf.errors), usage: false };
}

/** Nodes of more than one cluster among the inputs (RR038): refused, or with --force, said. */
function mixedClusters(groups: readonly string[][], force: boolean): string[] {
  if (groups.length < 2 || force) return [];
  const list = groups.map((g) => `{${g.join(', ')}}`).join(' and ');
  return [
    `the inputs hold ${groups.length} different clusters (${list}; see RR038 in \`check\`): repair one cluster at a time, ` +
      "or repeat with --force to repair from the chosen node's cluster and leave the others out",
  ];
}

export function planRepair(req: PlanRequest): PlanResult {
  const { nodes } = req;
  // A target file is recorded in the options too, whoever called: `repair --plan` re-plans from
  // options.cluster and target (plan-replay.ts), and plan-validate.ts holds them to agree.
  const options =
    req.target && req.options.cluster === null ? { ...req.options, cluster: req.target.file } : req.options;
  const choiceOfEngine = engineChoiceOf(options);
  const convertSnapshots = options.convertSnapshots ?? undefined;
  const verdicts = req.verdicts ?? buildVerdicts(nodes, req.payloads, { engine: choiceOfEngine, convertSnapshots });
  const engine = verdicts[0]?.engine ?? resolveEngine(choiceOfEngine, nodes);
  const choice = chooseSource(verdicts, options.source, options.force);
  // Clusters among the members: a backup of another history (RR043) is no second cluster.
  const memberPaths = new Set(verdicts.filter((v) => !isBackup(v.node)).map((v) => v.node.displayPath));
  const clusters = clusterGroups(
    [...memberPaths],
    verdicts
      .flatMap((v) => v.clusterConflicts)
      .filter((c) => memberPaths.has(c.nodes[0]) && memberPaths.has(c.nodes[1])),
  );
  const ownCluster = clusters.find((g) => g.includes(choice.source.verdict.node.displayPath)) ?? [];
  const log = choice.source.verdict.recovery;
  const src = log.source;
  const files = logFiles(log, req.digests);
  const known = knownAddresses(nodes, log);
  const target = membership(req, log, known);
  // With nodes of another cluster among the inputs (--force), identity files come from the
  // source's cluster only: both clusters' first nodes have go-dqlite's bootstrap ID.
  const ranked = choice.rank.nodes.map((r) => r.verdict.node).filter((n) => ownCluster.includes(n.displayPath));
  const product = productContextOf(src.node, ranked);
  const members = target.errors.length ? [] : namedMembers(target.members, product);
  const checks = productChecks(product, src.node, members, req.target !== undefined, options.force);
  const n = log.lastIndex + 1n;
  const term = recoveryTerm(engine.profile, log.lastTerm);
  const conf = members.length
    ? configurationEntry(n, members, { term, rule: termRule(engine.profile, term) })
    : undefined;
  const keepSourceMetadata = metadataUsable(src.node);
  const repairs: PlanRepair[] = log.steps.map(planRepairOf);
  if (!keepSourceMetadata)
    repairs.push({
      kind: 'fresh-metadata',
      lossless: true,
      node: src.node.displayPath,
      description:
        "the source's metadata files would stop start-up or are missing: it gets fresh metadata like the other nodes",
    });
  const freshTerm = highestTerm(nodes, log.lastTerm);
  const ctx: OutputContext = {
    members,
    ...(product ? { product } : {}),
    source: src.node,
    sourceId: sourceIdOf(src.node, known),
    keepSourceMetadata,
    freshTerm,
    dataFiles: [...snapshotFiles(src.node, src.snapshot, req.digests), ...files, ...(conf ? [conf.file] : [])],
    nodes: ranked,
    digests: req.digests,
  };
  const left: { file: string; reason: string }[] = [];
  const outputs = members.map((m) => outputNode(ctx, m, left));
  const lost = [...choice.lost, ...log.lost].map(planLostOf);
  const refusals = [
    ...choice.refusals,
    ...refusalsFor(options, log, lost, target.errors),
    ...mixedClusters(clusters, options.force),
    ...checks.refusals,
  ];
  const warnings = [
    ...target.warnings,
    ...checks.warnings,
    ...warningsFor(nodes, members, log.fills, ctx),
    ...engineWarnings(src.node, engine.source === 'flag' ? inferEngine(nodes) : engine, engine, src.snapshot),
  ];
  if (conf && Buffer.from(conf.entry.payloadBase64, 'base64').length > RECOVERY_PAYLOAD_LIMIT) {
    warnings.push(
      `the configuration is ${Buffer.from(conf.entry.payloadBase64, 'base64').length} bytes: dqlite .reconfigure would refuse it (RAFT_TOOBIG above ${RECOVERY_PAYLOAD_LIMIT}), the normal loader reads it`,
    );
  }
  const plan: RepairPlan = {
    planVersion: PLAN_VERSION,
    tool: req.tool,
    status: refusals.length ? 'refused' : 'ready',
    refusals,
    warnings,
    options,
    engine: planEngine(engine, src.snapshot.form),
    inputs: planInputs(req.args, nodes, req.digests),
    source: choice.plan,
    target: members.length
      ? {
          from: req.target ? 'cluster-file' : 'source-configuration',
          ...(target.format && target.format !== 'go-dqlite' ? { format: target.format } : {}),
          file: req.target?.file ?? null,
          members: planMembers(members, known),
        }
      : null,
    log: planLog(log, files),
    configurationEntry: conf?.entry ?? null,
    repairs,
    lost,
    metadata: { rule: METADATA_RULE, freshTerm: freshTerm.toString() },
    notCopied: [...notCopied(src, ctx, outputs), ...left],
    outputs,
    expected: conf
      ? {
          startIndex: (log.pieces.length ? log.startIndex : n).toString(),
          lastIndex: n.toString(),
          lastTerm: term.toString(),
          snapshotIndex: src.snapshot.chosen?.index.toString() ?? null,
        }
      : null,
  };
  const best = choice.rank.best?.verdict.recovery;
  const sourceChoice =
    choice.lost.length && best
      ? { kept: log, dropped: best, rules: applyRulesOf(verdicts[0]!.engine.profile) }
      : undefined;
  return { plan, usageErrors: target.usage ? target.errors : [], sourceChoice };
}
