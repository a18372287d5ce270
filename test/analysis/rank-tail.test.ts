// rank's cheap first read (names + the last two closed segments + open segments) must rank exactly
// as a read of every batch header does, and must read deeper by itself when it cannot decide.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodesToReadDeeper, type RankResult } from '../../src/analysis/rank.js';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { buildNodeIndex } from '../../src/scan/build-node-index.js';
import { discoverNodes } from '../../src/scan/discover.js';
import { verdictsOf } from '../../src/workflows/check.js';
import { rankNodes } from '../../src/workflows/rank.js';
import { rankVerdicts } from '../../src/analysis/rank.js';
import { SAMPLE_SETS, sampleSet } from '../helpers/samples.js';
import { emptyNode, removeNode, writeClosed, writeMetadata } from '../helpers/synthetic-node.js';

const sets: Record<string, string> = {};
beforeAll(async () => {
  for (const s of SAMPLE_SETS) sets[s] = await sampleSet(s);
});

const made: string[] = [];
afterEach(() => made.splice(0).forEach(removeNode));

function summary(r: RankResult): unknown[] {
  return r.nodes.map(({ name, rank, highestLastIndexRank, verdict: v }) => [
    name, rank, highestLastIndexRank, v.contribution.lastIndex, v.contribution.lastTerm, v.contribution.need,
    v.startup.ok, v.startup.outcome, v.startup.error, v.startup.renamed,
  ]);
}

function nodeDirs(set: string): string[] {
  return discoverNodes(set).nodes.map((n) => n.dir);
}

describe('rank from the log tail', async () => {
  it.each(SAMPLE_SETS)('ranks the %s set exactly as a read of every byte does', async (name) => {
    const dirs = nodeDirs(sets[name]!);
    const tail = (await rankNodes(dirs.map((d) => buildNodeIndex(d, { verifyData: false, logTailOnly: true })))).result;
    const full = (await rankNodes(dirs.map((d) => buildNodeIndex(d, { verifyData: true })))).result;
    expect(summary(tail)).toEqual(summary(full));
    expect(tail.best?.verdict.read).toBe('every-byte');
  });

  it('reads only the last two closed segments of a node by their batches', async () => {
    const dir = nodeDirs(sets['healthy']!)[0]!;
    const node = buildNodeIndex(dir, { verifyData: false, logTailOnly: true });
    const closed = node.segments.filter((s) => s.kind === 'closed');
    expect(closed.length).toBeGreaterThan(3);
    expect(closed.slice(-2).map((s) => s.depth)).toEqual(['headers', 'headers']);
    expect(closed.slice(0, -2).every((s) => s.depth === 'name' && s.decoded.batches.length === 0)).toBe(true);
    expect(node.segments.filter((s) => s.kind === 'open').every((s) => s.depth === 'headers')).toBe(true);
    expect(node.logTailOnly).toBe(true);
  });

  it('reads a closed segment whose name promises more entries than the file can hold', async () => {
    const dir = emptyNode();
    made.push(dir);
    writeClosed(dir, 1n, { batches: [10], term: 1n });
    // Named 11-1000010 but holding 10 entries: 1,000,000 entries cannot fit in its bytes.
    writeClosed(dir, 11n, { batches: [10], term: 1n }, '0000000000000011-0000000001000010');
    writeClosed(dir, 1000011n, { batches: [10], term: 2n });
    writeClosed(dir, 1000021n, { batches: [10], term: 2n });
    writeMetadata(dir, 1, 2n, 0n);
    const node = buildNodeIndex(dir, { verifyData: false, logTailOnly: true });
    expect(node.segments.map((s) => [s.name.slice(-7), s.depth])).toEqual([
      ['0000010', 'name'], ['1000010', 'headers'], ['1000020', 'headers'], ['1000030', 'headers'],
    ]);
    const [tail, full] = [node, buildNodeIndex(dir, { verifyData: false })].map((n) => verdictsOf([n])[0]!.startup);
    expect([tail.ok, tail.error]).toEqual([full.ok, full.error]);
    expect(tail.error).toMatch(/found 10 entries \(expected 1000000\)/);
  });

  it('asks for a deeper read when the log ends in a segment it read by name only, and rank does it', async () => {
    // Closed segments 1-10 (term 1), 11-20 (term 2), 21-30 (term 3), 31-40 (term 3); the last two
    // are damaged at their first batch, so the disk log ends at 20, inside a name-only segment.
    const dir = emptyNode();
    made.push(dir);
    writeClosed(dir, 1n, { batches: [10], term: 1n });
    writeClosed(dir, 11n, { batches: [10], term: 2n });
    const last2 = [writeClosed(dir, 21n, { batches: [5, 5], term: 3n }), writeClosed(dir, 31n, { batches: [5, 5], term: 3n })];
    writeMetadata(dir, 1, 3n, 0n);
    for (const name of last2) {
      const file = path.join(dir, name);
      const bytes = fs.readFileSync(file);
      bytes[8 + 16] ^= 0xff; // first entry's term: header checksum mismatch
      fs.writeFileSync(file, bytes);
    }
    const tail = verdictsOf([buildNodeIndex(dir, { verifyData: false, logTailOnly: true })]);
    expect(nodesToReadDeeper(rankVerdicts(tail), tail).headers.map((n) => n.dir)).toEqual([dir]);
    const ranked = (await rankNodes([buildNodeIndex(dir, { verifyData: false, logTailOnly: true })])).result.best!.verdict;
    expect([ranked.contribution.lastIndex, ranked.contribution.lastTerm, ranked.read]).toEqual([20n, 2n, 'every-byte']);
    expect(ranked.contribution.lost.map((l) => [l.from, l.to])).toEqual([[21n, 40n]]);

    const io = memoryIo({});
    expect(await run(['rank', '--json', dir], io)).toBe(0);
    const doc = JSON.parse(io.out.join(''));
    expect([doc.nodes[0].contribution.lastIndex, doc.nodes[0].contribution.lastTerm, doc.nodes[0].read]).toEqual(['20', '2', 'every-byte']);
  });
});
