// RR041: who a product says a member is disagrees with the raft data it holds, or with where the
// directory sits. LXD and Incus take the member's raft ID and address from local.db
// (lxd/node/raft.go DetermineRaftNode: the raft_nodes row at cluster.https_address) and run
// dqlite with them, so a local.db that names another ID or address than the raft configuration
// has, or none at all ("This cluster member has no raft role"), makes the member unreachable or
// stops it. raft_nodes is the list `lxd cluster edit` validates a new membership against, so a
// stale one misleads a recovery. microcluster runs dqlite at daemon.yaml's address and go-dqlite
// refuses an info.yaml at another one (app/app.go "address in info.yaml does not match").
// MicroK8s' legacy localnode.yaml should be the node's own info.yaml. A machine folder named
// after another member (…/lxd02/var/snap/lxd/… holding lxd01's database) suggests copies swapped.
import { raftRoleToYaml, type ConfigurationServer } from '../../format/configuration.js';
import { roleName } from '../../format/node-yaml.js';
import type { ProductIdentity } from '../../scan/product.js';
import { productWords } from '../../scan/product.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule, RuleContext } from './rule.js';
import { finding, latestConfiguration } from './util.js';

function issueFindings(facts: NodeFacts, p: ProductIdentity): Finding[] {
  const out = p.issues.map((i) =>
    finding(rule, facts.node.name, {
      severity: i.level,
      file: i.file,
      message: i.message,
      repairs: [
        "Restore the file from the machine (or a backup) before trusting this member's identity; a repair rewrites the identity files for the target membership.",
      ],
      data: { product: p.kind, kind: i.kind, stateDir: p.stateDisplay },
    }),
  );
  if (p.kindGuess) {
    out.push(
      finding(rule, facts.node.name, {
        severity: 'info',
        message: p.kindGuess,
        data: { product: p.kind, stateDir: p.stateDisplay },
      }),
    );
  }
  return out;
}

function selfFinding(facts: NodeFacts, p: ProductIdentity): Finding | undefined {
  const conf = latestConfiguration(facts);
  if (!conf || p.id === undefined || p.address === undefined || p.kind === 'microk8s') return undefined;
  const where = `the raft configuration at index ${conf.index}`;
  const file = p.kind === 'microcluster' ? 'daemon.yaml' : 'database/local.db';
  const data = { product: p.kind, id: p.id, address: p.address, configurationIndex: conf.index };
  const byId = conf.servers.find((s) => s.id === p.id);
  if (byId?.address === p.address) return undefined;
  const who = `${productWords(p)} says this member${p.name ? ` (${p.name})` : ''} is ID ${p.id} at ${p.address}`;
  if (byId) {
    return finding(rule, facts.node.name, {
      file,
      message: `${who}, but ${where} lists ID ${p.id} at ${byId.address}: the other members would contact ${byId.address}.`,
      repairs: [
        `Repair with the target membership (raft-rescue repair --cluster) so that both say the same address, or set ${file} back to ${byId.address}.`,
      ],
      data: { ...data, configurationAddress: byId.address },
    });
  }
  return finding(rule, facts.node.name, {
    file,
    message: `${who}, but ${where} has no member with that ID: the member does not belong to the configuration it holds.`,
    repairs: ['Check that this state directory and its raft directory belong together (a restored or swapped copy?).'],
    data,
  });
}

function memberText(m: { id: bigint; address: string; role: number | undefined; name?: string }): string {
  return `${m.name ? `${m.name} ` : ''}${m.id}@${m.address}${m.role === undefined ? '' : ` ${roleName(m.role)}`}`;
}

/** LXD/Incus raft_nodes against the raft configuration (roles translated to dqlite's numbering). */
function membersFinding(facts: NodeFacts, p: ProductIdentity): Finding | undefined {
  const conf = latestConfiguration(facts);
  if (!conf || !p.members || (p.kind !== 'lxd' && p.kind !== 'incus')) return undefined;
  const fromConf = conf.servers.map((s: ConfigurationServer) => ({
    id: s.id,
    address: s.address,
    role: raftRoleToYaml(s.role),
  }));
  const key = (m: { id: bigint; address: string; role: number | undefined }) => `${m.id}@${m.address}/${m.role}`;
  const want = new Set(fromConf.map(key));
  const have = new Set(p.members.map(key));
  if (want.size === have.size && [...want].every((k) => have.has(k))) return undefined;
  return finding(rule, facts.node.name, {
    severity: 'warning',
    file: 'database/local.db',
    message:
      `local.db's raft_nodes (${p.members.map(memberText).join(', ')}) differs from the raft configuration at index ${conf.index} ` +
      `(${fromConf.map(memberText).join(', ')}): ${productWords(p)} checks a new membership against raft_nodes (lxd cluster edit).`,
    repairs: [
      'A repair rewrites raft_nodes from the target membership; otherwise start the cluster and let the leader refresh it.',
    ],
    data: { product: p.kind, raftNodes: p.members, configuration: fromConf, configurationIndex: conf.index },
  });
}

function placeFinding(ctx: RuleContext, facts: NodeFacts, p: ProductIdentity): Finding | undefined {
  const machine = p.machine;
  if (!machine || machine === p.name || machine === p.address) return undefined;
  const other = ctx.nodes.find(
    (o) =>
      o !== facts &&
      !o.node.product?.backup &&
      (o.node.product?.name === machine || o.node.product?.address === machine),
  );
  if (!other) return undefined;
  return finding(rule, facts.node.name, {
    severity: 'warning',
    message: `the folder ${machine} holds the data of ${p.name ?? p.address}, while ${machine} is the name of the member at ${other.node.displayPath}: check that the machines' copies were not swapped.`,
    repairs: [
      "Find out which machine each copy came from before repairing; a repair writes each member's directory by its identity, not by the folder.",
    ],
    data: { machine, member: p.name ?? p.address, other: other.node.displayPath },
  });
}

function localNodeFinding(facts: NodeFacts, p: ProductIdentity): Finding | undefined {
  const info = facts.node.info?.value;
  const l = p.localNode;
  if (!l || !info || (l.id === info.id && l.address === info.address)) return undefined;
  return finding(rule, facts.node.name, {
    severity: 'warning',
    file: 'localnode.yaml',
    message: `localnode.yaml says ${l.id}@${l.address}, info.yaml ${info.id}@${info.address}: MicroK8s' kine (k8s-dqlite before 1.1.8) reads localnode.yaml as this node.`,
    repairs: ['Rewrite localnode.yaml from info.yaml (a repair does).'],
    data: { localNode: l, info: { id: info.id, address: info.address } },
  });
}

function check(ctx: RuleContext, facts: NodeFacts): Finding[] {
  const p = facts.node.product;
  if (!p || p.backup) return [];
  return [
    ...issueFindings(facts, p),
    selfFinding(facts, p),
    membersFinding(facts, p),
    placeFinding(ctx, facts, p),
    localNodeFinding(facts, p),
  ].filter((f): f is Finding => f !== undefined);
}

export const rule: Rule = {
  code: 'RR041',
  name: 'product-identity-mismatch',
  severity: 'error',
  summary:
    "The product's identity files (LXD/Incus local.db, microcluster daemon.yaml and truststore, MicroK8s localnode.yaml) are unreadable or disagree with the raft configuration the member holds, or a machine folder is named after another member (warning).",
  check: (ctx) => ctx.nodes.flatMap((facts) => check(ctx, facts)),
};
