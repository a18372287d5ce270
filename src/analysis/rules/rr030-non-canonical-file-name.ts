// RR030: a file name C parses but would never write ("%016llu" is a maximum width, "%llu" skips
// white space and takes a sign: format-spec §1). Unpadded closed names (raft < 0.9.10 wrote
// "%llu-%llu") load identically. Snapshot names are worse: raft finds a .meta's data file (and
// uvMaintenance a data file's .meta) by re-formatting the numbers, so a non-canonical pair is
// taken for two orphans and both files are deleted at start-up.
import type { FileRecord } from '../../scan/node-index.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding, misleadingSpelling } from './util.js';

const KINDS = new Set(['closed-segment', 'open-segment', 'snapshot-meta', 'snapshot-data']);

function one(facts: NodeFacts, f: FileRecord): Finding | undefined {
  const c = f.class;
  if (!KINDS.has(c.kind) || !('nonCanonical' in c) || !c.nonCanonical) return undefined;
  if (c.kind === 'closed-segment' && misleadingSpelling(c.reason)) return undefined; // RR004
  const taken = facts.node.files.some((x) => x.name === c.canonicalName);
  const rename = taken
    ? [`${c.canonicalName} also exists: compare the two files before keeping one.`]
    : [`Lossless: rename ${f.name} to ${c.canonicalName}.`];
  const snapshot = c.kind === 'snapshot-meta' || c.kind === 'snapshot-data';
  const deleted = facts.prediction.removed.includes(f.name);
  if (snapshot) {
    return finding(rule, facts.node.name, {
      severity: deleted ? 'error' : 'warning',
      file: f.name,
      message: `snapshot file name ${JSON.stringify(f.name)} is not canonical (${c.reason}): raft looks for its sibling under the canonical spelling${deleted ? ', does not find it, and deletes this file at start-up' : ''}.`,
      repairs: rename,
      data: { canonicalName: c.canonicalName, reason: c.reason, deletedAtStartup: deleted },
    });
  }
  const legacy = c.kind === 'closed-segment' && /^fewer than 16 digits \(unpadded\); C reads/.test(c.reason ?? '');
  return finding(rule, facts.node.name, {
    severity: legacy ? 'info' : 'warning',
    file: f.name,
    message: `${c.kind === 'closed-segment' ? 'closed' : 'open'} segment name ${JSON.stringify(f.name)} is not canonical (${c.reason})${legacy ? '; raft < 0.9.10 wrote such names and raft still reads them' : ''}.`,
    repairs: rename,
    data: { canonicalName: c.canonicalName, reason: c.reason },
  });
}

function check(facts: NodeFacts): Finding[] {
  return facts.node.files.map((f) => one(facts, f)).filter((x): x is Finding => x !== undefined);
}

export const rule: Rule = {
  code: 'RR030',
  name: 'non-canonical-file-name',
  severity: 'warning',
  summary:
    'A file name C parses but never writes; non-canonical snapshot names make raft delete the pair as orphans (error).',
  check: (ctx) => ctx.nodes.flatMap(check),
};
