// validatePlan: a repair plan checked completely before anything acts on it. The shape comes from
// plan-schema.ts; here are the rules that tie fields together:
// - every copied, truncated or re-encoded file comes from an input file the plan pins (node key
//   and file name in inputs.nodes, with size and sha256), and a copy has that size and sha256;
// - generated files are only the kinds raft-rescue generates, and their bytes are derived again
//   from the plan's own target, term and configuration entry and must be identical;
// - names agree with roles (a segment's name is the range it holds), outputs with the target's
//   members, the configuration entry with the members, status with refusals and options.
// The first problem is thrown as a RepairError naming its JSON path, e.g. outputs[1].files[3].name.
import { RepairError } from '../../core/errors.js';
import { yamlRoleToRaft } from '../../format/configuration.js';
import {
  formatClosedSegmentName,
  parseClosedSegmentName,
  parseSnapshotDataName,
  parseSnapshotMetaName,
} from '../../format/file-names.js';
import { roleName, type NodeInfo } from '../../format/node-yaml.js';
import { child, fail, firstDifference, quote, ShapeError } from './json-shape.js';
import { freshMetadata, yamlFiles } from './node-files.js';
import { configurationEntry, type EntryTerm } from './outputs.js';
import { checkConverted, checkEngine, entryTermOf } from './plan-validate-engine.js';
import { planShape } from './plan-schema.js';
import { checkOutputDirs, checkProductFile } from './product/plan-check.js';
import type { PlannedFile, PlannedNode, RepairPlan } from './types.js';

type Pins = ReadonlyMap<string, ReadonlyMap<string, { size: number; sha256: string }>>;

function pinsOf(plan: RepairPlan): Pins {
  const pins = new Map<string, Map<string, { size: number; sha256: string }>>();
  plan.inputs.nodes.forEach((n, i) => {
    if (pins.has(n.key)) fail(`inputs.nodes[${i}].key`, `${quote(n.key)} appears more than once`);
    const files = new Map<string, { size: number; sha256: string }>();
    n.files.forEach((f, j) => {
      const at = `inputs.nodes[${i}].files[${j}].name`;
      if (files.has(f.name)) fail(at, `${quote(f.name)} appears more than once`);
      files.set(f.name, f);
    });
    pins.set(n.key, files);
  });
  return pins;
}

function expectSame(at: string, got: unknown, want: unknown, what: string): void {
  const d = firstDifference(got, want, at);
  if (d) fail(d.at, `is ${quote(d.left)}, but ${what} gives ${quote(d.right)}`);
}

function pinnedNode(pins: Pins, at: string, node: string): ReadonlyMap<string, { size: number; sha256: string }> {
  const files = pins.get(node);
  return files ?? fail(at, `${quote(node)} is not one of the plan's input nodes (inputs.nodes[].key)`);
}

function pinned(pins: Pins, at: string, node: string, file: string): { size: number; sha256: string } {
  const pin = pinnedNode(pins, child(at, 'node'), node).get(file);
  return pin ?? fail(child(at, 'file'), `${quote(file)} is not a pinned file of ${node} (inputs.nodes[].files)`);
}

function checkRoleName(f: PlannedFile, at: string): void {
  const bad = (why: string): never => fail(child(at, 'name'), `${quote(f.name)} ${why}`);
  if (f.role === 'segment') {
    const n = parseClosedSegmentName(f.name);
    if (!n || formatClosedSegmentName(n.first, n.last) !== f.name) {
      return bad('is not a closed segment name (raft-rescue writes no open segments)');
    }
    expectSame(child(at, 'firstIndex'), f.firstIndex, n.first.toString(), 'the name');
    expectSame(child(at, 'lastIndex'), f.lastIndex, n.last.toString(), 'the name');
  } else if (f.firstIndex !== undefined || f.lastIndex !== undefined) {
    fail(child(at, f.firstIndex !== undefined ? 'firstIndex' : 'lastIndex'), 'belongs to segments only');
  }
  if (f.role === 'snapshot' && !parseSnapshotDataName(f.name)) bad('is not a snapshot name');
  if (f.role === 'snapshot-meta' && !parseSnapshotMetaName(f.name)) bad('is not a snapshot .meta name');
  if (f.role === 'metadata' && f.name !== 'metadata1' && f.name !== 'metadata2') bad('is not metadata1 or metadata2');
  if (f.role === 'yaml' && f.name !== 'info.yaml' && f.name !== 'cluster.yaml') bad('is not info.yaml or cluster.yaml');
  const converted = f.role === 'snapshot' && f.from.kind === 'converted-snapshot';
  const copied = f.from.kind === 'copy' || converted;
  if ((f.role === 'identity' || f.role === 'snapshot' || f.role === 'snapshot-meta') && !copied) {
    const what = f.role === 'snapshot' ? 'a copy or a converted copy' : 'a copy';
    fail(child(at, 'from.kind'), `a ${f.role} file is always ${what} of an input file, not ${quote(f.from.kind)}`);
  }
}

interface Derived {
  readonly members: readonly NodeInfo[];
  readonly configuration: PlannedFile | undefined;
}

/** The recovery entry's term, from the plan's engine (checked first); 1 while there is no log to say. */
function termOf(plan: RepairPlan): EntryTerm {
  const profile = checkEngine(plan);
  return entryTermOf(plan, profile) ?? { term: 1n, rule: '' };
}

function generatedFile(plan: RepairPlan, o: PlannedNode, f: PlannedFile, at: string, derived: Derived): PlannedFile {
  if (f.from.kind !== 'generated') throw new Error('unreachable');
  const what = f.from.what;
  if (what === 'configuration-segment') {
    if (!derived.configuration) fail(child(at, 'from.what'), "needs the plan's target and configurationEntry");
    return derived.configuration;
  }
  if (what === 'metadata') {
    if (!plan.metadata) fail(child(at, 'from.what'), "generated metadata needs the plan's metadata.freshTerm");
    return freshMetadata(BigInt(plan.metadata.freshTerm));
  }
  const member = { id: BigInt(o.id), address: o.address, role: o.role };
  return yamlFiles(member, derived.members).find((y) => y.name === what)!;
}

function checkFile(plan: RepairPlan, pins: Pins, o: PlannedNode, f: PlannedFile, at: string, derived: Derived): void {
  checkRoleName(f, at);
  if (checkProductFile(plan, o, f, at)) return;
  const from = f.from;
  const fromAt = child(at, 'from');
  if (from.kind === 'product-edit' || from.kind === 'product-generated') return;
  if (from.kind === 'generated') {
    // The directory was checked against the product's layout (checkProductFile); the rest is regenerated.
    const { dir: _dir, ...rest } = f;
    expectSame(at, rest, generatedFile(plan, o, f, at, derived), `raft-rescue's own ${from.what} for this node`);
    return;
  }
  const pin = pinned(pins, fromAt, from.node, from.file);
  if (from.kind === 'copy') {
    expectSame(child(at, 'size'), f.size, pin.size, 'the pinned input file');
    expectSame(child(at, 'sha256'), f.sha256, pin.sha256, 'the pinned input file');
  } else if (from.kind === 'truncated-copy') {
    expectSame(child(fromAt, 'originalSize'), from.originalSize, pin.size, 'the pinned input file');
    if (from.bytes > from.originalSize) {
      fail(child(fromAt, 'bytes'), `${from.bytes} is more than the file's ${from.originalSize} bytes`);
    }
    expectSame(child(at, 'size'), f.size, from.bytes, 'the truncated copy');
  } else if (from.kind === 'converted-snapshot') {
    checkConverted(plan, f, from, pin, at);
  } else {
    if (f.role !== 'segment') fail(child(at, 'role'), 're-encoded entries make a segment');
    const first = BigInt(from.firstIndex);
    if (BigInt(from.lastIndex) - first + 1n !== BigInt(from.count)) {
      fail(child(fromAt, 'count'), `${from.count} is not the number of entries ${from.firstIndex}..${from.lastIndex}`);
    }
    const name = formatClosedSegmentName(first, BigInt(from.lastIndex));
    expectSame(child(at, 'name'), f.name, name, 'the re-encoded range');
  }
}

function checkOutputs(plan: RepairPlan, pins: Pins): void {
  const members = plan.target?.members ?? [];
  if (plan.outputs.length !== members.length) {
    fail('outputs', `has ${plan.outputs.length} nodes, the target has ${members.length} members`);
  }
  const infos = members.map((m) => ({ id: BigInt(m.id), address: m.address, role: m.role }));
  const last = plan.configurationEntry ? BigInt(plan.configurationEntry.index) : undefined;
  const configuration =
    last !== undefined && infos.length ? configurationEntry(last, infos, termOf(plan)).file : undefined;
  const derived: Derived = { members: infos, configuration };
  checkOutputDirs(plan);
  plan.outputs.forEach((o, i) => {
    const at = `outputs[${i}]`;
    const m = members[i]!;
    for (const k of ['address', 'id', 'role', 'roleName'] as const) {
      expectSame(child(at, k), o[k], m[k], `target.members[${i}]`);
    }
    if (o.inputNode !== null) pinnedNode(pins, child(at, 'inputNode'), o.inputNode);
    if (o.metadata === 'kept' && !o.isSource) fail(child(at, 'metadata'), 'only the source node keeps its metadata');
    const names = new Set<string>();
    o.files.forEach((f, j) => {
      const fileAt = child(child(at, 'files'), j);
      const where = f.dir ? `${f.dir}/${f.name}` : f.name;
      if (names.has(where)) fail(child(fileAt, 'name'), `${quote(where)} appears twice in this node`);
      names.add(where);
      checkFile(plan, pins, o, f, fileAt, derived);
    });
  });
}

function checkTarget(plan: RepairPlan): void {
  const t = plan.target;
  if (!t) return;
  const ids = new Set<string>();
  const addresses = new Set<string>();
  t.members.forEach((m, i) => {
    const at = `target.members[${i}]`;
    if (m.id === '0') fail(child(at, 'id'), 'IDs are non-zero');
    if (ids.has(m.id)) fail(child(at, 'id'), `${m.id} appears more than once`);
    if (addresses.has(m.address)) fail(child(at, 'address'), `${m.address} appears more than once`);
    ids.add(m.id);
    addresses.add(m.address);
    expectSame(child(at, 'roleName'), m.roleName, roleName(m.role), `role ${m.role}`);
    expectSame(child(at, 'raftRole'), m.raftRole, yamlRoleToRaft(m.role), `role ${m.role}`);
  });
  if ((t.from === 'cluster-file') !== (plan.options.cluster !== null)) {
    fail('target.from', `${quote(t.from)} does not agree with options.cluster`);
  }
  if (t.file !== plan.options.cluster) fail('target.file', `must be options.cluster (${quote(plan.options.cluster)})`);
  if (plan.configurationEntry) {
    const infos = t.members.map((m) => ({ id: BigInt(m.id), address: m.address, role: m.role }));
    const entry = configurationEntry(BigInt(plan.configurationEntry.index), infos, termOf(plan)).entry;
    expectSame('configurationEntry', plan.configurationEntry, entry, 'the target membership');
  }
}

function checkStatus(plan: RepairPlan, pins: Pins): void {
  if (plan.status === 'refused') {
    if (plan.refusals.length === 0) fail('refusals', 'a refused plan says why');
    return;
  }
  if (plan.refusals.length) fail('refusals', 'a ready plan has no refusals');
  for (const k of ['source', 'target', 'log', 'configurationEntry', 'metadata', 'expected'] as const) {
    if (plan[k] === null) fail(k, 'is null in a ready plan');
  }
  if (plan.outputs.length === 0) fail('outputs', 'a ready plan writes at least one node');
  // `expected` is what the written set must load as; applyPlan's loader check holds it to that.
  plan.lost.forEach((l, i) => {
    if (l.complete && (l.kind === 'unfillable-hole' || l.kind === 'damaged-tail') && !plan.options.allowDataLoss) {
      fail(`lost[${i}]`, 'drops complete entries, which needs options.allowDataLoss');
    }
    if (l.kind === 'source-choice' && !plan.options.force) {
      fail(`lost[${i}]`, 'an unsafe source choice needs options.force');
    }
  });
  if (plan.source) {
    pinnedNode(pins, 'source.node', plan.source.node);
    plan.source.ranking.forEach((r, i) => pinnedNode(pins, `source.ranking[${i}].node`, r.node));
    if ((plan.source.chosenBy === '--source') !== (plan.options.source !== null)) {
      fail('source.chosenBy', 'does not agree with options.source');
    }
  }
}

/**
 * Checks an untrusted plan completely; returns it typed, or throws RepairError (exit 3) whose
 * one-line message names the first bad field. `file` names the plan in the message.
 */
export function validatePlan(value: unknown, file = 'the plan'): RepairPlan {
  try {
    planShape(value, '');
    // The checked value itself (not the checker's copy): same object, same key order in the manifest.
    const plan = value as RepairPlan;
    const pins = pinsOf(plan);
    checkStatus(plan, pins);
    checkEngine(plan);
    checkTarget(plan);
    checkOutputs(plan, pins);
    return plan;
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new RepairError(`${file}: ${error.message}; the plan is refused`, 'E_PLAN_INVALID');
  }
}
