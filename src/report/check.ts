// Rendering of `check`: per-node start-up verdicts, then the findings, most severe first.
import type { Finding } from '../analysis/findings.js';
import type { StartupPrediction } from '../analysis/loader/index.js';
import type { Rule } from '../analysis/rules/rule.js';
import { printable } from './printable.js';
import { chalkFor, table, type RenderOptions } from './style.js';

export interface CheckNodeView {
  readonly name: string;
  readonly path: string;
  readonly startup: StartupPrediction;
}

function verdict(p: StartupPrediction): string {
  if (p.ok) {
    const extra = p.renamed.length ? `, after moving aside ${p.renamed.join(', ')}` : '';
    return `starts: last index ${p.log?.lastIndex}, last term ${p.log?.lastTerm}${extra}`;
  }
  if (p.outcome === 'crash') return 'CRASHES at start-up (segmentation fault, no message)';
  if (p.outcome === 'hang') return 'HANGS at start-up (spins at 100% CPU, no message)';
  return `refuses to start: ${p.error ?? p.cause}`;
}

export function startupJson(p: StartupPrediction): Record<string, unknown> {
  return {
    ok: p.ok,
    outcome: p.outcome,
    error: p.error ?? null,
    code: p.code ?? null,
    crash: p.outcome === 'crash',
    hang: p.outcome === 'hang',
    renamed: p.renamed,
    removed: p.removed,
    created: p.created,
    ignored: p.ignored,
    log: p.log
      ? {
          startIndex: p.log.startIndex,
          entries: p.log.entries,
          lastIndex: p.log.lastIndex,
          lastTerm: p.log.lastTerm,
          term: p.log.term,
          votedFor: p.log.votedFor,
          configurationIndex: p.log.configurationIndex ?? null,
          configuration: p.log.configuration ?? null,
        }
      : null,
    snapshot: p.snapshot ? { name: p.snapshot.name, term: p.snapshot.term, index: p.snapshot.index } : null,
    why: p.why,
    notes: p.notes,
  };
}

export function findingJson(f: Finding): Record<string, unknown> {
  return { code: f.code, severity: f.severity, node: f.node, file: f.file ?? null, offset: f.offset ?? null, message: f.message, repairs: f.repairs, data: f.data };
}

export function renderCheck(nodes: readonly CheckNodeView[], findings: readonly Finding[], o: RenderOptions): string {
  const c = chalkFor(o);
  const sev = (s: Finding['severity']) => (s === 'error' ? c.red(s) : s === 'warning' ? c.yellow(s) : c.dim(s));
  const parts: string[] = [];
  parts.push(table(['node', 'start-up (libraft 0.15 / dqlite 1.11)'], nodes.map((n) => [n.name, verdict(n.startup)]), o));
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
