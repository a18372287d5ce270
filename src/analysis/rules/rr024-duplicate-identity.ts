// RR024: two input nodes claim the same ID or the same address in info.yaml — the same directory
// copied twice, or a node restored over another. raft needs distinct IDs and addresses, and a
// repair plan must know which directory is which node. A product's backup (it carries its
// member's info.yaml) is not a second claim.
import { isBackup } from '../identity.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule, RuleContext } from './rule.js';
import { finding, listWords } from './util.js';

function groups(ctx: RuleContext, key: (f: NodeFacts) => string | undefined): NodeFacts[][] {
  const by = new Map<string, NodeFacts[]>();
  for (const f of ctx.nodes) {
    if (isBackup(f.node)) continue;
    const k = key(f);
    if (k === undefined) continue;
    by.set(k, [...(by.get(k) ?? []), f]);
  }
  return [...by.values()].filter((g) => g.length > 1);
}

function check(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  const where = (g: NodeFacts[]): string[] => g.map((f) => f.node.displayPath);
  for (const g of groups(ctx, (f) =>
    f.node.info?.value && f.node.info.value.id !== 0n ? f.node.info.value.id.toString() : undefined,
  )) {
    const id = g[0]!.node.info!.value!.id;
    out.push(
      finding(rule, '*', {
        message: `${g.length} input directories claim node ID ${id}: ${listWords(where(g))}.`,
        repairs: [
          'Find out which directory really belongs to that node (compare addresses, logs and snapshots) and leave the others out.',
        ],
        data: { id, directories: where(g) },
      }),
    );
  }
  for (const g of groups(ctx, (f) => f.node.info?.value?.address || undefined)) {
    const address = g[0]!.node.info!.value!.address;
    out.push(
      finding(rule, '*', {
        message: `${g.length} input directories claim address ${address}: ${listWords(where(g))}.`,
        repairs: ['Give each directory its own node, or leave the duplicates out.'],
        data: { address, directories: where(g) },
      }),
    );
  }
  return out;
}

export const rule: Rule = {
  code: 'RR024',
  name: 'duplicate-identity',
  severity: 'error',
  summary: 'Two input nodes have the same ID or the same address in info.yaml.',
  check,
};
