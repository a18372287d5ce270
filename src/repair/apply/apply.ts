// applyPlan: the only writer. Checks the plan completely (plan-validate.ts), refuses a plan that
// is not ready or whose inputs changed since it was made (sha256 of every input file), takes the
// lock on --out (one repair per target at a time), writes the whole set into a fresh temp
// directory beside the target (every byte checked, every file and directory fsynced), runs the
// loader simulation on every output node, and only then puts the set in place (or packs it into a
// tarball that is put in place). Any failure, a full disk or a signal removes the temp data: nothing
// that looks complete is left behind, and an old --out is only moved aside once the new one is whole.
import fs from 'node:fs';
import path from 'node:path';
import { checkpoint, throwIfCancelled } from '../../core/cancel.js';
import { describeErrno, InternalError, isErrnoError, RepairError } from '../../core/errors.js';
import { nodeDigests, type FileDigest } from '../../scan/digest.js';
import type { NodeIndex } from '../../scan/node-index.js';
import { nodeFileProgress, progressCounter, type ScanProgress } from '../../scan/scan-inputs.js';
import { removeTempDir } from '../../scan/temp-dirs.js';
import { checkOutputNode, type NodeCheck } from './check-output.js';
import { checkPinned, matchInputs } from '../plan/input-match.js';
import { writePlannedFile, type NodeLookup } from './materialize.js';
import { fsyncDir, makeTempDirBeside, removeOutputLeftovers } from './out-files.js';
import { lockOutput, lockPathFor, type OutLock } from './out-lock.js';
import { checkOutPath, existingOut, InputSet, inputPathsOf, type OutFormat, type OutTarget } from './out-path.js';
import { plainNameProblem } from '../plan/plan-schema.js';
import { validatePlan } from '../plan/plan-validate.js';
import { dirsToMake, DIR_MODE, raftDirOf } from '../plan/product/layout.js';
import { checkProductPins } from './product-files.js';
import { MANIFEST_NAME, packTarball, swapIn, writeManifest, type ManifestFile } from './publish.js';
import type { PlannedFile, PlannedNode, RepairPlan } from '../plan/types.js';

export { MANIFEST_NAME };

export interface ApplyOptions {
  readonly out: string;
  /** Replace a non-empty --out (the old one is moved aside, never deleted). */
  readonly force: boolean;
  /** Bytes and files done in each phase (re-hashing inputs, writing, checking the output). */
  readonly onProgress?: (progress: ScanProgress) => void;
  /** Aborted on SIGINT/SIGTERM/SIGHUP: the run stops, removes its temp data, publishes nothing. */
  readonly signal?: AbortSignal;
  /** Other files the run read (the --cluster or --plan file): never written over either. */
  readonly otherInputs?: readonly string[];
  /** The lock on --out, when the caller took it already (lockTarget, before a long scan). */
  readonly lock?: OutLock;
}

export interface ApplyResult {
  readonly out: string;
  readonly format: OutFormat;
  readonly files: readonly ManifestFile[];
  readonly totalBytes: number;
  /** Where a replaced --out was moved (with --force). */
  readonly replaced: string | null;
  readonly checks: readonly NodeCheck[];
}

type Options = Pick<ApplyOptions, 'onProgress' | 'signal'>;

/** Recomputes the digest of every input file the plan pinned; refuses on any difference. */
export async function verifyInputs(
  plan: RepairPlan,
  nodes: readonly NodeIndex[],
  options: Options = {},
): Promise<NodeLookup> {
  const count = progressCounter(
    plan.inputs.nodes.flatMap((i) => i.files),
    options.onProgress,
    'checking inputs of',
  );
  const cache = new Map<NodeIndex, Promise<ReadonlyMap<string, FileDigest>>>();
  const digestOf = (n: NodeIndex): Promise<ReadonlyMap<string, FileDigest>> => {
    let d = cache.get(n);
    if (!d) cache.set(n, (d = nodeDigests(n, (size) => count(size, n.displayPath), options.signal)));
    return d;
  };
  const byKey = await matchInputs(plan, nodes, digestOf);
  await checkPinned(plan, byKey, digestOf);
  checkProductPins(plan, byKey);
  return byKey;
}

/** A member's output directory: its name (LXD, Incus, microcluster), else its address. */
export function outputDirOf(o: PlannedNode): string {
  return o.dir ?? o.address;
}

/** Makes a member's output directory and the product subdirectories its files go in (all 0700: they hold keys and databases). */
function makeNodeDirs(root: string, o: PlannedNode): string {
  const name = outputDirOf(o);
  const bad = plainNameProblem(name);
  if (bad) throw new InternalError(`refusing to make output directory ${JSON.stringify(name)}: ${bad}`);
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { mode: DIR_MODE });
  for (const sub of dirsToMake(o.files.flatMap((f) => (f.dir ? [f.dir] : [])))) {
    if (sub.split('/').some((s) => plainNameProblem(s) !== undefined))
      throw new InternalError(`refusing to make ${JSON.stringify(sub)}`);
    fs.mkdirSync(path.join(dir, sub), { mode: DIR_MODE });
  }
  return dir;
}

const fileDir = (root: string, o: PlannedNode, f: PlannedFile) => path.join(root, outputDirOf(o), f.dir ?? '');

/**
 * Writes every output node. A file several nodes get identically (the log, the snapshot) is made
 * once and written to all of them from one read of its input; each read also checks the input's
 * sha256 against the plan's pin.
 */
async function writeNodes(
  root: string,
  plan: RepairPlan,
  nodes: NodeLookup,
  options: Options,
): Promise<ManifestFile[]> {
  const count = progressCounter(
    plan.outputs.flatMap((o) => o.files),
    options.onProgress,
    'writing',
  );
  const pins = new Map(
    plan.inputs.nodes.flatMap((i) => i.files.map((f) => [`${i.key}\0${f.name}`, f.sha256] as const)),
  );
  const pinned = (node: string, file: string) => pins.get(`${node}\0${file}`);
  const groups = new Map<string, { file: PlannedFile; dirs: string[]; nodes: string[] }>();
  for (const o of plan.outputs) {
    makeNodeDirs(root, o);
    for (const f of o.files) {
      const key = `${f.name}\0${JSON.stringify(f.from)}\0${f.mode}`;
      const g = groups.get(key) ?? { file: f, dirs: [], nodes: [] };
      g.dirs.push(fileDir(root, o, f));
      g.nodes.push(outputDirOf(o));
      groups.set(key, g);
    }
  }
  const written = new Map<string, ManifestFile>();
  for (const g of groups.values()) {
    await checkpoint(options.signal);
    const results = await writePlannedFile(g.dirs, g.file, nodes, pinned, options.signal);
    for (const w of results)
      written.set(path.relative(root, w.path), { path: path.relative(root, w.path), size: w.size, sha256: w.sha256 });
    for (const a of g.nodes) count(g.file.size, a);
  }
  for (const o of plan.outputs) {
    for (const d of new Set(o.files.map((f) => fileDir(root, o, f)))) fsyncDir(d);
    fsyncDir(path.join(root, outputDirOf(o)));
  }
  // The manifest lists files node by node, in plan order.
  return plan.outputs.flatMap((o) =>
    o.files.map((f) => written.get(path.relative(root, path.join(fileDir(root, o, f), f.name)))!),
  );
}

/** The loader simulation on every written node (reading every byte again). */
async function checkNodes(root: string, plan: RepairPlan, options: Options): Promise<NodeCheck[]> {
  const count = progressCounter(
    plan.outputs.flatMap((o) => o.files.filter((f) => (f.dir ?? '') === raftDirOf(o.product))),
    options.onProgress,
    'checking output',
  );
  const checks: NodeCheck[] = [];
  for (const o of plan.outputs) {
    await checkpoint(options.signal);
    const raftDir = raftDirOf(o.product);
    const raftFiles = o.files.filter((f) => (f.dir ?? '') === raftDir);
    const progress = nodeFileProgress(new Map(raftFiles.map((f) => [f.name, f.size])), outputDirOf(o), count);
    checks.push(checkOutputNode(path.join(root, outputDirOf(o), raftDir), o, plan, progress.onFile));
    progress.rest();
  }
  return checks;
}

interface Staged {
  readonly path: string;
  readonly files: readonly ManifestFile[];
  readonly checks: readonly NodeCheck[];
}

/** Writes, checks and (for a tarball) packs the new output beside the target; nothing is published. */
async function stage(plan: RepairPlan, lookup: NodeLookup, target: OutTarget, options: Options): Promise<Staged> {
  const root = makeTempDirBeside(target.out);
  try {
    const files = await writeNodes(root, plan, lookup, options);
    const checks = await checkNodes(root, plan, options);
    const bad = checks.filter((c) => !c.ok);
    if (bad.length) {
      const why = bad.map((c) => `${c.address}: ${c.problems.join('; ')}`).join('\n  ');
      throw new RepairError(
        `the written set would not start as planned; nothing was published:\n  ${why}`,
        'E_OUTPUT_CHECK',
      );
    }
    writeManifest(root, plan, target.format, files);
    if (target.format === 'directory') return { path: root, files, checks };
    const tarball = await packTarball(root, target, options.signal);
    removeTempDir(root);
    return { path: tarball, files, checks };
  } catch (error) {
    removeTempDir(root);
    throw error;
  }
}

/** System call errors while writing the output (a full disk, a read-only mount) are one line, exit 3. */
export function outputFailure(error: unknown, target: OutTarget): unknown {
  if (!isErrnoError(error)) return error;
  return new RepairError(`writing ${target.out} failed: ${describeErrno(error)}; nothing was published`, 'E_OUTPUT_IO');
}

/**
 * Takes the lock on --out early (before scanning: a second repair to the same target is refused
 * at once, not after its scan), after the overlap guard on the input paths as given.
 */
export function lockTarget(out: string, inputPaths: readonly string[]): OutLock {
  const target = checkOutPath(out, new InputSet(inputPaths.map((p) => path.resolve(p))));
  try {
    return lockOutput(target.out);
  } catch (error) {
    throw outputFailure(error, target);
  }
}

export async function applyPlan(
  plan: RepairPlan,
  nodes: readonly NodeIndex[],
  options: ApplyOptions,
): Promise<ApplyResult> {
  validatePlan(plan);
  if (plan.status !== 'ready' || !plan.expected) {
    throw new RepairError(`the plan was refused: ${plan.refusals.join(' ')}`, 'E_REFUSED');
  }
  const target = checkOutPath(options.out, new InputSet(inputPathsOf(nodes, plan.inputs.args, options.otherInputs)));
  try {
    const lock = options.lock ?? lockOutput(target.out);
    if (lock.path !== lockPathFor(target.out)) {
      throw new InternalError(`the lock ${lock.path} is not the lock of ${target.out}`);
    }
    try {
      removeOutputLeftovers(target.parent);
      const existing = existingOut(target, options.force);
      const lookup = await verifyInputs(plan, nodes, options);
      const staged = await stage(plan, lookup, target, options);
      try {
        throwIfCancelled(options.signal); // from here on nothing yields: a signal now waits for the rename
        const replaced = swapIn(staged.path, target, existing);
        const totalBytes = staged.files.reduce((n, f) => n + f.size, 0);
        const { files, checks } = staged;
        return { out: target.out, format: target.format, files, totalBytes, replaced, checks };
      } catch (error) {
        removeTempDir(staged.path);
        throw error;
      }
    } finally {
      if (!options.lock) lock.release();
    }
  } catch (error) {
    throw outputFailure(error, target);
  }
}
