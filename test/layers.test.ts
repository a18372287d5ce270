// House style: layers inside src/ import only from the layers before them, and nothing below
// cli/ prints or ends the process.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/samples.js';

const LAYERS = ['core', 'format', 'scan', 'analysis', 'repair', 'workflows', 'report', 'cli'];
const src = path.join(repoRoot, 'src');

function filesOf(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? filesOf(p) : d.name.endsWith('.ts') ? [p] : [];
  });
}

describe('layering', () => {
  const files = filesOf(src);

  it('finds the sources', () => expect(files.length).toBeGreaterThan(50));

  for (const file of files) {
    const rel = path.relative(src, file);
    const layer = rel.split(path.sep)[0]!;
    it(`${rel} imports only earlier layers`, () => {
      const text = fs.readFileSync(file, 'utf8');
      const allowed = LAYERS.indexOf(layer);
      expect(allowed, `${rel} is outside the known layers`).toBeGreaterThanOrEqual(0);
      for (const m of text.matchAll(/from '(\.[^']+)'/g)) {
        const target = path.relative(src, path.resolve(path.dirname(file), m[1]!)).split(path.sep)[0]!;
        expect(LAYERS.indexOf(target), `${rel} imports ${m[1]}`).toBeLessThanOrEqual(allowed);
      }
      if (layer !== 'cli') expect(text, `${rel} prints`).not.toMatch(/console\.(log|error|warn)|process\.std(out|err)\.write/);
      expect(text, `${rel} exits`).not.toMatch(/process\.exit\(/);
      if (layer !== 'report') expect(text, `${rel} uses chalk/cli-table3 outside report/`).not.toMatch(/from '(chalk|cli-table3)'/);
    });
  }

  // repair/ is a pure plan and an apply step: the plan never reaches for the writer, and only the
  // apply step writes (scan/ only makes and removes its own temp data: unpacked archives).
  const WRITERS = /\b(writeFileSync|writeSync|renameSync|mkdirSync|mkdtempSync|rmSync|unlinkSync|copyFileSync|chmodSync|createWriteStream|symlinkSync|linkSync)\b|from 'fs-extra'/;
  const MAY_WRITE = [/^repair\/apply\//, /^scan\/(tar-members|tarball|temp-dirs)\.ts$/];
  for (const file of files) {
    const rel = path.relative(src, file).split(path.sep).join('/');
    it(`${rel} writes only if it is the apply step (or scan's temp data)`, () => {
      const text = fs.readFileSync(file, 'utf8');
      if (!MAY_WRITE.some((r) => r.test(rel))) expect(text).not.toMatch(WRITERS);
      if (rel.startsWith('repair/plan/')) expect(text, `${rel} imports the apply step`).not.toMatch(/from '[^']*\/apply\//);
    });
  }
});
