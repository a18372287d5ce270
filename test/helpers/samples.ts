// Real node directory sets (sample-data/*.tar.gz, written by a real dqlite cluster), extracted
// once per test process into a private temp dir. Tests must never modify what this returns:
// copy first (copyNode) when a test damages data.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sampleDataDir = path.join(repoRoot, 'sample-data');
export const SAMPLE_SETS = ['healthy', 'crash', 'lagging', 'past-snapshot'] as const;
export type SampleSet = (typeof SAMPLE_SETS)[number];

let extractRoot: string | undefined;
const extracted = new Map<string, Promise<string>>();

function root(): string {
  extractRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), 'raft-rescue-samples-'));
  return extractRoot;
}

/** Directory of an extracted sample set (holds `<host:port>/` node dirs and expect.json). */
export function sampleSet(name: SampleSet | string): Promise<string> {
  let p = extracted.get(name);
  if (!p) {
    const dest = root();
    p = tar.x({ file: path.join(sampleDataDir, `${name}.tar.gz`), cwd: dest }).then(() => path.join(dest, name));
    extracted.set(name, p);
  }
  return p;
}

/** Node directories of a set, sorted by name. */
export async function sampleNodes(name: SampleSet | string): Promise<string[]> {
  const dir = await sampleSet(name);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(dir, d.name))
    .sort();
}

/** A scratch copy of a node directory that a test may damage. */
export function copyNode(nodeDir: string): string {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'raft-rescue-node-'));
  const target = path.join(dest, path.basename(nodeDir));
  fs.cpSync(nodeDir, target, { recursive: true, preserveTimestamps: true });
  return target;
}
