// Plan and target files on disk: `--plan-out` writes the plan (JSON, u64 as decimal strings)
// atomically and never over an input; `--plan` reads one back, `--cluster` reads the target
// membership's text. Both are read as regular files only, never through a symlink, never blocking
// (a FIFO would wait forever for a writer) and with a size cap (/dev/zero never ends), then the
// plan is checked completely (plan-validate.ts) before anything trusts it.
import { describeErrno, InputError, isErrnoError, RepairError, UsageError } from '../../core/errors.js';
import { toJson } from '../../core/u64.js';
import { FileSource } from '../../scan/file-source.js';
import { writeFileAtomic } from './out-files.js';
import { guardOutputPath, type InputSet } from './out-path.js';
import { validatePlan } from '../plan/plan-validate.js';
import type { RepairPlan } from '../plan/types.js';

/** Plans are ~1 KB per output file; 16 MiB holds far more nodes and files than any real cluster. */
export const PLAN_FILE_LIMIT = 16 * 1024 * 1024;
/** A target membership YAML lists a few members. */
export const TARGET_FILE_LIMIT = 1024 * 1024;

/** Writes the plan to `file` (not an input, not through a symlink, atomically); returns its path. */
export function writePlanFile(file: string, plan: RepairPlan, inputs: InputSet): string {
  const target = guardOutputPath(file, '--plan-out', inputs).path;
  try {
    writeFileAtomic(target, Buffer.from(`${toJson(plan)}\n`, 'utf8'), 0o644);
  } catch (error) {
    if (!isErrnoError(error)) throw error;
    const why = describeErrno(error);
    throw new RepairError(`writing --plan-out ${target} failed: ${why}; it was not written`, 'E_OUTPUT_IO');
  }
  return target;
}

/** The whole text of a small regular file given as an option; UsageError (exit 2) otherwise. */
export function readOptionFile(file: string, option: string, limit: number): string {
  let source: FileSource;
  try {
    source = new FileSource(file);
  } catch (error) {
    const m = error instanceof InputError ? error.message : String(error);
    const why = /ENOENT/.test(m)
      ? 'no such file'
      : /ELOOP/.test(m)
        ? 'it is a symbolic link; give the file itself'
        : /not a regular file/.test(m)
          ? 'not a regular file'
          : m;
    throw new UsageError(`${option} ${file}: cannot read it: ${why}`);
  }
  try {
    if (source.size > limit) {
      throw new UsageError(`${option} ${file}: ${source.size} bytes, more than the ${limit} such a file can need`);
    }
    const bytes = source.read(0, source.size);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${option} ${file}: cannot read it: ${(error as Error).message}`);
  } finally {
    source.close();
  }
}

export function readTargetFile(file: string): string {
  return readOptionFile(file, '--cluster', TARGET_FILE_LIMIT);
}

/**
 * Reads a plan written by --plan-out. Not JSON, or JSON that is no plan at all: UsageError (exit 2,
 * the wrong file). A plan with any bad field: RepairError naming the field (exit 3, refused).
 */
export function readPlanFile(file: string): RepairPlan {
  const text = readOptionFile(file, '--plan', PLAN_FILE_LIMIT);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('planVersion' in value)) {
    throw new UsageError(`${file} is not a repair plan (no planVersion; write one with repair --plan-out)`);
  }
  return validatePlan(value, file);
}
