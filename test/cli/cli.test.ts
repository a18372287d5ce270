// In-process CLI tests (run(argv, memoryIo)) plus a few through bin/ to prove the wiring.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { repoRoot, sampleSet } from '../helpers/samples.js';

const exec = promisify(execFile);
const bin = path.join(repoRoot, 'bin', 'raft-rescue.js');
const healthyTar = path.join(repoRoot, 'sample-data', 'healthy.tar.gz');

async function cli(args: string[], env: Record<string, string> = {}) {
  const io = memoryIo(env);
  const code = await run(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe('raft-rescue inspect', () => {
  it('prints one JSON document with exact u64 values as strings', async () => {
    const r = await cli(['inspect', '--json', await sampleSet('healthy')]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.schemaVersion).toBe(2);
    expect(doc.nodes).toHaveLength(3);
    const ids = doc.nodes.map((n: { id: string }) => n.id);
    expect(ids).toContain('12577195336283858413'); // > 2^63: must not lose precision
    for (const n of doc.nodes) {
      expect(n.log).toEqual({ firstIndex: '1', lastIndex: '2614', lastTerm: '1' });
      expect(n.configuration.map((m: { role: string }) => m.role)).toEqual(['voter', 'voter', 'voter']);
      expect(typeof n.metadata[0].version).toBe('string');
    }
  });

  it('reads a tarball directly and names members as archive:path', async () => {
    const r = await cli(['inspect', '--json', healthyTar]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).nodes[0].path).toBe(`${healthyTar}:healthy/127.0.0.1:9511`);
  });

  it('renders a table without colour when not on a terminal', async () => {
    const r = await cli(['inspect', await sampleSet('crash')], { COLUMNS: '200' });
    expect(r.code).toBe(0);
    expect(r.out).toContain('127.0.0.1:9521');
    expect(r.out).toContain('zeros from byte');
    expect(r.out).not.toMatch(/\u001b\[/);
  });

  it('exits 2 with one clear line for a missing path', async () => {
    const r = await cli(['inspect', '/no/such/dir']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('/no/such/dir');
    expect(r.err).not.toContain('    at ');
  });

  it('exits 2 for a directory that holds no node', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-empty-'));
    const r = await cli(['inspect', empty]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/holds no raft node directory/);
  });

  it('exits 2 for an unknown option or command', async () => {
    expect((await cli(['inspect', '--bogus', '.'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli([])).code).toBe(2);
  });
});

describe('raft-rescue rank', () => {
  it('names the best node and keeps rank order in JSON', async () => {
    const r = await cli(['rank', '--json', await sampleSet('lagging')]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.best).toBe('127.0.0.1:9531');
    expect(doc.nodes.map((n: { rank: number }) => n.rank)).toEqual([1, 2, 3]);
    // The lagging node is not needed for the answer: rank reads it only in part and gives no verdict.
    expect(doc.nodes[2]).toMatchObject({ name: '127.0.0.1:9533', read: 'headers', unverified: { lastIndex: '1308', lastTerm: '1' }, startup: null, contribution: null });
    const full = JSON.parse((await cli(['rank', '--json', '--verify', await sampleSet('lagging')])).out);
    expect(full.nodes[2]).toMatchObject({ name: '127.0.0.1:9533', read: 'every-byte', contribution: { lastIndex: '1308', lastTerm: '1', repair: 'none' }, startup: { ok: true } });
  });

  it('ranks refused nodes by the log they hold and says so', async () => {
    const r = await cli(['rank', '--json', await sampleSet('past-snapshot')]);
    const doc = JSON.parse(r.out);
    const refused = doc.nodes.filter((n: { startup: { ok: boolean } }) => !n.startup.ok);
    expect(refused.map((n: { name: string }) => n.name).sort()).toEqual(['127.0.0.1:9541', '127.0.0.1:9542']);
    for (const n of refused) {
      expect(n.contribution).toMatchObject({ lastIndex: '3016', repair: 'lossless' });
      expect(n.startup.error).toMatch(/is past last snapshot snapshot-1-1024-/);
    }
    expect(doc.explanation.join('\n')).toMatch(/would not start \(closed segment .* is past last snapshot .*\); it is ranked by what a repair keeps/);
  });
});

describe('bin/raft-rescue.js', () => {
  it('runs inspect and sets the exit code', async () => {
    const { stdout } = await exec('node', [bin, 'inspect', '--json', healthyTar]);
    expect(JSON.parse(stdout).nodes).toHaveLength(3);
  });

  it('exits 2 on a usage error without a stack trace', async () => {
    const err = await exec('node', [bin, 'inspect']).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).not.toContain('    at ');
  });

  it('prints help and version', async () => {
    expect((await exec('node', [bin, '--help'])).stdout).toContain('inspect');
    expect((await exec('node', [bin, '--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('raft-rescue check', () => {
  it('exits 0 on a healthy set and reports every node as starting', async () => {
    const r = await cli(['check', '--json', await sampleSet('healthy')]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.nodes.every((n: { startup: { ok: boolean } }) => n.startup.ok)).toBe(true);
    expect(doc.findings.every((f: { severity: string }) => f.severity === 'info')).toBe(true);
  });

  it('exits 1 with --fail-on info when notes exist', async () => {
    expect((await cli(['check', '--fail-on', 'info', await sampleSet('healthy')])).code).toBe(1);
  });

  it('exits 1 on the past-last-snapshot set with RR001 and the exact engine error', async () => {
    const r = await cli(['check', '--json', await sampleSet('past-snapshot')]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    const rr001 = doc.findings.filter((f: { code: string }) => f.code === 'RR001');
    expect(rr001.map((f: { node: string }) => f.node).sort()).toEqual(['127.0.0.1:9541', '127.0.0.1:9542']);
    for (const f of rr001) {
      expect(Object.keys(f).sort()).toEqual(['code', 'data', 'file', 'message', 'node', 'offset', 'repairs', 'severity']);
      expect(f.repairs[0]).toMatch(/^Lossless/);
    }
    const n1 = doc.nodes.find((n: { name: string }) => n.name === '127.0.0.1:9541');
    expect(n1.startup).toMatchObject({ ok: false, crash: false, hang: false, error: 'closed segment 0000000000002041-0000000000002048 is past last snapshot snapshot-1-1024-317095' });
  });

  it('lists the rules without inputs', async () => {
    const r = await cli(['check', '--list-rules', '--json']);
    expect(r.code).toBe(0);
    const codes = JSON.parse(r.out).rules.map((x: { code: string }) => x.code);
    expect(codes[0]).toBe('RR001');
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('refuses an unknown rule code and a missing input with exit 2', async () => {
    expect((await cli(['check', '--only', 'RR999', await sampleSet('healthy')])).code).toBe(2);
    expect((await cli(['check'])).code).toBe(2);
  });
});

describe('raft-rescue dump', () => {
  it('lists configuration entries with exact IDs', async () => {
    const r = await cli(['dump', '--json', '--type', 'change', '--node', '127.0.0.1:9511', await sampleSet('healthy')]);
    expect(r.code).toBe(0);
    const [node] = JSON.parse(r.out).nodes;
    expect(node.rows.map((x: { index: string }) => x.index)).toEqual(['1', '3', '4', '5', '6']);
    expect(node.rows[4].summary).toContain('12577195336283858413@127.0.0.1:9513 voter');
  });

  it('rejects a non-numeric --from', async () => {
    expect((await cli(['dump', '--from', 'abc', await sampleSet('healthy')])).code).toBe(2);
  });
});
