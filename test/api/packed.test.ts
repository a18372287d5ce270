// The library as users get it: `npm pack`, installed into a scratch project, running the README's
// "Use it from a script" example, which must print what the CLI prints (rank --json and repair
// --dry-run --json, without the envelope). Also the declarations: a script type-checks against
// the shipped .d.ts files.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, sampleDataDir } from '../helpers/samples.js';

let project = '';
let example = '';

/** The first ```js block under the README's "Use it from a script" heading. */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use it from a script'));
  const m = /```js\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README has no ```js example under "Use it from a script"');
  return m[1]!;
}

function cli(args: string[]): Record<string, unknown> {
  const out = execFileSync(process.execPath, [path.join(repoRoot, 'bin', 'raft-rescue.js'), ...args], { encoding: 'utf8', cwd: project });
  const { schemaVersion: _v, command: _c, ...body } = JSON.parse(out);
  return body;
}

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-packed-'));
  // dist/ is built (`npm test` builds first); --ignore-scripts: no second build while other test
  // files run the CLI from dist/.
  const packed = execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', project], { cwd: repoRoot, encoding: 'utf8' }).trim().split('\n').pop()!;
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  // --ignore-scripts: the tarball carries the built dist/; installing must not build again.
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(project, packed)], { cwd: project, stdio: 'pipe' });
  example = path.join(project, 'rank.mjs');
  fs.writeFileSync(example, readmeExample());
}, 600_000);

afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

describe('the packed package', () => {
  it('ships its declarations and no sources', () => {
    const pkg = path.join(project, 'node_modules', 'raft-rescue');
    expect(fs.existsSync(path.join(pkg, 'dist', 'workflows', 'index.d.ts'))).toBe(true);
    expect(fs.existsSync(path.join(pkg, 'src'))).toBe(false);
  });

  it.each(['past-snapshot', 'healthy'])('runs the README example on the %s sample and answers what the CLI answers', (set) => {
    const input = path.join(sampleDataDir, `${set}.tar.gz`);
    const out = JSON.parse(execFileSync(process.execPath, [example, input], { cwd: project, encoding: 'utf8' }));
    const ranking = cli(['rank', '--json', input]);
    const plan = (cli(['repair', '--dry-run', '--json', '--out', path.join(project, 'out'), input]) as { plan: Record<string, unknown> }).plan;
    expect(out.ranking).toEqual(ranking);
    expect(out.best).toBe(ranking['best']);
    expect([out.status, out.lost]).toEqual([plan['status'], plan['lost']]);
  }, 60_000);

  it('type-checks a script against the shipped declarations', () => {
    fs.writeFileSync(path.join(project, 'check.ts'), [
      "import { dbQuery, openInputs, rank, type DbQueryDocument, type RankDocument, type SqlValueDocument } from 'raft-rescue';",
      'const inputs = await openInputs([process.argv[2] ?? \'.\']);',
      'const doc: RankDocument = await rank(inputs, { fast: true });',
      'const best: string | null = doc.best;',
      "const answer: DbQueryDocument = await dbQuery(inputs, { database: 'demo', sql: 'SELECT 1', at: 5n });",
      'const first: SqlValueDocument | undefined = answer.rows[0]?.[0];',
      'inputs.close();',
      'export { best, first };',
    ].join('\n'));
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [path.join(repoRoot, 'node_modules', '@types')] },
      files: ['check.ts'],
    }));
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '-p', project], { cwd: project, encoding: 'utf8' });
  }, 60_000);

  it('rebuilds the databases as `db --json` does, with SQLite (sql.js) from the installed dependencies', () => {
    const script = path.join(project, 'db.mjs');
    fs.writeFileSync(script, "import { dbList, openInputs } from 'raft-rescue';\n" +
      'const inputs = await openInputs([process.argv[2]]);\n' +
      'try { console.log(JSON.stringify(await dbList(inputs))); } finally { inputs.close(); }\n');
    const input = path.join(sampleDataDir, 'healthy.tar.gz');
    const out = JSON.parse(execFileSync(process.execPath, [script, input], { cwd: project, encoding: 'utf8' }));
    const { inputNotes: _a, ...api } = out;
    const { inputNotes: _b, ...viaCli } = cli(['db', '--json', input]);
    expect(api).toEqual(viaCli);
    expect(api.databases[0].tables).toEqual([{ name: 'model', rows: '64', error: null }]);
  }, 60_000);

  it('gives typed errors with stable codes', () => {
    const script = path.join(project, 'missing.mjs');
    fs.writeFileSync(script, "import { openInputs, RaftRescueError } from 'raft-rescue';\n" +
      "try { await openInputs(['/no/such/input']); } catch (e) { console.log(JSON.stringify([e instanceof RaftRescueError, e.code])); }\n");
    expect(JSON.parse(execFileSync(process.execPath, [script], { cwd: project, encoding: 'utf8' }))).toEqual([true, 'E_INPUT']);
  });
});
