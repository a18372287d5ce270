// Rendering of `check`: per-node start-up verdicts, then the findings, most severe first.
import type { Finding } from '../analysis/findings.js';
import type { Rule } from '../analysis/rules/rule.js';
import type { EngineResolution } from '../analysis/engine/infer.js';
import type { NodeVerdict } from '../analysis/verdict.js';
import { contributionWords, startupWords } from '../workflows/documents/words.js';
import { renderEngineLine, renderOtherEngines } from './engine.js';
import { printable } from './printable.js';
import { chalkFor, table, type RenderOptions } from './style.js';

export function renderCheck(engine: EngineResolution, verdicts: readonly NodeVerdict[], findings: readonly Finding[],
  o: RenderOptions): string {
  const c = chalkFor(o);
  const sev = (s: Finding['severity']) => (s === 'error' ? c.red(s) : s === 'warning' ? c.yellow(s) : c.dim(s));
  const parts: string[] = [renderEngineLine(engine, o)];
  const rows = verdicts.map((v) => [printable(v.name), printable(startupWords(v.startup, v.startupDrops)), printable(contributionWords(v))]);
  parts.push(table(['node', `start-up (${engine.name})`, 'as a repair source'], rows, o));
  const others = renderOtherEngines(engine, verdicts, o);
  if (others) parts.push(others);
  if (!findings.length) parts.push(c.green('No findings.'));
  for (const f of findings) {
    const where = f.file ? ` ${printable(f.file)}${f.offset !== undefined ? ` @${f.offset}` : ''}` : '';
    const lines = [`${f.code} ${sev(f.severity)} ${c.bold(printable(f.node))}${where}`, `  ${printable(f.message)}`];
    f.repairs.forEach((r, i) => lines.push(`  ${i === 0 ? 'repair:' : '   or: '} ${printable(r)}`));
    parts.push(lines.join('\n'));
  }
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  parts.push(`${count('error')} errors, ${count('warning')} warnings, ${count('info')} notes`);
  return `${parts.join('\n\n')}\n`;
}

export function renderRuleList(rules: readonly Rule[], o: RenderOptions): string {
  return `${table(['code', 'name', 'severity', 'what it finds'], rules.map((r) => [r.code, r.name, r.severity, r.summary]), o)}\n`;
}
