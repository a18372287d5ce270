// The one place engines differ in the file they hold (required in CI): after a VACUUM shrinks a
// database, dqlite 1.11 keeps the longer file and dqlite ≥ 1.18.2 cuts it to page 1's size. On
// a real cluster of each, the database rebuilt with that engine's rule equals, byte for byte,
// what the engine itself holds (its in-memory files saved with `.dump`, checkpointed by Debian's
// sqlite3), and the other rule does not: the rule is the engine's, not a guess.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPLY_RULES_DQLITE_1_11, APPLY_RULES_DQLITE_1_18_2, type ApplyRules } from '../../src/format/dqlite-apply.js';
import { heldLogOf, materialize, scanSet } from '../helpers/db.js';
import { engineEnvIfBuilt, makeVacuumCluster } from '../helpers/lab.js';
import { scratchDir } from '../helpers/samples.js';

const T = 600_000;
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The main file a node held: its `.dump` (main + WAL) checkpointed by sqlite3 itself. */
function engineFile(dumpDir: string): Buffer {
  const dir = scratchDir('rr-vacuum-dump-');
  for (const f of ['shrink', 'shrink-wal']) fs.copyFileSync(path.join(dumpDir, f), path.join(dir, f));
  execFileSync('sqlite3', [path.join(dir, 'shrink'), 'PRAGMA wal_checkpoint(TRUNCATE);'], { encoding: 'utf8' });
  return fs.readFileSync(path.join(dir, 'shrink'));
}

async function check(env: NodeJS.ProcessEnv, own: ApplyRules, other: ApplyRules): Promise<void> {
  const set = await makeVacuumCluster(env);
  expect(JSON.parse(fs.readFileSync(path.join(set, 'vacuum.json'), 'utf8')).vacuum).toBe('ok');
  for (const node of scanSet(set)) {
    const want = engineFile(path.join(set, 'dumps', node.name));
    const log = { ...heldLogOf(node), snapshots: [] };
    const mine = materialize(log, { rules: own }).databases.find((d) => d.name === 'shrink')!;
    const theirs = materialize(log, { rules: other }).databases.find((d) => d.name === 'shrink')!;
    expect(mine.image.byteLength, node.name).toBe(want.length);
    expect(sha(mine.image.toBytes()), node.name).toBe(sha(want));
    expect(theirs.image.byteLength, `${node.name}: the other rule gives another file`).not.toBe(want.length);
    // Both are the same database to SQLite (it reads page 1's size): only the file length differs.
    const file = path.join(scratchDir('rr-vacuum-mine-'), 'shrink.db');
    fs.writeFileSync(file, theirs.image.toBytes());
    expect(execFileSync('sqlite3', [file, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim()).toBe('ok');
  }
}

const debian = engineEnvIfBuilt('debian');
const d118 = engineEnvIfBuilt('dqlite-1.18');

describe('VACUUM: the commit-size rule of each engine, against the engine', () => {
  it.runIf(debian)('Debian dqlite 1.11 keeps the longer file (largest page written)', async () => {
    await check(debian!, APPLY_RULES_DQLITE_1_11, APPLY_RULES_DQLITE_1_18_2);
  }, T);

  it.runIf(d118)('dqlite 1.18 cuts it to page 1\'s size', async () => {
    await check(d118!, APPLY_RULES_DQLITE_1_18_2, APPLY_RULES_DQLITE_1_11);
  }, T);
});
