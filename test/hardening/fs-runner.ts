// Runs one damaged node directory through the real pipeline: the scanner (every checksum), the
// loader simulation (with and without auto-recovery), ranking and the inspect report, and, when
// asked, every CLI command in-process. Returns what was named and every broken promise.
import fs from 'node:fs';
import path from 'node:path';
import { buildNodeReport } from '../../src/analysis/inspect-report.js';
import { predictStartup } from '../../src/analysis/loader/index.js';
import { rankVerdicts } from '../../src/analysis/rank.js';
import { verdictsOf } from '../../src/workflows/check.js';
import { buildNodeIndex } from '../../src/scan/build-node-index.js';
import type { NodeIndex } from '../../src/scan/node-index.js';
import { CLI_COMMANDS, cliProblems, freshOut, runBin, runInProcess, type CliOutcome } from './cli-cases.js';

export interface PipelineResult {
  readonly node: NodeIndex;
  readonly ms: number;
}

/** Scanner + loader + rank + report, in-process. Throws whatever they throw. */
export function analyse(dir: string): PipelineResult {
  const started = performance.now();
  const node = buildNodeIndex(dir, { verifyData: true });
  predictStartup(node);
  predictStartup(node, { autoRecovery: false });
  const verdicts = verdictsOf([node]);
  rankVerdicts(verdicts);
  buildNodeReport(verdicts[0]!);
  buildNodeIndex(dir, { verifyData: false });
  return { node, ms: performance.now() - started };
}

/** Does the index name `file` with a byte offset (a scan issue, or an issue of the YAML record)? */
export function namedByScan(node: NodeIndex, file: string): boolean {
  if (node.issues.some((i) => i.file === file && Number.isInteger(i.offset))) return true;
  const metadata = file === 'metadata1' ? node.metadata1 : file === 'metadata2' ? node.metadata2 : undefined;
  if ((metadata?.decoded.issues ?? []).some((i) => Number.isInteger(i.offset))) return true;
  const yaml = file === 'info.yaml' ? node.info : file === 'cluster.yaml' ? node.cluster : undefined;
  return (yaml?.issues ?? []).some((i) => Number.isInteger(i.offset));
}

/** Findings of a `check --json` run that name `file` with an offset (any finding naming it when the file is empty). */
export function namedByCheck(check: CliOutcome | undefined, file: string, empty = false): boolean {
  if (!check || (check.code !== 0 && check.code !== 1)) return false;
  try {
    const doc = JSON.parse(check.out) as { findings?: { file?: string | null; offset?: number | null }[] };
    return (doc.findings ?? []).some((f) => f.file === file && (typeof f.offset === 'number' || empty));
  } catch {
    return false;
  }
}

export interface CommandsResult {
  readonly problems: string[];
  readonly check: CliOutcome | undefined;
  /** Every run by command name. */
  readonly outcomes: Map<string, CliOutcome>;
  readonly runs: number;
}

/** Every command on `input`, in-process or through bin/ (for special files a careless open() blocks on). */
export async function runCommands(input: string, registered: ReadonlySet<string>, mode: 'in-process' | 'child' = 'in-process'): Promise<CommandsResult> {
  const problems: string[] = [];
  let check: CliOutcome | undefined;
  let runs = 0;
  const outs: string[] = [];
  const outcomes = new Map<string, CliOutcome>();
  const jobs = CLI_COMMANDS.filter((c) => registered.has(c.command)).map((c) => async () => {
    const out = freshOut();
    outs.push(out);
    const argv = c.argv(input, out);
    const r = mode === 'child' ? await runBin(argv, { timeoutMs: 60_000 }) : await runInProcess(argv);
    runs++;
    problems.push(...cliProblems(r));
    if (c.name === 'check') check = r;
    outcomes.set(c.name, r);
  });
  if (mode === 'child') await Promise.all(jobs.map((j) => j()));
  else for (const j of jobs) await j();
  for (const o of outs) fs.rmSync(path.dirname(o), { recursive: true, force: true });
  return { problems, check, outcomes, runs };
}
