// `raft-rescue report` as people run it: where it writes (never into or over an input, an
// existing file only with --force), what it answers, and a saved plan checked against the inputs.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { copyNode, sampleNodes, sampleSet, scratchDir } from '../helpers/samples.js';

async function cli(args: string[], env: Record<string, string> = {}) {
  const io = memoryIo(env);
  const code = await run(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe('raft-rescue report', () => {
  it('writes the file and answers where, how big and which node to keep (people and --json)', async () => {
    const dir = scratchDir('rr-report-cli-');
    const set = await sampleSet('past-snapshot');
    const people = await cli(['report', set, '--out', path.join(dir, 'a.html')], { COLUMNS: '80' });
    expect(people.code, people.err).toBe(0);
    expect(people.out).toMatch(/^Wrote .*a\.html \(\d+ bytes\)\. Keep the data of\s+127\.0\.0\.1:9541\.\n$/);
    const json = await cli(['report', set, '--out', path.join(dir, 'b.html'), '--json']);
    const doc = JSON.parse(json.out);
    expect(doc).toMatchObject({ out: path.join(dir, 'b.html'), best: '127.0.0.1:9541', repair: 'ready' });
    expect(doc.bytes).toBe(fs.statSync(path.join(dir, 'b.html')).size);
  }, 120_000);

  it('replaces an existing file only with --force, and never a directory', async () => {
    const dir = scratchDir('rr-report-cli-');
    const set = await sampleSet('healthy');
    const out = path.join(dir, 'r.html');
    fs.writeFileSync(out, 'keep me');
    const refused = await cli(['report', set, '--out', out]);
    expect(refused.code).toBe(3);
    expect(refused.err).toContain('already exists; choose another --out, or repeat with --force');
    expect(fs.readFileSync(out, 'utf8')).toBe('keep me');
    expect((await cli(['report', set, '--out', out, '--force'])).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    const onDir = await cli(['report', set, '--out', dir, '--force']);
    expect(onDir.code).toBe(3);
    expect(onDir.err).toContain('is a directory');
  }, 120_000);

  it('never writes into an input', async () => {
    const node = copyNode((await sampleNodes('healthy'))[0]!);
    const before = fs.readdirSync(node).sort();
    const r = await cli(['report', node, '--out', path.join(node, 'report.html')]);
    expect(r.code).toBe(3);
    expect(r.err).toContain('never writes into, over or around its inputs');
    expect(fs.readdirSync(node).sort()).toEqual(before);
  }, 120_000);

  it('--plan: a saved plan is shown and checked against the inputs', async () => {
    const dir = scratchDir('rr-report-cli-');
    const nodes = await sampleNodes('past-snapshot');
    const copies = nodes.map((n) => copyNode(n));
    const plan = path.join(dir, 'plan.json');
    const repaired = path.join(dir, 'repaired');
    const saved = await cli(['repair', ...copies, '--dry-run', '--out', repaired, '--plan-out', plan]);
    expect(saved.code, saved.err).toBe(0);
    const ok = path.join(dir, 'ok.html');
    expect((await cli(['report', ...copies, '--plan', plan, '--out', ok])).code).toBe(0);
    const okText = fs.readFileSync(ok, 'utf8');
    expect(okText).toContain('<section id="plan">');
    expect(okText).toContain('It matches the inputs');
    // An input changes after the plan was saved: the report says the plan would not be applied.
    fs.appendFileSync(path.join(copies[2]!, 'metadata1'), Buffer.alloc(1));
    const stale = path.join(dir, 'stale.html');
    const r = await cli(['report', ...copies, '--plan', plan, '--out', stale]);
    expect(r.code, r.err).toBe(0);
    expect(fs.readFileSync(stale, 'utf8')).toContain('It would not be applied');
  }, 180_000);
});
