// npm run bench: scale and speed of raft-rescue on a large realistic set and memory. Not a timed
// test: it prints figures side by side and the targets they are held to.
//
//   rank            wall time of `raft-rescue rank` (the default: every byte of the recommended node
//                   and what its answer rests on, every checksum) vs ../shared/dqlite-lab/
//                   reference-rank.sh (copy + dqlite .reconfigure per node)        target ≥ 8×
//                   (`rank --fast`, headers and the log's tail only, is printed beside it)
//   check           MB/s of `raft-rescue check` (every checksum) on one node vs the C loader: the
//                   raft-load helper (libraft 0.15 raft_uv load, the loader dqlite runs at start-up)
//                   timed on a fresh copy, load only, copy not timed              target ≥ 3.0×
//   read + CRC      the ceiling: reading every segment file of the node and CRC-ing every byte,
//                   nothing else, on 1 thread and on one worker thread a core; check's MB/s is
//                   printed as a share of it
//   crc             the TypeScript CRC alone, MB/s
//   peak RSS        inspect, check, repair (/usr/bin/time -v "Maximum resident set size")
//                                                                                  target ≤ 200 MB
//   db              wall time of `raft-rescue db --json NODE` (every database of the node rebuilt
//                   from its newest snapshot and log, then opened and listed) vs `check` on the
//                   same node without that rebuild (check runs every rule but RR040, the one
//                   that rebuilds the databases)                                   target ≤ 1.5×
//                   and its peak RSS                         target ≤ 200 MB + the databases' size
//   at 1×, 2×, 4× the data size (growth should be linear or better).
//   many files      wall time of inspect, rank and check on one node of 100 000 one-entry
//                   segment files (--many N)                                    target < 30 s
//   start-up        `--version` and `rank` on sample-data/healthy.tar.gz with V8's code cache
//                   (dist/raft-rescue.cjs.cache, written by the build) and without it: the cache
//                   earns its place in the package only while it saves time here
//
// Data lives in .bench/ (gitignored) and is reused while the generator is unchanged. Options:
// --scales 1,2,4   --runs N (best of N, default 2)   --keep-out
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCrcBandwidth } from './crc-bandwidth.mjs';
import { dirBytes, ensureSet } from './make-data.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const lab = path.resolve(repo, '..', 'shared', 'dqlite-lab');
const benchDir = path.join(repo, '.bench');
const bin = path.join(repo, 'bin', 'raft-rescue.js');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const SCALES = opt('scales', '1,2,4').split(',').map(Number);
const RUNS = Number(opt('runs', '2'));
const log = (s) => process.stderr.write(`${s}\n`);

/** Runs argv under /usr/bin/time -v; returns wall seconds, peak RSS (MB) and the exit code. */
function timed(argv, options = {}) {
  const r = spawnSync('/usr/bin/time', ['-v', ...argv], { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
  const field = (name) => Number(new RegExp(`${name}: ([\\d.:]+)`).exec(r.stderr)?.[1]?.split(':').reduce((a, x) => a * 60 + Number(x), 0));
  const cpu = field('User time \\(seconds\\)') + field('System time \\(seconds\\)');
  return { seconds: field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)'), cpu, rssMb: field('Maximum resident set size \\(kbytes\\)') / 1024, code: r.status, out: r.stdout, err: r.stderr };
}

function best(n, fn) {
  const results = Array.from({ length: n }, fn);
  return results.sort((a, b) => a.seconds - b.seconds)[0];
}

function tool(argvTail) {
  const r = timed([process.execPath, bin, ...argvTail]);
  if (r.code !== 0 && r.code !== 1) throw new Error(`raft-rescue ${argvTail.join(' ')} exited ${r.code}: ${r.err.slice(-800)}`);
  return r;
}

/** The C loader on a fresh copy of `node`, load only: the copy is made before the clock starts. */
function cLoad(node) {
  const helper = path.join(process.env.TMPDIR ?? '/tmp', `raft-load-${process.getuid()}`);
  if (!fs.existsSync(helper)) execFileSync('bash', [path.join(lab, 'raft-load.sh'), node], { stdio: 'ignore' });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-bench-c-'));
  try {
    execFileSync('cp', ['-a', node, path.join(scratch, 'node')]);
    const r = timed([helper, path.join(scratch, 'node')]);
    if (!/"ok":true/.test(r.out)) throw new Error(`the C loader refused the benchmark node: ${r.out}`);
    return r;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

async function crcThroughput() {
  const { crc32 } = await import(new URL('../../dist/format/crc32.js', import.meta.url).href);
  const buf = new Uint8Array(64 << 20);
  for (let i = 0; i < buf.length; i++) buf[i] = (i * 2654435761) >>> 24;
  let bestMs = Infinity;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    crc32(buf);
    bestMs = Math.min(bestMs, performance.now() - t);
  }
  return buf.length / 1e6 / (bestMs / 1000);
}

async function measure(scale) {
  const set = ensureSet(benchDir, scale, log);
  const node = path.join(set, fs.readdirSync(set).filter((n) => n.startsWith('127.')).sort()[0]);
  const setMb = dirBytes(set) / 1e6;
  const nodeMb = dirBytes(node) / 1e6;
  log(`measuring ${scale}x (${setMb.toFixed(0)} MB in 3 nodes) …`);
  const crcUrl = new URL('../../dist/format/crc32.js', import.meta.url).href;
  const ceiling1 = await readCrcBandwidth(node, 1, crcUrl);
  const ceilingN = await readCrcBandwidth(node, os.availableParallelism?.() ?? os.cpus().length, crcUrl);
  const rank = best(RUNS, () => tool(['rank', '--json', set]));
  const fast = best(RUNS, () => tool(['rank', '--fast', '--json', set]));
  const ref = best(1, () => timed(['bash', path.join(lab, 'reference-rank.sh'), set]));
  const check = best(RUNS, () => tool(['check', '--json', node]));
  const c = best(RUNS, () => cLoad(node));
  const inspect = tool(['inspect', '--json', node]);
  const db = best(RUNS, () => tool(['db', '--json', node]));
  const { ALL_RULES } = await import(new URL('../../dist/analysis/rules/index.js', import.meta.url).href);
  const withoutRebuild = ALL_RULES.map((rule) => rule.code).filter((code) => code !== 'RR040').join(',');
  // The node before --only, which takes a list and would swallow it.
  const checkPlain = best(RUNS, () => tool(['check', '--json', node, '--only', withoutRebuild]));
  const dbMb = JSON.parse(db.out).databases.reduce((sum, d) => sum + d.bytes, 0) / 2 ** 20;
  const out = path.join(benchDir, `repair-out-${scale}x`);
  fs.rmSync(out, { recursive: true, force: true });
  const repair = tool(['repair', set, '--out', out]);
  if (!args.includes('--keep-out')) fs.rmSync(out, { recursive: true, force: true });
  return { scale, setMb, nodeMb, rank, fast, ref, check, c, inspect, repair, db, dbMb, checkPlain, ceiling1, ceilingN };
}

function row(r) {
  const f = (x, d = 2) => x.toFixed(d);
  const segs = fs.readdirSync(path.join(benchDir, `set-${r.scale}x`, '127.0.0.1:9701')).filter((n) => /^\d{16}-\d{16}$|^open-/.test(n)).length;
  const mbs = (mb, t) => mb / t;
  const checkMbs = mbs(r.nodeMb, r.check.seconds);
  return [
    `${r.scale}×`, f(r.setMb, 0), segs,
    `${f(r.rank.seconds)} (${f(r.rank.cpu)})`, `${f(r.ref.seconds)} (${f(r.ref.cpu)})`,
    `${f(r.ref.seconds / r.rank.seconds, 1)}×`,
    `${f(r.fast.seconds)} / ${f(r.ref.seconds / r.fast.seconds, 1)}×`,
    `${f(checkMbs, 0)} (${f(mbs(r.nodeMb, r.check.cpu), 0)})`,
    `${f(mbs(r.nodeMb, r.c.seconds), 0)} (${f(mbs(r.nodeMb, r.c.cpu), 0)})`,
    `${f(r.c.seconds / r.check.seconds)}×`,
    `${f(r.ceiling1.mbs, 0)} / ${f(r.ceilingN.mbs, 0)} (${r.ceilingN.threads} threads); check at ${f((100 * checkMbs) / r.ceilingN.mbs, 0)}%`,
    `${f(r.inspect.rssMb, 0)} / ${f(r.check.rssMb, 0)} / ${f(r.repair.rssMb, 0)}`,
    `${f(r.db.seconds)} (${f(r.db.cpu)}) / ${f(r.checkPlain.seconds)} (${f(r.checkPlain.cpu)}) / `
      + `${f(r.db.seconds / r.checkPlain.seconds)}× (${f(r.db.cpu / r.checkPlain.cpu)}×)`,
    // The generated FRAMES name page numbers up to 2^31, so the nominal file is terabytes of holes:
    // what a rebuild can hold is bounded by the pages the log writes, i.e. by the node's size.
    `${f(r.db.rssMb, 0)} ≤ ${f(200 + Math.min(r.dbMb, r.nodeMb), 0)}${r.dbMb > r.nodeMb ? ` (nominal size ${f(r.dbMb / 2 ** 20, 1)} TiB, sparse)` : ''}`,
  ].join(' | ');
}

function table(rows, crcMbs) {
  const cpu = os.cpus();
  return [
    `raft-rescue benchmark: ${cpu.length} × ${cpu[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    'data: 3 nodes a set; 8 MiB closed segments of dqlite FRAMES entries (4 KiB pages, 1-3 a transaction), short restart segments, 2 LZ4 snapshots, 3 open segments',
    'times: wall seconds (CPU seconds, user + sys); ratios on wall time (on CPU time, which other load on the machine disturbs less)',
    '',
    'scale | set MB | segments/node | rank s | reference-rank s | rank speed-up (target ≥ 8×) | rank --fast s / speed-up | check MB/s | C loader MB/s | check vs C (target ≥ 3.0×) | read + CRC ceiling MB/s 1 / N threads | peak RSS MB inspect / check / repair (target ≤ 200) | db s / check without RR040 s / ratio (target ≤ 1.5×) | db peak RSS MB (target ≤ 200 + databases MB)',
    ...rows.map(row),
    '',
    `TS CRC-32 alone: ${crcMbs.toFixed(0)} MB/s (slicing-by-16 over aligned 32-bit loads, no allocation per call; payloads checksummed from a 64 KiB read-ahead window or 1 MiB chunks)`,
    'rank: raft-rescue rank --json SET (the default: names and the log\'s tail of every node, then every byte of the recommended node and what its answer rests on, every checksum); --fast stops after the first read; reference-rank.sh: copy + dqlite .reconfigure per node',
    'check: raft-rescue check --json NODE (every checksum); C loader: the raft-load helper (libraft 0.15 raft_uv load, what dqlite runs at start-up) on a fresh copy of the node, copy not timed',
    'db: raft-rescue db --json NODE (the node\'s databases rebuilt from its newest snapshot and log, opened in SQLite, listed with their tables\' row counts) against check --only every rule but RR040 (RR040 rebuilds the databases too; the check column includes it)',
    `inspect and check read one node; repair reads the set and writes a repaired set; every raft-rescue figure includes process start; best of ${RUNS}`,
  ].join('\n');
}

/** One node of `count` one-entry closed segments, built once under .bench/ with the project's encoders. */
async function ensureManyFiles(count) {
  const dir = path.join(benchDir, `many-${count}`, 'node');
  if (fs.existsSync(path.join(dir, 'metadata1'))) return dir;
  log(`building a node of ${count} segment files …`);
  const imp = (p) => import(new URL(`../../dist/${p}`, import.meta.url).href);
  const { encodeSegment } = await imp('format/segment.js');
  const { encodeConfiguration } = await imp('format/configuration.js');
  const { encodeMetadata } = await imp('format/metadata.js');
  const { formatClosedSegmentName } = await imp('format/file-names.js');
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const servers = [{ id: 1n, address: '127.0.0.1:9001', role: 1 }];
  for (let i = 1; i <= count; i++) {
    const entry = i === 1 ? { term: 1n, type: 3, payload: encodeConfiguration(servers) } : { term: 1n, type: 1, payload: new Uint8Array(8).fill(i % 251) };
    fs.writeFileSync(path.join(dir, formatClosedSegmentName(BigInt(i), BigInt(i))), encodeSegment([[entry]]));
  }
  fs.writeFileSync(path.join(dir, 'info.yaml'), 'Address: 127.0.0.1:9001\nID: 1\nRole: 0\n');
  fs.writeFileSync(path.join(dir, 'cluster.yaml'), '- Address: 127.0.0.1:9001\n  ID: 1\n  Role: 0\n');
  fs.writeFileSync(path.join(dir, 'metadata1'), encodeMetadata({ version: 1n, term: 1n, votedFor: 0n }));
  return dir;
}

async function manyFiles() {
  const count = Number(opt('many', '100000'));
  const node = await ensureManyFiles(count);
  log(`measuring ${count} segment files …`);
  const t = (argv) => best(1, () => tool(argv));
  const cells = [['inspect'], ['rank'], ['check'], ['inspect', '--json']].map((argv) => {
    const r = t([...argv, node]);
    return `${argv.join(' ')} ${r.seconds.toFixed(1)} s (${r.cpu.toFixed(1)} s CPU, ${r.rssMb.toFixed(0)} MB)`;
  });
  return `many files: one node of ${count} one-entry segment files (target < 30 s each): ${cells.join('; ')}`;
}

/** Start-up with and without the code cache (moved aside for the second half, always put back). */
function startup() {
  const cache = path.join(repo, 'dist', 'raft-rescue.cjs.cache');
  const sample = path.join(repo, 'sample-data', 'healthy.tar.gz');
  const runs = [['--version'], ['rank', '--json', sample]];
  const measureAll = () => runs.map((argv) => best(Math.max(RUNS, 5), () => tool(argv)).seconds);
  log('measuring start-up with and without the code cache …');
  const withCache = measureAll();
  fs.renameSync(cache, `${cache}.off`);
  let without;
  try {
    without = measureAll();
  } finally {
    fs.renameSync(`${cache}.off`, cache);
  }
  const cells = runs.map((argv, i) => `${argv[0]} ${withCache[i].toFixed(2)} s with / ${without[i].toFixed(2)} s without (saves ${((without[i] - withCache[i]) * 1000).toFixed(0)} ms)`);
  return `start-up, V8 code cache: ${cells.join('; ')}`;
}

const rows = [];
for (const scale of SCALES) rows.push(await measure(scale));
console.log(table(rows, await crcThroughput()));
console.log(await manyFiles());
console.log(startup());
