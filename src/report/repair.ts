// Human rendering of a repair plan and of what applying it wrote. The plan is meant to be read
// before anything is written: the verdict first (ready, or refused and why), then where the data
// comes from, what is repaired and how, what is lost, and the files (long lists cut; --json has
// every file).
import type { ApplyResult } from '../repair/apply/apply.js';
import type { NextSteps } from '../repair/plan/product/next-steps.js';
import type { PlannedFile, PlannedNode, RepairPlan } from '../repair/plan/types.js';
import { printable } from './printable.js';
import { chalkFor, fitText, formatBytes, summarizeRows, table, type RenderOptions } from './style.js';

function origin(f: PlannedFile): string {
  return fileOriginWords(f, (key) => key.split('/').pop() ?? key);
}

/** Where a planned file's bytes come from, in words; `node` names an input node from its plan key. */
export function fileOriginWords(f: PlannedFile, node: (key: string) => string): string {
  const o = f.from;
  switch (o.kind) {
    case 'copy':
      return `copy of ${node(o.node)}/${o.file}`;
    case 'truncated-copy':
      return `first ${o.bytes} of ${o.originalSize} bytes of ${node(o.node)}/${o.file} (${o.why})`;
    case 'entries':
      return `entries ${o.firstIndex}..${o.lastIndex} re-encoded from ${node(o.node)}/${o.file}`;
    case 'generated':
      return `generated ${o.what}`;
    case 'product-edit':
      return `${node(o.node)}/${o.file} with its address${o.what === 'local.db' ? ' and raft_nodes' : ''} set for the target`;
    case 'product-generated':
      return `generated ${o.what}`;
    case 'converted-snapshot':
      return `${node(o.node)}/${o.file} converted to ${o.to === 'lz4' ? 'an LZ4 frame' : 'raw data'}`;
  }
}

const ENGINE_SOURCE = {
  flag: 'the engine named',
  evidence: 'inferred from the inputs',
  unknown: 'a guess: the inputs do not show the engine',
} as const;

/** Which engine the output is for and why, with what that changes (term, snapshot form), in one line. */
function engineLine(plan: RepairPlan): string {
  const e = plan.engine;
  const form = e.snapshotForm ? `, snapshot written as ${e.snapshotForm === 'lz4' ? 'an LZ4 frame' : 'raw data'}` : '';
  const term = plan.configurationEntry ? `, configuration entry term ${plan.configurationEntry.term}` : '';
  return `For ${printable(e.name)} (${ENGINE_SOURCE[e.source]})${term}${form}.`;
}

/** The verdict and its reason: a refused plan says why before anything else. */
function verdict(plan: RepairPlan, o: RenderOptions): string[] {
  const c = chalkFor(o);
  const status = plan.status === 'ready' ? c.green('READY') : c.red('REFUSED');
  const lines = [`Repair plan (plan version ${plan.planVersion}): ${status}`];
  if (plan.refusals.length) lines.push(c.red('Refused:'), ...plan.refusals.map((r) => `  - ${printable(r)}`));
  const lossy = plan.repairs.filter((r) => !r.lossless).length;
  const what = plan.repairs.length
    ? `${plan.repairs.length} repair${plan.repairs.length === 1 ? '' : 's'} (${lossy ? `${lossy} losing data` : plan.repairs.length === 1 ? 'lossless' : 'all lossless'})`
    : 'no repairs needed';
  const lost = plan.lost.length
    ? `loses entries ${plan.lost.map((l) => `${l.from}..${l.to ?? '?'}`).join(', ')}`
    : 'loses no entry';
  const source = plan.source ? `from ${c.bold(printable(plan.source.name))}: ` : '';
  lines.push(
    `${plan.status === 'ready' ? 'Writes' : 'Would write'} ${plan.outputs.length} nodes ${source}${what}; ${lost}.`,
  );
  return lines;
}

function header(plan: RepairPlan, o: RenderOptions): string[] {
  const c = chalkFor(o);
  const lines: string[] = ['', engineLine(plan)];
  if (plan.source) {
    lines.push(
      '',
      `Source: ${c.bold(printable(plan.source.name))}${plan.source.id ? ` (ID ${plan.source.id})` : ''}, chosen by ${plan.source.chosenBy === 'rank' ? 'the raft rule' : '--source'}`,
    );
    for (const r of plan.source.reasons) lines.push(`  - ${printable(r)}`);
  }
  return lines;
}

function membership(plan: RepairPlan, o: RenderOptions): string[] {
  if (!plan.target) return [];
  const named = plan.target.members.some((m) => m.name !== undefined);
  const rows = plan.target.members.map((m) => [
    m.id,
    ...(named ? [printable(m.name ?? '')] : []),
    m.address,
    `${m.roleName} (${m.role})`,
    m.isNew ? 'new ID' : m.previousAddress ? `was ${m.previousAddress}` : '',
  ]);
  const from =
    plan.target.from === 'cluster-file' ? `--cluster ${plan.target.file}` : "the source's latest raft configuration";
  return [
    '',
    `Target membership (from ${from}):`,
    table(['ID', ...(named ? ['name'] : []), 'address', 'role', 'note'], rows, o),
  ];
}

function logSummary(plan: RepairPlan): string[] {
  const l = plan.log;
  const e = plan.configurationEntry;
  if (!l) return [];
  const snap = l.snapshot
    ? `snapshot ${l.snapshot.name} (term ${l.snapshot.term}, index ${l.snapshot.index})`
    : 'no snapshot';
  const entries =
    BigInt(l.lastIndex) >= BigInt(l.startIndex)
      ? `entries ${l.startIndex}..${l.lastIndex} (last term ${l.lastTerm})`
      : 'no entries';
  const lines = ['', `Log after repair: ${snap}, ${entries}.`];
  if (e)
    lines.push(
      `New configuration entry: ${e.file}, index ${e.index}, term ${e.term}, RAFT_CHANGE with ${e.servers.map((s) => `${s.id}@${s.address} ${s.role}`).join(', ')}.`,
    );
  return lines;
}

function repairs(plan: RepairPlan, o: RenderOptions): string[] {
  const c = chalkFor(o);
  const lines = ['', plan.repairs.length ? 'Repairs:' : 'Repairs: none needed.'];
  for (const r of plan.repairs)
    lines.push(`  - ${r.lossless ? c.green('[lossless]') : c.yellow('[loses data]')} ${r.kind}: ${r.description}`);
  lines.push(plan.lost.length ? c.yellow('Lost entries:') : 'Lost entries: none.');
  for (const l of plan.lost) {
    lines.push(`  - ${l.from}..${l.to ?? '?'} (${l.kind}): ${l.reason}`);
    if (l.data) lines.push(`    In the databases: ${l.data.words}.`);
  }
  return lines;
}

function fileRows(files: readonly PlannedFile[]): string[][] {
  const rows = files.map((f) => [f.dir ? `${f.dir}/${f.name}` : f.name, formatBytes(f.size), origin(f)]);
  return summarizeRows(rows, (n) => [`… ${n} more files (see --json)`, '', '']);
}

const FILE_COLUMNS = [{ header: 'file', nowrap: true }, { header: 'size', drop: 1 }, 'from'];

/** Files every output node gets identically (the log), shown once. */
function sharedFiles(nodes: readonly PlannedNode[]): PlannedFile[] {
  const [first, ...rest] = nodes;
  if (!first) return [];
  const key = (f: PlannedFile) => `${f.dir ?? ''}/${f.name}\0${JSON.stringify(f.from)}`;
  const others = rest.map((n) => new Set(n.files.map(key))); // sets: a log may have 100 000 files
  return first.files.filter((f) => others.every((keys) => keys.has(key(f))));
}

function outputs(plan: RepairPlan, o: RenderOptions): string[] {
  if (!plan.outputs.length) return [];
  const shared = sharedFiles(plan.outputs);
  const names = new Set(shared.map((f) => `${f.dir ?? ''}/${f.name}`));
  const lines = [
    '',
    `Data files written to every node (${plan.outputs.length}):`,
    table(FILE_COLUMNS, fileRows(shared), o),
    'Per node:',
  ];
  for (const n of plan.outputs) {
    const dir = n.dir !== undefined ? `${printable(n.dir)}/ (${printable(n.address)}, ` : `${printable(n.address)} (`;
    lines.push(`${dir}ID ${n.id}, ${n.roleName}${n.isSource ? ', source' : ''}, metadata ${n.metadata})`);
    lines.push(table(FILE_COLUMNS, fileRows(n.files.filter((f) => !names.has(`${f.dir ?? ''}/${f.name}`))), o));
  }
  if (plan.metadata) lines.push(`Metadata: ${plan.metadata.rule} (T = ${plan.metadata.freshTerm})`);
  const notCopied = plan.notCopied.map((n) => `  - ${printable(n.file)}: ${printable(n.reason)}`);
  if (notCopied.length) lines.push('Not copied:', ...summarizeRows(notCopied, (k) => `  … ${k} more (see --json)`));
  return lines;
}

function warnings(plan: RepairPlan, o: RenderOptions): string[] {
  const c = chalkFor(o);
  return plan.warnings.length ? ['', c.yellow('Warnings:'), ...plan.warnings.map((w) => `  - ${printable(w)}`)] : [];
}

export function renderRepairPlan(plan: RepairPlan, o: RenderOptions): string {
  const parts = [
    ...verdict(plan, o),
    ...warnings(plan, o),
    ...header(plan, o),
    ...membership(plan, o),
    ...logSummary(plan),
    ...repairs(plan, o),
    ...outputs(plan, o),
  ];
  return fitText(`${parts.join('\n')}\n`, o.width);
}

export function renderRepairResult(result: ApplyResult, o: RenderOptions): string {
  const c = chalkFor(o);
  const lines = [
    `Wrote ${result.files.length} files (${formatBytes(result.totalBytes)}) to ${result.out}${result.format === 'directory' ? '' : ' (tarball)'}, with raft-rescue-manifest.json.`,
  ];
  if (result.replaced) lines.push(`The previous ${result.out} was moved to ${result.replaced}.`);
  for (const k of result.checks) {
    lines.push(
      `  ${c.green('✓')} ${k.address}: starts (loader simulation), entries ${k.startIndex}..${k.lastIndex}, last term ${k.lastTerm}`,
    );
  }
  return fitText(`${lines.join('\n')}\n`, o.width);
}

/** The product's next steps after a repair, numbered, commands indented. */
export function renderNextSteps(next: NextSteps, o: RenderOptions): string {
  if (!next.steps.length) return '';
  const c = chalkFor(o);
  const lines = ['', c.bold(`Next steps (${next.product}):`)];
  next.steps.forEach((s, i) => {
    lines.push(`${i + 1}. ${printable(s.title)} — on ${printable(s.where)}:`);
    for (const cmd of s.commands) lines.push(`     ${printable(cmd)}`);
    for (const n of s.notes) lines.push(`   ${printable(n)}`);
  });
  return `${lines.join('\n')}\n`;
}
