import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Severity } from '../../../src/analysis/findings.js';
import { ALL_RULES, ruleByCode, runRules } from '../../../src/analysis/rules/index.js';
import { verdictsOf } from '../../../src/workflows/check.js';
import { repoRoot } from '../../helpers/samples.js';
import { sampleIndexes } from './harness.js';

const rulesDir = path.join(repoRoot, 'src', 'analysis', 'rules');
const testsDir = path.join(repoRoot, 'test', 'analysis', 'rules');
const ruleFiles = fs.readdirSync(rulesDir).filter((f) => /^rr\d{3}-/.test(f));

describe('rule registry', () => {
  it('has unique codes of the form RRnnn, sorted, with kebab-case names and a severity', () => {
    const codes = ALL_RULES.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual(codes);
    for (const r of ALL_RULES) {
      expect(r.code).toMatch(/^RR\d{3}$/);
      expect(r.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(Object.values(Severity)).toContain(r.severity);
      expect(r.summary.length).toBeGreaterThan(10);
    }
  });

  it('numbers codes without holes, one file per rule named after its code and name', () => {
    const codes = ALL_RULES.map((r) => r.code);
    const last = Number(codes[codes.length - 1]!.slice(2));
    const expected = Array.from({ length: last }, (_, i) => `RR${String(i + 1).padStart(3, '0')}`);
    expect(codes).toEqual(expected);
    expect(ruleFiles.sort()).toEqual(ALL_RULES.map((r) => `${r.code.toLowerCase()}-${r.name}.ts`));
  });

  it('has a test file per rule', () => {
    const tests = fs.readdirSync(testsDir);
    for (const r of ALL_RULES) expect(tests).toContain(`${r.code.toLowerCase()}-${r.name}.test.ts`);
  });

  it('has a row per rule in the README', () => {
    const doc = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    for (const r of ALL_RULES) {
      expect(doc).toContain(`| ${r.code} | \`${r.name}\` | ${r.severity} | ${r.summary.replace(/\|/g, '\\|')} |`);
    }
  });

  it('finds rules by code', () => {
    expect(ruleByCode('rr001')?.name).toBe('past-last-snapshot');
    expect(ruleByCode('RR999')).toBeUndefined();
  });
});

describe('runRules', () => {
  it('reports nothing above info on the healthy set, sorted', async () => {
    const { findings, facts } = runRules(verdictsOf(await sampleIndexes('healthy')));
    expect(facts).toHaveLength(3);
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(findings.map((f) => f.code)).toEqual(['RR022', 'RR022', 'RR022']);
  });

  it('gives every failing node at least one error', async () => {
    const { findings, facts } = runRules(verdictsOf(await sampleIndexes('past-snapshot')));
    for (const f of facts.filter((x) => !x.prediction.ok)) {
      expect(findings.some((x) => x.node === f.node.name && x.severity === 'error')).toBe(true);
    }
    expect(findings.filter((f) => f.severity === 'error').map((f) => `${f.code} ${f.node}`)).toEqual([
      'RR001 127.0.0.1:9541', 'RR027 127.0.0.1:9541', 'RR001 127.0.0.1:9542', 'RR027 127.0.0.1:9542',
    ]);
  });

  it('runs only the rules asked for, by code or name, and refuses unknown ones', async () => {
    const nodes = await sampleIndexes('past-snapshot');
    const { findings } = runRules(verdictsOf(nodes), { only: ['rr027', 'past-last-snapshot'] });
    expect(new Set(findings.map((f) => f.code))).toEqual(new Set(['RR001', 'RR027']));
    expect(() => runRules(verdictsOf(nodes), { only: ['RR999'] })).toThrow(/unknown rule/);
  });

  it('reports nothing above info on the crash and lagging sets', async () => {
    for (const set of ['crash', 'lagging'] as const) {
      const { findings } = runRules(verdictsOf(await sampleIndexes(set)));
      expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
    }
  });
});
