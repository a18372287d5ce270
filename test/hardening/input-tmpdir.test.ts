// Issue 10, "full TMPDIR while unpacking a tarball" and "I/O errors are the user's situation":
// a real tmpfs of 2 MiB and of 30 MiB as TMPDIR (the sample archive unpacks to ~90 MB), a
// read-only tmpfs, and a TMPDIR that does not exist. Every command must stop before any
// analysis with exit 2 and one line naming the archive, the member and the errno — never a
// report built on files that were cut short — and leave nothing behind, in TMPDIR or elsewhere.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleDataDir } from '../helpers/samples.js';
import { errorLine, everyCommand, inputErrorProblems, mountTmpfs, rootAvailable, runCli, sandbox, treeState, unmount } from './input-env.js';

const archive = path.join(sampleDataDir, 'healthy.tar.gz');
const enabled = rootAvailable('full-TMPDIR tests');
let box: string;
const mounts: string[] = [];

beforeAll(() => {
  box = sandbox('input-tmpdir');
  fs.writeFileSync(path.join(box, 'sentinel'), 'untouched');
});
afterAll(() => {
  for (const m of mounts) unmount(m);
  fs.rmSync(box, { recursive: true, force: true });
});

function tmpfs(name: string, size: string, readOnly = false): string {
  const dir = mountTmpfs(box, name, size);
  mounts.push(dir);
  if (readOnly) execFileSync('mount', ['-o', 'remount,ro', dir]);
  return dir;
}

describe.runIf(enabled)('an archive that does not fit in TMPDIR', () => {
  it.each(['2m', '30m'])('every command stops with exit 2 naming the member and ENOSPC (tmpfs of %s), and leaves nothing', async (size) => {
    const tmp = tmpfs(`tmp-${size}`, size);
    const before = treeState(box);
    const out = path.join(box, `out-${size}`);
    for (const argv of everyCommand([archive], out)) {
      const r = await runCli(argv, { env: { ...process.env, TMPDIR: tmp } });
      expect(inputErrorProblems(r), argv.join(' ')).toEqual([]);
      const line = errorLine(r);
      expect(line).toContain(archive);
      expect(line).toMatch(/cannot unpack member healthy\/127\.0\.0\.1:951\d\/\S+ into the temp dir .*: ENOSPC \(no space left on device\)/);
      expect(fs.readdirSync(tmp), `${argv.join(' ')} left its temp dir behind`).toEqual([]);
    }
    expect(fs.existsSync(out)).toBe(false);
    expect(treeState(box).filter((l) => !l.startsWith(`tmp-${size}`))).toEqual(before.filter((l) => !l.startsWith(`tmp-${size}`)));
  }, 600_000);

  it('a read-only or missing TMPDIR is one line with the errno, exit 2', async () => {
    const ro = tmpfs('tmp-ro', '1m', true);
    const missing = path.join(box, 'no-such-dir');
    for (const [tmp, errno] of [[ro, /EROFS \(read-only file system\)/], [missing, /ENOENT \(no such file or directory\)/]] as const) {
      for (const argv of everyCommand([archive], path.join(box, 'out')).filter((a) => a.includes('--json') || a[0] === 'check')) {
        const r = await runCli(argv, { env: { ...process.env, TMPDIR: tmp } });
        expect(inputErrorProblems(r), argv.join(' ')).toEqual([]);
        expect(errorLine(r)).toMatch(new RegExp(`cannot create a temp dir in ${tmp} to unpack ${archive.replace(/[.]/g, '\\.')}: `));
        expect(errorLine(r)).toMatch(errno);
      }
    }
    expect(fs.existsSync(missing)).toBe(false);
  }, 300_000);

  it('the same archive is read in a TMPDIR that is large enough (the failures above are the disk, not the archive)', async () => {
    const tmp = tmpfs('tmp-large', '400m');
    const r = await runCli(['check', '--json', archive], { env: { ...process.env, TMPDIR: tmp } });
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).nodes).toHaveLength(3);
    expect(fs.readdirSync(tmp)).toEqual([]);
  }, 120_000);
});
