// The rules of a plan that depend on its engine (validatePlan calls them): the engine named in
// `engine` is one raft-rescue knows and agrees with options.engine and options.convertSnapshots,
// the recovery entry has the term that engine writes (and `expected` says so), and a converted
// snapshot is one of the pinned input snapshots in the plan's own snapshot form, of the size that
// form gives it.
import { engineProfile, parseEngineName, type EngineProfile } from '../../analysis/engine/profiles.js';
import { snapshotFormFor } from '../../analysis/engine/snapshot-form.js';
import { storedFrameSize } from '../../format/lz4-frame.js';
import { recoveryTerm, termRule } from './engine-plan.js';
import { child, fail, firstDifference, quote } from './json-shape.js';
import type { EntryTerm } from './outputs.js';
import type { FileOrigin, PlannedFile, RepairPlan } from './types.js';

function same(at: string, got: unknown, want: unknown, what: string): void {
  const d = firstDifference(got, want, at);
  if (d) fail(d.at, `is ${quote(d.left)}, but ${what} gives ${quote(d.right)}`);
}

/** The plan's engine profile, checked against its options. */
export function checkEngine(plan: RepairPlan): EngineProfile {
  const profile =
    engineProfile(plan.engine.name) ??
    fail('engine.name', `${quote(plan.engine.name)} is not an engine raft-rescue knows`);
  same('engine.name', plan.engine.name, profile.name, "the engine's own name");
  const asked = parseEngineName(plan.options.engine);
  if (asked === 'auto') {
    if (plan.engine.source === 'flag') fail('engine.source', 'is "flag", but options.engine is "auto"');
  } else {
    same('engine.name', plan.engine.name, asked.name, 'options.engine');
    same('engine.source', plan.engine.source, 'flag', 'options.engine');
  }
  const form = snapshotFormFor(profile, plan.options.convertSnapshots ?? undefined) ?? null;
  same('engine.snapshotForm', plan.engine.snapshotForm, form, 'the engine and options.convertSnapshots');
  const entry = entryTermOf(plan, profile);
  if (entry && plan.expected) {
    same('expected.lastTerm', plan.expected.lastTerm, entry.term.toString(), "the configuration entry's term");
  }
  return profile;
}

/** The recovery entry's term as the plan's engine writes it after the plan's log. */
export function entryTermOf(plan: RepairPlan, profile: EngineProfile): EntryTerm | undefined {
  if (!plan.log) return undefined;
  const term = recoveryTerm(profile, BigInt(plan.log.lastTerm));
  return { term, rule: termRule(profile, term) };
}

type Converted = Extract<FileOrigin, { kind: 'converted-snapshot' }>;

/** A converted snapshot: in the plan's form, from a pinned input of the size it records, of the size its form gives. */
export function checkConverted(
  plan: RepairPlan,
  f: PlannedFile,
  from: Converted,
  pin: { size: number },
  at: string,
): void {
  const fromAt = child(at, 'from');
  if (f.role !== 'snapshot') fail(child(at, 'role'), 'only snapshot data files are converted');
  same(child(fromAt, 'to'), from.to, plan.engine.snapshotForm, 'engine.snapshotForm');
  same(child(fromAt, 'file'), from.file, f.name, "the file's name");
  same(child(fromAt, 'originalSize'), from.originalSize, pin.size, 'the pinned input file');
  if (f.sha256 !== null) {
    fail(child(at, 'sha256'), "a converted snapshot's sha256 is computed when it is written (null)");
  }
  // Raw content's size is the frame's declared content size, checked against what decoding gives.
  if (from.to === 'lz4') {
    same(child(at, 'size'), f.size, storedFrameSize(pin.size), 'a stored-block LZ4 frame of the input');
  }
}
