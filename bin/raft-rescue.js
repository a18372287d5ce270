#!/usr/bin/env node
// The only place that touches process: everything else is in dist/cli (built from src/cli).
import { run } from '../dist/cli/run.js';
import { processIo } from '../dist/cli/io.js';

process.exitCode = await run(process.argv.slice(2), processIo());
