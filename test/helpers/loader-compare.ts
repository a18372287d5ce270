// Puts a StartupPrediction into raft-load.sh's JSON shape so that interop tests can compare the
// two with one toEqual.
import type { StartupPrediction } from '../../src/analysis/loader/index.js';
import type { RaftLoadResult } from './engine.js';

export type Comparable = Omit<RaftLoadResult, 'signal' | 'seconds'>;

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

/** The engine's result without the details a prediction cannot know (signal, timeout). */
export function normaliseEngine(r: RaftLoadResult): Comparable {
  const { signal: _s, seconds: _t, ...rest } = r;
  return { ...rest, renamed: sorted(r.renamed), removed: sorted(r.removed), created: sorted(r.created) };
}

export function predictionAsEngine(p: StartupPrediction): Comparable {
  const files = { renamed: sorted(p.renamed), removed: sorted(p.removed), created: sorted(p.created) };
  if (p.outcome === 'crash') return { ok: false, crash: true, ...files };
  if (p.outcome === 'hang') return { ok: false, hang: true, ...files };
  if (!p.ok) return { ok: false, stage: p.stage, code: p.code, codeName: p.codeName, error: p.error, ...files };
  const log = p.log!;
  const s = p.snapshot;
  return {
    ok: true,
    term: String(log.term),
    votedFor: String(log.votedFor),
    snapshot: s ? { term: String(s.term), index: String(s.index), configurationIndex: String(s.configurationIndex), members: s.members } : null,
    startIndex: String(log.startIndex),
    entries: Number(log.entries),
    lastIndex: String(log.lastIndex),
    lastTerm: String(log.lastTerm),
    ...files,
  };
}
