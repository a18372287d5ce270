import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { VERSION } from '../src/core/version.js';
import { repoRoot } from './helpers/samples.js';

it('the version in src/core/version.ts is package.json\'s', () => {
  expect(VERSION).toBe(JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version);
});
