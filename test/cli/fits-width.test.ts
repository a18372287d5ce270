// People's output fits the terminal: every command, on every sample set (and a damaged copy and a
// term-changing node), prints no line wider than COLUMNS=80 or --width 60, on stdout or stderr;
// so does --help; and --json is the same document whatever the width. (Error messages stay one
// line each, whatever the width: scripts and tickets quote them whole.)
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { displayWidth } from '../../src/report/text-width.js';
import { mapCases, type MapCase } from '../helpers/map-cases.js';
import { scratchDir } from '../helpers/samples.js';

let cases: MapCase[] = [];

beforeAll(async () => {
  cases = await mapCases();
}, 300_000);

const COMMANDS = ['inspect', 'rank', 'check', 'dump', 'map', 'repair', 'report'] as const;
type Command = (typeof COMMANDS)[number];
const CASES = ['healthy', 'crash', 'lagging', 'past-snapshot', 'crash-damaged', 'healthy-hang', 'terms'];

/** Arguments that make a command print its people's output without touching anything. */
function argsOf(command: Command, inputs: readonly string[]): string[] {
  const out = path.join(scratchDir('rr-width-'), command === 'report' ? 'report.html' : 'out');
  if (command === 'repair') return ['repair', ...inputs, '--dry-run', '--out', out];
  if (command === 'report') return ['report', ...inputs, '--out', out];
  return [command, ...inputs];
}

async function cli(args: string[], env: Record<string, string>) {
  const io = memoryIo(env);
  const code = await run(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

function tooWide(text: string, width: number): string[] {
  return text.split('\n').filter((line) => displayWidth(line) > width);
}

describe('people output fits the width', () => {
  const grid = CASES.flatMap((c) => COMMANDS.map((m) => [c, m] as const));

  it.each(grid)('%s: %s at COLUMNS=80 and --width 60', async (name, command) => {
    const c = cases.find((x) => x.name === name)!;
    const at80 = await cli(argsOf(command, c.inputs), { COLUMNS: '80' });
    expect(at80.code, at80.err).toBeLessThan(2);
    expect(at80.out.length).toBeGreaterThan(0);
    expect(tooWide(at80.out, 80)).toEqual([]);
    expect(tooWide(at80.err, 80)).toEqual([]);
    const at60 = await cli([...argsOf(command, c.inputs), '--width', '60'], { COLUMNS: '200' });
    expect(at60.code, at60.err).toBe(at80.code);
    expect(tooWide(at60.out, 60)).toEqual([]);
    expect(tooWide(at60.err, 60)).toEqual([]);
  }, 120_000);

  it.each(['raft-rescue', ...COMMANDS])('--help of %s fits COLUMNS=80', async (command) => {
    const r = await cli([...(command === 'raft-rescue' ? [] : [command]), '--help'], { COLUMNS: '80' });
    expect(r.code).toBe(0);
    expect(r.out).toContain('--');
    expect(tooWide(r.out + r.err, 80)).toEqual([]);
  });

  it.each(['inspect', 'rank', 'check', 'map'] as const)('%s --json is the same at every width', async (command) => {
    const c = cases.find((x) => x.name === 'past-snapshot')!;
    const narrow = await cli([...argsOf(command, c.inputs), '--json'], { COLUMNS: '40' });
    const wide = await cli([...argsOf(command, c.inputs), '--json', '--width', '300'], {});
    expect(narrow.out.length).toBeGreaterThan(0);
    expect(narrow.out).toBe(wide.out);
  }, 120_000);

  it('a refused repair says so, and why, in its first lines; check starts with its verdict', async () => {
    const c = cases.find((x) => x.name === 'past-snapshot')!;
    const out = path.join(scratchDir('rr-width-'), 'out');
    const args = ['repair', ...c.inputs, '--dry-run', '--out', out, '--source', '127.0.0.1:9543'];
    const refused = await cli(args, { COLUMNS: '80' });
    expect(refused.code).toBe(3);
    const first = refused.out.split('\n').slice(0, 4).join(' ');
    expect(first).toMatch(/^Repair plan \(plan version \d+\): REFUSED\s+Refused:/);
    expect(first).toMatch(/Refused:\s+- --source 127\.0\.0\.1:9543 is unsafe/);
    const check = await cli(['check', ...c.inputs], { COLUMNS: '80' });
    expect(check.code).toBe(1);
    expect(check.out.split('\n')[0]).toBe('2 of 3 would not start; 4 errors, 0 warnings, 3 notes.');
  }, 120_000);
});
