// `db export`: rebuilt databases written as plain SQLite files (`<name>.db`, the exact main file
// the engine holds) and SQL dumps (`<name>.sql`, sqlite3's .dump form), with a manifest
// (`raft-rescue-export.json`: which database each file holds, sizes, sha256). The same guards as a
// repair's output: never into, over or around an input, one writer per --out (the lock), a
// non-empty --out only with --force (moved aside once the new one is complete), everything
// written into a temp directory beside --out and fsynced, then renamed into place (or packed into
// a tarball for --out x.tar / x.tar.gz). A failure (a full disk: exit 3) leaves nothing behind.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SqliteImage } from '../../analysis/db/sqlite.js';
import { dumpSql } from '../../analysis/db/sql-dump.js';
import { checkpoint, throwIfCancelled } from '../../core/cancel.js';
import { InputError } from '../../core/errors.js';
import type { DatabaseImage } from '../../format/database-image.js';
import { toJson } from '../../core/u64.js';
import { removeTempDir } from '../../scan/temp-dirs.js';
import { lockTarget, outputFailure } from './apply.js';
import { fsyncDir, makeTempDirBeside, removeOutputLeftovers, writeAll } from './out-files.js';
import { checkOutPath, existingOut, InputSet, type OutFormat } from './out-path.js';
import { packTarball, swapIn } from './publish.js';

export const EXPORT_MANIFEST = 'raft-rescue-export.json';
const FILE_MODE = 0o600;
const SQL_BUFFER = 1 << 20;

export interface ExportDatabase {
  readonly name: string;
  readonly image: DatabaseImage;
}

export interface ExportedFile {
  /** Relative to --out. */
  readonly path: string;
  readonly database: string;
  readonly kind: 'database' | 'sql';
  readonly size: number;
  readonly sha256: string;
}

export interface ExportOptions {
  readonly out: string;
  readonly force: boolean;
  /** Every path the run reads (inputs, node directories, archives): never written into or over. */
  readonly inputPaths: readonly string[];
  readonly signal?: AbortSignal;
}

export interface ExportResult {
  readonly out: string;
  readonly format: OutFormat;
  readonly files: readonly ExportedFile[];
  /** Where a replaced --out was moved (with --force). */
  readonly replaced: string | null;
}

/**
 * A database name as a file name: ASCII letters, digits, `.`, `_` and `-` as they are, every other
 * byte as %XX (so `/`, `..` and control characters never reach the file system, and no two names
 * meet); a name too long for a file keeps its start and gains a digest.
 */
export function exportFileName(name: string): string {
  let safe = [...Buffer.from(name, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9._-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
  if (safe.startsWith('.')) safe = `%2E${safe.slice(1)}`;
  if (safe === '') safe = '%00';
  if (safe.length > 200)
    safe = `${safe.slice(0, 180)}~${crypto.createHash('sha256').update(name).digest('hex').slice(0, 16)}`;
  return safe;
}

/** A new file in the staging directory, written by `fill` through `write`, fsynced; returns size and sha256. */
async function writeNew(
  file: string,
  fill: (write: (bytes: Uint8Array) => void) => Promise<void> | void,
): Promise<{ size: number; sha256: string }> {
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0);
  const fd = fs.openSync(file, flags, FILE_MODE);
  const hash = crypto.createHash('sha256');
  let size = 0;
  try {
    await fill((bytes) => {
      writeAll(fd, bytes, file);
      hash.update(bytes);
      size += bytes.length;
    });
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return { size, sha256: hash.digest('hex') };
}

/** `.sql`: the dump, buffered into 1 MiB writes. */
async function writeDump(file: string, db: ExportDatabase): Promise<{ size: number; sha256: string }> {
  const img = await SqliteImage.openImage(db.image);
  try {
    return await writeNew(file, (write) => {
      let pending: string[] = [];
      let length = 0;
      const flush = () => {
        if (pending.length) write(Buffer.from(pending.join(''), 'utf8'));
        pending = [];
        length = 0;
      };
      dumpSql(img, (text) => {
        pending.push(text);
        length += text.length;
        if (length >= SQL_BUFFER) flush();
      });
      flush();
    });
  } finally {
    img.close();
  }
}

async function stageFiles(
  root: string,
  databases: readonly ExportDatabase[],
  signal: AbortSignal | undefined,
): Promise<ExportedFile[]> {
  const files: ExportedFile[] = [];
  for (const db of databases) {
    await checkpoint(signal);
    const base = exportFileName(db.name);
    const main = await writeNew(path.join(root, `${base}.db`), (write) => {
      for (const chunk of db.image.chunks()) write(chunk);
    });
    files.push({ path: `${base}.db`, database: db.name, kind: 'database', ...main });
    await checkpoint(signal);
    const sql = await writeDump(path.join(root, `${base}.sql`), db).catch((error: unknown) => {
      if (!(error instanceof InputError)) throw error;
      throw new InputError(
        `database ${db.name}: ${error.message}: no SQL dump can be written of it ` +
          '(`raft-rescue db` lists it, `check` says where its pages went wrong)',
      );
    });
    files.push({ path: `${base}.sql`, database: db.name, kind: 'sql', ...sql });
  }
  return files;
}

/**
 * Writes the databases into `out` with a manifest (`manifest(files)` is its content), under the
 * guards of every output. Errors from the file system come back as RepairError (exit 3).
 */
export async function exportDatabases(
  databases: readonly ExportDatabase[],
  manifest: (files: readonly ExportedFile[]) => object,
  options: ExportOptions,
): Promise<ExportResult> {
  const target = checkOutPath(options.out, new InputSet(options.inputPaths.map((p) => path.resolve(p))));
  const lock = lockTarget(options.out, options.inputPaths);
  try {
    removeOutputLeftovers(target.parent);
    const existing = existingOut(target, options.force);
    const root = makeTempDirBeside(target.out);
    let staged = root;
    try {
      const files = await stageFiles(root, databases, options.signal);
      await writeNew(path.join(root, EXPORT_MANIFEST), (write) =>
        write(Buffer.from(`${toJson(manifest(files))}\n`, 'utf8')),
      );
      fsyncDir(root);
      if (target.format !== 'directory') {
        staged = await packTarball(root, target, options.signal);
        removeTempDir(root);
      }
      throwIfCancelled(options.signal);
      const replaced = swapIn(staged, target, existing);
      return { out: target.out, format: target.format, files, replaced };
    } catch (error) {
      removeTempDir(root);
      if (staged !== root) removeTempDir(staged);
      throw error;
    }
  } catch (error) {
    throw outputFailure(error, target);
  } finally {
    lock.release();
  }
}
