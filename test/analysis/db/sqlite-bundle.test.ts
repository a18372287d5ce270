// sql.js inside an esbuild bundle built the way src/cli/bundle.mjs builds the CLI (CommonJS,
// node20, import.meta.url defined from __filename): the .wasm is found through the installed
// package, wherever the bundle lies, and a missing package is a one-line error, not a crash.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, scratchDir } from '../../helpers/samples.js';

let root = '';
let bundle = '';

beforeAll(async () => {
  root = scratchDir('rr-sqljs-bundle-');
  const entry = path.join(root, 'entry.ts');
  // An async function, not top-level await: CommonJS has none.
  fs.writeFileSync(entry, `
import { loadSqlite, SqliteImage } from ${JSON.stringify(path.join(repoRoot, 'src/analysis/db/sqlite.ts'))};
(async () => {
  const SQL = await loadSqlite().catch((e: Error) => {
    process.stdout.write('ERROR ' + e.constructor.name + ': ' + e.message);
    process.exit(3);
  });
  const w = new SQL.Database();
  w.run("CREATE TABLE t (x); INSERT INTO t VALUES (42)");
  const img = await SqliteImage.open((w as unknown as { export(): Uint8Array }).export());
  process.stdout.write(JSON.stringify(img.query('SELECT x FROM t').rows, (k, v) => (typeof v === 'bigint' ? String(v) : v)));
})();
`);
  bundle = path.join(root, 'app', 'dist', 'bundle.cjs');
  // src/cli/bundle.mjs's settings.
  await esbuild.build({
    entryPoints: [entry], outfile: bundle, bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    banner: { js: "var __rr_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__rr_import_meta_url' }, logLevel: 'warning',
  });
});

describe('sql.js in a CommonJS bundle', () => {
  it('finds sql-wasm.wasm through the installed package and answers a query', () => {
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'app', 'node_modules'));
    const r = spawnSync(process.execPath, [bundle], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('[["42"]]');
  });

  it('without the package beside it: a one-line error saying what to do', () => {
    const alone = path.join(root, 'alone');
    fs.mkdirSync(alone);
    fs.copyFileSync(bundle, path.join(alone, 'bundle.cjs'));
    const r = spawnSync(process.execPath, [path.join(alone, 'bundle.cjs')], { encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/^ERROR InputError: SQLite \(the sql\.js package\) is not installed/);
  });
});
