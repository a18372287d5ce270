// Smaller pieces of the plan: the inputs with their digests, the log summary, refusals, warnings,
// and the source files that are deliberately not copied (with why).
import { identityOf, isBackup } from '../../analysis/identity.js';
import type { Recovery } from '../../analysis/recovery/assemble.js';
import type { HoleFill } from '../../analysis/recovery/fill.js';
import type { SourceLog } from '../../analysis/recovery/source-log.js';
import type { NodeInfo } from '../../format/node-yaml.js';
import type { InputDigests } from '../../scan/digest.js';
import type { NodeIndex } from '../../scan/node-index.js';
import type { OutputContext } from './outputs.js';
import type { KnownAddresses } from './target.js';
import type { PlanInputNode, PlanLog, PlanLost, PlannedFile, PlannedNode, RepairOptions } from './types.js';

export function planInputs(
  args: readonly string[],
  nodes: readonly NodeIndex[],
  digests: InputDigests,
): { args: string[]; nodes: PlanInputNode[] } {
  return {
    args: [...args],
    nodes: nodes.map((n) => {
      const who = identityOf(n);
      const product = n.product?.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })) ?? [];
      return {
        key: n.displayPath,
        name: n.name,
        id: who.id?.toString() ?? null,
        address: who.address ?? null,
        files: [...(digests.get(n.displayPath)?.values() ?? [])].map((d) => ({
          name: d.name,
          size: d.size,
          sha256: d.sha256,
        })),
        ...(product.length ? { productFiles: product } : {}),
      };
    }),
  };
}

export function planLog(log: Recovery, files: readonly PlannedFile[]): PlanLog {
  const s = log.source.snapshot.chosen;
  const byFirst = new Map<unknown, string>(); // first file per first index (a log may have 100 000 files)
  for (const f of files) if (!byFirst.has(f.firstIndex)) byFirst.set(f.firstIndex, f.name);
  return {
    snapshot: s ? { name: s.name, term: s.term.toString(), index: s.index.toString() } : null,
    startIndex: log.startIndex.toString(),
    lastIndex: log.lastIndex.toString(),
    lastTerm: log.lastTerm.toString(),
    pieces: log.pieces.map((p) => ({
      file: byFirst.get(p.first.toString()) ?? '?',
      firstIndex: p.first.toString(),
      lastIndex: p.last.toString(),
      from: p.kind === 'run' ? `source ${p.run.source}` : `${p.piece.donor.node.name} ${p.piece.file}`,
    })),
  };
}

/** The source's ID: its product identity or info.yaml, else the configuration member with its address. */
export function sourceIdOf(node: NodeIndex, known: KnownAddresses): bigint | undefined {
  const id = identityOf(node).id;
  if (id !== undefined) return id;
  for (const [k, address] of known) if (address === node.name) return k;
  return undefined;
}

export function refusalsFor(
  options: RepairOptions,
  log: Recovery,
  lost: readonly PlanLost[],
  targetErrors: readonly string[],
): string[] {
  const src = log.source;
  const out = [...targetErrors];
  if (!options.allowDataLoss) {
    for (const l of lost) {
      if (l.kind === 'unfillable-hole') {
        out.push(
          `${log.unfilled.join('; ')}. No node can fill the hole losslessly; --allow-data-loss would cut the log before it and lose entries ${l.from}..${l.to}.`,
        );
      } else if (l.kind === 'damaged-tail') {
        out.push(`${l.reason}. --allow-data-loss accepts losing entries ${l.from}..${l.to}.`);
      }
    }
  }
  if (!src.snapshot.chosen && log.lastIndex === 0n) {
    out.push(`${src.node.name} holds no data the engine could use (no loadable snapshot, no log entries from index 1)`);
  }
  return out;
}

export function warningsFor(
  nodes: readonly NodeIndex[],
  members: readonly NodeInfo[],
  fills: readonly HoleFill[],
  ctx: OutputContext,
): string[] {
  const out: string[] = [];
  const ids = new Set(members.map((m) => m.id));
  const inputs = nodes.filter((n) => !isBackup(n));
  for (const n of inputs) {
    const id = identityOf(n).id;
    if (members.length && id !== undefined && !ids.has(id))
      out.push(`${n.name} (ID ${id}) is not in the target membership: no directory is written for it`);
  }
  const seen = new Map<bigint, string>();
  for (const n of inputs) {
    const id = identityOf(n).id;
    if (id === undefined) continue;
    if (seen.has(id))
      out.push(
        `${seen.get(id)} and ${n.displayPath} both have ID ${id}: identity files come from ${ctx.sourceId === id ? 'the source' : seen.get(id)}`,
      );
    else seen.set(id, n.displayPath);
  }
  for (const f of fills) {
    if (!f.unfilled && f.rejected.length)
      out.push(`while filling ${f.hole.from}..${f.hole.to}, some nodes could not be used: ${f.rejected.join('; ')}`);
  }
  if (members.length && ctx.sourceId !== undefined && !ids.has(ctx.sourceId)) {
    out.push(`the source (ID ${ctx.sourceId}) is not in the target membership: every output node gets fresh metadata`);
  }
  return out;
}

function reasonNotCopied(name: string, kind: string, src: SourceLog, keptMetadata: boolean): string | undefined {
  if (kind === 'info-yaml' || kind === 'cluster-yaml') return 'rewritten for the target membership';
  if (kind === 'metadata1' || kind === 'metadata2') return keptMetadata ? undefined : 'replaced by fresh metadata';
  if (kind === 'snapshot-data' || kind === 'snapshot-meta') {
    const dropped = src.snapshot.dropped.find((d) => name.startsWith(d.name));
    return dropped
      ? `the engine would ${dropped.hang ? 'hang on' : 'refuse'} this snapshot (${dropped.cause})`
      : 'an older snapshot: the engine loads only the newest';
  }
  if (kind === 'closed-segment' || kind === 'open-segment') {
    const seg = src.node.segments.find((x) => x.name === name);
    const s = src.snapshot.chosen;
    if (seg?.lastIndex !== undefined && s && seg.lastIndex <= s.index) {
      return `holds only entries up to ${seg.lastIndex}, which snapshot ${s.name} already covers, and is not part of the log the engine loads`;
    }
    return 'its entries are not part of the repaired log (see repairs)';
  }
  if (kind === 'tmp' || kind === 'corrupt' || kind === 'probe' || kind === 'lock' || kind === 'join')
    return 'left behind by the engine or go-dqlite; not data';
  if (kind === 'product') return "a file of the product's own (see the next steps), not raft data";
  return undefined;
}

export function notCopied(
  src: SourceLog,
  ctx: OutputContext,
  outputs: readonly PlannedNode[],
): { file: string; reason: string }[] {
  const used = new Set<string>();
  for (const o of outputs)
    for (const f of o.files) if ('node' in f.from && f.from.node === src.node.displayPath) used.add(f.from.file);
  const out: { file: string; reason: string }[] = [];
  for (const f of src.node.files) {
    if (used.has(f.name)) continue;
    const reason = reasonNotCopied(f.name, f.class.kind, src, ctx.keepSourceMetadata);
    if (reason) out.push({ file: f.name, reason });
  }
  return out;
}
