#!/usr/bin/env bash
# Regenerates test/cli/golden/ (the --json of every command on every sample set). Read the diff
# (git diff test/cli/golden) before committing it: every changed line is a change users see.
set -euo pipefail
cd "$(dirname "$0")/../.."
UPDATE_GOLDEN=1 npx vitest run test/cli/golden.test.ts
git status --short test/cli/golden
