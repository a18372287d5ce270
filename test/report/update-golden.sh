#!/usr/bin/env bash
# Rewrites the golden text of the log map (test/report/golden/) from the current renderer.
# Run after a deliberate change to the map, then read `git diff test/report/golden/`.
set -euo pipefail
cd "$(dirname "$0")/../.."
RR_UPDATE_GOLDEN=1 npx vitest run test/report/map-text.test.ts
