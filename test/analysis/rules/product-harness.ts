// Rule tests on product case trees: the nodes as the scan finds them (product identity, names,
// backups), read in full.
import type { NodeIndex } from '../../../src/scan/node-index.js';
import { scanInputs } from '../../../src/scan/scan-inputs.js';
import { afterAll } from 'vitest';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups.splice(0)) c();
});

export async function scanTree(...roots: string[]): Promise<NodeIndex[]> {
  const s = await scanInputs(roots, { verifyData: true });
  cleanups.push(s.cleanup);
  return [...s.nodes];
}
