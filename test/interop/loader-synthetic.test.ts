// Synthetic node directories (test/helpers/loader-cases.ts) through the real libraft 0.15 and
// through the simulation: every field must agree, with and without auto-recovery.
import { describe, expect, it } from 'vitest';
import { predictStartup } from '../../src/analysis/loader/index.js';
import { buildNodeIndex } from '../../src/scan/build-node-index.js';
import { engineAvailable, raftLoad } from '../helpers/engine.js';
import { LOADER_CASES } from '../helpers/loader-cases.js';
import { normaliseEngine, predictionAsEngine } from '../helpers/loader-compare.js';
import { emptyNode, removeNode } from '../helpers/synthetic-node.js';

const available = engineAvailable();

describe.skipIf(!available)('synthetic nodes: simulation vs libraft 0.15', () => {
  for (const c of LOADER_CASES) {
    it(c.name, () => {
      const dir = emptyNode();
      try {
        c.build(dir);
        const node = buildNodeIndex(dir);
        for (const noAutoRecovery of [false, true]) {
          const engine = normaliseEngine(raftLoad(dir, { noAutoRecovery }));
          const predicted = predictionAsEngine(predictStartup(node, { autoRecovery: !noAutoRecovery }));
          expect(predicted, noAutoRecovery ? '--no-auto-recovery' : 'auto-recovery').toEqual(engine);
        }
      } finally {
        removeNode(dir);
      }
    });
  }
});
