// The user's inputs, opened once: node directories found (archives unpacked into private temp
// dirs), then each node read as deeply as the operations on it need and no deeper — the log's
// tail for a quick rank, every byte (and every checksum) for check, every byte plus each file's
// sha256 for a repair, all in one pass per node. A node already read deeply enough is not read
// again. close() removes every temp dir the handle made.
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import type { DiscoverOptions } from '../scan/discover.js';
import type { NodeIndex } from '../scan/node-index.js';
import {
  findInputs,
  readFound,
  type FoundNode,
  type InputNotes,
  type ScanProgress,
  type SkippedPath,
} from '../scan/scan-inputs.js';

/** How much of a node was read: its log's tail, every batch header, or every byte (every checksum). */
export type ReadLevel = 'log-tail' | 'headers' | 'every-byte';

const LEVEL_ORDER: Readonly<Record<ReadLevel, number>> = { 'log-tail': 0, headers: 1, 'every-byte': 2 };

export interface OpenInputsOptions {
  /** Go on when part of an input could not be searched (it is then said in every result). */
  readonly acceptPartialScan?: boolean;
  /** Worker threads for verifying segments: a number (0: none) or 'auto' (default). */
  readonly workers?: number | 'auto';
  /** Aborting it stops any read between files; temp dirs are removed by close(). */
  readonly signal?: AbortSignal;
  /** Bytes and files read, while a read runs. */
  readonly onProgress?: (progress: ScanProgress) => void;
  /** Relative input paths are resolved against this (default: the process's working directory). */
  readonly cwd?: string;
  /** Discovery bounds (tests lower them). */
  readonly discovery?: DiscoverOptions;
}

function levelOf(node: NodeIndex): ReadLevel {
  if (node.verifiedData) return 'every-byte';
  return node.logTailOnly ? 'log-tail' : 'headers';
}

/** What a read at `level` asks of scan/. */
function scanDepth(level: ReadLevel): { verifyData: boolean; logTailOnly: boolean } {
  return { verifyData: level === 'every-byte', logTailOnly: level === 'log-tail' };
}

export class Inputs {
  /** The input paths, resolved. */
  readonly paths: readonly string[];
  /** What the search met besides nodes (skipped paths, duplicate members, archives inside …). */
  readonly notes: InputNotes;
  readonly #found: readonly FoundNode[];
  readonly #nodes: (NodeIndex | undefined)[];
  readonly #options: OpenInputsOptions;
  readonly #cleanup: () => void;
  #closed = false;

  private constructor(
    paths: readonly string[],
    found: { found: readonly FoundNode[]; notes: InputNotes; cleanup(): void },
    options: OpenInputsOptions,
  ) {
    this.paths = paths;
    this.notes = found.notes;
    this.#found = found.found;
    this.#nodes = found.found.map(() => undefined);
    this.#options = options;
    this.#cleanup = found.cleanup;
  }

  /** Finds the node directories of `paths` (unpacking archives); nothing is read yet. */
  static async open(paths: readonly string[], options: OpenInputsOptions = {}): Promise<Inputs> {
    if (!paths.length)
      throw new UsageError(
        'name at least one input: a node directory, a directory holding node directories, or a .tar/.tar.gz archive',
      );
    const resolved = paths.map((p) => path.resolve(options.cwd ?? process.cwd(), p));
    const found = await findInputs(resolved, options);
    return new Inputs(resolved, found, options);
  }

  get skipped(): readonly SkippedPath[] {
    return this.notes.skipped;
  }

  /** How many node directories the inputs hold. */
  get nodeCount(): number {
    return this.#found.length;
  }

  /** The nodes read at least to `level` (with their sha256s too when `hash`), reading what is not. */
  async read(level: ReadLevel, options: { hash?: boolean } = {}): Promise<readonly NodeIndex[]> {
    return this.#readWhere(level, options.hash ?? false, () => true);
  }

  /** Reads again, to `level`, the nodes among `nodes` that were read less deeply; returns every node. */
  async deepen(nodes: readonly NodeIndex[], level: ReadLevel): Promise<readonly NodeIndex[]> {
    const dirs = new Set(nodes.map((n) => n.dir));
    return this.#readWhere(level, false, (f) => dirs.has(f.dir));
  }

  /** The nodes as read so far (undefined entries: not read yet). */
  current(): readonly (NodeIndex | undefined)[] {
    return [...this.#nodes];
  }

  async #readWhere(level: ReadLevel, hash: boolean, wanted: (f: FoundNode) => boolean): Promise<readonly NodeIndex[]> {
    if (this.#closed) throw new UsageError('these inputs were closed');
    const todo = this.#found
      .map((f, i) => ({ f, i }))
      .filter(({ f, i }) => {
        const n = this.#nodes[i];
        if (!n) return true;
        if (!wanted(f)) return false;
        return LEVEL_ORDER[levelOf(n)] < LEVEL_ORDER[level] || (hash && !n.digests);
      });
    if (todo.length) {
      const read = await readFound(
        todo.map((t) => t.f),
        {
          ...scanDepth(level),
          hash,
          workers: this.#options.workers,
          signal: this.#options.signal,
          onProgress: this.#options.onProgress,
        },
      );
      todo.forEach((t, k) => (this.#nodes[t.i] = read[k]));
    }
    return this.#nodes.filter((n): n is NodeIndex => n !== undefined);
  }

  /** Removes every temp dir made for the inputs (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cleanup();
  }
}

/** Opens the inputs: finds their node directories (archives unpacked), reads nothing yet. Call close(). */
export function openInputs(paths: readonly string[], options: OpenInputsOptions = {}): Promise<Inputs> {
  return Inputs.open(paths, options);
}
