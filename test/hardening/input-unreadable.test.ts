// Issue 10, "input the tool cannot read" and "I/O errors are the user's situation": node files
// the user cannot read (mode 000; the CLI runs as nobody through setpriv, because root reads any
// file whatever its mode), a node directory that can be listed but not entered, an archive that
// cannot be opened, a real EIO (a file bind-mounted from an ext4 image on a loop device that is
// then shut down with EXT4_IOC_SHUTDOWN), and a file that shrinks while it is read (truncated by
// the test once the CLI has it open). Every command stops with exit 2 and one line naming the
// file and the errno: rank never recommends a node from part of its files, and nothing ends as
// an internal error (exit 70) with a stack trace.
import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleSet } from '../helpers/samples.js';
import { segmentBytes } from '../helpers/synthetic-node.js';
import { NOBODY, errorLine, everyCommand, inputErrorProblems, rootAvailable, runCli, sandbox, unmount } from './input-env.js';

const enabled = rootAvailable('unreadable-input tests');
const NODE = '127.0.0.1:9512';
let box: string;
let set: string;

beforeAll(async () => {
  box = sandbox('input-unreadable');
  set = path.join(box, 'set');
  fs.cpSync(await sampleSet('healthy'), set, { recursive: true });
  execFileSync('chmod', ['-R', 'a+rX', set]);
});
afterAll(() => fs.rmSync(box, { recursive: true, force: true }));

async function everyCommandRefuses(input: string, expected: string | RegExp, user?: number): Promise<void> {
  for (const argv of everyCommand([input], path.join(box, 'never'))) {
    const r = await runCli(argv, { user });
    expect(inputErrorProblems(r), argv.join(' ')).toEqual([]);
    if (typeof expected === 'string') expect(errorLine(r), argv.join(' ')).toBe(expected);
    else expect(errorLine(r), argv.join(' ')).toMatch(expected);
  }
  expect(fs.existsSync(path.join(box, 'never'))).toBe(false);
}

function files(): string[] {
  const names = fs.readdirSync(path.join(set, NODE));
  const segment = names.filter((n) => /^\d{16}-\d{16}$/.test(n)).sort()[1]!;
  const meta = names.find((n) => n.endsWith('.meta'))!;
  return [segment, 'metadata1', meta, meta.slice(0, -'.meta'.length), 'info.yaml'];
}

describe.runIf(enabled)('input the user cannot read', () => {
  it('a node file with mode 000 (run as nobody) stops every command, naming it, for segments, metadata, snapshots and info.yaml', async () => {
    for (const name of files()) {
      const file = path.join(set, NODE, name);
      fs.chmodSync(file, 0);
      try {
        await everyCommandRefuses(set, `cannot read ${set}/${NODE}/${name}: EACCES (permission denied); fix the permissions (or run as the files' owner) and try again; raft-rescue does not judge a node from part of its files`, NOBODY);
      } finally {
        fs.chmodSync(file, 0o644);
      }
    }
  }, 900_000);

  it('a node directory that can be listed but not entered (mode 444) stops every command', async () => {
    const dir = path.join(set, NODE);
    fs.chmodSync(dir, 0o444);
    try {
      await everyCommandRefuses(set, new RegExp(`^cannot read ${set}/${NODE}/\\S+: EACCES \\(permission denied\\) \\(and \\d+ more files of this node\\); fix the permissions`), NOBODY);
    } finally {
      fs.chmodSync(dir, 0o755);
    }
  }, 300_000);

  it('an archive that cannot be opened is one line with the errno', async () => {
    const archive = path.join(box, 'set.tar.gz');
    execFileSync('tar', ['-C', box, '-czf', archive, 'set']);
    fs.chmodSync(archive, 0o600);
    await everyCommandRefuses(archive, `cannot read ${archive}: EACCES (permission denied); fix the permissions (or run as the files' owner) and try again`, NOBODY);
  }, 300_000);

  it('a real EIO (ext4 on a loop device, shut down) stops every command, naming the file', async () => {
    const image = path.join(box, 'eio.img');
    const mnt = path.join(box, 'eio-mnt');
    fs.mkdirSync(mnt);
    execFileSync('truncate', ['-s', '64M', image]);
    execFileSync('mkfs.ext4', ['-q', '-F', image]);
    execFileSync('mount', ['-o', 'loop', image, mnt]);
    const name = files()[0]!;
    const target = path.join(set, NODE, name);
    fs.copyFileSync(target, path.join(mnt, name));
    execFileSync('mount', ['--bind', path.join(mnt, name), target]);
    try {
      // EXT4_IOC_SHUTDOWN (_IOR('X', 125, __u32)), EXT4_GOING_FLAGS_NOLOGFLUSH: every read now fails with EIO.
      execFileSync('python3', ['-c', `import fcntl,os,struct; fcntl.ioctl(os.open(${JSON.stringify(mnt)}, os.O_RDONLY), 0x8004587d, struct.pack('I', 2))`]);
      await everyCommandRefuses(set, new RegExp(`^cannot read ${set}/${NODE}/${name}: EIO \\(i/o error\\)`));
    } finally {
      unmount(target);
      unmount(mnt);
    }
  }, 300_000);
});

describe.runIf(enabled)('a file that shrinks while it is read', () => {
  it('is one line and exit 2 (was an internal error, exit 70)', async () => {
    const node = path.join(box, 'shrinking', 'node');
    fs.mkdirSync(node, { recursive: true });
    for (const f of ['metadata1', 'info.yaml', 'cluster.yaml']) fs.copyFileSync(path.join(set, NODE, f), path.join(node, f));
    // An open segment with three entries, preallocated to 64 GiB (a hole): check reads all of it
    // to prove the tail is zeros, which takes seconds, long enough to cut it while it is read.
    const open = path.join(node, 'open-1');
    fs.writeFileSync(open, segmentBytes(1n, { batches: [1, 1, 1] }));
    fs.truncateSync(open, 64 * 2 ** 30);
    let child: ChildProcess | undefined;
    const running = runCli(['check', node], { onSpawn: (c) => (child = c), timeoutMs: 300_000 });
    let cut = false;
    for (let i = 0; i < 6000 && !cut; i++) {
      await new Promise((r) => setTimeout(r, 5));
      const fdDir = `/proc/${child?.pid}/fd`;
      if (!child?.pid || !fs.existsSync(fdDir)) continue;
      const fds = fs.readdirSync(fdDir).map((fd) => { try { return fs.readlinkSync(path.join(fdDir, fd)); } catch { return ''; } });
      if (fds.includes(open)) {
        fs.truncateSync(open, 4096);
        cut = true;
      }
    }
    expect(cut).toBe(true);
    const r = await running;
    expect(inputErrorProblems(r)).toEqual([]);
    expect(errorLine(r)).toMatch(new RegExp(`^cannot read ${node}/open-1: the file shrank while it was read \\(it had ${64 * 2 ** 30} bytes; .*\\): is something still writing to it\\?; raft-rescue does not judge a node from part of its files$`));
  }, 300_000);
});
