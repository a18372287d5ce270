// A target membership checked with the product's own rules, so that raft-rescue does not write
// a membership the product itself would refuse in its recovery command. Refusals (overridable
// with --force, which makes them warnings) are the product's exact words:
//   LXD, Incus  validateNewConfig (lxd/main_cluster.go; incus cmd/incusd/main_cluster.go), against
//               raft_nodes ordered by ID: the same number of members, the same ID at each position,
//               names unchanged, no spare made a voter, at least 2 voters when there are more than
//               2 members (else at least 1).
//   microcluster ValidateMemberChanges (internal/recover/recover.go), against cluster.yaml's members
//               that have a truststore entry: the same number, every (ID, name) pair known,
//               addresses IP:port literals (netip.ParseAddrPort), no duplicates, at least 1 voter.
// go-dqlite (and MicroK8s, which recovers with go-dqlite's `.reconfigure`) has no such rules; the
// generic checks (repair/target.ts) apply to every product. A single voter among several members
// (the rest stand-by) is legal for dqlite but leaves the cluster one failure from down: said as
// a warning where the product does not refuse it.
import { roleName } from '../../../format/node-yaml.js';
import type { TargetMember } from '../../../format/member-yaml.js';
import type { ProductMember } from '../../../scan/product.js';
import type { ProductName } from './types.js';

export interface ProductTargetCheck {
  readonly refusals: readonly string[];
  readonly warnings: readonly string[];
}

const quoted = (role: number) => `"${roleName(role)}"`;

function lxdRules(old: readonly ProductMember[], target: readonly TargetMember[]): string[] {
  if (old.length > target.length) return ['Removing cluster members is not supported'];
  if (old.length < target.length) return ['Adding cluster members is not supported'];
  const out: string[] = [];
  let voters = 0;
  target.forEach((n, i) => {
    const o = old[i]!;
    if (o.id !== n.id)
      out.push(
        `Changing cluster member ID is not supported (position ${i + 1}: ${o.id} → ${n.id}; keep raft_nodes' order by ID)`,
      );
    if (o.name && n.name && o.name !== n.name)
      out.push(`Changing cluster member name is not supported (${o.name} → ${n.name})`);
    if (o.role === 2 && n.role === 0)
      out.push(`A ${quoted(2)} cluster member cannot become a ${quoted(0)} (ID ${n.id})`);
    if (n.role === 0) voters++;
  });
  if (voters < 2 && target.length > 2) out.push(`Number of ${quoted(0)} must be 2 or more`);
  else if (voters < 1) out.push(`At least one member must be a ${quoted(0)}`);
  return [...new Set(out)];
}

/** netip.ParseAddrPort: an IPv4 or bracketed IPv6 literal with a port; host names are refused. */
function addrPortProblem(a: string): boolean {
  const m = /^(?:([0-9]{1,3}(?:\.[0-9]{1,3}){3})|\[([0-9A-Fa-f:.]+)\]):([0-9]{1,5})$/.exec(a);
  if (!m || Number(m[3]) > 65535) return true;
  return m[1] !== undefined && m[1].split('.').some((x) => Number(x) > 255 || (x.length > 1 && x.startsWith('0')));
}

function microclusterRules(old: readonly ProductMember[], target: readonly TargetMember[]): string[] {
  if (old.length !== target.length) return ['members cannot be added or removed'];
  const out: string[] = [];
  const seen = new Set<string>();
  for (const n of target) {
    if (addrPortProblem(n.address))
      out.push(`Invalid address ${JSON.stringify(n.address)}: microcluster needs an IP:port literal`);
    else if (seen.has(n.address)) out.push(`Duplicate address ${JSON.stringify(n.address)}`);
    seen.add(n.address);
    if (!old.some((o) => o.id === n.id && o.name === n.name))
      out.push(`ID or name changed for member ${n.name ?? n.id}`);
  }
  if (!target.some((n) => n.role === 0)) out.push('At least one voter is required');
  return out;
}

/** The product's own verdict on a target it did not write itself (a --cluster file). */
export function checkProductTarget(
  product: ProductName | undefined,
  old: readonly ProductMember[] | undefined,
  target: readonly TargetMember[],
  force: boolean,
): ProductTargetCheck {
  if (product !== 'lxd' && product !== 'incus' && product !== 'microcluster') return { refusals: [], warnings: [] };
  const word = product === 'lxd' ? 'LXD' : product === 'incus' ? 'Incus' : 'microcluster';
  if (!old) {
    const list = product === 'microcluster' ? 'cluster.yaml and truststore' : 'local.db raft_nodes';
    return {
      refusals: [],
      warnings: [`the source's member list (${list}) is unknown: the target was not checked with ${word}'s own rules`],
    };
  }
  const broken = product === 'microcluster' ? microclusterRules(old, target) : lxdRules(old, target);
  const voters = target.filter((m) => m.role === 0).length;
  const trap =
    product === 'microcluster' && target.length >= 3 && voters === 1
      ? [
          `only one voter among ${target.length} members: ${word} accepts it, but losing that member stops the database again; ` +
            'make at least 3 voters if you can',
        ]
      : [];
  const worded = broken.map((b) => `${word} refuses this membership in its own recovery: ${b}`);
  return force
    ? { refusals: [], warnings: [...worded.map((w) => `${w} (accepted with --force)`), ...trap] }
    : { refusals: worded.map((w) => `${w}; --force writes it anyway`), warnings: trap };
}
