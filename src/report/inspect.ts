// Human rendering of `inspect`: a summary table, then one section per node. Long lists (a node
// with thousands of segments) are cut to their first and last rows; --json has every row.
// Names from the disk go through printable() (tables do it themselves).
import type { NodeReport } from '../analysis/inspect-report.js';
import type { InspectOutcome } from '../workflows/inspect.js';
import { roleName as yamlRole } from '../format/node-yaml.js';
import { printable } from './printable.js';
import { chalkFor, fitText, formatBytes, indent, summarizeRows, table, type RenderOptions } from './style.js';
import { contributionWords, otherEnginesWords, startupWords } from '../workflows/documents/words.js';
import { renderEngineLine } from './engine.js';

const omittedRow =
  (columns: number) =>
  (n: number): string[] => [`… ${n} more (see --json)`, ...Array<string>(columns - 1).fill('')];

const str = (v: bigint | number | null | undefined) => (v === null || v === undefined ? '-' : String(v));

function summary(nodes: readonly NodeReport[], o: RenderOptions): string {
  return table(
    [
      { header: 'node', nowrap: true },
      { header: 'ID', drop: 1 },
      'first',
      'last',
      'last term',
      { header: 'snapshots', drop: 2 },
      'segments',
      'issues',
    ],
    nodes.map((n) => [
      n.name,
      str(n.id),
      str(n.log.firstIndex),
      str(n.log.lastIndex),
      str(n.log.lastTerm),
      n.snapshots.length,
      `${n.segmentTotals.closed} closed, ${n.segmentTotals.open} open`,
      n.issues.length,
    ]),
    o,
  );
}

const PRODUCT_NAMES: Readonly<Record<string, string>> = {
  lxd: 'LXD',
  incus: 'Incus',
  microk8s: 'MicroK8s',
  microcluster: 'microcluster',
};

function productLines(n: NodeReport): string[] {
  const p = n.productLayout;
  if (!p) return [];
  const product = `${PRODUCT_NAMES[p.kind] ?? p.kind}${p.app ? ` (${p.app})` : ''}`;
  const who = [
    p.memberName,
    n.id !== null ? `ID ${n.id}` : undefined,
    n.address ?? undefined,
    p.role !== null ? yamlRole(p.role) : undefined,
  ]
    .filter((x) => x !== undefined && x !== null)
    .map((x) => printable(String(x)))
    .join(', ');
  const lines = [
    p.backup
      ? `product      ${product} backup (${printable(p.backup.source)}) of ${printable(p.backup.of ?? n.backupOf ?? 'an unknown member')}`
      : `product      ${product} member ${who || '(identity unknown)'}`,
  ];
  lines.push(
    `state dir    ${printable(p.stateDir)}${p.machine ? `  (machine ${printable(p.machine)})` : ''}  raft dir ${p.raftPath}${p.schemaVersion !== null ? `  local.db schema ${p.schemaVersion}` : ''}`,
  );
  if (p.members) {
    const members = p.members.map(
      (m) =>
        `${m.name ? `${printable(m.name)} ` : ''}ID ${m.id} ${printable(m.address)}${m.role !== null ? ` ${yamlRole(m.role)}` : ''}`,
    );
    lines.push(`members      ${summarizeRows(members, (k) => `… ${k} more`, 20).join('; ') || '(none)'}`);
  }
  if (p.pendingPatch) lines.push(`pending      ${p.pendingPatch} (applied at the next start)`);
  for (const i of p.issues) lines.push(`  !! ${i.level}: ${printable(i.message)}`);
  return lines;
}

function identity(n: NodeReport): string[] {
  const lines: string[] = productLines(n);
  const lxd = n.productLayout?.kind === 'lxd' || n.productLayout?.kind === 'incus';
  if (lxd && !n.info) lines.push('info.yaml    (none: LXD and Incus keep the identity in local.db)');
  else
    lines.push(
      n.info
        ? `info.yaml    ID ${n.info.id}  Address ${printable(n.info.address)}  Role ${n.info.role} (${yamlRole(n.info.role)})`
        : 'info.yaml    (missing)',
    );
  if (n.cluster) {
    const members = n.cluster.map((m) => `${printable(m.address)} ID ${m.id} ${yamlRole(m.role)}`);
    lines.push(`cluster.yaml ${summarizeRows(members, (k) => `… ${k} more`, 20).join('; ') || '(empty)'}`);
  } else if (!lxd) lines.push('cluster.yaml (missing)');
  for (const m of n.metadata) {
    const p = m.problems.length ? `  !! ${printable(m.problems.join('; '))}` : '';
    lines.push(`${m.file.padEnd(12)} version ${str(m.version)}  term ${str(m.term)}  votedFor ${str(m.votedFor)}${p}`);
  }
  if (!n.metadata.length) lines.push('metadata     (no metadata1/metadata2)');
  lines.push(
    `log          first ${str(n.log.firstIndex)}  last ${str(n.log.lastIndex)}  last term ${str(n.log.lastTerm)}  (${n.segmentTotals.entries} entries in segments, ${formatBytes(n.segmentTotals.bytes)})`,
  );
  lines.push(`start-up     ${printable(startupWords(n.verdict.startup, n.verdict.startupDrops))}`);
  for (const other of otherEnginesWords(n.verdict)) lines.push(`  but with   ${printable(other)}`);
  lines.push(`as a source  ${printable(contributionWords(n.verdict))}`);
  const src = n.configurationSource;
  lines.push(`raft config  ${src ? `index ${src.index} from ${src.source} (${printable(src.file)})` : '(none found)'}`);
  return lines;
}

/** A snapshot's cells after its name, as the text and the HTML report show them. */
export function snapshotCells(s: NodeReport['snapshots'][number]): (string | number)[] {
  const meta =
    s.metaSize === null ? 'no .meta' : s.metaChecksumOk === null ? 'unreadable' : s.metaChecksumOk ? 'ok' : 'MISMATCH';
  return [
    str(s.term),
    str(s.index),
    s.size === null ? 'missing' : formatBytes(s.size),
    s.compressed === null ? '-' : s.compressed ? 'yes' : 'no',
    str(s.configurationIndex),
    s.members.length,
    meta,
  ];
}

function snapshotTable(n: NodeReport, o: RenderOptions): string {
  if (!n.snapshots.length) return 'snapshots: none';
  return table(
    [
      { header: 'snapshot', nowrap: true },
      'term',
      'index',
      'size',
      { header: 'lz4', drop: 1 },
      { header: 'conf index', drop: 2 },
      { header: 'members', drop: 3 },
      'meta crc',
    ],
    summarizeRows(
      n.snapshots.map((s) => [s.name, ...snapshotCells(s)]),
      omittedRow(8),
    ),
    o,
  );
}

function segmentTable(n: NodeReport, o: RenderOptions): string {
  if (!n.segments.length) return 'segments: none';
  return table(
    [
      { header: 'segment', nowrap: true },
      { header: 'kind', drop: 1 },
      'indexes',
      { header: 'entries', drop: 2 },
      'terms',
      { header: 'size', drop: 3 },
      'bad crc',
      'reader stops',
    ],
    summarizeRows(
      n.segments.map((s) => [
        s.name,
        s.kind,
        s.entries ? `${s.firstIndex}-${s.lastIndex}` : '-',
        s.entries,
        s.firstTerm === null ? '-' : s.firstTerm === s.lastTerm ? str(s.firstTerm) : `${s.firstTerm}-${s.lastTerm}`,
        formatBytes(s.size),
        s.badChecksumBatches,
        s.stop ?? (s.kind === 'open' ? '-' : 'end of file'),
      ]),
      omittedRow(8),
    ),
    o,
  );
}

function members(n: NodeReport, o: RenderOptions): string {
  if (!n.configuration.length) return 'configuration: none';
  return table(
    ['ID', 'address', 'raft role'],
    summarizeRows(
      n.configuration.map((m) => [str(m.id), m.address, m.role]),
      omittedRow(3),
    ),
    o,
  );
}

function issues(n: NodeReport, o: RenderOptions): string {
  const c = chalkFor(o);
  if (!n.issues.length && !n.otherFiles.length) return c.green('no decode issues');
  const lines = summarizeRows(
    n.issues.map((i) => c.yellow(`! ${printable(i.file)} @${i.offset}: ${printable(i.message)}`)),
    (k) => `… ${k} more issues (see --json)`,
  );
  const others = n.otherFiles.map((f) => `· other file ${printable(f.name)} (${f.kind}, ${formatBytes(f.size)})`);
  lines.push(...summarizeRows(others, (k) => `… ${k} more other files (see --json)`));
  return lines.join('\n');
}

export function renderInspect(outcome: InspectOutcome, o: RenderOptions): string {
  const c = chalkFor(o);
  const nodes = outcome.reports;
  const parts = [`${renderEngineLine(outcome.engine, o)}\n${summary(nodes, o)}`];
  // Node sections are indented by 2: their tables get 2 columns less.
  const inner: RenderOptions = { ...o, width: o.width === undefined ? undefined : o.width - 2 };
  for (const n of nodes) {
    parts.push(
      [
        c.bold(`Node ${printable(n.name)}`) + `  ${c.dim(printable(n.path))}`,
        indent(identity(n).join('\n')),
        indent(snapshotTable(n, inner)),
        indent(segmentTable(n, inner)),
        indent(members(n, inner)),
        indent(issues(n, o)),
      ].join('\n'),
    );
  }
  return fitText(`${parts.join('\n\n')}\n`, o.width);
}
