// The node directory as the simulated start-up changes it: files removed (uvMaintenance, empty
// open segments, short metadata), open segments truncated and renamed to closed names
// (uvSegmentLoadOpen), corrupt segments renamed aside (uvMoveCorruptSegment). Nothing touches the
// real disk; `changes()` reports the difference the way dqlite-lab's raft-load.sh does.
import type { SegmentRecord, NodeIndex, FileType } from '../../scan/node-index.js';
import { compareNameBytes } from './sort.js';

/** The bytes of a segment file as far as the loader is concerned. */
export interface SegmentContent {
  readonly record: SegmentRecord;
  /**
   * Set for a file written by finalizing an open segment (UvFsTruncateAndRenameFile): only the
   * first `batchLimit` batches of `record` remain, ending exactly at the end of the file.
   */
  readonly batchLimit?: number;
}

export interface SimFile {
  readonly name: string;
  readonly type: FileType;
  readonly size: number;
  /** The name the file had before start-up (kept through renames). */
  readonly origin: string;
  /** Present for segment files that scan/ could decode (or that start-up wrote). */
  readonly segment?: SegmentContent;
  /** A symlink stat(2) cannot follow (FileRecord.statError). */
  readonly statError?: string;
}

export interface DirChanges {
  /** Original names now living as corrupt-<ns>-<name>. */
  readonly renamed: string[];
  /** Original names gone (deleted, or renamed to a name that is not corrupt-*). */
  readonly removed: string[];
  /** New names that are not corrupt-*. */
  readonly created: string[];
}

export class SimDir {
  private readonly files = new Map<string, SimFile>();
  private readonly before: readonly string[];
  private corruptCounter = 0;

  constructor(node: NodeIndex) {
    const segments = new Map(node.segments.map((s) => [s.name, s]));
    for (const f of node.files) {
      const record = segments.get(f.name);
      this.files.set(f.name, {
        name: f.name,
        type: f.type,
        size: f.size,
        origin: f.name,
        segment: record ? { record } : undefined,
        ...(f.statError ? { statError: f.statError } : {}),
      });
    }
    this.before = [...this.files.keys()];
  }

  /** Names in uv_fs_scandir order (strcmp). */
  names(): string[] {
    return [...this.files.keys()].sort(compareNameBytes);
  }

  get(name: string): SimFile | undefined {
    return this.files.get(name);
  }

  has(name: string): boolean {
    return this.files.has(name);
  }

  /** unlink(2): false when the name is missing or a directory (EISDIR). */
  remove(name: string): boolean {
    const f = this.files.get(name);
    if (!f || f.type === 'directory') return false;
    this.files.delete(name);
    return true;
  }

  /** rename(2): replaces an existing target. */
  rename(from: string, to: string, replacement?: Partial<SimFile>): void {
    const f = this.files.get(from);
    if (!f) return;
    this.files.delete(from);
    this.files.set(to, { ...f, ...replacement, name: to });
  }

  /** uvMoveCorruptSegment: "corrupt-%" PRId64 "-%s" with CLOCK_REALTIME ns (a counter here). */
  moveCorrupt(name: string): void {
    this.corruptCounter++;
    this.rename(name, `corrupt-${this.corruptCounter}-${name}`);
  }

  /**
   * What raft-load.sh reports: it compares `ls -1` before and after (so dot files such as
   * `.probe` never show), calls a vanished name "renamed" when corrupt-<digits>-<name> appeared.
   */
  changes(): DirChanges {
    const visible = (n: string): boolean => !n.startsWith('.');
    const before = new Set(this.before.filter(visible));
    const after = new Set([...this.files.keys()].filter(visible));
    const gone = [...before].filter((n) => !after.has(n)).sort(compareNameBytes);
    const added = [...after].filter((n) => !before.has(n)).sort(compareNameBytes);
    const renamed: string[] = [];
    const removed: string[] = [];
    for (const f of gone) {
      const moved = added.some(
        (n) => n.startsWith('corrupt-') && /^corrupt-[0-9]*-/.test(n) && n.replace(/^corrupt-[0-9]*-/, '') === f,
      );
      (moved ? renamed : removed).push(f);
    }
    return { renamed, removed, created: added.filter((n) => !n.startsWith('corrupt-')) };
  }
}
