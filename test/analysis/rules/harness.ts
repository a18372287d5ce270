// Shared set-up for the rule tests: index sample nodes (or damaged copies of them), run one rule
// over them, and clean the copies up afterwards.
import fs from 'node:fs';
import path from 'node:path';
import { compareFindings, type Finding } from '../../../src/analysis/findings.js';
import { buildNodeFacts, type Rule } from '../../../src/analysis/rules/index.js';
import { crc32 } from '../../../src/format/crc32.js';
import { decodeSegmentBytes } from '../../../src/format/segment.js';
import { buildNodeIndex } from '../../../src/scan/build-node-index.js';
import type { NodeIndex } from '../../../src/scan/node-index.js';
import { read, write } from '../../helpers/damage.js';
import { copyNode, sampleNodes, type SampleSet } from '../../helpers/samples.js';
import type { VerdictOptions } from '../../../src/analysis/verdict.js';
import { verdictsOf } from '../../../src/workflows/check.js';

const copies: string[] = [];
const indexed = new Map<string, Promise<NodeIndex[]>>();

/** Indexes of a sample set's nodes (cached per process; never damage these). */
export function sampleIndexes(set: SampleSet): Promise<NodeIndex[]> {
  let p = indexed.get(set);
  if (!p) {
    p = sampleNodes(set).then((dirs) => dirs.map((d) => buildNodeIndex(d)));
    indexed.set(set, p);
  }
  return p;
}

/** A scratch copy of node `i` of a set, damaged by `mutate`; removed by cleanupCopies. */
export async function damaged(set: SampleSet, i: number, mutate: (dir: string) => void): Promise<string> {
  const dirs = await sampleNodes(set);
  const dir = copyNode(dirs[i]!);
  copies.push(path.dirname(dir));
  mutate(dir);
  return dir;
}

/** The set's indexes with node `i` replaced by the index of `dir`. */
export async function withReplaced(set: SampleSet, i: number, dir: string): Promise<NodeIndex[]> {
  const nodes = [...(await sampleIndexes(set))];
  nodes[i] = buildNodeIndex(dir);
  return nodes;
}

export function runRule(rule: Rule, nodes: readonly NodeIndex[], options: VerdictOptions = {}): Finding[] {
  const facts = verdictsOf(nodes, options).map((v) => buildNodeFacts(v, options.autoRecovery ?? true));
  return rule.check({ nodes: facts }).sort(compareFindings);
}

/** Damages node `i` of a set and runs the rule over the whole set. */
export async function findingsAfter(rule: Rule, set: SampleSet, i: number, mutate: (dir: string) => void,
  options: VerdictOptions = {}): Promise<Finding[]> {
  const dir = await damaged(set, i, mutate);
  return runRule(rule, await withReplaced(set, i, dir), options);
}

/** What the rule reports on the healthy set (most rules: nothing). */
export async function onHealthy(rule: Rule): Promise<Finding[]> {
  return runRule(rule, await sampleIndexes('healthy'));
}

export function cleanupCopies(): void {
  for (const d of copies.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Name of the file in `dir` whose name starts with `prefix` (e.g. a snapshot with unknown timestamp). */
export function fileStarting(dir: string, prefix: string, suffix = ''): string {
  const f = fs.readdirSync(dir).find((n) => n.startsWith(prefix) && n.endsWith(suffix) && (suffix !== '' || !n.endsWith('.meta')));
  if (!f) throw new Error(`no ${prefix}*${suffix} in ${dir}`);
  return f;
}

/** Sets the term of every entry in batch `batch` of a segment and fixes that batch's header checksum. */
export function setBatchTerm(dir: string, name: string, batch: number, term: bigint): void {
  const b = read(dir, name);
  const rec = decodeSegmentBytes(b).batches.batch(batch);
  const n = rec.entries.length;
  for (let e = 0; e < n; e++) b.writeBigUInt64LE(term, rec.offset + 16 + e * 16);
  b.writeUInt32LE(crc32(b.subarray(rec.offset + 8, rec.offset + 16 + 16 * n)), rec.offset);
  write(dir, name, b);
}
