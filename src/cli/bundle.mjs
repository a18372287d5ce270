// Build step, not part of the CLI (tsc ignores .mjs; the repository's top level is fixed, so it
// lives beside the code it bundles). Bundles the CLI (src/cli/main.ts and everything it imports,
// dependencies included) into one CommonJS file, dist/raft-rescue.cjs, which bin/raft-rescue.js loads. Why: start-up. Unbundled,
// Node spends most of a start resolving, reading and compiling ~100 modules. CommonJS rather than
// ESM: as fast, and `await import('tar')` stays lazy together with the built-ins tar loads
// (an ESM bundle hoists those, or needs chunk files). tsc still builds dist/ for tests and
// typechecking; `npm run build` runs this after it.
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import * as tar from 'tar';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * string-width (yargs, cliui and wrap-ansi each bring a copy) builds an Intl.Segmenter and a
 * \p{RGI_Emoji} RegExp when it loads: ~50 ms, as much as the rest of yargs. yargs lays out the
 * help text on every command run (it caches it in case a handler shows help), so each copy is
 * loaded only for a string that is not printable ASCII. The RegExp
 * stays lazy only while the target makes esbuild lower /v literals to `new RegExp` (node20 does):
 * V8 checks a literal's syntax, at the same cost, when it parses the file.
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(build) {
    build.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.kind !== 'import-statement' || args.pluginData === 'real') return undefined;
      const { resolveDir, importer, kind } = args;
      const real = await build.resolve(args.path, { resolveDir, importer, kind, pluginData: 'real' });
      if (real.errors.length) return { errors: real.errors };
      return { path: path.relative(root, real.path), namespace: 'lazy-string-width' }; // no build paths in the bundle
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (args) => ({
      // Printable ASCII is one column a character in every copy: no need to load it for that.
      contents: `let width;
export default function stringWidth(text, options) {
  if (typeof text === 'string' && /^[\\x20-\\x7e]*$/.test(text)) return text.length;
  width ??= require(${JSON.stringify(path.join(root, args.path))}).default;
  return width(text, options);
}
`,
      resolveDir: root,
      loader: 'js',
    }));
  },
};

/**
 * yargs calls version() with no argument when it is created, which walks up from the current
 * directory (or the project that installed us) reading each directory and the first package.json
 * it finds, only to guess a version that run.ts then sets. Its finder is escalade; finding nothing
 * makes yargs skip the read.
 */
const noPackageJsonSearch = {
  name: 'no-package-json-search',
  setup(build) {
    build.onResolve({ filter: /^escalade\/sync$/ }, () => ({ path: 'escalade/sync', namespace: 'no-package-json-search' }));
    build.onLoad({ filter: /.*/, namespace: 'no-package-json-search' }, () => ({
      contents: 'export default function findUp() {\n  return undefined;\n}\n',
      loader: 'js',
    }));
  },
};

await esbuild.build({
  entryPoints: [path.join(root, 'src/cli/main.ts')],
  outfile: path.join(root, 'dist/raft-rescue.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // yargs (an ES module) reads import.meta.url, which CommonJS output does not have.
  banner: { js: "var __rr_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__rr_import_meta_url' },
  plugins: [lazyStringWidth, noPackageJsonSearch],
  logLevel: 'warning',
});

// The worker threads that verify segments (src/scan/segment-pool.ts) run this second, small bundle.
await esbuild.build({
  entryPoints: [path.join(root, 'src/scan/segment-worker.ts')],
  outfile: path.join(root, 'dist/segment-worker.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
});

/**
 * The code cache (see load-bundle.cjs), written by a fresh process after it ran the commands on
 * the extracted healthy sample (or after --version only, when sample-data/ is not there).
 */
async function writeCodeCache() {
  const loader = path.join(root, 'dist/load-bundle.cjs');
  fs.copyFileSync(path.join(root, 'src/cli/load-bundle.cjs'), loader);
  const sample = path.join(root, 'sample-data', 'healthy.tar.gz');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-build-'));
  try {
    const args = [loader, '--write-cache'];
    if (fs.existsSync(sample)) {
      await tar.x({ file: sample, cwd: work });
      args.push(path.join(work, 'healthy'));
    }
    const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`writing the code cache failed (exit ${r.status})`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await writeCodeCache();
