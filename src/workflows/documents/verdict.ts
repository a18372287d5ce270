// A node verdict (analysis/verdict.ts) as a plain document: what every `--json` output and the
// public API give for a node, with u64 values (indexes, terms, IDs) as decimal strings. rank,
// check, inspect and repair all build it here, so they show the same start-up object and the same
// ranges. Roles are words (`role`) with raft's number beside them under a name that says which
// numbering it is (`raftRole`: 1 voter, 0 stand-by, 2 spare; cluster.yaml's is another).
import { identityOf } from '../../analysis/identity.js';
import type { StartupPrediction } from '../../analysis/loader/index.js';
import type { NodeVerdict, ReadDepth } from '../../analysis/verdict.js';
import { raftRoleName, type ConfigurationServer } from '../../format/configuration.js';
import { lostDataDocument } from '../../repair/plan/lost-data-document.js';
import type { PlanLostData } from '../../repair/plan/types.js';
import type { InputNotes } from '../../scan/scan-inputs.js';

/** A u64 as a decimal string. */
export type Dec = string;

export interface RangeDocument {
  readonly from: Dec;
  readonly to: Dec;
}

export interface MemberDocument {
  readonly id: Dec;
  readonly address: string;
  /** voter, stand-by or spare. */
  readonly role: string;
  /** raft's number for the role: 1 voter, 0 stand-by, 2 spare. */
  readonly raftRole: number;
}

export interface StartupDocument {
  readonly ok: boolean;
  readonly outcome: 'ok' | 'error' | 'crash' | 'hang';
  /** The engine's exact error text (io->errmsg). */
  readonly error: string | null;
  readonly code: number | null;
  readonly crash: boolean;
  readonly hang: boolean;
  /** Files start-up moves aside to corrupt-*. */
  readonly renamed: readonly string[];
  readonly removed: readonly string[];
  readonly created: readonly string[];
  readonly ignored: readonly string[];
  readonly log: {
    readonly startIndex: Dec;
    readonly entries: Dec;
    readonly lastIndex: Dec;
    readonly lastTerm: Dec;
    readonly term: Dec;
    readonly votedFor: Dec;
    readonly configurationIndex: Dec | null;
    readonly configuration: readonly MemberDocument[] | null;
  } | null;
  readonly snapshot: { readonly name: string; readonly term: Dec; readonly index: Dec } | null;
  readonly why: string;
  readonly notes: readonly string[];
}

export interface VerdictDocument {
  /** Who the node is, unique among the inputs: the member's name, its address, or `<member>/<backup>`. */
  readonly name: string;
  readonly path: string;
  /** The product whose layout the node came from: lxd, incus, microk8s, microcluster; null for plain go-dqlite. */
  readonly product: string | null;
  /** The member's name where the product has one (LXD, Incus, microcluster). */
  readonly memberName: string | null;
  /** The raft ID and address from the product's identity (LXD local.db, microcluster and go-dqlite info.yaml). */
  readonly id: Dec | null;
  readonly address: string | null;
  /** For a backup (never a member): the member it backs up. */
  readonly backupOf: string | null;
  readonly read: ReadDepth;
  readonly checksumsVerified: boolean;
  readonly held: {
    readonly snapshot: { readonly term: Dec; readonly index: Dec } | null;
    readonly startIndex: Dec;
    readonly lastIndex: Dec;
    readonly lastTerm: Dec;
    readonly gaps: readonly RangeDocument[];
    readonly damaged: readonly {
      readonly file: string;
      readonly offset: number;
      readonly from: Dec;
      readonly to: Dec | null;
      readonly what: string;
    }[];
  };
  readonly startup: StartupDocument;
  /** Engines the evidence cannot rule out whose start-up would differ (only with engine `auto`). */
  readonly otherEngines?: readonly { readonly engines: readonly string[]; readonly startup: StartupDocument }[];
  readonly startupDrops: RangeDocument | null;
  readonly contribution: {
    readonly startIndex: Dec;
    readonly lastIndex: Dec;
    readonly lastTerm: Dec;
    /** none: starts as it is; lossless: repair keeps every entry; lossy: some are lost. */
    readonly repair: 'none' | 'lossless' | 'lossy';
    readonly fills: readonly { readonly range: RangeDocument; readonly donors: readonly string[] }[];
    readonly lost: readonly {
      readonly kind: string;
      readonly from: Dec;
      readonly to: Dec | null;
      readonly reason: string;
      /** What the entries change in the databases, as far as they can be read. */
      readonly data: PlanLostData | null;
    }[];
    readonly steps: readonly { readonly kind: string; readonly lossless: boolean; readonly description: string }[];
  };
}

export interface InputNotesDocument {
  readonly partialScan: {
    readonly accepted: true;
    readonly notSearched: readonly { readonly path: string; readonly reason: string }[];
  } | null;
  readonly duplicateMembers: InputNotes['duplicates'];
  readonly nestedArchives: InputNotes['archives'];
  readonly skipped: InputNotes['skipped'];
  readonly warnings: readonly string[];
}

export const dec = (v: bigint): Dec => v.toString(10);
const decOrNull = (v: bigint | undefined): Dec | null => (v === undefined ? null : v.toString(10));
export const rangeDocument = (r: { from: bigint; to: bigint }): RangeDocument => ({ from: dec(r.from), to: dec(r.to) });

export function membersDocument(servers: readonly ConfigurationServer[] | undefined): MemberDocument[] | null {
  return servers
    ? servers.map((s) => ({ id: dec(s.id), address: s.address, role: raftRoleName(s.role), raftRole: s.role }))
    : null;
}

export function startupDocument(p: StartupPrediction): StartupDocument {
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
          startIndex: dec(p.log.startIndex),
          entries: dec(p.log.entries),
          lastIndex: dec(p.log.lastIndex),
          lastTerm: dec(p.log.lastTerm),
          term: dec(p.log.term),
          votedFor: dec(p.log.votedFor),
          configurationIndex: decOrNull(p.log.configurationIndex),
          configuration: membersDocument(p.log.configuration),
        }
      : null,
    snapshot: p.snapshot ? { name: p.snapshot.name, term: dec(p.snapshot.term), index: dec(p.snapshot.index) } : null,
    why: p.why,
    notes: p.notes,
  };
}

export const READ_WORDS: Readonly<Record<ReadDepth, string>> = {
  'every-byte': 'every byte, every checksum verified',
  headers: 'batch headers only, checksums not verified',
  'log-tail': "the log's tail only (older closed segments trusted by name), checksums not verified",
};

/** The identity fields every document gives a node. */
export function identityDocument(
  node: NodeVerdict['node'],
): Pick<VerdictDocument, 'product' | 'memberName' | 'id' | 'address' | 'backupOf'> {
  const who = identityOf(node);
  return {
    product: who.product ?? null,
    memberName: who.memberName ?? null,
    id: decOrNull(who.id),
    address: who.address ?? null,
    backupOf: who.backupOf ?? null,
  };
}

export function verdictDocument(v: NodeVerdict): VerdictDocument {
  const c = v.contribution;
  return {
    name: v.name,
    path: v.node.displayPath,
    ...identityDocument(v.node),
    read: v.read,
    checksumsVerified: v.read === 'every-byte',
    held: {
      snapshot: v.held.snapshot ? { term: dec(v.held.snapshot.term), index: dec(v.held.snapshot.index) } : null,
      startIndex: dec(v.held.startIndex),
      lastIndex: dec(v.held.lastIndex),
      lastTerm: dec(v.held.lastTerm),
      gaps: v.held.gaps.map(rangeDocument),
      damaged: v.held.damaged.map((d) => ({
        file: d.file,
        offset: d.offset,
        from: dec(d.from),
        to: decOrNull(d.to),
        what: d.what,
      })),
    },
    startup: startupDocument(v.startup),
    // Only with engine `auto` and engines the evidence cannot tell apart (absent otherwise).
    ...(v.otherEngines.length > 0
      ? { otherEngines: v.otherEngines.map((o) => ({ engines: o.engines, startup: startupDocument(o.startup) })) }
      : {}),
    startupDrops: v.startupDrops ? rangeDocument(v.startupDrops) : null,
    contribution: {
      startIndex: dec(c.startIndex),
      lastIndex: dec(c.lastIndex),
      lastTerm: dec(c.lastTerm),
      repair: c.need,
      fills: c.fills.map((f) => ({ range: rangeDocument(f.range), donors: f.donors })),
      lost: c.lost.map((l) => ({
        kind: l.kind,
        from: dec(l.from),
        to: decOrNull(l.to),
        reason: l.reason,
        data: l.data ? lostDataDocument(l.data) : null,
      })),
      steps: c.steps.map((s) => ({ kind: s.kind, lossless: s.lossless, description: s.description })),
    },
  };
}

export function inputNotesDocument(notes: InputNotes): InputNotesDocument {
  return {
    partialScan: notes.incomplete.length ? { accepted: true, notSearched: notes.incomplete } : null,
    duplicateMembers: notes.duplicates,
    nestedArchives: notes.archives,
    skipped: notes.skipped,
    warnings: notes.warnings,
  };
}
