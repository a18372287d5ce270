// RR043: a product's backup (LXD's database/global.bak and db_backup.*.tar.gz, microcluster's
// db_backup.*.tar.gz, MicroK8s' backend.backup) holds entries its member no longer has: its log
// ends later (by raft's rule: last term, then last index) than the member's. That happens when a
// member's directory was damaged or rolled back after the backup was taken. A backup is never a
// member, but its entries can fill a hole losslessly where they are proven to agree with the log
// kept; past the member's log they are not used, so restoring the backup may be the better repair.
// Also said here: a backup whose log contradicts the members' (another history: LXD's global.bak
// is taken before a schema update of a server that was not clustered yet), and a backup whose
// member is not among the inputs.
import { identityOf, isBackup } from '../identity.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule, RuleContext } from './rule.js';
import { finding } from './util.js';

function later(a: NodeFacts, b: NodeFacts): boolean {
  const [x, y] = [a.verdict.held, b.verdict.held];
  return x.lastTerm !== y.lastTerm ? x.lastTerm > y.lastTerm : x.lastIndex > y.lastIndex;
}

function conflictFinding(ctx: RuleContext, facts: NodeFacts): Finding | undefined {
  const members = new Set(ctx.nodes.filter((f) => !isBackup(f.node)).map((f) => f.node.displayPath));
  const c = facts.verdict.clusterConflicts.find((x) =>
    members.has(x.nodes[0] === facts.node.displayPath ? x.nodes[1] : x.nodes[0]),
  );
  if (!c) return undefined;
  const other = c.nodes[0] === facts.node.displayPath ? c.nodes[1] : c.nodes[0];
  return finding(rule, facts.node.name, {
    severity: 'info',
    message: `this backup holds another history than ${other}: at index ${c.index}, term ${c.term}, ${c.what}. It is not used to fill any member's log.`,
    repairs: ['None needed; keep it if the member may have to be rolled back to it.'],
    data: { index: c.index, term: c.term, other },
  });
}

function check(ctx: RuleContext, facts: NodeFacts): Finding[] {
  if (!isBackup(facts.node)) return [];
  const of = identityOf(facts.node).backupOf;
  const member = ctx.nodes.find((f) => !isBackup(f.node) && f.node.name === of);
  const held = facts.verdict.held;
  const out: Finding[] = [];
  const conflict = conflictFinding(ctx, facts);
  if (conflict) out.push(conflict);
  if (!member) {
    out.push(
      finding(rule, facts.node.name, {
        severity: 'info',
        message: `a backup of ${of} (log up to index ${held.lastIndex}, term ${held.lastTerm}), whose own raft directory is not among the inputs.`,
        repairs: [
          `Collect ${of}'s database directory too, or restore the backup in its place if the member's data is lost.`,
        ],
        data: { backupOf: of, lastIndex: held.lastIndex, lastTerm: held.lastTerm },
      }),
    );
    return out;
  }
  if (conflict || !later(facts, member)) return out;
  const m = member.verdict.held;
  const fills = ctx.nodes.flatMap((f) =>
    f.verdict.contribution.fills.filter((x) => x.donors.includes(facts.node.name)).map((x) => x.range),
  );
  out.push(
    finding(rule, facts.node.name, {
      message:
        `this backup of ${of} ends later than ${of} itself: index ${held.lastIndex}, term ${held.lastTerm} against ${m.lastIndex}, term ${m.lastTerm}. ` +
        `Entries past ${m.lastIndex} exist only here unless another member holds them${fills.length ? `; repairs use it to fill ${fills.map((r) => `${r.from}-${r.to}`).join(', ')}` : ''}.`,
      repairs: [
        `Compare with the other members (rank): if no member holds these entries, ${of}'s directory was rolled back or damaged after the backup; restore the backup in its place before repairing.`,
      ],
      data: {
        backupOf: of,
        lastIndex: held.lastIndex,
        lastTerm: held.lastTerm,
        memberLastIndex: m.lastIndex,
        memberLastTerm: m.lastTerm,
        fills,
      },
    }),
  );
  return out;
}

export const rule: Rule = {
  code: 'RR043',
  name: 'backup-newer-than-member',
  severity: 'warning',
  summary:
    "A product's backup (global.bak, db_backup.*.tar.gz, backend.backup) ends later than its member: entries only the backup holds (info: a backup of another history, or of a member not among the inputs).",
  check: (ctx) => ctx.nodes.flatMap((facts) => check(ctx, facts)),
};
