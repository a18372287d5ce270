// Reports written the way people write them (`raft-rescue report … --out`, in process), one per
// map case (every sample set, a damaged copy, a node whose term changes), into a scratch directory.
import fs from 'node:fs';
import path from 'node:path';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { mapCases } from './map-cases.js';
import { sampleSet, scratchDir } from './samples.js';
import { writeClosed, writeMetadata } from './synthetic-node.js';

export interface ReportFile {
  readonly name: string;
  readonly inputs: readonly string[];
  readonly file: string;
  readonly html: string;
  /** The node `report` recommends (from its --json answer). */
  readonly best: string | null;
}

export interface ReportRun {
  readonly code: number;
  readonly err: string;
  readonly best: string | null;
}

export async function writeReport(inputs: readonly string[], out: string, extra: readonly string[] = [],
): Promise<ReportRun> {
  const io = memoryIo();
  const code = await run(['report', ...inputs, '--out', out, '--json', ...extra], io);
  const answer = code === 0 ? (JSON.parse(io.out.join('')) as { best: string | null }) : { best: null };
  return { code, err: io.err.join(''), best: answer.best };
}

export async function reportFiles(): Promise<ReportFile[]> {
  const dir = scratchDir('rr-reports-');
  const files: ReportFile[] = [];
  for (const c of await mapCases()) {
    const file = path.join(dir, `${c.name}.html`);
    const r = await writeReport(c.inputs, file);
    if (r.code !== 0) throw new Error(`report on ${c.name} exited ${r.code}: ${r.err}`);
    files.push({ name: c.name, inputs: c.inputs, file, html: fs.readFileSync(file, 'utf8'), best: r.best });
  }
  return files;
}

/** Markup in names from the disk: a node directory and junk files named to break out of HTML. */
export const HOSTILE_DIR = '<img src=x onerror=alert(1)>"\u202e';
export const HOSTILE_FILES = ['<script>alert(2)<!--', "'><svg onload=alert(3)>", 'a&amp;b'];

export async function hostileSet(): Promise<string> {
  const root = scratchDir('rr-hostile-');
  const set = await sampleSet('healthy');
  fs.cpSync(path.join(set, '127.0.0.1:9511'), path.join(root, '127.0.0.1:9511'), { recursive: true });
  for (const name of HOSTILE_FILES) fs.writeFileSync(path.join(root, '127.0.0.1:9511', name), 'junk');
  const lone = path.join(root, HOSTILE_DIR);
  fs.cpSync(path.join(set, '127.0.0.1:9512'), lone, { recursive: true });
  fs.rmSync(path.join(lone, 'info.yaml'));
  fs.rmSync(path.join(lone, 'cluster.yaml'));
  return root;
}

/** A node with more segment files and batches than the report draws one by one (3000 × 60). */
export function manySegmentsNode(): string {
  const dir = path.join(scratchDir('rr-many-'), '127.0.0.1:9001');
  fs.mkdirSync(dir);
  const shape = { batches: new Array<number>(60).fill(1), term: 1n };
  for (let k = 0; k < 3000; k++) writeClosed(dir, BigInt(k * 60 + 1), shape);
  writeMetadata(dir, 1, 1n, 1n);
  return dir;
}
