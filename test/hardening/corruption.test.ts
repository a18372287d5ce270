// The corruption suite (issue 5): thousands of seeded mutations of real sample files, for every
// file type a node directory holds. Most cases decode the mutated bytes in-process (fast); a
// smaller share is written into a real node directory and goes through the scanner, the loader
// simulation and, every few cases, every CLI command in-process. Each case must: not throw, finish
// within a time bound, not allocate from an untrusted length, and, when the damage is one the
// format can detect, yield an issue naming the file and an offset. Replay with RR_FUZZ_SEED=<seed>.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { trackAllocations } from './alloc-guard.js';
import { CLI_COMMANDS, registeredCommands } from './cli-cases.js';
import { decodeAny } from './decode-any.js';
import { fsOnlyCases, type FsCase } from './fs-cases.js';
import { analyse, namedByCheck, namedByScan, runCommands } from './fs-runner.js';
import { draftsOf, isDetectable, mutationsOf, type MutationCase } from './mutations.js';
import { Rng, fuzzSeed } from './rng.js';
import { fixtureSpecimens, loadSpecimens, makeNodeFixtures, type Specimen } from './specimens.js';

const SEED = fuzzSeed();
const SCALE = Number(process.env['RR_FUZZ_SCALE'] ?? '1');
/** Per-case bounds: far above a normal run (a few ms), far below a hang. */
const CODEC_CASE_MS = 3_000;
const FS_CASE_MS = 10_000;
/** Every CLI_EVERY-th filesystem case also runs every command in-process. */
const CLI_EVERY = 12;
/** Filesystem cases drawn per file of a node fixture. */
const FS_PER_FILE = Math.round(16 * SCALE);

interface Failure {
  readonly id: string;
  readonly problem: string;
}

const failures: Failure[] = [];
const timing = new Map<string, { n: number; ms: number }>();
const stats = { codec: 0, fs: 0, cli: 0, named: { scan: 0, check: 0 }, slowest: { ms: 0, id: '' } };

function caseId(c: { specimen: Specimen; op: string }): string {
  return `${c.specimen.label} ${c.op} (seed ${SEED})`;
}

function checkOffsets(id: string, issues: readonly { offset: number; kind: string }[], size: number): void {
  for (const i of issues) {
    if (!Number.isInteger(i.offset) || i.offset < 0 || i.offset > size) {
      failures.push({ id, problem: `issue ${i.kind} has offset ${i.offset} outside the file (0..${size})` });
    }
  }
}

/**
 * A decoder may allocate what the file holds (LZ4 may expand it), never what a length field
 * claims. The LZ4 verifier keeps an input and an output block of the declared maximum size (at
 * most 4 MiB each, a constant of the format) and a 64 KiB history.
 */
function allocationLimit(c: MutationCase): number {
  const size = c.bytes.length;
  return c.specimen.kind === 'snapshot-data' ? Math.max(256 * size, 9 << 20) : 2 * size + (1 << 20);
}

async function runCodecCase(c: MutationCase, partners: Map<string, Uint8Array>): Promise<void> {
  const id = caseId(c);
  const started = performance.now();
  try {
    const { value, report } = await trackAllocations(() => decodeAny(c.specimen.kind, c.specimen.name, c.bytes, partners.get(c.specimen.label)));
    const ms = performance.now() - started;
    const t = timing.get(c.specimen.label) ?? { n: 0, ms: 0 };
    t.n++;
    t.ms += ms;
    timing.set(c.specimen.label, t);
    if (ms > stats.slowest.ms) stats.slowest = { ms, id };
    if (ms > CODEC_CASE_MS) failures.push({ id, problem: `took ${ms.toFixed(0)} ms` });
    if (report.largest > allocationLimit(c)) failures.push({ id, problem: `allocated ${report.largest} bytes at once for a ${c.bytes.length}-byte file` });
    if (c.specimen.kind !== 'snapshot-data') checkOffsets(id, value.issues, c.bytes.length);
    if (c.detectable === true && value.damage.length === 0) failures.push({ id, problem: 'damage the format can detect was not reported' });
  } catch (error) {
    failures.push({ id, problem: `threw ${(error as Error).stack ?? String(error)}` });
  }
  stats.codec++;
}

interface FsMutation {
  readonly specimen: Specimen;
  readonly op: string;
  readonly bytes: Uint8Array;
  readonly detectable: boolean | undefined;
}

async function runFsMutation(dir: string, c: FsMutation, registered: ReadonlySet<string>, withCli: boolean): Promise<void> {
  const id = `${caseId(c)} [filesystem]`;
  const file = path.join(dir, c.specimen.name);
  const mtime = fs.statSync(file).mtime;
  fs.writeFileSync(file, c.bytes);
  try {
    const { node, ms } = analyse(dir);
    if (ms > FS_CASE_MS) failures.push({ id, problem: `scanner + loader took ${ms.toFixed(0)} ms` });
    // The scanner walks LZ4 frames without decompressing them; `check` judges their content.
    const needCheck = c.specimen.kind === 'snapshot-data';
    const only = withCli ? registered : c.detectable === true && needCheck ? new Set(['check']) : undefined;
    const cli = only ? await runCommands(dir, only) : undefined;
    if (cli) {
      stats.cli += cli.runs;
      for (const p of cli.problems) failures.push({ id, problem: p });
    }
    if (c.detectable === true && (!needCheck || registered.has('check'))) {
      const byScan = namedByScan(node, c.specimen.name);
      const byCheck = namedByCheck(cli?.check, c.specimen.name, c.bytes.length === 0);
      if (byScan) stats.named.scan++;
      else if (byCheck) stats.named.check++;
      else failures.push({ id, problem: `no issue or finding names ${c.specimen.name} with an offset` });
    }
  } catch (error) {
    failures.push({ id, problem: `threw ${(error as Error).stack ?? String(error)}` });
  } finally {
    fs.writeFileSync(file, c.specimen.bytes);
    fs.utimesSync(file, mtime, mtime);
  }
  stats.fs++;
}

/** Layout cases: the pipeline in-process; commands in a child for special files, else every LAYOUT_CLI_EVERY-th case. */
const LAYOUT_CLI_EVERY = 4;
let layoutCount = 0;

async function runLayoutCase(dir: string, c: FsCase, registered: ReadonlySet<string>): Promise<void> {
  const id = `${dir} ${c.op} [layout]`;
  const started = performance.now();
  const undo = await c.apply(dir);
  try {
    if (!c.special) {
      const { node, ms } = analyse(dir);
      if (ms > FS_CASE_MS) failures.push({ id, problem: `scanner + loader took ${ms.toFixed(0)} ms` });
      for (const name of c.names ?? []) if (!namedByScan(node, name)) failures.push({ id, problem: `no issue names ${name} with an offset` });
    }
    const which = c.special ? registered : c.heavy ? new Set(['inspect']) : layoutCount++ % LAYOUT_CLI_EVERY === 0 ? registered : new Set<string>();
    const cli = await runCommands(dir, which, c.special ? 'child' : 'in-process');
    stats.cli += cli.runs;
    for (const p of cli.problems) failures.push({ id, problem: p });
    const inspect = cli.outcomes.get('inspect');
    if (c.special && inspect?.code === 0) {
      for (const name of c.names ?? []) if (!inspect.out.includes(JSON.stringify(name))) failures.push({ id, problem: `inspect --json does not mention ${name}` });
    }
  } catch (error) {
    failures.push({ id, problem: `threw ${(error as Error).stack ?? String(error)}` });
  } finally {
    undo();
    timing.set(id, { n: 1, ms: performance.now() - started });
  }
  stats.fs++;
}

function report(limit = 25): string {
  const lines = failures.slice(0, limit).map((f) => `${f.id}: ${f.problem}`);
  if (failures.length > limit) lines.push(`… and ${failures.length - limit} more`);
  return lines.join('\n');
}

describe(`corruption suite (seed ${SEED})`, () => {
  let specimens: Specimen[];
  let fixtures: Awaited<ReturnType<typeof makeNodeFixtures>>;

  beforeAll(async () => {
    specimens = await loadSpecimens();
    fixtures = await makeNodeFixtures();
  });
  afterAll(() => {
    if (process.env['RR_FUZZ_REPORT']) fs.writeFileSync(process.env['RR_FUZZ_REPORT'], JSON.stringify({ failures, timing: [...timing].map(([k, v]) => [k, v.n, Math.round(v.ms)]) }, null, 1));
    console.log(
      `corruption suite: seed ${SEED}: ${stats.codec} in-process decoder cases, ${stats.fs} filesystem cases ` +
        `(scanner + loader), ${stats.cli} CLI command runs; ${stats.codec + stats.fs} generated cases in all; ` +
        `slowest ${stats.slowest.ms.toFixed(1)} ms (${stats.slowest.id})`,
    );
    if (fixtures) fs.rmSync(fixtures.root, { recursive: true, force: true });
  });

  it('decoders survive every mutation of every file type and report detectable damage with an offset', async () => {
    const rng = new Rng(SEED);
    const budget = { flips: Math.round(400 * SCALE), regions: Math.round(40 * SCALE) };
    const partners = new Map(specimens.filter((s) => s.kind === 'metadata').map((s) => [s.label, s.bytes] as const));
    const before = failures.length;
    for (const s of specimens) {
      for (const c of mutationsOf(s, rng, budget)) await runCodecCase(c, partners);
    }
    expect(stats.codec).toBeGreaterThanOrEqual(10_000 * Math.min(1, SCALE));
    expect(failures.slice(before), report()).toEqual([]);
  }, 600_000);

  it('filesystem: scanner, loader simulation and every command survive mutated files in real node directories', async () => {
    const rng = new Rng(SEED).fork('filesystem');
    const registered = registeredCommands();
    const budget = { flips: 40, regions: 6 };
    const before = failures.length;
    let n = 0;
    for (const fx of fixtures.nodes) {
      for (const s of fixtureSpecimens(fx.dir, fx.label)) {
        const drafts = draftsOf(s, rng, budget);
        for (let k = 0; k < Math.min(FS_PER_FILE, drafts.length); k++) {
          const draft = drafts.splice(rng.int(drafts.length), 1)[0]!;
          const bytes = draft.make();
          const c = { specimen: s, op: draft.op, bytes, detectable: draft.detectable ?? isDetectable(s, bytes) };
          await runFsMutation(fx.dir, c, registered, n++ % CLI_EVERY === 0);
        }
      }
    }
    expect(failures.slice(before), report()).toEqual([]);
  }, 900_000);

  it('filesystem: survives hostile layouts: directories, links, special files, absurd names, sparse giants', async () => {
    const registered = registeredCommands();
    const before = failures.length;
    for (const fx of fixtures.nodes) {
      const only = new RegExp(process.env['RR_LAYOUT_FILTER'] ?? '');
      for (const c of fsOnlyCases(fx.dir, fs.readdirSync(fx.dir).sort())) if (only.test(c.op)) await runLayoutCase(fx.dir, c, registered);
    }
    expect(failures.slice(before), report()).toEqual([]);
  }, 900_000);

  it('drives every command issue 5 names (check, dump and repair must be registered)', () => {
    const registered = registeredCommands();
    expect(CLI_COMMANDS.map((c) => c.command).filter((c) => !registered.has(c))).toEqual([]);
  });
});
