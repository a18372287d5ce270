// Real node directory sets (sample-data/*.tar.gz, written by a real dqlite cluster), extracted
// once per test process into a private temp dir. Tests must never modify what this returns:
// copy first (copyNode) when a test damages data.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';
import { afterAll } from 'vitest';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sampleDataDir = path.join(repoRoot, 'sample-data');
export const SAMPLE_SETS = ['healthy', 'crash', 'lagging', 'past-snapshot'] as const;
export type SampleSet = (typeof SAMPLE_SETS)[number];

const extracted = new Map<string, Promise<string>>();

/**
 * Extracts a set once per machine (keyed by the archive's sha256, so a changed archive gets a
 * fresh copy) into os.tmpdir(): many test processes share one read-only extraction instead of
 * each unpacking ~100 MB. Extraction goes to a private dir that is renamed into place, so
 * concurrent processes never see a half-written set.
 */
async function extractShared(name: string): Promise<string> {
  const archive = path.join(sampleDataDir, `${name}.tar.gz`);
  const digest = crypto.createHash('sha256').update(fs.readFileSync(archive)).digest('hex').slice(0, 16);
  const root = path.join(os.tmpdir(), `rr-samples-${name}-${digest}`);
  if (fs.existsSync(path.join(root, '.complete'))) return path.join(root, name);
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), `rr-staging-${name}-`));
  await tar.x({ file: archive, cwd: staging });
  fs.writeFileSync(path.join(staging, '.complete'), '');
  try {
    fs.renameSync(staging, root);
  } catch {
    fs.rmSync(staging, { recursive: true, force: true }); // another process won the race
  }
  return path.join(root, name);
}

/** Directory of an extracted sample set (holds `<host:port>/` node dirs and expect.json). Read-only! */
export function sampleSet(name: SampleSet | string): Promise<string> {
  let p = extracted.get(name);
  if (!p) {
    p = extractShared(name);
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

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A scratch copy of a node directory that a test may damage; removed after the test file. */
export function copyNode(nodeDir: string): string {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-node-'));
  scratch.push(dest);
  const target = path.join(dest, path.basename(nodeDir));
  fs.cpSync(nodeDir, target, { recursive: true, preserveTimestamps: true });
  return target;
}

/** A scratch directory removed after the test file. */
export function scratchDir(prefix = 'rr-scratch-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}
