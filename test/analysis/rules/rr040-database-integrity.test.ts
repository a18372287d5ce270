// RR040 database-integrity: on nodes whose FRAMES carry a real SQLite database (made with sql.js),
// an entry that does not apply is named by index, file and offset, and a database whose pages are
// garbage fails integrity_check; the healthy samples and a log with a gap give nothing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSqlite } from '../../../src/analysis/db/sqlite.js';
import { compareFindings, type Finding } from '../../../src/analysis/findings.js';
import { buildNodeFacts } from '../../../src/analysis/rules/index.js';
import { rule } from '../../../src/analysis/rules/rr040-database-integrity.js';
import { encodeConfiguration } from '../../../src/format/configuration.js';
import { encodeCommand } from '../../../src/format/dqlite-command.js';
import { formatClosedSegmentName } from '../../../src/format/file-names.js';
import { decodeSegmentBytes, encodeSegment, EntryType, type EntryToEncode } from '../../../src/format/segment.js';
import { buildNodeIndex } from '../../../src/scan/build-node-index.js';
import type { NodeIndex } from '../../../src/scan/node-index.js';
import { databaseFactsOf, verdictsOf } from '../../../src/workflows/check.js';
import { emptyNode, SERVERS, writeMetadata } from '../../helpers/synthetic-node.js';
import { cleanupCopies, sampleIndexes } from './harness.js';

afterAll(cleanupCopies);

const PS = 4096;

async function withDatabases(nodes: readonly NodeIndex[]): Promise<Finding[]> {
  const verdicts = verdictsOf(nodes);
  const databases = await databaseFactsOf(verdicts);
  const nodeFacts = verdicts.map((v) => buildNodeFacts(v, true, databases.get(v.node)));
  return rule.check({ nodes: nodeFacts }).sort(compareFindings);
}

/** The pages of a small real database (page size 4096): a table `t` with rows. */
async function databasePages(): Promise<Uint8Array[]> {
  const SQL = await loadSqlite();
  const db = new SQL.Database();
  db.run('PRAGMA page_size = 4096; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);');
  db.run('INSERT INTO t (v) VALUES (\'a\'), (\'b\');');
  const bytes = (db as unknown as { export(): Uint8Array }).export();
  db.close();
  return Array.from({ length: bytes.length / PS }, (_, i) => bytes.slice(i * PS, (i + 1) * PS));
}

function frames(pages: readonly [number, Uint8Array][]): Uint8Array {
  return encodeCommand({
    type: 'frames', filename: 'app', txId: 0n, truncate: 0, isCommit: 1, pageSize: PS,
    pageNumbers: pages.map(([n]) => BigInt(n)), pagesOffset: 0,
  }, pages.map(([, p]) => p));
}

/** A node whose log (one entry a batch, one closed segment) holds these command payloads after a CHANGE. */
function nodeWith(payloads: Uint8Array[]): { node: NodeIndex; file: string } {
  const dir = emptyNode();
  const batches: EntryToEncode[][] = [[{ term: 1n, type: EntryType.CHANGE, payload: encodeConfiguration(SERVERS) }]];
  for (const payload of payloads) batches.push([{ term: 1n, type: EntryType.COMMAND, payload }]);
  const file = formatClosedSegmentName(1n, BigInt(batches.length));
  fs.writeFileSync(path.join(dir, file), encodeSegment(batches));
  writeMetadata(dir, 1, 1n, 1n);
  return { node: buildNodeIndex(dir, { verifyData: true }), file };
}

describe('RR040 database-integrity', () => {
  it('a sound page stream gives nothing; an entry that does not apply is named by index, file and offset', async () => {
    const pages = await databasePages();
    const sound = nodeWith([frames(pages.map((p, i) => [i + 1, p]))]);
    expect(await withDatabases([sound.node])).toEqual([]);
    const { node, file } = nodeWith([frames(pages.map((p, i) => [i + 1, p])), frames([[0, pages[1]!]])]);
    const found = await withDatabases([node]);
    const segment = decodeSegmentBytes(fs.readFileSync(path.join(node.dir, file)));
    const entry = segment.batches.batch(2).entries[0]!;
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      code: 'RR040', severity: 'error', node: node.name, file,
      offset: entry.payloadOffset + 8 + 8 + 24, // header, "app" padded to 8, the fixed fields: the first page number
      data: { kind: 'frames-page-number', index: 3n, database: 'app' },
    });
    expect(found[0]!.message).toMatch(
      /^entry 3 \(0000000000000001-0000000000000003\): page number 0 at position 0: not applied\. dqlite's FSM would fail/);
    expect(found[0]!.repairs[1]).toContain(`db export --node ${node.name} --at 2 --out DIR`);
  });

  it('a database whose table pages are garbage fails integrity_check', async () => {
    const pages = await databasePages();
    const garbage = Uint8Array.from(pages[1]!);
    garbage.fill(0x5a, 8);
    const { node } = nodeWith([frames(pages.map((p, i) => [i + 1, p])), frames([[2, garbage]])]);
    const found = await withDatabases([node]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'RR040', severity: 'error', data: { database: 'app', index: 3n } });
    expect(found[0]!.message)
      .toMatch(/^database app, rebuilt from this node's log at index 3, fails SQLite's PRAGMA integrity_check: /);
  });

  it('does not fire on the samples (the past-snapshot set\'s gapped logs are not rebuilt)', async () => {
    for (const set of ['healthy', 'crash', 'lagging'] as const) {
      expect(await withDatabases(await sampleIndexes(set))).toEqual([]);
    }
    const past = await sampleIndexes('past-snapshot');
    const facts = await databaseFactsOf(verdictsOf(past));
    expect([...facts.values()].map((f) => f.skipped !== undefined)).toEqual([true, true, false]);
    expect(await withDatabases(past)).toEqual([]);
  });
});
