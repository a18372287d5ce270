// RR023: the node's own identity (info.yaml ID and Address, which go-dqlite passes to
// dqlite_node_create and binds to) disagrees with the raft configuration it holds, or the
// directory is named after another address (directories swapped when copied?). Directories named
// otherwise (node1, backup-a) are not reported. A product's backup is checked by RR043 instead.
import path from 'node:path';
import { isBackup } from '../identity.js';
import type { NodeInfo } from '../../format/node-yaml.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule, RuleContext } from './rule.js';
import { finding, latestConfiguration } from './util.js';

function dirName(facts: NodeFacts): string {
  const o = facts.node.origin;
  return path.basename(o.kind === 'archive' ? o.member : facts.node.dir);
}

function configurationFinding(facts: NodeFacts, info: NodeInfo): Finding | undefined {
  const conf = latestConfiguration(facts);
  if (!conf || info.id === 0n) return undefined;
  const byId = conf.servers.find((s) => s.id === info.id);
  const byAddress = conf.servers.find((s) => s.address === info.address);
  const where = `the raft configuration at index ${conf.index}`;
  const data = { id: info.id, address: info.address, configurationIndex: conf.index };
  if (byId && byId.address === info.address) return undefined;
  if (byId) {
    return finding(rule, facts.node.name, {
      file: 'info.yaml',
      message: `info.yaml says this node (ID ${info.id}) is at ${info.address}, but ${where} lists it at ${byId.address}: the other nodes would contact ${byId.address}.`,
      repairs: [
        `Make info.yaml's Address ${byId.address}, or change the node's address in the configuration with a recovery (.reconfigure) on every node.`,
      ],
      data: { ...data, configurationAddress: byId.address },
    });
  }
  return finding(rule, facts.node.name, {
    file: 'info.yaml',
    message: byAddress
      ? `info.yaml says this node is ID ${info.id} at ${info.address}, but ${where} has ID ${byAddress.id} at that address.`
      : `info.yaml's ID ${info.id} (${info.address}) is not in ${where}: this node is not a member of the cluster it holds data for.`,
    repairs: byAddress
      ? [`Make info.yaml's ID ${byAddress.id} if this directory really belongs to ${info.address}.`]
      : [
          'Check that this directory belongs to this cluster; to make it a member, run a recovery (.reconfigure) that includes it.',
        ],
    data: { ...data, configurationId: byAddress?.id },
  });
}

/** host:port, [v6]:port or @abstract — a name someone gave after a node address. */
function looksLikeAddress(name: string): boolean {
  return /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d+$/.test(name) || name.startsWith('@');
}

function check(ctx: RuleContext, facts: NodeFacts): Finding[] {
  const info = facts.node.info?.value;
  if (!info || isBackup(facts.node)) return [];
  const out: Finding[] = [];
  const c = configurationFinding(facts, info);
  if (c) out.push(c);
  const dir = dirName(facts);
  const other = ctx.nodes.find((o) => o !== facts && o.node.info?.value?.address === dir);
  if (info.address && dir !== info.address && (other || looksLikeAddress(dir))) {
    out.push(
      finding(rule, facts.node.name, {
        severity: 'warning',
        file: 'info.yaml',
        message: `directory ${dir} holds info.yaml for ${info.address}${other ? `, while ${other.node.displayPath} holds ${dir}'s` : ''}: check that the directories were not swapped when copied.`,
        repairs: [`Rename the directory to ${info.address} if it is that node's data.`],
        data: { directory: dir, address: info.address },
      }),
    );
  }
  return out;
}

export const rule: Rule = {
  code: 'RR023',
  name: 'identity-mismatch',
  severity: 'error',
  summary:
    'info.yaml ID/address not in the raft configuration or at another address; directory named after another address (warning).',
  check: (ctx) => ctx.nodes.flatMap((facts) => check(ctx, facts)),
};
