// One verdict per node (issue 9): on every sample set and on damaged copies of them (torn tails,
// flipped bytes in headers and payloads of the first, a middle and the last closed segment and of
// an open segment, zeros after the last closed segment, damaged snapshots, metadata faults),
// `rank` (default and --verify), `check`, `inspect` and `repair --dry-run` say the same thing about
// every node: the same start-up object, the same held log, the same contribution, and the
// findings quote the ranges the verdict holds. Default `rank` speaks only for nodes it read in
// full, and its recommendation equals the one of a full read.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { decodeSegmentBytes } from '../../src/format/segment.js';
import { closedSegments, flip, openSegments, read, snapshotsNewestFirst, truncate, append, write } from '../helpers/damage.js';
import { copySet, removeScratch, tearOpenTail } from '../helpers/repair.js';
import { SAMPLE_SETS, sampleSet } from '../helpers/samples.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function cli(args: string[]): Promise<{ code: number; doc: Json }> {
  const io = memoryIo({ RAFT_RESCUE_WORKERS: '0' });
  const code = await run(args, io);
  const out = io.out.join('');
  if (!out.startsWith('{')) throw new Error(`${args.join(' ')} exited ${code}: ${io.err.join('')}`);
  return { code, doc: JSON.parse(out) };
}

/** A batch's payload offset in a segment file (the first entry of batch `b`). */
function payloadAt(dir: string, name: string, b: number): number | undefined {
  const batch = decodeSegmentBytes(read(dir, name)).batches.at(b);
  return batch?.entries[0]?.payloadOffset;
}

function middle<T>(list: readonly T[]): T | undefined {
  return list[Math.floor(list.length / 2)];
}

interface Damage {
  readonly name: string;
  /** Damages a node directory; false when the node has nothing to damage this way. */
  readonly apply: (dir: string) => boolean;
}

const flipPayload = (pick: (names: string[]) => string | undefined, b = 0) => (dir: string): boolean => {
  const seg = pick(closedSegments(dir).filter((n) => fs.statSync(path.join(dir, n)).size > 64));
  const at = seg && payloadAt(dir, seg, b);
  if (!seg || at === undefined) return false;
  flip(dir, seg, at + 3);
  return true;
};

const flipHeader = (pick: (names: string[]) => string | undefined) => (dir: string): boolean => {
  const seg = pick(closedSegments(dir));
  if (!seg) return false;
  flip(dir, seg, 8 + 16); // the first entry's term: header checksum mismatch
  return true;
};

const DAMAGES: readonly Damage[] = [
  { name: 'payload flip, first closed segment', apply: flipPayload((l) => l[0]) },
  { name: 'payload flip, middle closed segment', apply: flipPayload(middle) },
  { name: 'payload flip, last closed segment', apply: flipPayload((l) => l[l.length - 1]) },
  { name: 'header flip, first closed segment', apply: flipHeader((l) => l[0]) },
  { name: 'header flip, last closed segment', apply: flipHeader((l) => l[l.length - 1]) },
  { name: 'payload flip, open segment', apply: (dir) => {
    const seg = openSegments(dir).find((n) => payloadAt(dir, n, 1) !== undefined);
    if (!seg) return false;
    flip(dir, seg, payloadAt(dir, seg, 1)! + 5);
    return true;
  } },
  { name: 'torn open tail', apply: (dir) => tearOpenTail(dir, (b) => ({ batches: decodeSegmentBytes(b).batches.toArray() })) !== undefined },
  { name: 'zeros after the last closed segment', apply: (dir) => {
    const last = closedSegments(dir).pop();
    if (!last) return false;
    append(dir, last, Buffer.alloc(4096));
    return true;
  } },
  { name: 'newest snapshot cut short', apply: (dir) => {
    const snap = snapshotsNewestFirst(dir)[0];
    if (!snap) return false;
    truncate(dir, snap, Math.floor(fs.statSync(path.join(dir, snap)).size / 2));
    return true;
  } },
  { name: 'newest snapshot .meta flipped', apply: (dir) => {
    const snap = snapshotsNewestFirst(dir)[0];
    if (!snap) return false;
    flip(dir, `${snap}.meta`, 20);
    return true;
  } },
  { name: 'metadata1 deleted', apply: (dir) => {
    if (!fs.existsSync(path.join(dir, 'metadata1'))) return false;
    fs.rmSync(path.join(dir, 'metadata1'));
    return true;
  } },
  { name: 'metadata versions equal', apply: (dir) => {
    if (!fs.existsSync(path.join(dir, 'metadata1'))) return false;
    write(dir, 'metadata2', read(dir, 'metadata1'));
    return true;
  } },
];

interface Outputs {
  readonly check: Json;
  readonly rank: Json;
  readonly rankVerify: Json;
  readonly inspect: Json;
  readonly plan: Json;
}

async function outputsOf(set: string): Promise<Outputs> {
  const [check, rank, rankVerify, inspect, repair] = await Promise.all([
    cli(['check', '--json', set]), cli(['rank', '--json', set]), cli(['rank', '--verify', '--json', set]),
    cli(['inspect', '--json', set]), cli(['repair', '--dry-run', '--json', '--allow-data-loss', '--out', path.join(set, '..', 'out'), set]),
  ]);
  return { check: check.doc, rank: rank.doc, rankVerify: rankVerify.doc, inspect: inspect.doc, plan: repair.doc.plan };
}

const VERDICT_FIELDS = ['startup', 'held', 'startupDrops', 'contribution', 'read'] as const;

function byName(doc: Json): Map<string, Json> {
  return new Map((doc['nodes'] as Json[]).map((n) => [n['name'] as string, n]));
}

function expectAgreement(o: Outputs, label: string): void {
  const check = byName(o.check);
  const verify = byName(o.rankVerify);
  const inspect = byName(o.inspect);
  for (const [name, c] of check) {
    for (const f of VERDICT_FIELDS) {
      expect(verify.get(name)![f], `${label}: rank --verify vs check, ${name}.${f}`).toEqual(c[f]);
      expect(inspect.get(name)![f], `${label}: inspect vs check, ${name}.${f}`).toEqual(c[f]);
    }
  }
  // Default rank: the same recommendation; full verdicts only for nodes it read in full, equal to check's.
  expect(o.rank['best'], `${label}: default rank vs rank --verify`).toBe(o.rankVerify['best']);
  // Nodes read in full keep the order a full read gives them (the rest are placed by what was read, and say so).
  const verifiedOrder = (o.rank['nodes'] as Json[]).filter((n) => n['read'] === 'every-byte').map((n) => n['name']);
  expect(verifiedOrder, `${label}: rank order of verified nodes`).toEqual((o.rankVerify['nodes'] as Json[]).map((n) => n['name']).filter((n) => verifiedOrder.includes(n)));
  for (const n of o.rank['nodes'] as Json[]) {
    if (n['read'] === 'every-byte') for (const f of VERDICT_FIELDS) expect(n[f], `${label}: rank vs check, ${n['name']}.${f}`).toEqual(check.get(n['name'])![f]);
    else expect([n['startup'], n['contribution'], n['checksumsVerified']], `${label}: rank speaks for unread ${n['name']}`).toEqual([null, null, false]);
  }
  expect((o.rank['nodes'] as Json[])[0]!['read'], `${label}: the recommended node is verified`).toBe('every-byte');
  // repair plans from the recommended node and keeps what its contribution says.
  const best = check.get(o.rankVerify['best'])!;
  expect(o.plan['source']['name'], `${label}: repair source`).toBe(o.rankVerify['best']);
  expect(o.plan['log']['lastIndex'], `${label}: repair keeps the contribution`).toBe(best['contribution']['lastIndex']);
  const lost = (o.plan['lost'] as Json[]).filter((l) => l['complete']).map((l) => [l['from'], l['to']]);
  expect(lost, `${label}: repair loses what the contribution loses`).toEqual((best['contribution']['lost'] as Json[]).map((l) => [l['from'], l['to']]));
  for (const row of o.plan['source']['ranking'] as Json[]) {
    const c = check.get(row['name'])!['contribution'];
    expect([row['lastIndex'], row['lastTerm'], row['repair']], `${label}: plan ranking row ${row['name']}`).toEqual([c['lastIndex'], c['lastTerm'], c['repair']]);
  }
  // Findings that quote what start-up drops quote the verdict's range.
  for (const f of o.check['findings'] as Json[]) {
    if (f['data']['lostFrom'] === undefined) continue;
    const drops = check.get(f['node'])!['startupDrops'];
    expect([f['data']['lostFrom'], f['data']['lostTo']], `${label}: ${f['code']} range vs ${f['node']} startupDrops`).toEqual([drops['from'], drops['to']]);
  }
}

afterAll(removeScratch);

describe('every command gives one verdict per node', () => {
  const sets: Record<string, string> = {};
  beforeAll(async () => {
    for (const s of SAMPLE_SETS) sets[s] = await sampleSet(s);
  });

  it.each(SAMPLE_SETS)('the %s sample set', async (name) => {
    expectAgreement(await outputsOf(sets[name]!), name);
  });

  // Every damage on one node of every set (the node cycles so each position is damaged somewhere;
  // when that node has nothing of the kind, e.g. no open segment, the next one that has is used).
  // The healthy set was stopped gracefully: it has no open segment to damage.
  const NOT_APPLICABLE = new Set(['healthy: payload flip, open segment', 'healthy: torn open tail']);
  const cases = SAMPLE_SETS.flatMap((set, s) => DAMAGES.map((d, i) => ({ set, damage: d, node: (s + i) % 3 })))
    .filter((c) => !NOT_APPLICABLE.has(`${c.set}: ${c.damage.name}`));
  it.each(cases.map((c) => [`${c.set}, node ${c.node}: ${c.damage.name}`, c] as const))('%s', async (_label, c) => {
    const copy = copySet(sets[c.set]!);
    const dirs = fs.readdirSync(copy, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join(copy, d.name)).sort();
    const order = [0, 1, 2].map((k) => dirs[(c.node + k) % 3]!);
    expect(order.some((dir) => c.damage.apply(dir)), `no node of ${c.set} can take "${c.damage.name}"`).toBe(true);
    expectAgreement(await outputsOf(copy), `${c.set} ${c.damage.name}`);
  }, 60_000);
});
