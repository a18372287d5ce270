// Writes the members of a tar stream, parsed by node-tar's Parser, into a private directory.
// We write them ourselves instead of using node-tar's Unpack because a forensic copy must be
// complete or refused: Unpack turns a failed write (a full TMPDIR: ENOSPC) into a warning and
// leaves an empty or short file behind, which later reads as a truncated segment. Here every
// write is synchronous and checked, and the first failure stops the extraction with the member
// and the errno. The rules:
//   - only regular files and directories are written, never through a symlink (none is ever
//     made), never outside the directory: absolute paths lose their leading `/`, members with
//     `..` segments, links, devices and fifos are refused and recorded;
//   - a member that appears more than once (an archive refreshed with `tar -rf`/`-uf`) is
//     written again: the last copy wins, as with GNU tar, and the copies are counted;
//   - modes are limited to rwx bits with owner read/write forced; owners are never restored;
//     mtimes are kept;
//   - GNU sparse members in PAX archives are restored with their holes (tar-sparse.ts); the old
//     GNU sparse format is refused.
import fs from 'node:fs';
import path from 'node:path';
import type { ReadEntry } from 'tar';
import { InputError } from '../core/errors.js';
import { classifyFileName } from '../format/file-names.js';
import { errnoAdvice, errnoText } from './io-errors.js';
import { SparseMapError, SparseRestorer, paxRecords, sparseMember, type SparseMember } from './tar-sparse.js';

export interface RefusedMember {
  readonly member: string;
  readonly reason: string;
}

export interface DuplicateMember {
  readonly member: string;
  /** How many copies the archive held; the last one was extracted. */
  readonly copies: number;
}

export interface MemberLimits {
  readonly maxBytes: number;
  readonly maxMembers: number;
}

const REGULAR = new Set(['File', 'OldFile', 'ContiguousFile']);
const DIRECTORY = new Set(['Directory', 'GNUDumpDir']);
const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fs.constants;
const WRITE_FLAGS = O_WRONLY | O_CREAT | O_TRUNC | (O_NOFOLLOW ?? 0);

/** Normalised member path, or a refusal reason. */
function memberPath(raw: string): { key: string } | { reason: string } {
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return { reason: 'path contains a ".." segment' };
  return { key: parts.join('/') };
}

function refusalForType(entry: ReadEntry): string | undefined {
  if (REGULAR.has(entry.type) || DIRECTORY.has(entry.type)) return undefined;
  const target = entry.linkpath ? ` to ${entry.linkpath}` : '';
  switch (entry.type) {
    case 'SymbolicLink':
      return `symbolic link${target} (links are never extracted)`;
    case 'Link':
      return `hard link${target} (links are never extracted)`;
    case 'CharacterDevice':
      return 'character device';
    case 'BlockDevice':
      return 'block device';
    case 'FIFO':
      return 'fifo';
    default:
      return `unsupported member type ${entry.type}`;
  }
}

export class MemberWriter {
  readonly refused: RefusedMember[] = [];
  /** The first reason extraction cannot go on (caps, a failed write, a sparse map); set once. */
  fatal: InputError | undefined;
  /** Called once, when `fatal` is set: the caller stops the parser. */
  onFatal: (error: InputError) => void = () => {};
  private readonly archive: string;
  private readonly root: string;
  private readonly limits: MemberLimits;
  private readonly copies = new Map<string, number>();
  private readonly madeDirs = new Set<string>();
  private pendingMeta: string[] = [];
  private members = 0;
  private bytes = 0;

  constructor(archive: string, root: string, limits: MemberLimits) {
    this.archive = archive;
    this.root = root;
    this.limits = limits;
  }

  /** Headers parsed so far (entries, ignored entries and pax headers). */
  entriesSeen = 0;

  /** Bytes the members declared so far (what the size cap counts). */
  get declaredBytes(): number {
    return this.bytes;
  }

  /** Members stored more than once, in archive order of their first copy. */
  duplicates(): DuplicateMember[] {
    return [...this.copies].filter(([, n]) => n > 1).map(([member, copies]) => ({ member, copies }));
  }

  /** The raw text of a pax (or long-name) header; it describes the next entry. */
  onMeta(text: string): void {
    this.entriesSeen++;
    this.pendingMeta.push(text);
  }

  /** An entry node-tar does not hand over (its type is unknown to it, or its header is too big). */
  onIgnored(entry: ReadEntry): void {
    this.entriesSeen++;
    this.pendingMeta = [];
    if (this.fatal) return;
    try {
      this.ignored(entry);
    } catch (error) {
      this.setFatal(entry.path, error);
    }
  }

  private ignored(entry: ReadEntry): void {
    if (entry.type === 'SparseFile') {
      this.fail(
        `member ${entry.path} is a sparse file in the old GNU format (tar --sparse --format=gnu), which raft-rescue cannot read; extract the archive with GNU tar and pass the directory, or make it again with --format=posix`,
      );
    } else if (entry.meta) {
      this.fail(
        `the ${entry.type} header before member ${entry.path} is over 1 MiB; refusing the archive rather than reading members under the wrong names`,
      );
    } else if (entry.type === 'ContinuationFile') {
      this.fail(
        `member ${entry.path} continues a file from another volume of a multi-volume archive; join the volumes with GNU tar first`,
      );
    } else if (entry.type !== 'TapeVolumeHeader') {
      this.count();
      // GNU tar extracts unknown types as regular files: one named like a node's file would be
      // missing from the node, so that is refused rather than listed.
      const base = entry.path.split('/').filter(Boolean).at(-1) ?? '';
      if (classifyFileName(base).kind !== 'ignored')
        this.fail(
          `member ${entry.path} has a tar type raft-rescue does not read (${entry.type}) and a name the node needs`,
        );
      this.refused.push({ member: entry.path, reason: `unsupported member type ${entry.type}` });
    }
  }

  /** Writes one entry; any failure is recorded in `fatal` (the caller aborts the parse). */
  onEntry(entry: ReadEntry): void {
    this.entriesSeen++;
    const meta = this.pendingMeta;
    this.pendingMeta = [];
    try {
      if (!this.fatal) this.admit(entry, meta);
    } catch (error) {
      this.setFatal(entry.path, error);
    }
    if (this.fatal) entry.resume();
  }

  private fail(message: string): never {
    throw new InputError(`${this.archive}: ${message}`, this.archive);
  }

  private setFatal(member: string, error: unknown): void {
    if (this.fatal) return;
    this.fatal = this.asInputError(member, error);
    this.onFatal(this.fatal);
  }

  private asInputError(member: string, error: unknown): InputError {
    if (error instanceof InputError) return error;
    if (error instanceof SparseMapError)
      return new InputError(
        `${this.archive}: member ${member}: cannot restore the GNU sparse file: ${error.message}`,
        this.archive,
      );
    return new InputError(
      `${this.archive}: cannot unpack member ${member} into the temp dir ${this.root}: ${errnoText(error)}${errnoAdvice(error)}`,
      this.archive,
    );
  }

  private count(): void {
    if (++this.members > this.limits.maxMembers)
      this.fail(
        `more than ${this.limits.maxMembers} members; refusing to extract (raise the member limit if this is expected)`,
      );
  }

  private admit(entry: ReadEntry, meta: readonly string[]): void {
    this.count();
    const sparse = sparseMember(meta.flatMap(paxRecords));
    const name = sparse?.name ?? entry.path;
    if (sparse && !REGULAR.has(entry.type)) this.fail(`member ${name} has a GNU sparse map but is a ${entry.type}`);
    const p = memberPath(name);
    const reason = refusalForType(entry) ?? ('reason' in p ? p.reason : undefined);
    if (reason !== undefined) {
      this.refused.push({ member: name, reason });
      entry.resume();
      return;
    }
    const key = 'key' in p ? p.key : '';
    if (key === '') return void entry.resume(); // "./" or "/": the extraction root itself
    if (DIRECTORY.has(entry.type)) {
      this.makeDirs(key, ((entry.mode ?? 0) & 0o777) | 0o700);
      return void entry.resume();
    }
    this.bytes += sparse ? sparse.realSize : entry.size;
    if (this.bytes > this.limits.maxBytes) {
      this.fail(
        `members declare more than ${this.limits.maxBytes} bytes (at ${name}); refusing to extract (possible decompression bomb; raise the size limit if this is expected)`,
      );
    }
    this.copies.set(key, (this.copies.get(key) ?? 0) + 1);
    this.writeFile(entry, key, sparse);
  }

  private makeDirs(key: string, mode?: number): void {
    const parts = key.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const rel = parts.slice(0, i).join('/');
      const last = i === parts.length;
      if (this.madeDirs.has(rel) && !(last && mode !== undefined)) continue;
      const dir = path.join(this.root, rel);
      try {
        fs.mkdirSync(dir, { mode: 0o700 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.lstatSync(dir).isDirectory()) throw error;
      }
      if (last && mode !== undefined) fs.chmodSync(dir, mode);
      this.madeDirs.add(rel);
    }
  }

  private writeFile(entry: ReadEntry, key: string, sparse: SparseMember | undefined): void {
    const slash = key.lastIndexOf('/');
    if (slash > 0) this.makeDirs(key.slice(0, slash));
    const file = path.join(this.root, key);
    const fd = fs.openSync(file, WRITE_FLAGS, 0o600);
    let position = 0;
    const writeAt = (bytes: Uint8Array, at: number): void => {
      for (let done = 0; done < bytes.length;) done += fs.writeSync(fd, bytes, done, bytes.length - done, at + done);
    };
    const restorer = sparse ? new SparseRestorer(sparse, writeAt) : undefined;
    let open = true;
    const close = (): void => {
      if (open) {
        open = false;
        fs.closeSync(fd);
      }
    };
    const guarded = (step: () => void): void => {
      if (this.fatal) return;
      try {
        step();
      } catch (error) {
        try {
          close();
        } catch {
          // the write error is the one to report
        }
        this.setFatal(key, error);
      }
    };
    entry.on('data', (chunk: Buffer) =>
      guarded(() => {
        if (restorer) restorer.feed(chunk);
        else writeAt(chunk, position);
        position += chunk.length;
      }),
    );
    entry.on('end', () =>
      guarded(() => {
        if (restorer) {
          restorer.finish();
          fs.ftruncateSync(fd, sparse!.realSize);
        }
        fs.fchmodSync(fd, ((entry.mode ?? 0o600) & 0o777) | 0o600);
        if (entry.mtime) fs.futimesSync(fd, entry.atime ?? entry.mtime, entry.mtime);
        close(); // close() reports write-back errors (NFS, quotas) that write() did not
      }),
    );
  }
}
