import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rankNodes } from '../../src/workflows/rank.js';
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

const rank = async (dirs: string[]) => (await rankNodes(dirs.map((d) => buildNodeIndex(d, { verifyData: false, logTailOnly: true })))).result;

describe('rankNodes', async () => {
  it('prefers the newer last term over the higher index, and says why', async () => {
    const a = node('a', [[100, 1n], [20, 2n]]);
    const b = node('b', [[150, 1n]]);
    const c = node('c', [[100, 1n], [20, 2n]]);
    const result = await rank([b, c, a]);
    expect(result.nodes.map((n) => n.name)).toEqual(['a', 'c', 'b']);
    expect(result.nodes.map((n) => n.highestLastIndexRank)).toEqual([2, 2, 1]);
    expect(result.best?.name).toBe('a');
    const text = result.explanation.join('\n');
    expect(text).toMatch(/b reaches the highest index by the manual `\.reconfigure` method \(150\), but its last term \(1\) is older than a's \(2\) \(by what was read of it, not verified\)/);
    expect(text).toMatch(/Tie: a, c end at the same term and index; .* so the name decides, for a stable answer \(c not verified: at best as good\)/);
  });

  it('prefers a node that starts as it is over an equal one that needs repair, and says why', async () => {
    const good = node('z-good', [[50, 1n]]);
    const bad = node('a-bad', [[50, 1n]]);
    fs.writeFileSync(path.join(bad, 'metadata2'), fs.readFileSync(path.join(bad, 'metadata1'))); // equal versions: refused
    const result = await rank([bad, good]);
    expect(result.nodes.map((n) => [n.name, n.verdict.contribution.need, n.verdict.startup.ok])).toEqual([
      ['z-good', 'none', true],
      ['a-bad', 'lossless', false],
    ]);
    expect(result.explanation.join('\n')).toMatch(/z-good is preferred because it starts as it is, while a-bad needs at least a repair that keeps every entry by what was read of it/);
  });

  it('prefers a lossless repair over a lossy one at the same term and index', async () => {
    // a-lossy: entries 1-100, then a closed segment 101-110 damaged at its first batch (lost);
    // b-lossless: entries 1-100 whose last closed segment has zeros after its last batch (a full
    // disk): start-up would move it aside, repair cuts the zeros and keeps every entry.
    const lossy = node('a-lossy', [[50, 1n], [50, 1n]]);
    const damaged = writeClosed(lossy, 101n, { batches: [10], term: 1n });
    const bytes = fs.readFileSync(path.join(lossy, damaged));
    bytes[8 + 16] ^= 0xff; // first entry's term: header checksum mismatch
    fs.writeFileSync(path.join(lossy, damaged), bytes);
    const lossless = node('b-lossless', [[50, 1n], [50, 1n]]);
    const last = fs.readdirSync(lossless).filter((n) => /^\d{16}-\d{16}$/.test(n)).sort().pop()!;
    fs.appendFileSync(path.join(lossless, last), Buffer.alloc(4096));
    const result = await rank([lossy, lossless]);
    expect(result.nodes.map((r) => [r.name, r.verdict.contribution.lastIndex, r.verdict.contribution.need])).toEqual([
      ['b-lossless', 100n, 'lossless'],
      ['a-lossy', 100n, 'lossy'],
    ]);
    expect(result.explanation.join('\n')).toMatch(/b-lossless is preferred because it needs a repair that keeps every entry, while a-lossy needs at least a repair that loses entries/);
    // Both were read in full: each is the top or a node the top's answer rests on.
    expect(result.nodes[0]!.verdict.read).toBe('every-byte');
  });
});
