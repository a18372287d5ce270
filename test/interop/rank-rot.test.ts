// Default `rank` must not recommend a rotted node (issue 9). One flipped byte in a payload of the
// last closed segment of the node that would win by name: its headers are sound, so only the
// data checksum tells. The real loader moves that segment and every open segment aside and
// comes up hundreds of entries shorter; rank (without --verify) must read that node in full,
// predict exactly that start-up, and recommend an intact node instead.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { decodeSegmentBytes } from '../../src/format/segment.js';
import { closedSegments, flip, read } from '../helpers/damage.js';
import { engineAvailable, raftLoad } from '../helpers/engine.js';
import { copySet, removeScratch } from '../helpers/repair.js';
import { sampleSet } from '../helpers/samples.js';

const live = engineAvailable();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function rank(dir: string, ...flags: string[]): Promise<Json> {
  const io = memoryIo({});
  expect(await run(['rank', '--json', ...flags, dir], io), io.err.join('')).toBe(0);
  return JSON.parse(io.out.join(''));
}

afterAll(removeScratch);

describe.runIf(live)('default rank on a payload bit flip in the last closed segment', () => {
  let set = '';
  let rotted = '';
  let segment = '';
  beforeAll(async () => {
    set = copySet(await sampleSet('crash'));
    rotted = path.join(set, '127.0.0.1:9521'); // first by name: it wins every tie unless rank sees the rot
    segment = closedSegments(rotted).pop()!;
    const first = decodeSegmentBytes(read(rotted, segment)).batches.batch(0);
    flip(rotted, segment, first.entries[0]!.payloadOffset + 100);
  });

  it('the real loader moves the segment and every open segment aside and comes up shorter', () => {
    const engine = raftLoad(rotted);
    expect(engine.ok).toBe(true);
    expect(engine.renamed.sort()).toEqual([segment, ...fs.readdirSync(rotted).filter((n) => n.startsWith('open-'))].sort());
    expect(BigInt(engine.lastIndex!)).toBeLessThan(2613n);
  });

  it('rank recommends an intact node and predicts that start-up exactly', async () => {
    const engine = raftLoad(rotted);
    const doc = await rank(set);
    expect(doc.best).not.toBe('127.0.0.1:9521');
    expect(['127.0.0.1:9522', '127.0.0.1:9523']).toContain(doc.best);
    const node = (doc.nodes as Json[]).find((n) => n.name === '127.0.0.1:9521')!;
    expect(node.read).toBe('every-byte');
    expect(node.startup).toMatchObject({ ok: true, renamed: expect.arrayContaining(engine.renamed), log: { lastIndex: engine.lastIndex, lastTerm: engine.lastTerm } });
    expect(node.startup.renamed).toHaveLength(engine.renamed.length);
    expect(node.startupDrops).toEqual({ from: String(BigInt(engine.lastIndex!) + 1n), to: '2613' });
    // What it contributes: a repair could fill the rotted entries from the others (lossless), but
    // an intact node that starts as it is wins the tie.
    expect(node.contribution).toMatchObject({ lastIndex: '2613', repair: 'lossless' });
    expect(doc.explanation.join('\n')).toMatch(new RegExp(`${doc.best} is preferred because it starts as it is, while 127.0.0.1:9521 needs a repair that keeps every entry`));
    // The full read agrees.
    expect((await rank(set, '--verify')).best).toBe(doc.best);
  });
});
