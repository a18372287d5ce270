// The rank operation: which node's data should survive, right by default. It starts from a cheap
// read of every node (file names, the log's tail) and then reads every byte, with every checksum,
// of whatever can change the answer: the node it would recommend and every node that node's fills
// rest on, again and again until the recommended node was read in full (rank.ts, nodesToReadDeeper
// says why that is enough). `fast` keeps the cheap read and says so.
import { nodesToReadDeeper, rankVerdicts, type RankResult } from '../analysis/rank.js';
import type { EngineProfile } from '../analysis/engine/profiles.js';
import { buildVerdicts, type NodeVerdict } from '../analysis/verdict.js';
import type { NodeIndex } from '../scan/node-index.js';
import { openPayloadReader } from '../scan/payloads.js';
import { rescanNodes } from '../scan/scan-inputs.js';

export interface RankRequest {
  /** Rank from headers and the log's tail only, without verifying checksums. */
  readonly fast?: boolean;
  /** raft_uv_set_auto_recovery as the nodes will run (default true). */
  readonly autoRecovery?: boolean;
  /** Worker threads for reading nodes in full (see scan/read-nodes.ts). */
  readonly workers?: number | 'auto';
  /** Aborted on SIGINT/SIGTERM/SIGHUP: reading stops between files. */
  readonly signal?: AbortSignal;
  /** The engine to predict for, or `auto`; default libraft 0.15 (analysis/engine). */
  readonly engine?: EngineProfile | 'auto';
}

export interface RankOutcome {
  readonly result: RankResult;
  readonly verdicts: readonly NodeVerdict[];
  /** The nodes as finally read (some deeper than the first scan). */
  readonly nodes: readonly NodeIndex[];
  readonly fast: boolean;
}

/** Upper bound on read rounds: each round reads at least one node more deeply, and a node has three depths. */
const MAX_ROUNDS = 64;

export async function rankNodes(first: readonly NodeIndex[], request: RankRequest = {}): Promise<RankOutcome> {
  const fast = request.fast ?? false;
  let nodes = [...first];
  const payloads = openPayloadReader();
  try {
    for (let round = 0; ; round++) {
      const verdicts = buildVerdicts(nodes, payloads, { autoRecovery: request.autoRecovery, engine: request.engine });
      // rank speaks only for nodes it read in full, unless the user chose the fast mode.
      const result = rankVerdicts(verdicts, { speaksFor: (v) => fast || v.read === 'every-byte' });
      const deeper = nodesToReadDeeper(result, verdicts);
      const everyByte = fast ? [] : deeper.everyByte;
      if ((!deeper.headers.length && !everyByte.length) || round >= MAX_ROUNDS) return { result, verdicts, nodes, fast };
      const reread = new Map([
        ...await rescanNodes(deeper.headers, { verifyData: false, workers: request.workers, signal: request.signal }),
        ...await rescanNodes(everyByte, { verifyData: true, workers: request.workers, signal: request.signal }),
      ].map((n) => [n.dir, n]));
      nodes = nodes.map((n) => reread.get(n.dir) ?? n);
    }
  } finally {
    payloads.close();
  }
}
