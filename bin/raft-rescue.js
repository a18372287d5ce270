#!/usr/bin/env node
// The only place that touches process: everything else is the CLI, bundled from src/cli into
// dist/raft-rescue.cjs by `npm run build` and loaded with V8's code cache by dist/load-bundle.cjs.
// require(), not import: importing a CommonJS file makes Node scan all of it (1 MB) for export
// names first, which costs ~0.2 s.
//
// Signals: SIGINT, SIGTERM and SIGHUP abort the run's AbortSignal. The run stops at its next
// checkpoint (between files and chunks), removes its temp data and returns 128 + the signal's
// number (130, 143, 129). A second signal while it winds down changes nothing; the exit hook
// removes whatever temp data is still registered.
import { createRequire } from 'node:module';

const { run, processIo, removeAllTempPaths } = createRequire(import.meta.url)('../dist/load-bundle.cjs').load().cli;

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => controller.abort(signal));
}
process.once('exit', () => removeAllTempPaths());

process.exitCode = await run(process.argv.slice(2), { ...processIo(), signal: controller.signal });
