// The report's first sections: the summary (what happened, which node to keep, what a repair
// would do and lose), each node's start-up prediction with the engine's exact message, the
// findings by severity with their evidence, and the ranking with its reasons.
import type { Finding, SeverityName } from '../../analysis/findings.js';
import type { NodeVerdict } from '../../analysis/verdict.js';
import { toPlain } from '../../core/u64.js';
import type { RepairPlan } from '../../repair/plan/types.js';
import { contributionWords, startupWords } from '../../workflows/documents/words.js';
import type { ReportOutcome } from '../../workflows/report.js';
import { html, join, type SafeHtml } from './escape.js';

const okClass = (v: NodeVerdict) => (v.startup.ok ? (v.startupDrops ? 'warn' : 'ok') : 'bad');

function count(findings: readonly Finding[], s: SeverityName): number {
  return findings.filter((f) => f.severity === s).length;
}

export function repairLines(plan: RepairPlan): SafeHtml {
  const status =
    plan.status === 'ready' ? html`<span class="tag ok">READY</span>` : html`<span class="tag bad">REFUSED</span>`;
  const refused = plan.refusals.length
    ? html`<p class="bad">Refused:</p><ul class="tight">${plan.refusals.map((r) => html`<li>${r}</li>`)}</ul>`
    : '';
  const source = plan.source
    ? html` from <b>${plan.source.name}</b> (chosen by ${plan.source.chosenBy === 'rank' ? 'the raft rule' : '--source'})`
    : '';
  const repairs = plan.repairs.length
    ? html`<ul class="tight">${plan.repairs.map((r) => html`<li><span class="tag ${r.lossless ? 'ok' : 'warn'}">${r.lossless ? 'lossless' : 'loses data'}</span> ${r.description}</li>`)}</ul>`
    : html`<p>No repair of the data is needed.</p>`;
  const lost = plan.lost.length
    ? html`<p class="warn">Lost entries:</p><ul class="tight">${plan.lost.map((l) => html`<li>${l.from}..${l.to ?? '?'}: ${l.reason}</li>`)}</ul>`
    : html`<p>Lost entries: <b>none</b>.</p>`;
  const log = plan.log
    ? html`<p>Log after repair: ${plan.log.snapshot ? `snapshot at ${plan.log.snapshot.index}, ` : ''}entries ${plan.log.startIndex}..${plan.log.lastIndex} (last term ${plan.log.lastTerm}), written to ${plan.outputs.length} nodes${plan.configurationEntry ? `, with a new configuration entry at index ${plan.configurationEntry.index}` : ''}.</p>`
    : '';
  return html`<p>${status} Repair${source}.</p>${refused}${repairs}${lost}${log}`;
}

export function summarySection(r: ReportOutcome): SafeHtml {
  const best = r.ranking.best;
  const keep = best
    ? html`<p class="keep" id="keep">Keep the data of <b>${best.name}</b>.</p><p>${r.ranking.explanation[0] ?? ''}</p>`
    : html`<p class="keep" id="keep">No node to recommend.</p>`;
  const down = r.verdicts.filter((v) => !v.startup.ok).length;
  const happened = html`<ul class="tight">${r.verdicts.map((v) => html`<li><b>${v.name}</b>: <span class="${okClass(v)}">${startupWords(v.startup, v.startupDrops)}</span></li>`)}</ul>
<p>${down ? `${down} of ${r.verdicts.length} nodes would not start` : `Every node would start${r.verdicts.some((v) => v.startupDrops) ? ' (some only by dropping entries)' : ''}`}; ${count(r.findings, 'error')} errors, ${count(r.findings, 'warning')} warnings, ${count(r.findings, 'info')} notes (see Findings).</p>`;
  return html`<section id="summary"><h2>Summary</h2>${keep}
<h3>What happened</h3>${happened}
<h3>What <code>raft-rescue repair</code> would do</h3>${repairLines(r.dryRun)}
<p class="meta">Nothing was written to the inputs; this is what <code>repair --dry-run</code> plans for them.</p></section>`;
}

function fileList(label: string, files: readonly string[]): SafeHtml | '' {
  if (!files.length) return '';
  const shown = files.slice(0, 20);
  return html`<tr><th>${label}</th><td class="mono">${join(shown, ', ')}${files.length > shown.length ? ` … ${files.length - shown.length} more` : ''}</td></tr>`;
}

function startupNode(v: NodeVerdict): SafeHtml {
  const p = v.startup;
  const outcome = p.ok
    ? p.renamed.length
      ? 'starts after moving files aside'
      : 'starts'
    : p.outcome === 'crash'
      ? 'crashes (segmentation fault)'
      : p.outcome === 'hang'
        ? 'hangs (100% CPU, no message)'
        : 'refuses to start';
  const log = p.log
    ? html`<tr><th>log after start-up</th><td>entries ${p.log.startIndex}..${p.log.lastIndex} (${p.log.entries} entries), last term ${p.log.lastTerm}; term ${p.log.term}, voted for ${p.log.votedFor}${p.snapshot ? html`; snapshot <code>${p.snapshot.name}</code>` : ''}</td></tr>`
    : '';
  const others = v.otherEngines.map(
    (o) => html`<tr><th>with ${o.engines.join(', ')}</th><td>${startupWords(o.startup)}</td></tr>`,
  );
  return html`<h3>${v.name} <span class="tag ${okClass(v)}">${outcome}</span></h3>
<table><tbody>
<tr><th style="width: 14em">engine</th><td>${p.engine}</td></tr>
${p.error !== undefined ? html`<tr><th>engine message</th><td><code>${p.error}</code>${p.codeName ? html` <span class="meta">(${p.raftCode ?? ''} ${p.code ?? ''}: ${p.codeName})</span>` : ''}</td></tr>` : ''}
<tr><th>why</th><td>${p.why}</td></tr>
${fileList('moved aside (corrupt-*)', p.renamed)}${fileList('removed', p.removed)}${fileList('created', p.created)}
${v.startupDrops ? html`<tr><th>entries dropped</th><td class="warn">${v.startupDrops.from}-${v.startupDrops.to}</td></tr>` : ''}
${log}${others}
${p.notes.length ? html`<tr><th>notes</th><td>${join(p.notes, html`<br>`)}</td></tr>` : ''}
<tr><th>as a repair source</th><td>${contributionWords(v)}</td></tr>
</tbody></table>`;
}

export function startupSection(r: ReportOutcome): SafeHtml {
  return html`<section id="startup"><h2>Start-up, node by node</h2>
<p class="meta">What the engine does with each directory as it is, predicted by the loader simulation (${r.verdicts[0]?.engine.name ?? ''}); messages are the engine's exact text.</p>
${r.verdicts.map(startupNode)}</section>`;
}

function evidence(data: Readonly<Record<string, unknown>>): SafeHtml | '' {
  const plain = toPlain(data) as Record<string, unknown>;
  const keys = Object.keys(plain);
  if (!keys.length) return '';
  const cell = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  return html`<table class="evidence"><tbody>${keys.map((k) => html`<tr><td>${k}</td><td class="mono">${cell(plain[k])}</td></tr>`)}</tbody></table>`;
}

/** Findings listed per severity; the rest are counted (see check --json). */
export const LISTED_PER_SEVERITY = 200;

function findingBlock(f: Finding): SafeHtml {
  const where = f.file ? html` <code>${f.file}</code>${f.offset !== undefined ? html` at byte ${f.offset}` : ''}` : '';
  return html`<div class="finding ${f.severity}"><div class="head">${f.code} <span class="tag">${f.severity}</span> ${f.node}${where}</div>
<div>${f.message}</div>
${f.repairs.length ? html`<ul class="tight">${f.repairs.map((x, i) => html`<li>${i === 0 ? 'repair' : 'or'}: ${x}</li>`)}</ul>` : ''}
${evidence(f.data)}</div>`;
}

export function findingsSection(r: ReportOutcome): SafeHtml {
  const groups = (['error', 'warning', 'info'] as const).map((s) => {
    const list = r.findings.filter((f) => f.severity === s);
    if (!list.length) return '';
    const title = s === 'error' ? 'Errors' : s === 'warning' ? 'Warnings' : 'Notes';
    const more =
      list.length > LISTED_PER_SEVERITY
        ? html`<p>… ${list.length - LISTED_PER_SEVERITY} more (see <code>raft-rescue check --json</code>).</p>`
        : '';
    return html`<h3>${title} (${list.length})</h3>${list.slice(0, LISTED_PER_SEVERITY).map(findingBlock)}${more}`;
  });
  return html`<section id="findings"><h2>Findings</h2>${r.findings.length ? groups : html`<p class="ok">No findings.</p>`}</section>`;
}

export function rankingSection(r: ReportOutcome): SafeHtml {
  const rows = r.ranking.nodes.map((n) => {
    const c = n.verdict.contribution;
    return html`<tr><td class="num">${n.rank}${n.rank === 1 ? ' ★' : ''}</td><td><b>${n.name}</b></td><td class="num">${c.lastTerm}</td><td class="num">${c.lastIndex}</td>
<td>${c.need === 'none' ? 'none' : c.need === 'lossless' ? 'lossless' : html`<span class="warn">loses data</span>`}</td><td class="${okClass(n.verdict)}">${startupWords(n.verdict.startup, n.verdict.startupDrops)}</td><td class="num">${n.highestLastIndexRank}</td></tr>`;
  });
  return html`<section id="ranking"><h2>Ranking</h2>
<table><thead><tr><th>rank</th><th>node</th><th>last term</th><th>last index</th><th>repair</th><th>start-up</th><th>by highest index</th></tr></thead><tbody>${rows}</tbody></table>
<p class="meta">Raft's election rule (last term, then last index) over what each node can contribute; "by highest index" is the manual <code>.reconfigure</code> method's order.</p>
<ul class="tight">${r.ranking.explanation.map((e) => html`<li>${e}</li>`)}</ul></section>`;
}
