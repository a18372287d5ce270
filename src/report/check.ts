// Rendering of `check`: the verdict first (how many nodes would not start, how many findings),
// then per-node start-up verdicts, then the findings, most severe first (a long list is cut: the
// rest is counted and is in --json).
import type { Finding } from '../analysis/findings.js';
import type { Rule } from '../analysis/rules/rule.js';
import type { EngineResolution } from '../analysis/engine/infer.js';
import type { NodeVerdict } from '../analysis/verdict.js';
import { contributionWords, startupWords } from '../workflows/documents/words.js';
import { renderEngineLine, renderOtherEngines } from './engine.js';
import { printable } from './printable.js';
import { chalkFor, fitText, table, type RenderOptions } from './style.js';

/** Findings listed in full; the rest are counted (a node with thousands of bad batches). */
export const LISTED_FINDINGS = 40;

function headline(verdicts: readonly NodeVerdict[], findings: readonly Finding[]): string {
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const down = verdicts.filter((v) => !v.startup.ok).length;
  const dropping = verdicts.filter((v) => v.startup.ok && v.startupDrops).length;
  const nodes = verdicts.length === 1 ? 'the node' : `${verdicts.length} nodes`;
  const starts =
    down === 0 && dropping === 0
      ? `All ${nodes} would start as they are`
      : [
          down ? `${down} of ${verdicts.length} would not start` : '',
          dropping ? `${dropping} would start only by dropping entries` : '',
        ]
          .filter(Boolean)
          .join(', ');
  return `${starts}; ${count('error')} errors, ${count('warning')} warnings, ${count('info')} notes.`;
}

function findingLines(f: Finding, o: RenderOptions): string {
  const c = chalkFor(o);
  const sev =
    f.severity === 'error' ? c.red(f.severity) : f.severity === 'warning' ? c.yellow(f.severity) : c.dim(f.severity);
  const where = f.file ? ` ${printable(f.file)}${f.offset !== undefined ? ` @${f.offset}` : ''}` : '';
  const lines = [`${f.code} ${sev} ${c.bold(printable(f.node))}${where}`, `  ${printable(f.message)}`];
  f.repairs.forEach((r, i) => lines.push(`  ${i === 0 ? 'repair:' : '   or: '} ${printable(r)}`));
  return lines.join('\n');
}

export function renderCheck(
  engine: EngineResolution,
  verdicts: readonly NodeVerdict[],
  findings: readonly Finding[],
  o: RenderOptions,
): string {
  const c = chalkFor(o);
  const parts: string[] = [c.bold(headline(verdicts, findings)), renderEngineLine(engine, o)];
  const rows = verdicts.map((v) => [
    printable(v.name),
    printable(startupWords(v.startup, v.startupDrops)),
    printable(contributionWords(v)),
  ]);
  parts.push(table([{ header: 'node', nowrap: true }, `start-up (${engine.name})`, 'as a repair source'], rows, o));
  const others = renderOtherEngines(engine, verdicts, o);
  if (others) parts.push(others);
  if (!findings.length) parts.push(c.green('No findings.'));
  for (const f of findings.slice(0, LISTED_FINDINGS)) parts.push(findingLines(f, o));
  if (findings.length > LISTED_FINDINGS) {
    parts.push(`… ${findings.length - LISTED_FINDINGS} more findings (see --json, or narrow with --only)`);
  }
  return fitText(`${parts.join('\n\n')}\n`, o.width);
}

export function renderRuleList(rules: readonly Rule[], o: RenderOptions): string {
  const head = ['code', { header: 'name', nowrap: true }, 'severity', 'what it finds'];
  return `${table(
    head,
    rules.map((r) => [r.code, r.name, r.severity, r.summary]),
    o,
  )}\n`;
}
