// The test runner's settings (here, not at the top level: `npm test` passes --config). The second
// reporter prints, as the last lines of every run, what was skipped and why (helpers/skips.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 600_000,
    pool: 'forks',
    reporters: ['default', './test/helpers/skip-reporter.ts'],
  },
});
