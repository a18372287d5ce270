// Issue 10: short writes and a full disk, on real small tmpfs mounts. Whatever fills up (the plan,
// a segment, the manifest, the tarball), the run exits 3 with one line, publishes nothing and
// leaves no temp file, temp directory or lock behind; every run that exits 0 published a complete
// set (every file matches the manifest). With --force the old output stays where it was until the
// new one is complete, so a full disk never costs the old output either.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_NAME } from '../../src/repair/apply/apply.js';
import { sha256File } from '../../src/scan/digest.js';
import { sampleSet } from '../helpers/samples.js';
import { runInProcess, type CliOutcome } from './cli-cases.js';
import { mountTmpfs, requireRoot, unmount, unmountAll } from './mounts.js';

let sandbox: string;
let healthy: string;
let cluster: string;
let mounts = 0;

beforeAll(async () => {
  healthy = await sampleSet('healthy');
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-disk-full-'));
  // One member: the output is one node (~21 MB), so the sweep below stays quick.
  cluster = path.join(sandbox, 'one.yaml');
  fs.writeFileSync(cluster, '- Address: 127.0.0.1:9511\n  ID: 3297041220608546238\n  Role: 0\n');
});
afterAll(() => {
  unmountAll();
  fs.rmSync(sandbox, { recursive: true, force: true });
});

function tmpfs(kib: number): string {
  const at = path.join(sandbox, `fs-${++mounts}`);
  mountTmpfs(at, kib);
  return at;
}

function refused(r: CliOutcome): string {
  expect(r.code, r.err).toBe(3);
  const lines = r.err.split('\n').filter((l) => l.trim() !== '');
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(/^raft-rescue: /);
  expect(r.err).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

/** Everything a published output must be: every file as the manifest says. */
function expectComplete(out: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(out, MANIFEST_NAME), 'utf8'));
  for (const f of manifest.files) {
    const d = sha256File(path.join(out, f.path));
    expect([f.path, d.size, d.sha256]).toEqual([f.path, f.size, f.sha256]);
  }
}

const usedBytes = (dir: string): number => {
  const s = fs.statfsSync(dir);
  return (s.blocks - s.bfree) * s.bsize;
};

const repair = (out: string, extra: string[] = []) => runInProcess(['repair', healthy, '--cluster', cluster, '--out', out, ...extra]);

describe.skipIf(!requireRoot())('a full disk (real tmpfs)', () => {
  it('--plan-out on a disk too small for the plan: exit 3, no plan, no temp file', async () => {
    const dir = tmpfs(16);
    const r = await runInProcess(['repair', healthy, '--dry-run', '--out', path.join(sandbox, 'o'), '--plan-out', path.join(dir, 'plan.json')]);
    expect(refused(r)).toMatch(/no space left on device \(ENOSPC\)/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('--out on a disk that holds a tenth of the output: exit 3, the disk is empty again', async () => {
    const dir = tmpfs(2048);
    const line = refused(await repair(path.join(dir, 'out')));
    expect(line).toMatch(/writing .*out failed: .*ENOSPC.*nothing was published/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('around the exact size: every run either publishes a complete set or fails with nothing left', async () => {
    const big = tmpfs(64 * 1024);
    const first = await repair(path.join(big, 'out'));
    expect(first.code, first.err).toBe(0);
    const need = usedBytes(big);
    unmount(big);
    const outcomes: number[] = [];
    const messages: string[] = [];
    for (let kib = Math.floor(need / 1024) - 48; kib <= Math.ceil(need / 1024) + 16; kib += 4) {
      const dir = tmpfs(kib);
      const out = path.join(dir, 'out');
      const r = await repair(out);
      outcomes.push(r.code);
      if (r.code === 0) {
        expectComplete(out);
        expect(fs.readdirSync(dir)).toEqual(['out']);
      } else {
        messages.push(refused(r));
        expect(messages.at(-1)).toMatch(/ENOSPC/);
        expect(fs.readdirSync(dir), `${kib} KiB`).toEqual([]);
      }
      unmount(dir);
    }
    expect(outcomes).toContain(3);
    expect(outcomes).toContain(0);
    // The boundary cases include the manifest itself not fitting (the last file written).
    expect(messages.some((m) => m.includes(MANIFEST_NAME)), messages.join('\n')).toBe(true);
  }, 120_000);

  it('a tarball that does not fit beside its staged files: exit 3, nothing left', async () => {
    const big = tmpfs(64 * 1024);
    expect((await repair(path.join(big, 'out'))).code).toBe(0);
    const need = usedBytes(big);
    unmount(big);
    const dir = tmpfs(Math.ceil((need * 1.5) / 1024)); // the staged set fits, set + tarball does not
    expect(refused(await repair(path.join(dir, 'set.tar')))).toMatch(/ENOSPC/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('--force on a full disk: the old output is neither moved aside nor changed', async () => {
    const dir = tmpfs(4096);
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'old-output'), 'the previous repair');
    expect(refused(await repair(out, ['--force']))).toMatch(/ENOSPC/);
    expect(fs.readdirSync(dir)).toEqual(['out']);
    expect(fs.readFileSync(path.join(out, 'old-output'), 'utf8')).toBe('the previous repair');
  });
});
