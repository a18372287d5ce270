// Every node is named by who it is, once all nodes of the inputs are found: a product member by
// its name (LXD, Incus, microcluster) or its address, a go-dqlite node by info.yaml's Address, a
// backup as `<member>/<backup>` (lxd01/global.bak, lxd01/db_backup.2024-09-03T170440Z), anything
// else by its directory's name. Names are unique: nodes that would share one get their path.
import path from 'node:path';
import { parseNodeInfo } from '../format/node-yaml.js';
import { FileSource } from './file-source.js';
import type { FoundNode } from './find-nodes.js';
import type { ProductIdentity } from './product.js';

/** info.yaml's Address, read cheaply for the name (the node's read reports any problem with it). */
function infoAddress(dir: string): string | undefined {
  try {
    const source = new FileSource(path.join(dir, 'info.yaml'));
    try {
      if (source.size > 64 * 1024) return undefined;
      return parseNodeInfo(Buffer.from(source.read(0, source.size)).toString('utf8')).value?.address || undefined;
    } finally {
      source.close();
    }
  } catch {
    return undefined;
  }
}

function memberName(p: ProductIdentity | undefined, dir: string): string {
  // An LXD member whose local.db cannot be read is named after its machine's folder, not "global".
  return p?.name ?? p?.address ?? infoAddress(dir) ?? p?.machine ?? path.basename(dir);
}

function backupLabel(p: ProductIdentity): string {
  const source = p.backup!.source;
  return path.basename(source).replace(/\.tar\.gz$/, '');
}

/** The member node a backup belongs to: the one in the same state directory, else the one with its identity. */
function memberOf(backup: FoundNode, members: readonly FoundNode[]): FoundNode | undefined {
  const p = backup.product!;
  const byState =
    p.backup?.memberStateDir === undefined
      ? undefined
      : members.find((m) => m.product?.stateDir === p.backup!.memberStateDir);
  if (byState) return byState;
  if (p.id === undefined && p.address === undefined) return undefined;
  return members.find((m) => m.product?.kind === p.kind && m.product.id === p.id && m.product.address === p.address);
}

function uniquify(names: readonly string[], found: readonly FoundNode[]): string[] {
  const count = new Map<string, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  const seen = new Map<string, number>();
  return names.map((n, i) => {
    if (count.get(n) === 1) return n;
    const named = `${n} (${found[i]!.displayPath})`;
    const k = (seen.get(named) ?? 0) + 1;
    seen.set(named, k);
    return k === 1 ? named : `${named} #${k}`;
  });
}

/** The nodes with their names, and each backup with the name of the member it backs up. */
export function nameFoundNodes(found: readonly FoundNode[]): FoundNode[] {
  const members = found.filter((f) => !f.product?.backup);
  const natural = new Map(members.map((m) => [m, memberName(m.product, m.dir)]));
  const memberNames = uniquify(
    members.map((m) => natural.get(m)!),
    members,
  );
  const final = new Map(members.map((m, i) => [m, memberNames[i]!]));
  const backupOf = new Map<FoundNode, string | undefined>();
  const names = found.map((f) => {
    if (!f.product?.backup) return final.get(f)!;
    const member = memberOf(f, members);
    const of = member ? final.get(member) : undefined;
    backupOf.set(f, of);
    const owner =
      of ?? f.product.name ?? f.product.address ?? f.product.machine ?? path.basename(f.product.stateDisplay);
    return `${owner}/${backupLabel(f.product)}`;
  });
  const unique = uniquify(names, found);
  const named = found.map((f, i) => {
    const product = f.product?.backup
      ? { ...f.product, backup: { ...f.product.backup, of: backupOf.get(f) } }
      : f.product;
    return { ...f, name: unique[i]!, ...(product ? { product } : {}) };
  });
  return besideMembers(named);
}

/** Each backup right after the member it backs up (archives are opened after their tree). */
function besideMembers(nodes: readonly FoundNode[]): FoundNode[] {
  const out = nodes.filter((n) => !n.product?.backup);
  const orphans: FoundNode[] = [];
  for (const b of nodes.filter((n) => n.product?.backup)) {
    const at = out.findIndex((m) => m.name === b.product!.backup!.of);
    if (at < 0) {
      orphans.push(b);
      continue;
    }
    let end = at + 1;
    while (end < out.length && out[end]!.product?.backup?.of === b.product!.backup!.of) end++;
    out.splice(end, 0, b);
  }
  return [...out, ...orphans];
}
