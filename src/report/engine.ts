// Which engine a report's predictions are for (one line), and, per node, what the other engines
// still possible would do where it differs: people's output never rests on a silent guess.
import type { EngineResolution } from '../analysis/engine/infer.js';
import type { NodeVerdict } from '../analysis/verdict.js';
import { engineWords, otherEnginesWords } from '../workflows/documents/words.js';
import { printable } from './printable.js';
import { chalkFor, type RenderOptions } from './style.js';

/** The engine line: which engine, and why (named, inferred from what, or a guess). */
export function renderEngineLine(e: EngineResolution, o: RenderOptions): string {
  const c = chalkFor(o);
  const line = printable(engineWords(e));
  return e.source === 'unknown' ? c.yellow(line) : line;
}

/** Per node, the engines still possible that would start it differently; '' when none would. */
export function renderOtherEngines(
  e: EngineResolution,
  verdicts: readonly Pick<NodeVerdict, 'name' | 'otherEngines'>[],
  o: RenderOptions,
): string {
  const c = chalkFor(o);
  const differing = verdicts.filter((v) => v.otherEngines.length > 0);
  if (!differing.length) return '';
  const head =
    e.source === 'unknown'
      ? 'Where the engine matters (the files do not show which one runs these nodes):'
      : 'Where the engine matters (engines the files make less likely, not ruled out):';
  const lines = differing.flatMap((v) => otherEnginesWords(v).map((w) => `  ${printable(v.name)}  ${printable(w)}`));
  return [c.yellow(head), ...lines].join('\n');
}
