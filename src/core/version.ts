// The tool's version, as package.json says it (test/version.test.ts holds the two equal): plans and
// manifests record it, --version prints it.
export const VERSION = '0.1.0';
export const TOOL = `raft-rescue ${VERSION}`;
