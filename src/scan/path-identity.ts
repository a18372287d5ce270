// Which paths are the same file or directory, by device and inode rather than by name: a bind
// mount, a second mount of the same file system or a symlinked parent is the same directory.
// Used to keep every path the tool writes (--out, --plan-out, temp dirs) out of its inputs.
import fs from 'node:fs';
import path from 'node:path';

const key = (dev: bigint, ino: bigint): string => `${dev}:${ino}`;

/** Device and inode of `p` (lstat when `follow` is false), or undefined when it is not there. */
export function statId(p: string, follow: boolean): { dev: bigint; ino: bigint } | undefined {
  try {
    const st = follow ? fs.statSync(p, { bigint: true }) : fs.lstatSync(p, { bigint: true });
    return { dev: st.dev, ino: st.ino };
  } catch {
    return undefined;
  }
}

/**
 * Identities of the inputs and of every directory above them: an output whose own identity is
 * among the second set would hold an input.
 */
export class InputSet {
  private readonly own = new Map<string, string>();
  private readonly above = new Map<string, string>();

  constructor(paths: readonly string[]) {
    for (const p of paths) {
      const id = statId(p, true);
      if (!id) continue;
      this.own.set(key(id.dev, id.ino), p);
      for (let dir = path.dirname(p), prev = p; dir !== prev; prev = dir, dir = path.dirname(dir)) {
        const up = statId(dir, true);
        if (up && !this.above.has(key(up.dev, up.ino))) this.above.set(key(up.dev, up.ino), p);
      }
    }
  }

  /**
   * The input that `target` (an absolute path that may not exist yet) is, is inside of, or holds.
   * The last component is looked at with lstat: a symlink there is replaced, never followed.
   */
  overlap(target: string): string | undefined {
    const self = statId(target, false);
    if (self) {
      const hit = this.own.get(key(self.dev, self.ino)) ?? this.above.get(key(self.dev, self.ino));
      if (hit) return hit;
    }
    for (let dir = path.dirname(target), prev = target; dir !== prev; prev = dir, dir = path.dirname(dir)) {
      const up = statId(dir, true);
      const hit = up && this.own.get(key(up.dev, up.ino));
      if (hit) return hit;
    }
    return undefined;
  }
}
