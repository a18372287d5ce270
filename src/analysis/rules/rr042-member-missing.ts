// RR042: a member of the cluster's raft configuration has no directory among the inputs. Case
// bundles are gathered machine by machine; a machine left out is easy to miss, and it matters:
// its log may be the most up to date, and a repair that leaves it out of the target makes it a
// stranger to the cluster. The configuration is the newest any member holds (the highest index);
// who each input is comes from the product's identity or info.yaml. Inputs whose identity is
// unknown may be the missing member, so the finding is then only a note.
import { raftRoleName, type ConfigurationServer } from '../../format/configuration.js';
import { identityOf, isBackup } from '../identity.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule, RuleContext } from './rule.js';
import { finding, latestConfiguration, listWords } from './util.js';

function newestConfiguration(
  members: readonly NodeFacts[],
): { index: bigint; servers: readonly ConfigurationServer[]; holder: NodeFacts } | undefined {
  let best: { index: bigint; servers: readonly ConfigurationServer[]; holder: NodeFacts } | undefined;
  for (const f of members) {
    const c = latestConfiguration(f);
    if (c && (!best || c.index > best.index)) best = { index: c.index, servers: c.servers, holder: f };
  }
  return best;
}

/** The name a product gives the member with this ID (LXD raft_nodes, microcluster truststore), if any input knows it. */
function nameOf(ctx: RuleContext, id: bigint): string | undefined {
  for (const f of ctx.nodes) {
    const m = f.node.product?.members?.find((x) => x.id === id && x.name !== undefined);
    if (m) return m.name;
  }
  return undefined;
}

function check(ctx: RuleContext): Finding[] {
  const members = ctx.nodes.filter((f) => !isBackup(f.node));
  const conf = newestConfiguration(members);
  if (!conf) return [];
  const known = new Set(members.map((f) => identityOf(f.node).id).filter((id) => id !== undefined));
  const unknown = members.filter((f) => identityOf(f.node).id === undefined).map((f) => f.node.name);
  if (known.size === 0) return [];
  return conf.servers
    .filter((s) => !known.has(s.id))
    .map((s) => {
      const name = nameOf(ctx, s.id);
      const role = raftRoleName(s.role);
      const who = `${name ? `${name}, ` : ''}ID ${s.id} at ${s.address} (${role})`;
      const maybe = unknown.length
        ? ` unless it is one of the inputs whose identity is unknown (${listWords(unknown)})`
        : '';
      return finding(rule, '*', {
        severity: unknown.length || role === 'spare' ? 'info' : 'warning',
        message:
          `member ${who} of the raft configuration at index ${conf.index} (held by ${conf.holder.node.name}) has no directory among the inputs${maybe}: ` +
          "its machine's data was not collected.",
        repairs: [
          `Collect that machine's data too (its log may be the most up to date), or make sure it is lost; a repair then gives it the source's data, or leave it out of the target with --cluster.`,
        ],
        data: {
          id: s.id,
          address: s.address,
          name: name ?? null,
          role,
          configurationIndex: conf.index,
          unidentified: unknown,
        },
      });
    });
}

export const rule: Rule = {
  code: 'RR042',
  name: 'member-missing',
  severity: 'warning',
  summary:
    'A member of the newest raft configuration (named by ID and address) has no directory among the inputs: its machine was not collected (info for a spare, or when some inputs have no known identity).',
  check,
};
