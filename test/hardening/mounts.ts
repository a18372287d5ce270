// Real mounts for the output-side hardening tests (issue 10): small tmpfs file systems that fill
// up, read-only mounts and bind mounts. They need root (mount(8)); `requireRoot` makes a test fail,
// not skip, when it is not root under CI=true. Every mount is undone by unmountAll (afterAll).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { recordSkip } from '../helpers/skips.js';

const mounted: string[] = [];

export const isRoot = (): boolean => process.getuid?.() === 0;

/** These tests build the situation for real: without root they cannot, and CI must not pass them by. */
export function requireRoot(): boolean {
  if (isRoot()) return true;
  if (process.env['CI'] === 'true') throw new Error('the mount tests need root (mount --bind, tmpfs)');
  recordSkip('tests on real mounts (bind mounts, a full tmpfs, read-only and busy file systems)', 'they need root');
  return false;
}

function mount(args: string[], at: string): void {
  fs.mkdirSync(at, { recursive: true });
  execFileSync('mount', [...args, at]);
  mounted.push(at);
}

/** A tmpfs of `kib` KiB at `at`; read-only with `ro` (after `fill` has put files into it). */
export function mountTmpfs(at: string, kib: number, options: { ro?: boolean; fill?: (dir: string) => void } = {}): void {
  mount(['-t', 'tmpfs', '-o', `size=${kib}k,mode=0755`, 'tmpfs'], at);
  options.fill?.(at);
  if (options.ro) execFileSync('mount', ['-o', 'remount,ro', at]);
}

/** `src` seen a second time at `at` (same device and inodes). */
export function bindMount(src: string, at: string): void {
  mount(['--bind', src], at);
}

export function unmount(at: string): void {
  const i = mounted.lastIndexOf(at);
  if (i < 0) return;
  execFileSync('umount', ['-l', at]);
  mounted.splice(i, 1);
}

export function unmountAll(): void {
  for (const at of [...mounted].reverse()) {
    try {
      unmount(at);
    } catch {
      // already gone
    }
  }
}
