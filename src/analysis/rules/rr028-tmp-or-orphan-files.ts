// RR028: leftovers. uvMaintenance (raft src/uv.c) deletes tmp-* files at start-up: UvFsMakeFile
// writes tmp-<name> and renames it, so one left behind is a write that never finished (a
// recovery entry, a snapshot, a finalized segment). `.probe` files are removed too; a `join`
// file means go-dqlite never completed joining; other names are ignored by raft. The products'
// own files (format/file-names.ts PRODUCT_FILES) are not leftovers and are not reported, except
// the ones that change what the next start does: MicroK8s's one-shot init.yaml and update.yaml
// (k8s-dqlite pkg/server/server.go New) and LXD's pre-4.0 logs.db (lxd/cluster/gateway.go).
import { classifyFileName } from '../../format/file-names.js';
import type { FileRecord } from '../../scan/node-index.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding } from './util.js';

function tmpFinding(facts: NodeFacts, f: FileRecord, target: string): Finding {
  const kind = classifyFileName(target).kind;
  const what =
    kind === 'closed-segment'
      ? `closed segment ${target} (a recovery entry written by .reconfigure, or a segment being finalized)`
      : kind === 'snapshot-meta' || kind === 'snapshot-data'
        ? `snapshot file ${target}`
        : kind === 'metadata1' || kind === 'metadata2'
          ? `metadata file ${target}`
          : undefined;
  return finding(rule, facts.node.name, {
    severity: what ? 'warning' : 'info',
    file: f.name,
    message: what
      ? `${f.name} is an unfinished write of ${what}; raft deletes it at start-up, so whatever it was meant to record did not happen.`
      : `${f.name} is a temporary file; raft deletes it at start-up.`,
    repairs:
      what && kind === 'closed-segment'
        ? [`If a recovery (.reconfigure) was interrupted, run it again on a clean copy; then delete ${f.name}.`]
        : [`Delete ${f.name} (what start-up does).`],
    data: { target, targetKind: kind, size: f.size },
  });
}

/** What a product file does at the next start, for the few that change it. */
const NEXT_START: Readonly<Record<string, { message: string; repair: string }>> = {
  'init.yaml': {
    message:
      'init.yaml is MicroK8s\'s one-shot start-up configuration: k8s-dqlite reads it only for an empty directory and refuses to start beside existing raft data ("data directory seems to have existing state").',
    repair: 'Move init.yaml out of the directory unless this node is meant to be initialised from scratch.',
  },
  'update.yaml': {
    message:
      'update.yaml makes k8s-dqlite reconfigure the cluster to this node alone at the next start (a one-member configuration with only itself): in a cluster of several nodes that splits it.',
    repair:
      'Move update.yaml out of the directory unless this is a single-node cluster whose address is meant to change.',
  },
  'logs.db': {
    message:
      'logs.db is a raft log from before LXD 4.0: LXD refuses to start beside it ("Unsupported upgrade path, please first upgrade to LXD 4.0").',
    repair: 'Upgrade through LXD 4.0 first, or move logs.db aside if the raft files here are the current ones.',
  },
};

function productFinding(facts: NodeFacts, f: FileRecord): Finding | undefined {
  const next = NEXT_START[f.name];
  if (!next) return undefined;
  return finding(rule, facts.node.name, {
    severity: 'warning',
    file: f.name,
    message: next.message,
    repairs: [next.repair],
    data: { kind: 'product', type: f.type, size: f.size },
  });
}

function other(facts: NodeFacts, f: FileRecord): Finding | undefined {
  const c = f.class;
  const at = { file: f.name, data: { kind: c.kind, type: f.type, size: f.size } };
  if (c.kind === 'product') return productFinding(facts, f);
  if (c.kind === 'probe') {
    return finding(rule, facts.node.name, {
      severity: 'info',
      ...at,
      message: `${f.name} is left from raft's file-system probe; raft deletes it at start-up.`,
      repairs: [`Delete ${f.name}.`],
    });
  }
  if (c.kind === 'join') {
    return finding(rule, facts.node.name, {
      severity: 'warning',
      ...at,
      message:
        'a join file is present: go-dqlite removes it once the node has joined the cluster, so this node may never have completed its join.',
      repairs: ['Check that the node is in the raft configuration; if it is, delete the join file.'],
    });
  }
  if (c.kind === 'ignored') {
    return finding(rule, facts.node.name, {
      severity: 'info',
      ...at,
      message: `${f.name} (${f.type}) is ignored by raft: ${c.reason}.`,
      repairs: ['None needed; move it out of the data directory if it does not belong there.'],
    });
  }
  return undefined;
}

function check(facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  for (const f of facts.node.files) {
    const found = f.class.kind === 'tmp' ? tmpFinding(facts, f, f.class.target) : other(facts, f);
    if (found) out.push(found);
  }
  return out;
}

export const rule: Rule = {
  code: 'RR028',
  name: 'tmp-or-orphan-files',
  severity: 'info',
  summary:
    'tmp-* files (unfinished writes, deleted at start-up), .probe files, a join file, names raft ignores, and product files that change the next start (MicroK8s init.yaml/update.yaml, LXD logs.db: warning).',
  check: (ctx) => ctx.nodes.flatMap(check),
};
