// `raft-rescue db` on a log whose FRAMES pages are not a SQLite database (SQLite answers "file is
// not a database"): what SQLite said is a finding of the listing and of the diff, and a one-line
// error naming the database where nothing sound can be produced (query, export); never exit 70.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { encodeConfiguration } from '../../src/format/configuration.js';
import { encodeCommand } from '../../src/format/dqlite-command.js';
import { formatClosedSegmentName } from '../../src/format/file-names.js';
import { encodeSegment, EntryType } from '../../src/format/segment.js';
import { scratchDir } from '../helpers/samples.js';
import { SERVERS, writeMetadata } from '../helpers/synthetic-node.js';

const PS = 4096;

async function cli(args: string[]) {
  const io = memoryIo({ RAFT_RESCUE_WORKERS: '0' });
  const code = await run(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

/** Two node directories whose one FRAMES entry (index 2, database `app`) writes pages of 0x5a bytes. */
function garbageSet(): string {
  const set = scratchDir('rr-db-garbage-');
  const pages = [new Uint8Array(PS).fill(0x5a), new Uint8Array(PS).fill(0x5a)];
  const frames = encodeCommand({
    type: 'frames', filename: 'app', txId: 0n, truncate: 0, isCommit: 1, pageSize: PS,
    pageNumbers: [1n, 2n], pagesOffset: 0,
  }, pages);
  SERVERS.slice(0, 2).forEach((server) => {
    const dir = path.join(set, server.address);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, formatClosedSegmentName(1n, 2n)), encodeSegment([
      [{ term: 1n, type: EntryType.CHANGE, payload: encodeConfiguration(SERVERS) }],
      [{ term: 1n, type: EntryType.COMMAND, payload: frames }],
    ]));
    fs.writeFileSync(path.join(dir, 'info.yaml'), `Address: ${server.address}\nID: ${server.id}\nRole: 0\n`);
    writeMetadata(dir, 1, 1n, 1n);
  });
  return set;
}

describe('db on pages that are not a SQLite database', () => {
  it('list says what SQLite said; query and export refuse in one line naming the database; diff says it', async () => {
    const set = garbageSet();
    const list = await cli(['db', '--json', set]);
    expect(list.code, list.err).toBe(0);
    const doc = JSON.parse(list.out);
    expect(doc.databases).toMatchObject([{
      name: 'app', pages: 2, tables: null, error: 'SQLite: file is not a database',
      integrity: { ok: false, messages: ['file is not a database'] },
    }]);
    const people = await cli(['db', set]);
    expect(people.code).toBe(0);
    expect(people.out).toContain('app: SQLite: file is not a database');

    const query = await cli(['db', set, '--db', 'app', '--sql', 'SELECT 1 FROM sqlite_schema']);
    expect(query.code).toBe(2);
    expect(query.err).toBe('raft-rescue: SQLite: file is not a database\n');

    const out = path.join(scratchDir('rr-db-garbage-out-'), 'out');
    const exported = await cli(['db', 'export', set, '--out', out]);
    expect(exported.code).toBe(2);
    expect(exported.err.trim().split('\n')).toHaveLength(1);
    expect(exported.err)
      .toMatch(/^raft-rescue: database app: SQLite: file is not a database: no SQL dump can be written/);
    expect(fs.existsSync(out)).toBe(false);

    const diff = await cli(['db', 'diff', '--json', set]);
    expect(diff.code, diff.err).toBe(0);
    expect(JSON.parse(diff.out).pairs[0].databases)
      .toMatchObject([{ name: 'app', error: 'SQLite: file is not a database' }]);
  });
});
