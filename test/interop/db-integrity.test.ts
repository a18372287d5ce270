// RR040 against the real engine (required in CI): on a real Debian dqlite 1.11 cluster, `check`
// finds no database fault; after the last transaction that wrote the model table's page had that
// page replaced by garbage on every node (its batch checksum recomputed, so raft loads it as
// sound), `check` names the database failing integrity_check on every node, and the real engine,
// started on the same directories, cannot read the table either.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { crc32 } from '../../src/format/crc32.js';
import { decodeCommand } from '../../src/format/dqlite-command.js';
import { decodeSegmentBytes, EntryType } from '../../src/format/segment.js';
import { clusterModel, clusterQuery, engineEnvIfBuilt, makeCluster } from '../helpers/lab.js';

const T = 900_000;
const MODEL_PAGE = 2n; // dqlite-demo's model table (root page 2) while it fits in one page

interface FindingDoc { code: string; node: string; message: string; data: unknown }

async function check(set: string): Promise<{ code: number; findings: FindingDoc[] }> {
  const io = memoryIo({ RAFT_RESCUE_WORKERS: '0' });
  const code = await run(['check', '--json', set], io);
  return { code, findings: JSON.parse(io.out.join('')).findings };
}

/** Segment files in log order: closed ones by first index, then open ones by counter. */
function segmentsOf(dir: string): string[] {
  const closed = fs.readdirSync(dir).filter((n) => /^\d{16}-\d{16}$/.test(n)).sort();
  const open = fs.readdirSync(dir).filter((n) => /^open-\d+$/.test(n))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  return [...closed, ...open];
}

/** Fills the model page of the node's last FRAMES entry that writes it with 0x5a and fixes the batch's crc2. */
function garbleLastModelPage(dir: string): void {
  type Found = { file: string; bytes: Uint8Array; batchOffset: number; dataAt: number; end: number; pageAt: number };
  let last: Found | undefined;
  for (const file of segmentsOf(dir)) {
    const bytes = new Uint8Array(fs.readFileSync(path.join(dir, file)));
    for (const batch of decodeSegmentBytes(bytes).batches) {
      for (const e of batch.entries) {
        if (e.type !== EntryType.COMMAND) continue;
        const c = decodeCommand(bytes.subarray(e.payloadOffset, e.payloadOffset + e.length)).value;
        if (c?.type !== 'frames' || c.filename !== 'demo') continue;
        const at = c.pageNumbers.indexOf(MODEL_PAGE);
        if (at < 0) continue;
        const pageAt = e.payloadOffset + c.pagesOffset + at * c.pageSize;
        const dataAt = batch.entries[0]!.payloadOffset;
        last = { file, bytes, batchOffset: batch.offset, dataAt, end: batch.end, pageAt };
      }
    }
  }
  expect(last, `${dir}: a FRAMES entry writing page ${MODEL_PAGE}`).toBeDefined();
  const { file, bytes, batchOffset, dataAt, end, pageAt } = last!;
  bytes.fill(0x5a, pageAt, pageAt + 4096);
  new DataView(bytes.buffer).setUint32(batchOffset + 4, crc32(bytes.subarray(dataAt, end)), true);
  fs.writeFileSync(path.join(dir, file), bytes);
}

const debian = engineEnvIfBuilt('debian');

describe.runIf(debian)('RR040 database-integrity on a real cluster', () => {
  it('sound: no finding; the model page garbled on every node: RR040 on each; the engine cannot read it', async () => {
    const set = await makeCluster({ writes: 300, env: debian });
    const nodes = fs.readdirSync(set).filter((d) => fs.existsSync(path.join(set, d, 'info.yaml'))).sort();
    expect((await check(set)).findings.filter((f) => f.code === 'RR040')).toEqual([]);
    for (const n of nodes) garbleLastModelPage(path.join(set, n));
    const after = await check(set);
    expect(after.code).toBe(1);
    const rr040 = after.findings.filter((f) => f.code === 'RR040');
    expect(rr040.map((f) => f.node).sort()).toEqual(nodes);
    for (const f of rr040) {
      expect(f.message).toMatch(/^database demo, rebuilt from this node's log at index \d+, fails SQLite's PRAGMA integrity_check: /);
    }
    // raft loads the entry as sound (its checksum holds): only the data is wrong.
    expect(after.findings.filter((f) => f.code !== 'RR040' && f.code !== 'RR022')).toEqual([]);
    // The engine, started on the same directories, answers from the schema page (untouched) but
    // fails its own integrity_check and the table's rows. (The shell runs anything but a SELECT
    // as an exec, which returns no rows; on a failed query it prints only "query: <column>".)
    const schema = await clusterQuery(set, "SELECT name FROM sqlite_schema WHERE type = 'table'", debian);
    expect(schema).toEqual({ ok: true, lines: ['model'] });
    const engineCheck = await clusterQuery(set, 'SELECT * FROM pragma_integrity_check', debian);
    expect(engineCheck.ok, JSON.stringify(engineCheck)).toBe(false);
    expect(engineCheck.lines[0]).toMatch(/^Error: query/);
    await expect(clusterModel(set, debian)).rejects.toThrow(/Error: query/);
    for (const f of rr040) {
      expect(f.data).toMatchObject({ database: 'demo', integrityCheck: ['database disk image is malformed'] });
    }
  }, T);
});
