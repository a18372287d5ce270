// A node's verdict in words: people's output shows these, and some JSON fields carry them (dump's
// `startup`, rank's `repairWords`), so they live with the documents and report/ uses them.
import type { EngineResolution } from '../../analysis/engine/infer.js';
import { releaseWords } from '../../analysis/engine/profiles.js';
import type { StartupPrediction } from '../../analysis/loader/index.js';
import { needWords } from '../../analysis/rank.js';
import type { NodeVerdict } from '../../analysis/verdict.js';

/** The start-up verdict in one line. */
export function startupWords(p: StartupPrediction, drops?: { from: bigint; to: bigint }): string {
  if (p.ok) {
    const last = `last index ${p.log?.lastIndex}, last term ${p.log?.lastTerm}`;
    if (!p.renamed.length) return `starts: ${last}`;
    const dropped = drops ? `, dropping entries ${drops.from}-${drops.to}` : '';
    return `starts only after moving aside ${p.renamed.join(', ')}${dropped}: ${last}`;
  }
  if (p.outcome === 'crash') return 'CRASHES at start-up (segmentation fault, no message)';
  if (p.outcome === 'hang') return 'HANGS at start-up (spins at 100% CPU, no message)';
  return `refuses to start: ${p.error ?? p.cause}`;
}

/** What a repair with this node as the source keeps, in one line. */
export function contributionWords(v: NodeVerdict): string {
  const c = v.contribution;
  const fills = c.fills.length
    ? `; fills ${c.fills.map((f) => `${f.range.from}-${f.range.to} from ${f.donors.join(' and ')}`).join(', ')}`
    : '';
  const lost = c.lost.length ? `; loses ${c.lost.map((l) => `${l.from}-${l.to ?? '?'}`).join(', ')}` : '';
  return `${needWords(c.need)}: keeps up to index ${c.lastIndex} (term ${c.lastTerm})${fills}${lost}`;
}

/** Which engine the predictions are for, and why, in one line. */
export function engineWords(e: EngineResolution): string {
  const what = `${e.name} (${releaseWords(e.profile)})`;
  const facts = e.facts.join('; ');
  if (e.source === 'flag') return `Predictions for ${what}, the engine named.`;
  if (e.source === 'evidence') return `Predictions for ${what}, inferred from the files: ${facts}.`;
  return (
    `Predictions for ${what}, a guess: the files do not show which engine runs them${facts ? ` (${facts})` : ''}. ` +
    'Nodes another engine would start differently say so; name the engine with --engine.'
  );
}

/** What the other engines still possible would do with this node, where it differs (one line each). */
export function otherEnginesWords(v: Pick<NodeVerdict, 'otherEngines'>): string[] {
  return v.otherEngines.map((o) => `${o.engines.join(', ')}: ${startupWords(o.startup)}`);
}
