// The dump operation: the entries each node holds on disk (its verdict's log), with where they
// live and what they hold, marking those start-up would move aside.
import type { EngineResolution } from '../analysis/engine/infer.js';
import { entriesOf } from '../analysis/log-entries.js';
import type { NodeVerdict } from '../analysis/verdict.js';
import { UsageError } from '../core/errors.js';
import { decodeConfiguration, raftRoleName } from '../format/configuration.js';
import { summarizeCommand } from '../format/dqlite-command.js';
import { EntryType, entryTypeName } from '../format/segment.js';
import { openPayloadReader } from '../scan/payloads.js';
import { verdictsOf } from './check.js';
import {
  DEFAULT_ENGINE_CHOICE,
  engineDocument,
  engineOf,
  type EngineChoice,
  type EngineDocument,
} from './documents/engine.js';
import { dec, inputNotesDocument, type Dec, type InputNotesDocument } from './documents/verdict.js';
import { otherEnginesWords, startupWords } from './documents/words.js';
import type { Inputs } from './inputs.js';

export interface DumpRequest {
  /** First and last index to list (default: all). */
  readonly from?: bigint;
  readonly to?: bigint;
  /** Only entries of this type. */
  readonly type?: 'command' | 'barrier' | 'change';
  /** Only the node with this name (info.yaml Address or directory name). */
  readonly node?: string;
  /** At most this many entries per node (default 100 000). */
  readonly limit?: number;
  /** The engine start-up is predicted for (parseEngineName), or `auto` (the default: inferred from the files). */
  readonly engine?: EngineChoice;
}

export interface DumpOutcome {
  /** The engine the start-up verdicts are for, and why. */
  readonly engine: EngineResolution;
  readonly nodes: readonly DumpNode[];
}

export interface DumpRow {
  readonly index: bigint;
  readonly term: bigint;
  readonly type: string;
  readonly length: number;
  readonly file: string;
  readonly offset: number;
  /** The entry is on disk but start-up would move its file aside (auto-recovery). */
  readonly droppedAtStartup: boolean;
  readonly summary: string;
}

export interface DumpNode {
  readonly name: string;
  readonly path: string;
  readonly verdict: NodeVerdict;
  readonly rows: readonly DumpRow[];
  /** More entries matched than `limit`. */
  readonly truncated: boolean;
}

/** `dump --json` without its envelope. */
export interface DumpDocument {
  readonly engine: EngineDocument;
  readonly nodes: readonly {
    readonly name: string;
    readonly path: string;
    /** The node's start-up verdict in words. */
    readonly startup: string;
    /** Engines still possible (auto) that would start it differently, in words: "cowsql-1.15: starts: …". */
    readonly otherEngines: readonly string[];
    readonly rows: readonly (Omit<DumpRow, 'index' | 'term'> & { readonly index: Dec; readonly term: Dec })[];
    readonly truncated: boolean;
  }[];
  readonly inputNotes: InputNotesDocument;
}

function summary(type: number, bytes: Uint8Array): string {
  if (type === EntryType.CHANGE) {
    const c = decodeConfiguration(bytes);
    return c.value
      ? `configuration: ${c.value.map((s) => `${s.id}@${s.address} ${raftRoleName(s.role)}`).join(', ')}`
      : `configuration (undecodable: ${c.issues[0]?.message ?? '?'})`;
  }
  if (type === EntryType.BARRIER) return 'barrier';
  return summarizeCommand(bytes);
}

function dumpNode(verdict: NodeVerdict, request: DumpRequest): DumpNode {
  const node = verdict.node;
  const drops = verdict.startupDrops;
  const limit = request.limit ?? 100_000;
  const reader = openPayloadReader();
  const rows: DumpRow[] = [];
  let truncated = false;
  try {
    for (const e of entriesOf(verdict.diskLog, request.from, request.to)) {
      const type = entryTypeName(e.entry.type);
      if (request.type && request.type !== type) continue;
      if (rows.length >= limit) {
        truncated = true;
        break;
      }
      const bytes = reader.payload(node, e.file, e.entry);
      const dropped = drops !== undefined && e.index >= drops.from && e.index <= drops.to;
      rows.push({
        index: e.index,
        term: e.entry.term,
        type,
        length: e.entry.length,
        file: e.file,
        offset: e.entry.payloadOffset,
        droppedAtStartup: dropped,
        summary: summary(e.entry.type, bytes),
      });
    }
  } finally {
    reader.close();
  }
  return { name: node.name, path: node.displayPath, verdict, rows, truncated };
}

/** dump on opened inputs: every node read in full, the entries of the chosen ones listed. */
export async function runDump(inputs: Inputs, request: DumpRequest = {}): Promise<DumpOutcome> {
  if (request.limit !== undefined && (!Number.isSafeInteger(request.limit) || request.limit < 1)) {
    throw new UsageError(`limit takes a positive whole number, not ${String(request.limit)}`);
  }
  const nodes = await inputs.read('every-byte');
  const engine = request.engine ?? DEFAULT_ENGINE_CHOICE;
  // Every node's verdict, not just the chosen one's: the engine is inferred from the whole set.
  const verdicts = verdictsOf(nodes, { engine });
  const chosen = request.node ? verdicts.filter((v) => v.name === request.node) : verdicts;
  if (!chosen.length)
    throw new UsageError(`no node named ${request.node}; nodes: ${verdicts.map((v) => v.name).join(', ')}`);
  return { engine: engineOf(verdicts, engine, nodes), nodes: chosen.map((v) => dumpNode(v, request)) };
}

export function dumpDocument(inputs: Pick<Inputs, 'notes'>, outcome: DumpOutcome): DumpDocument {
  return {
    engine: engineDocument(outcome.engine),
    nodes: outcome.nodes.map((n) => ({
      name: n.name,
      path: n.path,
      startup: startupWords(n.verdict.startup, n.verdict.startupDrops),
      otherEngines: otherEnginesWords(n.verdict),
      truncated: n.truncated,
      rows: n.rows.map((r) => ({ ...r, index: dec(r.index), term: dec(r.term) })),
    })),
    inputNotes: inputNotesDocument(inputs.notes),
  };
}

/** Public API: the entries each node holds, as `dump --json` gives them. */
export async function dump(inputs: Inputs, request: DumpRequest = {}): Promise<DumpDocument> {
  return dumpDocument(inputs, await runDump(inputs, request));
}
