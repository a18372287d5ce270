#!/usr/bin/env node
// The only place that touches process: everything else is the CLI, bundled from src/cli into
// dist/raft-rescue.cjs by `npm run build`. require(), not import: importing a CommonJS file makes
// Node scan all of it (1 MB) for export names first, which costs ~0.2 s.
import { createRequire } from 'node:module';

const { run, processIo } = createRequire(import.meta.url)('../dist/raft-rescue.cjs');

process.exitCode = await run(process.argv.slice(2), processIo());
