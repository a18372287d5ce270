// Bad command lines and bad target YAML (issue 5): each gets exit 2 and one clear line on stderr
// that names the problem, never a stack trace. Target files go through
// `raft-rescue repair --dry-run --cluster FILE` on a real sample set.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleSet } from '../helpers/samples.js';
import { cliProblems, runInProcess, type CliOutcome } from './cli-cases.js';

let sandbox: string;
let healthy: string;
let node: string;

beforeAll(async () => {
  healthy = await sampleSet('healthy');
  node = path.join(healthy, '127.0.0.1:9511');
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-bad-cli-'));
});
afterAll(() => fs.rmSync(sandbox, { recursive: true, force: true }));

/** The one line after `raft-rescue: ` (the `--help` hint that follows usage errors does not count). */
function oneLine(r: CliOutcome): string {
  const lines = r.err.split('\n').filter((l) => l.trim() !== '' && !/^Run 'raft-rescue --help'/.test(l));
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(/^raft-rescue: /);
  return lines[0]!;
}

async function expectExit2(argv: string[], pattern: RegExp): Promise<string> {
  const r = await runInProcess(argv);
  expect(cliProblems(r, [2]), `${argv.join(' ')}\n${r.err}`).toEqual([]);
  const line = oneLine(r);
  expect(line, argv.join(' ')).toMatch(pattern);
  expect(r.out).toBe('');
  return line;
}

describe('bad command lines: exit 2 and one clear line', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['no command', () => [], /command/i],
    ['unknown command', () => ['frobnicate', healthy], /unknown|frobnicate/i],
    ['missing input', () => ['inspect'], /input/i],
    ['input that does not exist', () => ['inspect', path.join(sandbox, 'nope')], /nope.*(no such file|not found)/i],
    ['regular file that is no archive', () => ['rank', fileWith('notes.txt', 'hello')], /notes\.txt.*neither a directory nor/],
    ['empty directory', () => ['check', dirWith('empty')], /holds no raft node directory/],
    ['unknown option', () => ['inspect', '--frobnicate', healthy], /frobnicate/],
    ['bad --fail-on', () => ['check', '--fail-on', 'fatal', healthy], /fail-on|fatal/],
    ['unknown rule code', () => ['check', '--only', 'RR999', healthy], /RR999/],
    ['--from that is not a number', () => ['dump', '--from', 'abc', healthy], /--from.*abc/],
    ['--to above 2^64', () => ['dump', '--to', '99999999999999999999', healthy], /--to|2\^64|too large|above/i],
    ['--type that does not exist', () => ['dump', '--type', 'nope', healthy], /type|nope/],
    ['--limit that is not a number', () => ['dump', '--limit', 'lots', healthy], /limit|lots|number/i],
    ['--node that is not there', () => ['dump', '--node', 'nobody', healthy], /nobody/],
    ['repair without --out', () => ['repair', healthy], /out/],
    ['repair without inputs', () => ['repair', '--out', path.join(sandbox, 'o1')], /input|--plan/],
    ['repair --plan that does not exist', () => ['repair', '--plan', path.join(sandbox, 'missing.json'), '--out', path.join(sandbox, 'o2')], /missing\.json/],
    ['repair --plan that is not JSON', () => ['repair', '--plan', fileWith('plan.json', '{ not json'), '--out', path.join(sandbox, 'o3')], /plan\.json/],
    ['repair --plan that is JSON of the wrong shape', () => ['repair', '--plan', fileWith('shape.json', '[1,2,3]'), '--out', path.join(sandbox, 'o4')], /shape\.json/],
    ['repair --source that is not a node', () => ['repair', '--dry-run', healthy, '--source', 'nobody', '--out', path.join(sandbox, 'o5')], /nobody/],
  ];
  it.each(cases)('%s', async (_label, argv, pattern) => {
    await expectExit2(argv(), pattern);
  });
});

function fileWith(name: string, text: string | Uint8Array): string {
  const p = path.join(sandbox, name);
  fs.writeFileSync(p, text);
  return p;
}

function dirWith(name: string): string {
  const p = path.join(sandbox, name);
  fs.mkdirSync(p, { recursive: true });
  return p;
}

const IDS = { a: '3297041220608546238', b: '2585399981790450267', c: '12577195336283858413' };
const good = (rows: [string, string, string][]): string => rows.map(([id, address, role]) => `- Address: ${address}\n  ID: ${id}\n  Role: ${role}\n`).join('');
const three = (override: Partial<Record<'id' | 'address' | 'role', string>> = {}): string =>
  good([
    [override.id ?? IDS.a, override.address ?? '127.0.0.1:9511', override.role ?? '0'],
    [IDS.b, '127.0.0.1:9512', '0'],
    [IDS.c, '127.0.0.1:9513', '0'],
  ]);

describe('bad target YAML for repair --dry-run --cluster: exit 2 and one clear line', () => {
  const cases: [string, () => string | Uint8Array | undefined, RegExp][] = [
    ['missing file', () => undefined, /cannot read|no such file|not found|missing/i],
    ['empty file', () => '', /empty/i],
    ['binary garbage', () => Uint8Array.from({ length: 300 }, (_, i) => (i * 97 + 13) & 0xff), /syntax|UTF-8|YAML|sequence/i],
    ['a mapping, not a sequence', () => `Address: 127.0.0.1:9511\nID: ${IDS.a}\nRole: 0\n`, /sequence/i],
    ['ID that is a word', () => three({ id: 'abc' }), /ID/],
    ['ID that is a fraction', () => three({ id: '1.5' }), /ID/],
    ['ID that is a list', () => three({ id: '[1]' }), /ID/],
    ['ID zero', () => three({ id: '0' }), /ID/],
    ['negative ID', () => three({ id: '-1' }), /ID/],
    ['ID of 2^64', () => three({ id: '18446744073709551616' }), /ID|2\^64|range|too large/i],
    ['ID far above 2^64', () => three({ id: '99999999999999999999999999' }), /ID|2\^64|range|too large/i],
    ['duplicate IDs', () => good([[IDS.a, '127.0.0.1:9511', '0'], [IDS.a, '127.0.0.1:9512', '0'], [IDS.c, '127.0.0.1:9513', '0']]), /duplicate|twice/i],
    ['duplicate addresses', () => good([[IDS.a, '127.0.0.1:9511', '0'], [IDS.b, '127.0.0.1:9511', '0'], [IDS.c, '127.0.0.1:9513', '0']]), /duplicate|twice/i],
    ['role 3', () => three({ role: '3' }), /role/i],
    ['role -1', () => three({ role: '-1' }), /role/i],
    ['role above 2^64', () => three({ role: '18446744073709551616' }), /role/i],
    ['role that is a word', () => three({ role: 'leader' }), /role/i],
    ['address without a port', () => three({ address: '127.0.0.1' }), /address|port/i],
    ['address with port 70000', () => three({ address: '127.0.0.1:70000' }), /address|port/i],
    ['address that is a number', () => three({ address: '12' }), /address|port/i],
    ['no voters', () => good([[IDS.a, '127.0.0.1:9511', '2'], [IDS.b, '127.0.0.1:9512', '2'], [IDS.c, '127.0.0.1:9513', '1']]), /voter/i],
    ['a misspelt key', () => three().replace('Address:', 'Adress:'), /Adress|Address/],
    ['tab indentation', () => three().replace('\n  ID:', '\n\tID:'), /tab|syntax|indent/i],
    ['nesting 10000 deep', () => '['.repeat(10_000), /deep|nest|syntax/i],
  ];
  it.each(cases)('%s', async (label, content, pattern) => {
    const file = path.join(sandbox, `target-${label.replace(/\W+/g, '-')}.yaml`);
    const text = content();
    if (text !== undefined) fs.writeFileSync(file, text);
    const line = await expectExit2(['repair', '--dry-run', '--json', healthy, '--cluster', file, '--out', path.join(sandbox, 'out')], pattern);
    expect(line).toContain(path.basename(file));
  });

  it('reads a target with CRLF line endings as the same target, or refuses it with one line', async () => {
    const file = path.join(sandbox, 'target-crlf.yaml');
    fs.writeFileSync(file, three().replace(/\n/g, '\r\n'));
    const r = await runInProcess(['repair', '--dry-run', '--json', healthy, '--cluster', file, '--out', path.join(sandbox, 'out-crlf')]);
    expect(cliProblems(r, [0, 2]), r.err).toEqual([]);
    if (r.code === 2) expect(oneLine(r)).toMatch(/CRLF|line ending/i);
    else expect(r.out).not.toMatch(/\\r/); // no address or ID carries the carriage return
  });
});

describe('the shell entry point', () => {
  it('refuses a node directory as --cluster with one line', async () => {
    await expectExit2(['repair', '--dry-run', healthy, '--cluster', node, '--out', path.join(sandbox, 'o6')], /cluster|directory|EISDIR/i);
  });
});
