// Prints, as the last lines of a run, what was skipped and why (see skips.ts), or that nothing was.
import fs from 'node:fs';
import { skipLogOf } from './skips.js';

export default class SkipReporter {
  onInit(): void {
    fs.rmSync(skipLogOf(process.pid), { force: true });
  }

  onTestRunEnd(): void {
    const file = skipLogOf(process.pid);
    let lines: string[] = [];
    try {
      lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    } catch {
      lines = [];
    }
    fs.rmSync(file, { force: true });
    const skips = [...new Set(lines)].map((l) => JSON.parse(l) as { what: string; why: string });
    const out = process.stdout;
    if (!skips.length) {
      out.write('\nNothing skipped: the real-engine, browser and root-only tests all ran.\n');
      return;
    }
    out.write('\nNOT A FULL RUN. Skipped (CI=true turns each of these into a failure):\n');
    for (const s of skips) out.write(`  - ${s.what}: ${s.why}\n`);
  }
}
