// Hostile directory layouts no byte mutation can make: names that look like segments but are
// directories, symlinks, FIFOs, sockets and devices; "unreadable" files; absurd index ranges in
// names; missing halves; thousands of files; sparse multi-gigabyte files. Each case changes a
// node fixture in place and undoes it afterwards.
//
// Unreadable files: the tests run as root in CI, where chmod 000 does not stop a read, so the
// chmod-000 cases only prove nothing breaks; what a real EACCES/EISDIR/ELOOP does is simulated
// with a directory, a FIFO and a symlink in the file's place.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface FsCase {
  readonly op: string;
  /** Changes the node directory; returns the undo. */
  readonly apply: (dir: string) => Promise<() => void> | (() => void);
  /** Files the tool must name in an issue or finding. */
  readonly names?: readonly string[];
  /** Special files that a careless open() would block on: run only in a child process. */
  readonly special?: boolean;
  /** Slow to scan (gigabytes, thousands of files): the pipeline and `inspect` only. */
  readonly heavy?: boolean;
}

function aside(dir: string, name: string): () => void {
  const p = path.join(dir, name);
  const backup = path.join(path.dirname(dir), `.aside-${path.basename(dir)}-${name}`);
  if (fs.existsSync(p)) fs.renameSync(p, backup);
  return () => {
    fs.rmSync(p, { recursive: true, force: true });
    if (fs.existsSync(backup)) fs.renameSync(backup, p);
  };
}

function replaceWith(name: string, make: (p: string) => void | Promise<void | (() => void)>): FsCase['apply'] {
  return async (dir) => {
    const restore = aside(dir, name);
    const extra = await make(path.join(dir, name));
    return () => {
      if (typeof extra === 'function') extra();
      restore();
    };
  };
}

function renamed(from: string, to: string): FsCase['apply'] {
  return (dir) => {
    fs.renameSync(path.join(dir, from), path.join(dir, to));
    return () => fs.renameSync(path.join(dir, to), path.join(dir, from));
  };
}

function added(name: string, make: (p: string) => void): FsCase['apply'] {
  return (dir) => {
    make(path.join(dir, name));
    return () => fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  };
}

function listen(p: string): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(p, () => resolve(() => server.close()));
  });
}

function canMknod(dir: string): boolean {
  const probe = path.join(dir, '.mknod-probe');
  try {
    execFileSync('mknod', [probe, 'c', '1', '3'], { stdio: 'ignore' });
    fs.rmSync(probe);
    return true;
  } catch {
    return false;
  }
}

function sparse(p: string, size: number, head?: Uint8Array): void {
  const fd = fs.openSync(p, 'w');
  try {
    if (head) fs.writeSync(fd, head, 0, head.length, 0);
    fs.ftruncateSync(fd, size);
  } finally {
    fs.closeSync(fd);
  }
}

/** A directory, links, an "unreadable" file and a missing file in the place of `name`. */
function inPlaceOf(name: string): FsCase[] {
  return [
    { op: `directory-named-${name}`, apply: replaceWith(name, (p) => fs.mkdirSync(p)), names: [name] },
    { op: `symlink-to-/etc/passwd-named-${name}`, apply: replaceWith(name, (p) => fs.symlinkSync('/etc/passwd', p)), names: [name] },
    { op: `dangling-symlink-named-${name}`, apply: replaceWith(name, (p) => fs.symlinkSync('/nonexistent/x', p)), names: [name] },
    { op: `chmod-000-${name} (root reads it anyway)`, apply: (d) => { fs.chmodSync(path.join(d, name), 0); return () => fs.chmodSync(path.join(d, name), 0o600); } },
    { op: `missing-${name}`, apply: (d) => aside(d, name) },
  ];
}

/**
 * FIFOs, sockets and devices in the place of every file type at once (each command runs in a
 * child process, so a blocking open() shows as a timeout instead of hanging the test runner).
 */
function specialFiles(dir: string, targets: readonly string[]): FsCase {
  const kinds = ['fifo', 'socket', ...(canMknod(dir) ? ['dev-zero'] : [])] as const;
  const make = (kind: (typeof kinds)[number], p: string): void | Promise<() => void> =>
    kind === 'socket' ? listen(p) : void execFileSync(kind === 'fifo' ? 'mkfifo' : 'mknod', kind === 'fifo' ? [p] : [p, 'c', '1', '5']);
  return {
    op: `special-files-named-${targets.map((t, i) => `${t}=${kinds[i % kinds.length]}`).join(',')}`,
    special: true,
    names: targets,
    apply: async (d) => {
      const undos: (() => void)[] = [];
      for (const [i, name] of targets.entries()) undos.push(await replaceWith(name, (p) => make(kinds[i % kinds.length]!, p))(d));
      return () => { for (const u of undos.reverse()) u(); };
    },
  };
}

/** Names raft reads numbers from, pushed to their limits. */
function absurdNames(first: string, open: string | undefined, meta: string, data: string): FsCase[] {
  const cases: FsCase[] = [];
  for (const to of ['0000000000000001-9999999999999999', '9999999999999999-9999999999999999', `${first.slice(17)}-${first.slice(0, 16)}`, '2041-2048', '+000000000002041-0000000000002048', ` 000000000002041-0000000000002048`]) {
    cases.push({ op: `rename-${first}-to-${to}`, apply: renamed(first, to) });
  }
  if (open) for (const to of ['open-18446744073709551615', 'open-99999999999999999999999', 'open-0', `open-${'9'.repeat(120)}`]) cases.push({ op: `rename-${open}-to-${to}`, apply: renamed(open, to) });
  cases.push({ op: `rename-${meta}-to-huge-index`, apply: (d) => {
    const undo1 = renamed(meta, 'snapshot-18446744073709551615-18446744073709551615-1.meta')(d) as () => void;
    const undo2 = renamed(data, 'snapshot-18446744073709551615-18446744073709551615-1')(d) as () => void;
    return () => { undo2(); undo1(); };
  } });
  cases.push({ op: 'copy-overlapping-segment', apply: (d) => { fs.copyFileSync(path.join(d, first), path.join(d, '0000000000000001-0000000000004000')); return () => fs.rmSync(path.join(d, '0000000000000001-0000000000004000')); } });
  return cases;
}

/** Thousands of files, files past 2^31 bytes (no 32-bit size cliffs), oversized and deep YAML. */
function bulkCases(): FsCase[] {
  const sparse22 = Math.round(2.2 * 2 ** 30);
  return [
    { op: '2000-empty-closed-segments', heavy: true, apply: (d) => {
      const names = Array.from({ length: 2000 }, (_, i) => `${String(10_000 + i * 2).padStart(16, '0')}-${String(10_001 + i * 2).padStart(16, '0')}`);
      for (const n of names) fs.writeFileSync(path.join(d, n), '');
      return () => { for (const n of names) fs.rmSync(path.join(d, n)); };
    } },
    { op: '2.2-GiB-sparse-closed-segment', heavy: true, apply: added('0000000000009000-0000000000009001', (p) => sparse(p, sparse22, Uint8Array.of(1))), names: ['0000000000009000-0000000000009001'] },
    { op: '2.2-GiB-sparse-open-segment', heavy: true, apply: added('open-98', (p) => sparse(p, sparse22, Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0xff))), names: ['open-98'] },
    { op: '1-MiB-info.yaml-of-brackets', apply: replaceWith('info.yaml', (p) => fs.writeFileSync(p, '['.repeat(1 << 20))), names: ['info.yaml'] },
    { op: 'deeply-nested-info.yaml-and-cluster.yaml', names: ['info.yaml', 'cluster.yaml'], apply: async (d) => {
      const undos = [await replaceWith('info.yaml', (p) => fs.writeFileSync(p, '['.repeat(5000)))(d), await replaceWith('cluster.yaml', (p) => fs.writeFileSync(p, '- '.repeat(5000)))(d)];
      return () => { for (const u of undos) u(); };
    } },
    { op: '50-KiB-cluster.yaml-of-keys', apply: replaceWith('cluster.yaml', (p) => fs.writeFileSync(p, Array.from({ length: 6_000 }, (_, i) => `k${i}: v`).join('\n'))), names: ['cluster.yaml'] },
    { op: '2-MiB-metadata1', apply: replaceWith('metadata1', (p) => sparse(p, 2 << 20, Uint8Array.of(1))), names: ['metadata1'] },
  ];
}

/** Cases for a node fixture holding `files` (its current listing). */
export function fsOnlyCases(dir: string, files: readonly string[]): FsCase[] {
  const first = files.filter((n) => /^\d{16}-\d{16}$/.test(n))[0]!;
  const meta = files.find((n) => n.endsWith('.meta'))!;
  const data = meta.slice(0, -'.meta'.length);
  const open = files.find((n) => n.startsWith('open-'));
  const targets = [first, 'metadata1', meta, data, 'info.yaml', ...(open ? [open] : [])];
  const newDirs = ['0000000000009000-0000000000009001', 'open-99', 'snapshot-1-9999-1.meta', 'snapshot-1-9999-1', 'metadata2', 'cluster.yaml'].filter((n) => !files.includes(n));
  return [
    ...targets.flatMap(inPlaceOf),
    specialFiles(dir, targets),
    ...newDirs.map((n): FsCase => ({ op: `new-directory-named-${n}`, apply: added(n, (p) => fs.mkdirSync(p)), names: [n] })),
    ...absurdNames(first, open, meta, data),
    ...bulkCases(),
  ];
}
