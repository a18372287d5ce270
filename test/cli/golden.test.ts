// Golden outputs: the --json document of every command on every sample set, compared in full, so a
// change to any field of any command shows up as a diff in review. The repository root and the
// tool's version are the only things normalised. After a deliberate change, regenerate with
// `bash test/cli/update-golden.sh` and read the diff before committing it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { VERSION } from '../../src/core/version.js';
import { repoRoot, SAMPLE_SETS } from '../helpers/samples.js';

const goldenDir = path.join(repoRoot, 'test', 'cli', 'golden');
const updating = process.env.UPDATE_GOLDEN === '1';
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-golden-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Each command as a user would run it on one archive; `dump` over a window that crosses a snapshot. */
function commands(archive: string): Record<string, string[]> {
  return {
    inspect: ['inspect', '--json', archive],
    rank: ['rank', '--json', archive],
    'rank-verify': ['rank', '--verify', '--json', archive],
    check: ['check', '--json', archive],
    dump: ['dump', '--json', '--from', '2040', '--to', '2060', archive],
    'repair-dry-run': ['repair', '--dry-run', '--json', '--out', path.join(scratch, 'out'), archive],
    map: ['map', '--json', archive],
    db: ['db', '--json', archive],
    'db-diff': ['db', 'diff', '--json', archive],
  };
}

function normalise(text: string): string {
  return text
    .replaceAll(scratch, '<scratch>')
    .replaceAll(repoRoot, '<repo>')
    .replaceAll(`raft-rescue ${VERSION}`, 'raft-rescue <version>');
}

describe('--json of every command on every sample set', () => {
  for (const set of SAMPLE_SETS) {
    for (const [name, argv] of Object.entries(commands(path.join(repoRoot, 'sample-data', `${set}.tar.gz`)))) {
      it(`${set}: ${name}`, async () => {
        const io = memoryIo();
        const code = await run(argv, io);
        const output = normalise(io.out.join(''));
        const file = path.join(goldenDir, set, `${name}.json`);
        const document = { argv: argv.map(normalise), exitCode: code, output: JSON.parse(output) as unknown };
        const text = `${JSON.stringify(document, null, 2)}\n`;
        if (updating) {
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, text);
          return;
        }
        expect(fs.existsSync(file), `${path.relative(repoRoot, file)} is missing: run bash test/cli/update-golden.sh`).toBe(true);
        expect(io.err.join(''), 'nothing on stderr').toBe('');
        expect(text).toBe(fs.readFileSync(file, 'utf8'));
      });
    }
  }
});
