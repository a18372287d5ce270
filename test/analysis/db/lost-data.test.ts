// What lost entries mean for the data, on the real samples: entries another node holds are
// compared row by row (the lagging node misses exactly the keys whose value expect.json has and it
// lacks); entries no node can read are named unreadable, and those after them are only decoded.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { comparedLoss, uncomparedLoss } from '../../../src/analysis/db/lost-data.js';
import { lostDataWords } from '../../../src/analysis/db/lost-words.js';
import { applyRulesOf, DEFAULT_ENGINE } from '../../../src/analysis/engine/profiles.js';
import { buildVerdicts } from '../../../src/analysis/verdict.js';
import type { NodeIndex } from '../../../src/scan/node-index.js';
import { openPayloadReader } from '../../../src/scan/payloads.js';
import { snapshotContentReader } from '../../../src/scan/snapshot-content.js';
import { heldLogOf, materialize, modelOf, scanSet } from '../../helpers/db.js';
import { copyNode, sampleNodes, sampleSet } from '../../helpers/samples.js';

const expectOf = (set: string): Record<string, string> => JSON.parse(fs.readFileSync(path.join(set, 'expect.json'), 'utf8'));

describe('compared loss: the lagging sample', () => {
  let nodes: NodeIndex[] = [];
  let expected: Record<string, string> = {};
  beforeAll(async () => {
    const set = await sampleSet('lagging');
    nodes = scanSet(set);
    expected = expectOf(set);
  });

  it('keeping the lagging node loses inserts and updates of exactly the keys it lacks or holds older', async () => {
    const lagging = nodes.reduce((a, b) => (materialize(heldLogOf(a)).index < materialize(heldLogOf(b)).index ? a : b));
    const best = nodes.find((n) => n !== lagging)!;
    const kept = { log: heldLogOf(lagging), index: materialize(heldLogOf(lagging)).index };
    const dropped = { log: heldLogOf(best), index: materialize(heldLogOf(best)).index };
    const payloads = openPayloadReader();
    try {
      const d = await comparedLoss(kept, dropped, { from: kept.index + 1n, to: dropped.index },
        { payloads, snapshots: snapshotContentReader }, applyRulesOf(DEFAULT_ENGINE));
      const old = (await modelOf(materialize(kept.log))).model;
      const inserted = Object.keys(expected).filter((k) => !(k in old)).length;
      const updated = Object.keys(expected).filter((k) => k in old && old[k] !== expected[k]).length;
      expect(inserted + updated).toBeGreaterThan(0);
      expect(d).toMatchObject({ rows: 'compared', unreadable: [], problem: undefined, undecodable: 0 });
      expect(d.readable).toEqual([{ from: kept.index + 1n, to: dropped.index }]);
      expect(d.databases).toEqual([{
        name: 'demo', transactions: d.transactions, pages: expect.any(Number),
        tables: [{ table: 'model', inserted: BigInt(inserted), updated: BigInt(updated), deleted: 0n }],
      }]);
      // One PUT is one transaction; some entries of the range are barriers or configuration changes.
      expect(d.transactions).toBeGreaterThan(1000);
      expect(d.transactions).toBeLessThanOrEqual(Number(dropped.index - kept.index));
      expect(lostDataWords(d)).toBe(`${d.transactions} transactions touching table model (${inserted + updated} rows: `
        + `${inserted ? `${inserted} inserted, ` : ''}${updated} updated) of database demo`);
    } finally {
      payloads.close();
    }
  });
});

describe('uncompared loss: a hole no node can fill', () => {
  it('the hole is unreadable; the source\'s entries after it are decoded, not compared', async () => {
    // past-snapshot without node 3: nodes 1 and 2 lack the same entries after snapshot 1024.
    const [n1, n2] = (await sampleNodes('past-snapshot')).slice(0, 2).map(copyNode);
    const nodes = [n1!, n2!].map((d) => scanSet(path.dirname(d)).find((n) => n.dir === d)!);
    const payloads = openPayloadReader();
    try {
      const v = buildVerdicts(nodes, payloads).find((x) => x.node === nodes[0])!;
      expect(v.contribution.need).toBe('lossy');
      const lost = v.contribution.lost[0]!;
      const d = lost.data!;
      expect(d.rows).toBe('unknown');
      expect(d.unreadable[0]!.from).toBe(lost.from);
      const held = d.readable;
      expect(held.length).toBeGreaterThan(0);
      expect(held[held.length - 1]!.to).toBe(lost.to);
      expect(d.databases.map((x) => x.name)).toEqual(['demo']);
      expect(d.databases[0]!.tables).toBeUndefined();
      expect(d.transactions).toBeGreaterThan(500);
      expect(lostDataWords(d)).toMatch(new RegExp(`^the source's log does not hold entries ${lost.from}-\\d+ readable, so what they changed is unknown; `
        + `the entries that can be read \\(\\d+-${lost.to}\\) are ${d.transactions} transactions writing \\d+ pages of database demo; `
        + 'their rows cannot be compared without the entries before them$'));
    } finally {
      payloads.close();
    }
  });

  it('a torn batch of unknown length is said, not guessed', () => {
    const log = { label: 'x', lastIndex: 10n, snapshots: [], pieces: [] };
    const d = uncomparedLoss(log, 11n, undefined, openPayloadReader());
    expect(d).toMatchObject({ rows: 'unknown', readable: [], unreadable: [{ from: 11n, to: undefined }], transactions: 0 });
    expect(lostDataWords(d)).toBe('the source\'s log does not hold entries 11 and after (a count never written) readable, '
      + 'so what they changed is unknown');
  });
});
