// Entry point of the bundle, dist/raft-rescue.cjs (src/cli/bundle.mjs): what bin/raft-rescue.js
// calls. One bundled file starts about twice as fast as the module graph under dist/cli.
export { run } from './run.js';
export { memoryIo, processIo } from './io.js';
export { removeAllTempPaths } from '../scan/temp-dirs.js';
