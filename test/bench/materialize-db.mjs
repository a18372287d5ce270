// Bench hook for issue 14: how long rebuilding every database of one node takes, and its peak
// memory. The bench (bench.mjs) can import materializeNodeDatabases, or time this file as a
// process (`node test/bench/materialize-db.mjs NODE_DIR [--at INDEX] [--scratch]`, one JSON line)
// under /usr/bin/time -v for peak RSS. Uses dist/ (npm run build first).
//
// The bench node's FRAMES (make-data.mjs) are not a coherent SQLite page stream: page numbers
// spread over 1..5000 with repeated pseudo-random page images, so the rebuilt "database" is not
// one SQLite can open, and the database grows past pages never written (frames-gap warnings).
// The work done per entry (read the payload, decode the command, copy its pages) is the real one.
//
// Measured on the 1x node (291 MB, 32971 FRAMES, 272 MB of payloads; warm page cache, built CLI):
// from the newest snapshot (the default) 0.70 s wall vs 0.65 s for `check` (1.1x); replaying every
// entry from index 1, scan 0.5-1.1 s here (one thread; check verifies on worker threads) plus
// 0.45-0.65 s of replay: 1.45-2.0 s wall, 2.2-3x check. Peak RSS ~100 MB (database 20 MB).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = new URL('../../dist/', import.meta.url);
const imp = (p) => import(new URL(p, dist).href);

/**
 * Scans `nodeDir` (every byte, as check does), then rebuilds its databases at `at` (default: last
 * index). `fromScratch`: ignore the snapshots and replay every entry from index 1 (the worst case:
 * the whole log is read and applied).
 */
export async function materializeNodeDatabases(nodeDir, options = {}) {
  const { buildNodeIndex } = await imp('scan/build-node-index.js');
  const { openPayloadReader } = await imp('scan/payloads.js');
  const { snapshotContentReader } = await imp('scan/snapshot-content.js');
  const { diskLog } = await imp('analysis/loader/index.js');
  const { heldDbLog, materializeDatabases } = await imp('analysis/db/index.js');
  const t0 = performance.now();
  const node = buildNodeIndex(nodeDir);
  const t1 = performance.now();
  const payloads = openPayloadReader();
  let result;
  try {
    const log = heldDbLog(node, diskLog(node));
    result = materializeDatabases(options.fromScratch ? { ...log, snapshots: [] } : log, { payloads, snapshots: snapshotContentReader }, { at: options.at });
  } finally {
    payloads.close();
  }
  const t2 = performance.now();
  return {
    scanSeconds: (t1 - t0) / 1000,
    materializeSeconds: (t2 - t1) / 1000,
    index: String(result.index),
    start: result.start.kind === 'snapshot' ? `${result.start.name}` : 'empty',
    commands: result.commands,
    payloadBytes: result.payloadBytes,
    databases: result.databases.map((d) => ({ name: d.name, pages: d.pages, bytes: d.image.byteLength, allocated: d.image.allocatedBytes })),
    problems: result.problems.length + result.problemsOmitted,
    firstProblem: result.problems[0]?.message,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.includes('--at') ? BigInt(args[args.indexOf('--at') + 1]) : undefined;
  const r = await materializeNodeDatabases(args[0], { at, fromScratch: args.includes('--scratch') });
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
