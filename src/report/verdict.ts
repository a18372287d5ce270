// A node verdict (analysis/verdict.ts) as JSON and as words. Every command that speaks about a
// node renders it through here, so `rank`, `check`, `inspect`, `dump` and `repair` show the same
// start-up object and the same ranges. In JSON, roles are words (`role`) with raft's number beside
// them under a name that says which numbering it is (`raftRole`: 1 voter, 0 stand-by, 2 spare).
import type { StartupPrediction } from '../analysis/loader/index.js';
import { needWords } from '../analysis/rank.js';
import type { NodeVerdict, ReadDepth } from '../analysis/verdict.js';
import { raftRoleName, type ConfigurationServer } from '../format/configuration.js';

export function membersJson(servers: readonly ConfigurationServer[] | undefined): Record<string, unknown>[] | null {
  return servers ? servers.map((s) => ({ id: s.id, address: s.address, role: raftRoleName(s.role), raftRole: s.role })) : null;
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
          configuration: membersJson(p.log.configuration),
        }
      : null,
    snapshot: p.snapshot ? { name: p.snapshot.name, term: p.snapshot.term, index: p.snapshot.index } : null,
    why: p.why,
    notes: p.notes,
  };
}

export const READ_WORDS: Readonly<Record<ReadDepth, string>> = {
  'every-byte': 'every byte, every checksum verified',
  headers: 'batch headers only, checksums not verified',
  'log-tail': 'the log\'s tail only (older closed segments trusted by name), checksums not verified',
};

export function verdictJson(v: NodeVerdict): Record<string, unknown> {
  const info = v.node.info?.value;
  const c = v.contribution;
  return {
    name: v.name,
    path: v.node.displayPath,
    id: info?.id ?? null,
    address: info?.address ?? null,
    read: v.read,
    checksumsVerified: v.read === 'every-byte',
    held: {
      snapshot: v.held.snapshot ?? null,
      startIndex: v.held.startIndex,
      lastIndex: v.held.lastIndex,
      lastTerm: v.held.lastTerm,
      gaps: v.held.gaps,
      damaged: v.held.damaged.map((d) => ({ file: d.file, offset: d.offset, from: d.from, to: d.to ?? null, what: d.what })),
    },
    startup: startupJson(v.startup),
    // Only with --engine auto and engines the evidence cannot tell apart (absent otherwise).
    ...(v.otherEngines.length > 0
      ? { otherEngines: v.otherEngines.map((o) => ({ engines: o.engines, startup: startupJson(o.startup) })) }
      : {}),
    startupDrops: v.startupDrops ?? null,
    contribution: {
      startIndex: c.startIndex,
      lastIndex: c.lastIndex,
      lastTerm: c.lastTerm,
      repair: c.need,
      fills: c.fills,
      lost: c.lost.map((l) => ({ kind: l.kind, from: l.from, to: l.to ?? null, reason: l.reason })),
      steps: c.steps.map((s) => ({ kind: s.kind, lossless: s.lossless, description: s.description })),
    },
  };
}

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
  const fills = c.fills.length ? `; fills ${c.fills.map((f) => `${f.range.from}-${f.range.to} from ${f.donors.join(' and ')}`).join(', ')}` : '';
  const lost = c.lost.length ? `; loses ${c.lost.map((l) => `${l.from}-${l.to ?? '?'}`).join(', ')}` : '';
  return `${needWords(c.need)}: keeps up to index ${c.lastIndex} (term ${c.lastTerm})${fills}${lost}`;
}
