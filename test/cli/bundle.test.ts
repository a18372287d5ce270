// The built CLI: one bundle loaded with V8's code cache (src/cli/bundle.mjs, load-bundle.cjs).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/samples.js';

const dist = path.join(repoRoot, 'dist');
const temp: string[] = [];
afterAll(() => temp.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('the bundled CLI', () => {
  it('has a code cache that this Node accepts', () => {
    const loader = createRequire(import.meta.url)(path.join(dist, 'load-bundle.cjs'));
    expect(fs.existsSync(loader.cacheFile)).toBe(true);
    const loaded = loader.load();
    expect(loaded.cacheRejected).toBe(false);
    expect(typeof loaded.cli.run).toBe('function');
  });

  it('runs from a copy with no node_modules beside it, and without its cache', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-bundle-'));
    temp.push(root);
    fs.cpSync(path.join(repoRoot, 'bin'), path.join(root, 'bin'), { recursive: true });
    fs.mkdirSync(path.join(root, 'dist'));
    for (const f of ['raft-rescue.cjs', 'load-bundle.cjs']) fs.copyFileSync(path.join(dist, f), path.join(root, 'dist', f));
    fs.writeFileSync(path.join(root, 'package.json'), '{"type":"module"}');
    const out = execFileSync(process.execPath, [path.join(root, 'bin', 'raft-rescue.js'), 'inspect', '--json', path.join(repoRoot, 'sample-data', 'healthy.tar.gz')], { encoding: 'utf8' });
    expect(JSON.parse(out).nodes).toHaveLength(3);
  });

  it('writes a report with values from the databases (sql.js found beside the bundle)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-bundle-report-'));
    temp.push(dir);
    const out = path.join(dir, 'report.html');
    const healthy = path.join(repoRoot, 'sample-data', 'healthy.tar.gz');
    execFileSync(process.execPath, [path.join(repoRoot, 'bin', 'raft-rescue.js'), 'report', healthy, '--out', out, '--include-data']);
    expect(fs.readFileSync(out, 'utf8').match(/<tr><td>key\d+<\/td>/g)).toHaveLength(20);
  }, 60_000);
});
