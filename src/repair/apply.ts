// applyPlan: the only writer. Refuses a plan that is not ready or whose inputs changed since it
// was made (sha256 of every input file), writes the whole set into a fresh temp directory beside
// the target, fsyncs every file and directory, runs the loader simulation on every output node,
// and only then renames the set into place (or packs it into a .tar.gz that is renamed into
// place). Any failure removes the temp directory: nothing that looks complete is left behind.
import fs from 'node:fs';
import path from 'node:path';
import { RepairError } from '../core/errors.js';
import { toJson } from '../core/u64.js';
import { digestNode } from '../scan/digest.js';
import type { NodeIndex } from '../scan/node-index.js';
import { nodeFileProgress, progressCounter, type ScanProgress } from '../scan/scan-inputs.js';
import { checkOutputNode, type NodeCheck } from './check-output.js';
import { fsyncDir, writePlannedFile, type NodeLookup, type WrittenFile } from './materialize.js';
import { checkOutPath, moveAside, type OutTarget } from './out-path.js';
import { PLAN_VERSION, type RepairPlan } from './types.js';

export const MANIFEST_NAME = 'raft-rescue-manifest.json';

export interface ApplyOptions {
  readonly out: string;
  /** Replace a non-empty --out (the old one is moved aside, never deleted). */
  readonly force: boolean;
  /** Bytes and files done in each phase (re-hashing inputs, writing, checking the output). */
  readonly onProgress?: (progress: ScanProgress) => void;
}

export interface ApplyResult {
  readonly out: string;
  readonly format: 'directory' | 'tar.gz';
  readonly files: readonly { readonly path: string; readonly size: number; readonly sha256: string }[];
  readonly totalBytes: number;
  /** Where a replaced --out was moved (with --force). */
  readonly replaced: string | null;
  readonly checks: readonly NodeCheck[];
}

type PlanInput = RepairPlan['inputs']['nodes'][number];

/** Same regular files with the same sizes: worth hashing to see whether it is the same node. */
function sameShape(input: PlanInput, node: NodeIndex): boolean {
  const files = node.files.filter((f) => f.type === 'file');
  if (files.length !== input.files.length) return false;
  const sizes = new Map(files.map((f) => [f.name, f.size]));
  return input.files.every((f) => sizes.get(f.name) === f.size);
}

/**
 * Plan inputs are keyed by the path they were read from. A plan applied to inputs that were moved
 * or renamed since (e.g. the tarball copied to the recovery machine) finds each by content
 * instead: the node whose every file has the pinned size and sha256.
 */
function matchMovedInputs(plan: RepairPlan, nodes: readonly NodeIndex[], byKey: Map<string, NodeIndex>): void {
  const keys = new Set(plan.inputs.nodes.map((i) => i.key));
  const spare = nodes.filter((n) => !keys.has(n.displayPath));
  for (const input of plan.inputs.nodes) {
    if (byKey.has(input.key)) continue;
    const pinned = new Map(input.files.map((f) => [f.name, f.sha256]));
    const match = spare.find((n) => sameShape(input, n) && [...digestNode(n).values()].every((d) => pinned.get(d.name) === d.sha256));
    if (!match) continue;
    byKey.set(input.key, match);
    spare.splice(spare.indexOf(match), 1);
  }
}

/** Recomputes the digest of every input file the plan pinned; refuses on any difference. */
export function verifyInputs(plan: RepairPlan, nodes: readonly NodeIndex[], onProgress?: (progress: ScanProgress) => void): NodeLookup {
  const byKey = new Map(nodes.map((n) => [n.displayPath, n]));
  matchMovedInputs(plan, nodes, byKey);
  const changes: string[] = [];
  const count = progressCounter(plan.inputs.nodes.flatMap((i) => i.files), onProgress, 'checking inputs of');
  for (const input of plan.inputs.nodes) {
    const node = byKey.get(input.key);
    if (!node) {
      changes.push(`${input.key} is missing: no input node holds its ${input.files.length} files unchanged (matched by path, then by size and sha256)`);
      continue;
    }
    const now = digestNode(node, (size) => count(size, input.key));
    const before = new Map(input.files.map((f) => [f.name, f]));
    for (const [name, f] of before) {
      const d = now.get(name);
      if (!d) changes.push(`${input.key}/${name} is gone`);
      else if (d.size !== f.size || d.sha256 !== f.sha256) changes.push(`${input.key}/${name} changed (sha256 ${f.sha256.slice(0, 12)}… → ${d.sha256.slice(0, 12)}…)`);
    }
    for (const name of now.keys()) if (!before.has(name)) changes.push(`${input.key}/${name} is new`);
  }
  if (changes.length) throw new RepairError(`the inputs changed since the plan was made; make a new plan:\n  ${changes.join('\n  ')}`, 'E_INPUTS_CHANGED');
  return byKey;
}

function writeNodes(root: string, plan: RepairPlan, nodes: NodeLookup, onProgress?: (progress: ScanProgress) => void): WrittenFile[] {
  const written: WrittenFile[] = [];
  const cache = new Map<string, Uint8Array>();
  const count = progressCounter(plan.outputs.flatMap((o) => o.files), onProgress, 'writing');
  for (const o of plan.outputs) {
    const dir = path.join(root, o.address);
    fs.mkdirSync(dir, { mode: 0o755 });
    for (const f of o.files) {
      written.push(writePlannedFile(dir, f, nodes, cache));
      count(f.size, o.address);
    }
    fsyncDir(dir);
  }
  return written;
}

/** The loader simulation on every written node (reading every byte again). */
function checkNodes(root: string, plan: RepairPlan, onProgress?: (progress: ScanProgress) => void): NodeCheck[] {
  const count = progressCounter(plan.outputs.flatMap((o) => o.files), onProgress, 'checking output');
  return plan.outputs.map((o) => {
    const progress = nodeFileProgress(new Map(o.files.map((f) => [f.name, f.size])), o.address, count);
    const check = checkOutputNode(path.join(root, o.address), o, plan, progress.onFile);
    progress.rest();
    return check;
  });
}

function writeManifest(root: string, plan: RepairPlan, format: ApplyResult['format'], files: ApplyResult['files']): void {
  const body = `${toJson({ manifestVersion: 1, tool: plan.tool, format, files, plan })}\n`;
  const file = path.join(root, MANIFEST_NAME);
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    fs.writeSync(fd, body);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fsyncDir(root);
}

async function packTarball(root: string, target: OutTarget): Promise<string> {
  const tmp = path.join(target.parent, `.${path.basename(target.out)}.raft-rescue-${process.pid}.tmp`);
  const entries = fs.readdirSync(root).sort();
  const tar = await import('tar'); // here, not at the top: loading tar costs every start ~20 ms
  await tar.c({ gzip: true, file: tmp, cwd: root, portable: true }, entries);
  const fd = fs.openSync(tmp, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return tmp;
}

async function publish(root: string, target: OutTarget): Promise<string | null> {
  const replaced = target.existing === 'replace' ? moveAside(target.out) : null;
  if (target.format === 'directory') {
    if (target.existing === 'empty-dir') fs.rmdirSync(target.out);
    fs.renameSync(root, target.out);
  } else {
    const tmp = await packTarball(root, target);
    try {
      fs.renameSync(tmp, target.out);
    } finally {
      fs.rmSync(tmp, { force: true });
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
  fsyncDir(target.parent);
  return replaced;
}

export async function applyPlan(plan: RepairPlan, nodes: readonly NodeIndex[], options: ApplyOptions): Promise<ApplyResult> {
  if (plan.planVersion !== PLAN_VERSION) throw new RepairError(`plan version ${String(plan.planVersion)} is not supported (this tool writes version ${PLAN_VERSION})`);
  if (plan.status !== 'ready' || !plan.expected) throw new RepairError(`the plan was refused: ${plan.refusals.join(' ')}`, 'E_REFUSED');
  const lookup = verifyInputs(plan, nodes, options.onProgress);
  const target = checkOutPath(options.out, options.force, nodes, plan.inputs.args);
  const root = fs.mkdtempSync(path.join(target.parent, `.${path.basename(target.out)}.raft-rescue-`));
  try {
    const written = writeNodes(root, plan, lookup, options.onProgress);
    const checks = checkNodes(root, plan, options.onProgress);
    const bad = checks.filter((c) => !c.ok);
    if (bad.length) {
      throw new RepairError(`the written set would not start as planned; nothing was published:\n  ${bad.map((c) => `${c.address}: ${c.problems.join('; ')}`).join('\n  ')}`, 'E_OUTPUT_CHECK');
    }
    const files = written.map((w) => ({ path: path.relative(root, w.path), size: w.size, sha256: w.sha256 }));
    writeManifest(root, plan, target.format, files);
    const replaced = await publish(root, target);
    return { out: target.out, format: target.format, files, totalBytes: files.reduce((n, f) => n + f.size, 0), replaced, checks };
  } catch (error) {
    fs.rmSync(root, { recursive: true, force: true });
    throw error;
  }
}
