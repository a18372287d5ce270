// Loads the bundled CLI (dist/raft-rescue.cjs) with V8's code cache (dist/raft-rescue.cjs.cache,
// written by `npm run build` after running a few commands), so a start compiles almost nothing:
// ~90 ms of a ~400 ms `rank`. Node 20 has no built-in compile cache (module.enableCompileCache is
// Node 22). V8 checks the cache against its version, flags and the source, and compiles normally
// when it does not match, so a missing or stale cache costs time, never correctness.
// Copied to dist/ by src/cli/bundle.mjs; bin/raft-rescue.js requires it from there.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const bundle = path.join(__dirname, 'raft-rescue.cjs');
const cacheFile = `${bundle}.cache`;

/** The bundle's exports, and the compiled script (to write a fresh cache from). */
function load() {
  const source = fs.readFileSync(bundle, 'utf8');
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined; // not built yet, or removed: compile as usual
  }
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, Module.createRequire(bundle), module, bundle, __dirname);
  return { cli: module.exports, script, cacheRejected: cachedData !== undefined && script.cachedDataRejected };
}

/**
 * `node dist/load-bundle.cjs --write-cache [SET]`: runs `check`, `inspect` and `rank` once on SET
 * (output discarded), then writes the code cache. A fresh process, few runs, `rank` last: V8
 * keeps code only for functions that ran, and drops the bytecode of functions idle over several
 * collections, so garbage from other work would lose the start-up path the cache should keep.
 */
async function writeCache(set) {
  fs.rmSync(cacheFile, { force: true });
  const { cli, script } = load();
  const runs = set ? [['check', '--json', set], ['inspect', set], ['rank', '--json', set]] : [['--version']];
  for (const argv of runs) await cli.run(argv, cli.memoryIo({}));
  fs.writeFileSync(cacheFile, script.createCachedData());
}

module.exports = { load, cacheFile };

if (require.main === module && process.argv[2] === '--write-cache') {
  writeCache(process.argv[3]).catch((error) => {
    process.stderr.write(`writing the code cache failed: ${error.stack}\n`);
    process.exitCode = 1;
  });
}
