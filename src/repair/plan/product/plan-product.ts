// The product side of a repair plan: which product the outputs are laid out for (the source's),
// the target's member names, the product's own rules on a --cluster file, and what stands in the
// way in the product's state directories (an unapplied patch.global.sql).
import { isBackup } from '../../../analysis/identity.js';
import type { TargetMember } from '../../../format/member-yaml.js';
import type { NodeIndex } from '../../../scan/node-index.js';
import { productWords } from '../../../scan/product.js';
import { memberNameOf, type ProductContext } from './outputs.js';
import { checkProductTarget } from './target-rules.js';

/** The product the outputs mirror: the source's, with the inputs of that product (members only, best first). */
export function productContextOf(source: NodeIndex, ranked: readonly NodeIndex[]): ProductContext | undefined {
  const p = source.product;
  if (!p || p.backup) return undefined;
  return { kind: p.kind, app: p.app, inputs: ranked.filter((n) => n.product?.kind === p.kind && !isBackup(n)) };
}

/** Target members with the names the product gives them (kept as given when the target names them). */
export function namedMembers(members: readonly TargetMember[], p: ProductContext | undefined): TargetMember[] {
  if (!p) return [...members];
  return members.map((m) => {
    const name = memberNameOf(m, p);
    return name === undefined ? m : { ...m, name };
  });
}

export interface ProductPlanChecks {
  readonly refusals: string[];
  readonly warnings: string[];
}

/** The product's own rules on a --cluster target, and the state directories' pending patches. */
export function productChecks(
  p: ProductContext | undefined,
  source: NodeIndex,
  members: readonly TargetMember[],
  fromFile: boolean,
  force: boolean,
): ProductPlanChecks {
  if (!p) return { refusals: [], warnings: [] };
  const rules = fromFile
    ? checkProductTarget(p.kind, source.product?.members, members, force)
    : { refusals: [], warnings: [] };
  const refusals = [...rules.refusals];
  const warnings = [...rules.warnings];
  for (const n of p.inputs) {
    if (n.product?.issues.some((i) => i.kind === 'wal-mode')) {
      warnings.push(
        `${n.name}'s local.db is in WAL mode: the rewritten copy holds only its main file, not changes still in ` +
          'local.db-wal; a clean stop of the product checkpoints them, so collect the file again after one if you can',
      );
    }
    const pending = n.product?.pendingPatch;
    if (!pending) continue;
    const what = `${n.name}'s ${pending} has not been applied yet; the repair writes a new one in its place, without its statements`;
    if (p.kind === 'lxd' && !force) {
      const lxdSays = '"Custom patches should not be applied during recovery"';
      refusals.push(
        `${what} (LXD 5.21.3 and later refuse to recover with one present: ${lxdSays}). Apply or remove it first, or --force`,
      );
    } else
      warnings.push(
        `${what} (${productWords(p)} would append to it): add them to the new file by hand if they are still wanted`,
      );
  }
  return { refusals, warnings };
}
