// Applying a plan's product files: a generated one is its planned bytes; an edited one is the edit
// re-done on the input's product file as this run scanned it (the bytes the scan read), which must
// still be the file the plan pinned. The result's sha256 is then checked against the plan's.
import { createHash } from 'node:crypto';
import { InternalError, RepairError } from '../../core/errors.js';
import { loadedSqlite } from '../../core/sqlite-engine.js';
import type { NodeIndex } from '../../scan/node-index.js';
import type { RepairPlan } from '../plan/types.js';
import { rewriteLocalDb, setYamlAddress } from '../plan/product/rewrite.js';
import type { ProductOrigin } from '../plan/product/types.js';

type Lookup = ReadonlyMap<string, NodeIndex>;

function scannedFile(nodes: Lookup, node: string, file: string): Uint8Array {
  const n = nodes.get(node);
  const f = n?.product?.files.find((x) => x.path === file);
  if (!n || !f)
    throw new RepairError(
      `the plan edits ${file} of ${node}, which this scan did not find: make a new plan`,
      'E_INPUTS_CHANGED',
    );
  return f.bytes;
}

/** Refuses when a pinned product file (local.db, daemon.yaml, a truststore entry) changed since the plan. */
export function checkProductPins(plan: RepairPlan, nodes: Lookup): void {
  for (const input of plan.inputs.nodes) {
    for (const pin of input.productFiles ?? []) {
      const f = nodes.get(input.key)?.product?.files.find((x) => x.path === pin.path);
      const now = f ? createHash('sha256').update(f.bytes).digest('hex') : undefined;
      if (now !== pin.sha256) {
        const what =
          now === undefined ? 'is gone' : `changed (sha256 ${pin.sha256.slice(0, 12)}… → ${now.slice(0, 12)}…)`;
        throw new RepairError(
          `${input.key}: its ${pin.path} ${what} since the plan was made: make a new plan`,
          'E_INPUTS_CHANGED',
        );
      }
    }
  }
}

/** The bytes of a product file, as the plan says to make them. */
export function productBytes(nodes: Lookup, from: ProductOrigin): Uint8Array {
  if (from.kind === 'product-generated') return Buffer.from(from.base64, 'base64');
  const input = scannedFile(nodes, from.node, from.file);
  if (from.what !== 'local.db') return setYamlAddress(input, from.address, from.file);
  const SQL = loadedSqlite();
  if (!SQL) throw new InternalError('SQLite is not loaded, though the scan read a local.db');
  return rewriteLocalDb(SQL, input, from.address, from.raftNodes);
}
