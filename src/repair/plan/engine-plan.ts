// What a repair writes differently per engine, from the engine's profile alone: the recovery
// configuration entry's term (uvRecover: 1 in libraft and dqlite, the last log term in cowsql/raft
// ≥ 0.20), the form of the snapshot (an LZ4 frame for dqlite ≥ 1.18.3, raw when asked), the
// engine the output is checked with, and warnings where the output would not start on an engine
// other than the one it is for.
import type { EngineResolution } from '../../analysis/engine/infer.js';
import {
  engineProfile,
  parseEngineName,
  releasesWhere,
  releaseWords,
  type EngineProfile,
} from '../../analysis/engine/profiles.js';
import { outputReader, type SnapshotForm } from '../../analysis/engine/snapshot-form.js';
import { recoveryEntryTerm } from '../../analysis/loader/index.js';
import type { SnapshotChoice } from '../../analysis/recovery/source-log.js';
import type { NodeIndex } from '../../scan/node-index.js';
import type { PlanEngine, RepairOptions, RepairPlan } from './types.js';

/** options.engine as a verdict option: a profile, or `auto`. */
export function engineChoiceOf(options: Pick<RepairOptions, 'engine'>): EngineProfile | 'auto' {
  return parseEngineName(options.engine);
}

/** The term of the configuration entry `engine`'s uvRecover writes after a log ending at `lastTerm`. */
export function recoveryTerm(engine: EngineProfile, lastTerm: bigint): bigint {
  return recoveryEntryTerm(engine, lastTerm);
}

export function termRule(engine: EngineProfile, term: bigint): string {
  if (engine.recoveryEntryTerm === 'one') {
    return (
      `term 1, as ${engine.name} writes it ` +
      '(uvWriteClosedSegment: entry.term = 1, even when the log has higher terms); ' +
      'cowsql/raft >= 0.20 writes the last term instead. Every engine loads either.'
    );
  }
  return (
    `term ${term}, the last entry's (or snapshot's) term, as ${engine.name} writes it ` +
    '(cowsql/raft >= 0.20 uvRecover); ' +
    'canonical raft and dqlite write term 1 instead. Every engine loads either.'
  );
}

export function planEngine(e: EngineResolution, form: SnapshotForm | undefined): PlanEngine {
  const withoutLz4 = form === 'raw' && e.profile.snapshots.read !== 'no-lz4';
  const reader = withoutLz4 ? ', as built without LZ4 (raw snapshots)' : '';
  const notes = [
    `The output is checked with the loader simulation of ${e.name} (${releaseWords(e.profile)})${reader}.`,
    form === undefined
      ? 'The snapshot is copied as it is: this engine reads LZ4 frames and raw data alike.'
      : `The snapshot is written as ${form === 'lz4' ? 'an LZ4 frame' : 'raw data'} ` +
        '(converted where the input is not).',
    "Closed segments and metadata are read the same way by libraft, canonical raft, dqlite's in-tree raft " +
      'and cowsql/raft.',
  ];
  return { name: e.name, source: e.source, evidence: e.evidence, snapshotForm: form ?? null, notes };
}

/** The engine a plan's output is checked with (apply's loader check), from the plan alone. */
export function checkingProfile(plan: Pick<RepairPlan, 'engine'>): EngineProfile {
  const profile = engineProfile(plan.engine.name);
  if (!profile) throw new RangeError(`unknown engine ${JSON.stringify(plan.engine.name)} in a checked plan`);
  return outputReader(profile, plan.engine.snapshotForm ?? undefined);
}

/**
 * Where the output would not start on another engine than the one it is for: said when the set
 * moves between engines (the inputs look written by another one) or a snapshot is converted, so
 * that a plan for the engine that wrote the inputs stays free of advice that does not apply.
 */
export function engineWarnings(
  source: NodeIndex,
  writer: EngineResolution,
  target: EngineResolution,
  choice: SnapshotChoice,
): string[] {
  const s = choice.chosen;
  const moved = target.source === 'flag' && writer.source === 'evidence' && writer.name !== target.name;
  if (!s || (!moved && !choice.convertTo)) return [];
  const out: string[] = [];
  if (moved) {
    const facts = writer.facts.join('; ');
    out.push(`the inputs look written by ${writer.name} (${facts}); the output is for ${target.name}`);
  }
  const lz4 = choice.convertTo ? choice.convertTo === 'lz4' : s.compressed;
  if (!lz4) {
    const lz4Only = releasesWhere((p) => p.snapshots.read === 'always-lz4');
    out.push(
      `${s.name} is raw data in the output: ${lz4Only} built with LZ4 (their default) cannot start the set ` +
        '("LZ4F_getFrameInfo ERROR_frameType_unknown"); --convert-snapshots lz4 writes it as an LZ4 frame, ' +
        'which every engine built with LZ4 reads',
    );
  } else if (choice.convertTo === 'lz4') {
    out.push(
      `${s.name} is written as an LZ4 frame: an engine built without LZ4 (some distributions' builds) ` +
        'fails on it with "LZ4 not available"; --convert-snapshots raw writes it as raw data for such a build',
    );
  }
  const payload = source.snapshots.find((r) => r.name === s.name)?.data?.payload;
  if (payload && payload.walBytes > 0n) {
    out.push(
      `${s.name} carries a WAL image (as dqlite ≤ 1.16 and cowsql write snapshots): ` +
        `${releasesWhere((p) => !p.snapshots.restoresWalPayload)} abort restoring it at start-up; ` +
        'the other engines read it',
    );
  }
  return out;
}
