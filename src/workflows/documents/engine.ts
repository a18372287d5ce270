// The engine a command's predictions are for, as every `--json` output carries it, and what each
// operation predicts for when the request names none.
//
// Why `auto` is the default: the tool's verdicts are exact only for the engine that will run the
// directories, and the files say which one that is in almost every real case (analysis/engine/
// infer.ts ranks the evidence). A fixed default would be wrong for every cowsql (Incus) and
// dqlite ≥ 1.17 (LXD, MicroK8s) user who forgets the flag. For Debian-made sets, the evidence
// (LZ4 snapshots, WAL images in the payloads, stale padding, no dqlite-lock) picks dqlite-1.11,
// the old default; where the files show nothing, `source` is "unknown", the pick falls back to the
// engine order, and every node whose start-up another possible engine would change says so
// (verdict `otherEngines`), so that no prediction silently rests on a guess.
import { resolveEngine, type EngineResolution } from '../../analysis/engine/infer.js';
import type { EngineProfile } from '../../analysis/engine/profiles.js';
import type { NodeVerdict } from '../../analysis/verdict.js';
import type { NodeIndex } from '../../scan/node-index.js';

/** A named engine profile (parseEngineName), or `auto`: inferred from the nodes' files. */
export type EngineChoice = EngineProfile | 'auto';

/** What every operation predicts for unless the request names an engine. */
export const DEFAULT_ENGINE_CHOICE: EngineChoice = 'auto';

export interface EngineDocument {
  /** The engine profile the predictions are for (dqlite-1.11, dqlite-1.18, dqlite-1.18.2, cowsql-1.15 …). */
  readonly name: string;
  /** flag: named by the request; evidence: inferred from the files; unknown: the files do not tell. */
  readonly source: EngineResolution['source'];
  /** The clues that decided it (for `unknown`: every clue seen), in words. */
  readonly evidence: readonly string[];
}

export function engineDocument(e: EngineResolution): EngineDocument {
  return { name: e.name, source: e.source, evidence: e.evidence };
}

/** The resolution the verdicts were built with (the same object in each), or the request's own for no nodes. */
export function engineOf(
  verdicts: readonly NodeVerdict[],
  choice: EngineChoice | undefined,
  nodes: readonly NodeIndex[] = [],
): EngineResolution {
  return verdicts[0]?.engine ?? resolveEngine(choice ?? DEFAULT_ENGINE_CHOICE, nodes);
}
