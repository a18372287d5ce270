import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rankNodes } from '../../src/analysis/rank.js';
import { buildNodeIndex } from '../../src/scan/build-node-index.js';
import { emptyNode, removeNode, writeClosed, writeMetadata } from '../helpers/synthetic-node.js';

const made: string[] = [];
afterEach(() => made.splice(0).forEach(removeNode));

/** A node whose log holds `spans` of [count, term] from index 1. */
function node(name: string, spans: Array<[number, bigint]>): string {
  const dir = emptyNode();
  made.push(dir);
  let first = 1n;
  for (const [count, term] of spans) {
    writeClosed(dir, first, { batches: [count], term });
    first += BigInt(count);
  }
  writeMetadata(dir, 1, 1n, spans[spans.length - 1]![1]);
  // The directory name is the node's name (no info.yaml); removeNode removes its temp parent.
  const named = path.join(path.dirname(dir), name);
  fs.renameSync(dir, named);
  made[made.length - 1] = named;
  return named;
}

describe('rankNodes', () => {
  it('prefers the newer last term over the higher index, and says why', () => {
    const a = node('a', [[100, 1n], [20, 2n]]);
    const b = node('b', [[150, 1n]]);
    const c = node('c', [[100, 1n], [20, 2n]]);
    const result = rankNodes([b, c, a].map((d) => buildNodeIndex(d)));
    expect(result.nodes.map((n) => n.name)).toEqual(['a', 'c', 'b']);
    expect(result.nodes.map((n) => n.seedRank)).toEqual([2, 2, 1]);
    expect(result.best?.name).toBe('a');
    expect(result.explanation.join('\n')).toMatch(/b has the highest index \(150\) but its last term \(1\) is older than a's \(2\)/);
    expect(result.explanation.join('\n')).toMatch(/Tie: a, c/);
  });

  it('prefers a node that starts as is over an equal one that needs repair', () => {
    const good = node('z-good', [[50, 1n]]);
    const bad = node('a-bad', [[50, 1n]]);
    fs.writeFileSync(path.join(bad, 'metadata2'), fs.readFileSync(path.join(bad, 'metadata1'))); // equal versions: refused
    const result = rankNodes([bad, good].map((d) => buildNodeIndex(d)));
    expect(result.nodes.map((n) => [n.name, n.needsRepair, n.logSource])).toEqual([
      ['z-good', false, 'loaded'],
      ['a-bad', true, 'disk'],
    ]);
  });
});
