// The cross-field rules on a plan's product files (called by plan-validate.ts): a product file sits
// only where its product keeps it, a generated one has exactly the bytes raft-rescue makes from the
// plan's own target, and an edited one starts from a product file the plan pins (its result's
// sha256 is then checked when the edit is re-done on apply).
import { createHash } from 'node:crypto';
import { child, fail, quote } from '../json-shape.js';
import type { PlannedFile, PlannedNode, RepairPlan } from '../types.js';
import { allowedDirs, raftDirOf } from './layout.js';
import { localNodeText, patchText } from './rewrite.js';

function expect(at: string, got: unknown, want: unknown, what: string): void {
  if (JSON.stringify(got) !== JSON.stringify(want)) fail(at, `is ${quote(got)}, but ${what} gives ${quote(want)}`);
}

/** The product file (state-directory path) of an input node the plan pins. */
function pinnedProductFile(plan: RepairPlan, at: string, node: string, file: string): { size: number; sha256: string } {
  const input = plan.inputs.nodes.find((n) => n.key === node);
  if (!input) fail(child(at, 'node'), `${quote(node)} is not one of the plan's input nodes (inputs.nodes[].key)`);
  const pin = input.productFiles?.find((f) => f.path === file);
  return (
    pin ??
    fail(child(at, 'file'), `${quote(file)} is not a pinned product file of ${node} (inputs.nodes[].productFiles)`)
  );
}

function generatedBytes(plan: RepairPlan, o: PlannedNode, what: 'patch.global.sql' | 'localnode.yaml'): string {
  const members = plan.target?.members ?? [];
  if (what === 'localnode.yaml') return localNodeText({ id: BigInt(o.id), address: o.address, role: o.role });
  return patchText(
    o.product!,
    members.map((m) => ({ id: BigInt(m.id), address: m.address, ...(m.name !== undefined ? { name: m.name } : {}) })),
  );
}

/** Checks a file's directory and, for product files, its origin. Returns true when it was a product origin. */
export function checkProductFile(plan: RepairPlan, o: PlannedNode, f: PlannedFile, at: string): boolean {
  if (f.dir !== undefined && !allowedDirs(o.product).includes(f.dir)) {
    fail(child(at, 'dir'), `${quote(f.dir)} is not a directory ${o.product ?? 'go-dqlite'} keeps its files in`);
  }
  const from = f.from;
  if (from.kind !== 'product-edit' && from.kind !== 'product-generated') {
    if (f.role === 'product') fail(child(at, 'from.kind'), 'a product file is edited or generated for its product');
    if ((f.dir ?? '') !== raftDirOf(o.product))
      fail(child(at, 'dir'), `raft files go in ${quote(raftDirOf(o.product))}`);
    return false;
  }
  const fromAt = child(at, 'from');
  if (f.role !== 'product') fail(child(at, 'role'), `${quote(from.kind)} makes a product file`);
  if (!o.product) fail(child(at, 'from.kind'), "only an output in a product's layout has product files");
  if (from.kind === 'product-generated') {
    const bytes = Buffer.from(from.base64, 'base64');
    expect(child(fromAt, 'text'), from.text, bytes.toString('utf8'), 'base64');
    expect(
      child(fromAt, 'text'),
      from.text,
      generatedBytes(plan, o, from.what),
      `raft-rescue's own ${from.what} for this target`,
    );
    expect(child(at, 'size'), f.size, bytes.length, 'the bytes');
    expect(child(at, 'sha256'), f.sha256, createHash('sha256').update(bytes).digest('hex'), 'the bytes');
    return true;
  }
  pinnedProductFile(plan, fromAt, from.node, from.file);
  if (f.sha256 === null) fail(child(at, 'sha256'), 'an edited product file states the sha256 of its result');
  if (from.what !== 'truststore') expect(child(fromAt, 'address'), from.address, o.address, "the output's address");
  if (from.what === 'local.db') {
    const want = (plan.target?.members ?? []).map((m) => ({
      id: m.id,
      address: m.address,
      role: m.role,
      name: m.name ?? '',
    }));
    expect(child(fromAt, 'raftNodes'), from.raftNodes, want, 'target.members');
  } else if ('raftNodes' in from) fail(child(fromAt, 'raftNodes'), 'belongs to local.db only');
  return true;
}

/** Output directory names (a member's name, else its address) are plain and unique. */
export function checkOutputDirs(plan: RepairPlan): void {
  const seen = new Set<string>();
  plan.outputs.forEach((o, i) => {
    const dir = o.dir ?? o.address;
    if (seen.has(dir)) fail(`outputs[${i}].dir`, `${quote(dir)} is the output directory of two members`);
    seen.add(dir);
    if (o.dir !== undefined && !o.product)
      fail(`outputs[${i}].dir`, "only an output in a product's layout is named by its member");
  });
}
