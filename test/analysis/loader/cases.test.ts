// The named synthetic cases (test/helpers/loader-cases.ts) without the engine: each prediction
// must show what libraft 0.15 was seen doing with that directory (test/interop checks every field).
import { describe, expect, it } from 'vitest';
import { predictStartup } from '../../../src/analysis/loader/index.js';
import { buildNodeIndex } from '../../../src/scan/build-node-index.js';
import { LOADER_CASES } from '../../helpers/loader-cases.js';
import { predictionAsEngine } from '../../helpers/loader-compare.js';
import { emptyNode, removeNode } from '../../helpers/synthetic-node.js';

describe('loader simulation on synthetic nodes', () => {
  for (const c of LOADER_CASES) {
    it(c.name, () => {
      const dir = emptyNode();
      c.build(dir);
      const node = buildNodeIndex(dir);
      removeNode(dir);
      expect(predictionAsEngine(predictStartup(node))).toMatchObject(c.expect);
      expect(predictionAsEngine(predictStartup(node, { autoRecovery: false }))).toMatchObject(c.expectNoAuto ?? c.expect);
    });
  }
});
