// The rank operation: which node's data should survive, right by default. It starts from a cheap
// read of every node (file names, the log's tail) and then reads every byte, with every checksum,
// of whatever can change the answer: the node it would recommend and every node that node's fills
// rest on, again and again until the recommended node was read in full (rank.ts, nodesToReadDeeper
// says why that is enough). `fast` keeps the cheap read and says so.
import { needWords, nodesToReadDeeper, rankVerdicts, type RankedNode, type RankResult } from '../analysis/rank.js';
import type { EngineResolution } from '../analysis/engine/infer.js';
import { buildVerdicts, type NodeVerdict, type ReadDepth } from '../analysis/verdict.js';
import type { NodeIndex } from '../scan/node-index.js';
import { openPayloadReader } from '../scan/payloads.js';
import { rescanNodes } from '../scan/scan-inputs.js';
import {
  DEFAULT_ENGINE_CHOICE,
  engineDocument,
  engineOf,
  type EngineChoice,
  type EngineDocument,
} from './documents/engine.js';
import {
  inputNotesDocument,
  READ_WORDS,
  verdictDocument,
  type Dec,
  type InputNotesDocument,
  type VerdictDocument,
} from './documents/verdict.js';
import type { Inputs } from './inputs.js';

export interface RankRequest {
  /** Rank from headers and the log's tail only, without verifying checksums. */
  readonly fast?: boolean;
  /** raft_uv_set_auto_recovery as the nodes will run (default true). */
  readonly autoRecovery?: boolean;
  /** Worker threads for reading nodes in full (see scan/read-nodes.ts). */
  readonly workers?: number | 'auto';
  /** Aborted on SIGINT/SIGTERM/SIGHUP: reading stops between files. */
  readonly signal?: AbortSignal;
  /** The engine to predict for (parseEngineName), or `auto` (the default: inferred from the files). */
  readonly engine?: EngineChoice;
}

export interface RankOutcome {
  /** The engine the verdicts are for, and why (inferred from the nodes as finally read). */
  readonly engine: EngineResolution;
  readonly result: RankResult;
  readonly verdicts: readonly NodeVerdict[];
  /** The nodes as finally read (some deeper than the first scan). */
  readonly nodes: readonly NodeIndex[];
  readonly fast: boolean;
}

/** Upper bound on read rounds: each round reads at least one node more deeply, and a node has three depths. */
const MAX_ROUNDS = 64;

/** Reads the given nodes again at a depth; returns them (or every node) as read now. */
type Deepen = (nodes: readonly NodeIndex[], level: 'headers' | 'every-byte') => Promise<readonly NodeIndex[]>;

async function rankLoop(first: readonly NodeIndex[], request: RankRequest, deepen: Deepen): Promise<RankOutcome> {
  const fast = request.fast ?? false;
  const engine = request.engine ?? DEFAULT_ENGINE_CHOICE;
  let nodes = [...first];
  const payloads = openPayloadReader();
  try {
    for (let round = 0; ; round++) {
      const verdicts = buildVerdicts(nodes, payloads, { autoRecovery: request.autoRecovery, engine });
      // rank speaks only for nodes it read in full, unless the user chose the fast mode.
      const result = rankVerdicts(verdicts, { speaksFor: (v) => fast || v.read === 'every-byte' });
      const deeper = nodesToReadDeeper(result, verdicts);
      const everyByte = fast ? [] : deeper.everyByte;
      if ((!deeper.headers.length && !everyByte.length) || round >= MAX_ROUNDS) {
        return { engine: engineOf(verdicts, engine, nodes), result, verdicts, nodes, fast };
      }
      const reread = new Map(
        [
          ...(deeper.headers.length ? await deepen(deeper.headers, 'headers') : []),
          ...(everyByte.length ? await deepen(everyByte, 'every-byte') : []),
        ].map((n) => [n.dir, n]),
      );
      nodes = nodes.map((n) => reread.get(n.dir) ?? n);
    }
  } finally {
    payloads.close();
  }
}

/** rank over nodes already read (e.g. by scanInputs with logTailOnly); deeper reads re-scan them. */
export function rankNodes(first: readonly NodeIndex[], request: RankRequest = {}): Promise<RankOutcome> {
  return rankLoop(first, request, (nodes, level) =>
    rescanNodes(nodes, { verifyData: level === 'every-byte', workers: request.workers, signal: request.signal }),
  );
}

export interface RankOptions extends RankRequest {
  /** Read every byte of every node first (rank --verify). */
  readonly verify?: boolean;
}

/** rank on opened inputs: the cheap read first (every byte with `verify`), then what decides the answer. */
export async function runRank(inputs: Inputs, request: RankOptions = {}): Promise<RankOutcome> {
  // One node is the recommended node whatever the tail says, so it is read in full at once: a
  // cheap first pass would only add a second walk over its files (which dominates with 100 000).
  const full = request.verify || (inputs.nodeCount === 1 && !request.fast);
  const first = await inputs.read(full ? 'every-byte' : 'log-tail');
  return rankLoop(first, request, (nodes, level) => inputs.deepen(nodes, level));
}

/** What the ranking rests on, in words, so nobody mistakes a partial read for a full check. */
export function readSummary(outcome: Pick<RankOutcome, 'result' | 'fast'>): string {
  const nodes = outcome.result.nodes.map((r) => r.verdict);
  const at = (d: ReadDepth) => nodes.filter((v) => v.read === d).map((v) => v.name);
  const verified = at('every-byte');
  if (verified.length === nodes.length) return 'Read every byte of every node; every checksum verified.';
  const partial = [
    at('headers').length ? `${at('headers').join(', ')}: batch headers` : '',
    at('log-tail').length ? `${at('log-tail').join(', ')}: the log's tail (older closed segments trusted by name)` : '',
  ]
    .filter(Boolean)
    .join('; ');
  if (outcome.fast)
    return `Fast mode: checksums were not verified. Read ${partial}. Run without --fast, or \`check\`, to verify them.`;
  const best = outcome.result.best?.verdict;
  return (
    `Verified every byte of ${verified.join(', ')}: everything that decides the answer${best ? ` (${best.name} and what its repair rests on)` : ''}. ` +
    `Not verified, read for the order below it only: ${partial}. \`check\` reads everything.`
  );
}

/**
 * Whether rank speaks for this node's verdict: it read the node in full, or the user asked for the
 * fast mode (whose output says nothing was verified). A node rank did not need to read in full is
 * shown by what was read, never with a verdict `check` might contradict.
 */
export function verdictShown(outcome: Pick<RankOutcome, 'fast'>, r: RankedNode): boolean {
  return outcome.fast || r.verdict.read === 'every-byte';
}

/** A node of `rank --json`: its place, and its verdict when rank read it in full (else what was read). */
export type RankNodeDocument = {
  readonly rank: number;
  /** Its place by the highest last index (the manual `.reconfigure` method's order). */
  readonly highestLastIndexRank: number;
  readonly readWords: string;
} & (
  | (VerdictDocument & { readonly repairWords: string })
  | (Pick<VerdictDocument, 'name' | 'path' | 'product' | 'memberName' | 'id' | 'address' | 'backupOf' | 'read'> & {
      readonly checksumsVerified: false;
      readonly unverified: { readonly lastIndex: Dec; readonly lastTerm: Dec };
      readonly held: null;
      readonly startup: null;
      readonly startupDrops: null;
      readonly contribution: null;
    })
);

/** `rank --json` without its envelope. */
export interface RankDocument {
  readonly best: string | null;
  readonly mode: 'verified' | 'fast';
  readonly engine: EngineDocument;
  readonly explanation: readonly string[];
  readonly read: string;
  readonly nodes: readonly RankNodeDocument[];
  /** Backups of members (never ranked: they only donate entries), each with `backupOf`. */
  readonly backups: readonly (VerdictDocument | RankBackupDocument)[];
  readonly skipped: InputNotesDocument['skipped'];
  readonly inputNotes: InputNotesDocument;
}

/** A backup rank did not read in full: what was read of it. */
export type RankBackupDocument = Pick<
  VerdictDocument,
  'name' | 'path' | 'product' | 'memberName' | 'id' | 'address' | 'backupOf' | 'read'
> & {
  readonly checksumsVerified: false;
  readonly unverified: { readonly lastIndex: Dec; readonly lastTerm: Dec };
};

function backupDocument(outcome: RankOutcome, v: NodeVerdict): VerdictDocument | RankBackupDocument {
  const d = verdictDocument(v);
  if (outcome.fast || v.read === 'every-byte') return d;
  return {
    name: d.name,
    path: d.path,
    product: d.product,
    memberName: d.memberName,
    id: d.id,
    address: d.address,
    backupOf: d.backupOf,
    read: d.read,
    checksumsVerified: false,
    unverified: { lastIndex: d.held.lastIndex, lastTerm: d.held.lastTerm },
  };
}

function rankNodeDocument(outcome: RankOutcome, r: RankedNode): RankNodeDocument {
  const base = { rank: r.rank, highestLastIndexRank: r.highestLastIndexRank, readWords: READ_WORDS[r.verdict.read] };
  const v = verdictDocument(r.verdict);
  if (verdictShown(outcome, r)) return { ...base, repairWords: needWords(r.verdict.contribution.need), ...v };
  return {
    ...base,
    name: v.name,
    path: v.path,
    product: v.product,
    memberName: v.memberName,
    id: v.id,
    address: v.address,
    backupOf: v.backupOf,
    read: v.read,
    checksumsVerified: false,
    unverified: { lastIndex: v.held.lastIndex, lastTerm: v.held.lastTerm },
    held: null,
    startup: null,
    startupDrops: null,
    contribution: null,
  };
}

export function rankDocument(inputs: Pick<Inputs, 'notes'>, outcome: RankOutcome): RankDocument {
  const { result } = outcome;
  const notes = inputNotesDocument(inputs.notes);
  return {
    best: result.best?.name ?? null,
    mode: outcome.fast ? 'fast' : 'verified',
    engine: engineDocument(outcome.engine),
    explanation: result.explanation,
    read: readSummary(outcome),
    nodes: result.nodes.map((r) => rankNodeDocument(outcome, r)),
    backups: result.backups.map((v) => backupDocument(outcome, v)),
    skipped: notes.skipped,
    inputNotes: notes,
  };
}

/** Public API: whose data to keep, as `rank --json` gives it. */
export async function rank(inputs: Inputs, request: RankOptions = {}): Promise<RankDocument> {
  return rankDocument(inputs, await runRank(inputs, request));
}
