// Do the inputs come from one cluster? Raft's Log Matching property: two logs that hold an entry
// with the same index and term hold the same entry (byte for byte) and the same log before it.
// Nodes of two different clusters break it at once, usually at index 1 (the bootstrap
// configuration names other addresses or IDs) or at the first entry both hold; two clusters made
// on the same addresses (the same bootstrap ID and configuration) differ at their first data
// entry. Checked per pair of nodes, cheaply: the configurations both logs hold at the same index
// and term (decoded already), the snapshots both hold at the same index and term, and the payload
// bytes of the first and the last index both hold in the same term (two reads).
import { raftRoleName, type ConfigurationServer } from '../format/configuration.js';
import type { NodeIndex } from '../scan/node-index.js';
import type { PayloadReader } from '../scan/payloads.js';
import type { LogEntryRef, LogView } from './loader/log-view.js';

/** One entry (or snapshot) that two nodes both hold with the same index and term, but differently. */
export interface ClusterConflict {
  /** The two nodes' display paths (names alone can be the same in two clusters on the same addresses). */
  readonly nodes: readonly [string, string];
  readonly index: bigint;
  readonly term: bigint;
  /** What differs, in words. */
  readonly what: string;
  /** Where each node holds it: file and payload offset (a snapshot: its .meta file). */
  readonly at: readonly [
    { readonly file: string; readonly offset: number },
    { readonly file: string; readonly offset: number },
  ];
}

interface Side {
  readonly node: NodeIndex;
  readonly view: LogView;
}

const membersText = (s: readonly ConfigurationServer[]): string =>
  s.map((m) => `${m.id}@${m.address} ${raftRoleName(m.role)}`).join(', ');

function sameServers(a: readonly ConfigurationServer[], b: readonly ConfigurationServer[]): boolean {
  return (
    a.length === b.length &&
    a.every((s, i) => s.id === b[i]!.id && s.address === b[i]!.address && s.role === b[i]!.role)
  );
}

function conflict(a: Side, b: Side, ea: LogEntryRef, eb: LogEntryRef, what: string): ClusterConflict {
  return {
    nodes: [a.node.displayPath, b.node.displayPath],
    index: ea.index,
    term: ea.term,
    what,
    at: [
      { file: ea.file, offset: ea.entry.payloadOffset },
      { file: eb.file, offset: eb.entry.payloadOffset },
    ],
  };
}

/** Configurations (CHANGE entries) both logs hold at the same index and term. */
function configurationConflict(a: Side, b: Side): ClusterConflict | undefined {
  for (const run of a.view.runs) {
    for (const c of run.record.configurations) {
      if (c.position >= run.count || !c.servers) continue;
      const index = run.firstIndex + BigInt(c.position);
      const ea = a.view.entryAt(index);
      const eb = b.view.entryAt(index);
      if (!ea || !eb || ea.term !== eb.term) continue;
      const rb = b.view.runs.find((r) => r.file === eb.file);
      const other = rb?.record.configurations.find((x) => x.position === eb.position);
      if (eb.type !== ea.type || !other?.servers)
        return conflict(
          a,
          b,
          ea,
          eb,
          `one holds a configuration entry, the other a ${eb.type === 2 ? 'barrier' : 'command'}`,
        );
      if (!sameServers(c.servers, other.servers)) {
        return conflict(
          a,
          b,
          ea,
          eb,
          `different configurations: ${membersText(c.servers)} vs ${membersText(other.servers)}`,
        );
      }
    }
  }
  return undefined;
}

/** Snapshots both hold with the same index and term must carry the same configuration. */
function snapshotConflict(a: Side, b: Side): ClusterConflict | undefined {
  for (const sa of a.node.snapshots) {
    const sb = b.node.snapshots.find((s) => s.index === sa.index && s.term === sa.term);
    const ca = sa.meta?.decoded.value?.configuration;
    const cb = sb?.meta?.decoded.value?.configuration;
    if (!sb || !ca || !cb || sameServers(ca, cb)) continue;
    return {
      nodes: [a.node.displayPath, b.node.displayPath],
      index: sa.index,
      term: sa.term,
      what: `snapshots at the same index and term with different configurations: ${membersText(ca)} vs ${membersText(cb)}`,
      at: [
        { file: `${sa.name}.meta`, offset: 0 },
        { file: `${sb.name}.meta`, offset: 0 },
      ],
    };
  }
  return undefined;
}

function payloadConflict(a: Side, b: Side, index: bigint, payloads: PayloadReader): ClusterConflict | undefined {
  const ea = a.view.entryAt(index);
  const eb = b.view.entryAt(index);
  if (!ea || !eb || ea.term !== eb.term) return undefined;
  if (ea.type !== eb.type || ea.entry.length !== eb.entry.length) {
    return conflict(a, b, ea, eb, `entries of another type or size (${ea.entry.length} vs ${eb.entry.length} bytes)`);
  }
  const x = payloads.payload(a.node, ea.file, ea.entry);
  const y = payloads.payload(b.node, eb.file, eb.entry);
  return Buffer.compare(
    Buffer.from(x.buffer, x.byteOffset, x.length),
    Buffer.from(y.buffer, y.byteOffset, y.length),
  ) === 0
    ? undefined
    : conflict(a, b, ea, eb, 'entries with different payload bytes');
}

/** The first and the last index both logs hold. */
function overlap(a: LogView, b: LogView): [bigint, bigint] | undefined {
  const from = a.startIndex > b.startIndex ? a.startIndex : b.startIndex;
  const to = a.lastIndex < b.lastIndex ? a.lastIndex : b.lastIndex;
  return from <= to ? [from, to] : undefined;
}

/** Evidence that two nodes belong to different clusters (none when they can belong to one). */
export function clusterConflict(a: Side, b: Side, payloads: PayloadReader): ClusterConflict | undefined {
  const found = configurationConflict(a, b) ?? configurationConflict(b, a) ?? snapshotConflict(a, b);
  if (found) return found;
  const both = overlap(a.view, b.view);
  if (!both) return undefined;
  return payloadConflict(a, b, both[0], payloads) ?? payloadConflict(a, b, both[1], payloads);
}

/** Every pair of nodes that cannot belong to one cluster, with the evidence. */
export function clusterConflicts(sides: readonly Side[], payloads: PayloadReader): ClusterConflict[] {
  const out: ClusterConflict[] = [];
  for (let i = 0; i < sides.length; i++) {
    for (let j = i + 1; j < sides.length; j++) {
      const c = clusterConflict(sides[i]!, sides[j]!, payloads);
      if (c) out.push(c);
    }
  }
  return out;
}

/**
 * The inputs as clusters (lists of display paths): each node joins the first group none of whose
 * members conflicts with it (in input order). One group when every pair can belong to one cluster.
 */
export function clusterGroups(paths: readonly string[], conflicts: readonly ClusterConflict[]): string[][] {
  const clash = (a: string, b: string): boolean =>
    conflicts.some((c) => (c.nodes[0] === a && c.nodes[1] === b) || (c.nodes[0] === b && c.nodes[1] === a));
  const groups: string[][] = [];
  for (const n of paths) {
    const g = groups.find((members) => members.every((m) => !clash(m, n)));
    if (g) g.push(n);
    else groups.push([n]);
  }
  return groups;
}
