// Helpers shared by the fault rules: building findings, wording index ranges, the node's newest
// configuration, which other nodes hold a range, and snapshot and file-name facts. Segment facts
// are in segment-facts.ts.
import type { ConfigurationServer } from '../../format/configuration.js';
import { fileNamed, type SnapshotRecord } from '../../scan/node-index.js';
import type { Finding, SeverityName } from '../findings.js';
import type { NodeFacts, Rule, RuleContext } from './rule.js';
import { covers } from './term-spans.js';

export interface FindingFields {
  readonly severity?: SeverityName;
  readonly file?: string;
  readonly offset?: number;
  readonly message: string;
  readonly repairs?: readonly string[];
  readonly data?: Record<string, unknown>;
}

export function finding(rule: Pick<Rule, 'code' | 'severity'>, node: string, f: FindingFields): Finding {
  return {
    code: rule.code,
    severity: f.severity ?? rule.severity,
    node,
    ...(f.file !== undefined ? { file: f.file } : {}),
    ...(f.offset !== undefined ? { offset: f.offset } : {}),
    message: f.message,
    repairs: f.repairs ?? [],
    data: f.data ?? {},
  };
}

/** "1025-2040", or "1025" for a single index. */
export function span(from: bigint, to: bigint): string {
  return from === to ? `${from}` : `${from}-${to}`;
}

/** "1 entry", "3 entries", "1 byte", "16 bytes". */
export function plural(n: bigint | number, word: 'entry' | 'byte' | 'batch' | 'file' | 'index'): string {
  const many: Record<string, string> = {
    entry: 'entries',
    byte: 'bytes',
    batch: 'batches',
    file: 'files',
    index: 'indexes',
  };
  return `${n} ${BigInt(n) === 1n ? word : many[word]}`;
}

/** The newest raft configuration this node holds: the loaded log's, else the on-disk log's. */
export function latestConfiguration(
  facts: NodeFacts,
): { index: bigint; servers: readonly ConfigurationServer[]; source: string } | undefined {
  const log = facts.prediction.log;
  if (log?.configuration && log.configurationIndex !== undefined) {
    return { index: log.configurationIndex, servers: log.configuration, source: 'loaded log' };
  }
  const view = facts.diskLog;
  const snap = view.snapshot;
  const meta =
    snap && facts.node.snapshots.find((s) => s.index === snap.index && s.term === snap.term)?.meta?.decoded.value;
  const conf = view.latestConfiguration(
    meta?.configuration ? { index: meta.configurationIndex, servers: meta.configuration } : undefined,
  );
  return conf?.servers ? { index: conf.index, servers: conf.servers, source: `${conf.source} on disk` } : undefined;
}

/** A list of names for a sentence: "a", "a and b", "a, b and c". */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Other nodes whose on-disk log holds every entry of [from, to], agreeing on the terms at both edges. */
export function holders(ctx: RuleContext, self: NodeFacts, from: bigint, to: bigint): string[] {
  const agrees = (o: NodeFacts, i: bigint): boolean => {
    const a = self.diskLog.termAt(i);
    const b = o.diskLog.termAt(i);
    return a === undefined || b === undefined || a === b;
  };
  return ctx.nodes
    .filter((o) => o !== self && covers(o.diskLog, from, to) && agrees(o, from - 1n) && agrees(o, to + 1n))
    .map((o) => o.node.name);
}

/** The name of a snapshot's `.meta` file as it is on disk (it may be spelled non-canonically). */
export function metaFileName(facts: NodeFacts, record: SnapshotRecord): string {
  const f = facts.node.files.find((x) => x.class.kind === 'snapshot-meta' && x.class.dataName === record.name);
  return f?.name ?? `${record.name}.meta`;
}

/** Whether this is the snapshot start-up loads (the newest, unless the engine falls back past it). */
export function isNewestSnapshot(facts: NodeFacts, record: SnapshotRecord): boolean {
  return facts.snapshot?.name === record.name;
}

/** Whether `record` sorts after the snapshot start-up uses (uvSnapshotCompare: term, index, timestamp). */
export function newerThanUsed(facts: NodeFacts, record: SnapshotRecord): boolean {
  const s = facts.snapshot;
  if (!s) return true;
  if (record.term !== s.term) return record.term > s.term;
  if (record.index !== s.index) return record.index > s.index;
  return record.timestamp > s.timestamp;
}

/** Spellings C reads as a different number than a person does. */
export function misleadingSpelling(reason: string | undefined): boolean {
  return reason !== undefined && (reason.includes("'-' sign") || reason.includes('saturated'));
}

/** "entry 1025" or "entries 1025-2040". */
export function entriesSpan(from: bigint, to: bigint): string {
  return from === to ? `entry ${from}` : `entries ${from}-${to}`;
}

/** Whether a file's name is a non-canonical spelling (RR030 reports those; snapshot rules leave them to it). */
export function nonCanonical(facts: NodeFacts, name: string): boolean {
  const c = fileNamed(facts.node, name)?.class;
  return c !== undefined && 'nonCanonical' in c && c.nonCanonical === true;
}
