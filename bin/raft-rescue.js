#!/usr/bin/env node
// The only place that touches process: everything else is the CLI, bundled from src/cli into
// dist/raft-rescue.cjs by `npm run build` and loaded with V8's code cache by dist/load-bundle.cjs.
// require(), not import: importing a CommonJS file makes Node scan all of it (1 MB) for export
// names first, which costs ~0.2 s.
import { createRequire } from 'node:module';

const { run, processIo } = createRequire(import.meta.url)('../dist/load-bundle.cjs').load().cli;

process.exitCode = await run(process.argv.slice(2), processIo());
