import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DecodeIssue } from '../../src/format/issue.js';
import {
  formatClusterYaml,
  formatNodeInfo,
  parseClusterYaml,
  parseNodeInfo,
  parseTargetCluster,
  type NodeInfo,
} from '../../src/format/node-yaml.js';
import { SAMPLE_SETS, sampleNodes } from '../helpers/samples.js';

// Real yaml.v2 output used as the oracle: Debian's dqlite-demo (go-dqlite 1.11.5, ghodss/yaml
// over gopkg.in/yaml.v2 2.4.0) writes cluster.yaml with one `ID: 0` entry per --join address
// before it tries to join. quoting-inputs.json are the addresses, quoting-ghodss.cluster.yaml
// what it wrote for them (`dqlite-demo --dir D --db 127.0.0.1:19102 --join "<csv of inputs>"`),
// abstract-ghodss.info.yaml its info.yaml for `--db @abstract-1`.
const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures', 'node-yaml');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

const kinds = (issues: DecodeIssue[]): string[] => issues.map((i) => i.kind);

describe('real info.yaml and cluster.yaml from the samples', () => {
  let nodes: string[] = [];
  beforeAll(async () => {
    for (const set of SAMPLE_SETS) nodes.push(...(await sampleNodes(set)));
  });

  it('parse without issues, with exact 64-bit IDs', () => {
    expect(nodes).toHaveLength(12);
    for (const node of nodes) {
      const text = fs.readFileSync(path.join(node, 'info.yaml'), 'utf8');
      const info = parseNodeInfo(text, 'info.yaml');
      expect(info.issues, node).toEqual([]);
      expect(info.value!.address).toBe(path.basename(node));
      expect(info.value!.role).toBe(0);
      expect(info.value!.id.toString()).toBe(/ID: (\d+)/.exec(text)![1]);
      const cluster = parseClusterYaml(fs.readFileSync(path.join(node, 'cluster.yaml'), 'utf8'));
      expect(cluster.issues, node).toEqual([]);
      expect(cluster.value!.length).toBeGreaterThan(0);
    }
    const ids = nodes.map((n) => parseNodeInfo(fs.readFileSync(path.join(n, 'info.yaml'), 'utf8')).value!.id);
    expect(ids).toContain(3297041220608546238n);
    expect(ids.some((id) => id > 1n << 63n)).toBe(true);
  });

  it('re-format byte-exactly in ghodss key order, and semantically in yaml.v2 order', () => {
    for (const node of nodes) {
      for (const [name, parse, format] of [
        ['info.yaml', parseNodeInfo, formatNodeInfo],
        ['cluster.yaml', parseClusterYaml, formatClusterYaml],
      ] as const) {
        const bytes = fs.readFileSync(path.join(node, name), 'utf8');
        const value = parse(bytes).value as NodeInfo & NodeInfo[];
        expect(format(value, { keyOrder: 'ghodss' }), `${node}/${name}`).toBe(bytes);
        const v2 = format(value);
        expect(v2).not.toBe(bytes);
        expect(parse(v2).value).toEqual(value);
        expect(parse(v2).issues).toEqual([]);
      }
    }
  });
});

describe('format: yaml.v2 layout', () => {
  it('writes ID, Address, Role with `- ` at column 0 and 2-space indent', () => {
    const nodes = [
      { id: 3297041220608546238n, address: '127.0.0.1:9001', role: 0 },
      { id: 17024362666326023859n, address: '127.0.0.1:9002', role: 1 },
    ];
    expect(formatClusterYaml(nodes)).toBe(
      '- ID: 3297041220608546238\n  Address: 127.0.0.1:9001\n  Role: 0\n' +
        '- ID: 17024362666326023859\n  Address: 127.0.0.1:9002\n  Role: 1\n',
    );
    expect(formatNodeInfo(nodes[0]!)).toBe('ID: 3297041220608546238\nAddress: 127.0.0.1:9001\nRole: 0\n');
    expect(formatClusterYaml([])).toBe('[]\n');
  });

  it('writes IDs beyond 2^63 exactly and refuses non-u64 IDs', () => {
    const big = (1n << 63n) + 12345n;
    expect(formatNodeInfo({ id: big, address: 'a:1', role: 2 })).toBe(`ID: 9223372036854788153\nAddress: a:1\nRole: 2\n`);
    expect(formatNodeInfo({ id: (1n << 64n) - 1n, address: 'a:1', role: 0 })).toContain('ID: 18446744073709551615\n');
    expect(() => formatNodeInfo({ id: 1n << 64n, address: 'a:1', role: 0 })).toThrow(/not a u64/);
    expect(() => formatNodeInfo({ id: -1n, address: 'a:1', role: 0 })).toThrow(/not a u64/);
    expect(() => formatNodeInfo({ id: 1n, address: 'a:1', role: 1.5 })).toThrow(/role/);
  });

  it('matches real yaml.v2 output byte for byte on 138 tricky addresses (ghodss order)', () => {
    const inputs = JSON.parse(fixture('quoting-inputs.json')) as string[];
    const golden = fixture('quoting-ghodss.cluster.yaml');
    const nodes = inputs.map((address) => ({ id: 0n, address, role: 0 }));
    expect(formatClusterYaml(nodes, { keyOrder: 'ghodss' })).toBe(golden);
    // The same scalars in struct order: move `ID: 0` in front of Address in every item.
    const items = golden.split(/^(?=- )/m);
    const v2 = items.map((it) => it.replace(/^- Address:([\s\S]*?)  ID: 0\n/, '- ID: 0\n  Address:$1')).join('');
    expect(formatClusterYaml(nodes)).toBe(v2);
  });

  it('reads the oracle back to the same strings', () => {
    const inputs = JSON.parse(fixture('quoting-inputs.json')) as string[];
    const parsed = parseClusterYaml(fixture('quoting-ghodss.cluster.yaml'));
    const got = parsed.value!.map((n) => n.address);
    // YAML 1.1 (yaml.v2) folds U+2028 as a line break; the `yaml` package (1.2) does not.
    const skip = (s: string): boolean => s.includes('\u2028');
    expect(got.filter((_, i) => !skip(inputs[i]!))).toEqual(inputs.filter((s) => !skip(s)));
    expect(kinds(parsed.issues)).toEqual(['empty-address']);
  });

  it('quotes an abstract socket address in info.yaml like the real writer', () => {
    const golden = fixture('abstract-ghodss.info.yaml');
    const info = parseNodeInfo(golden).value!;
    expect(info).toEqual({ id: 3297041220608546238n, address: '@abstract-1', role: 0 });
    expect(formatNodeInfo(info, { keyOrder: 'ghodss' })).toBe(golden);
    expect(formatNodeInfo(info)).toBe("ID: 3297041220608546238\nAddress: '@abstract-1'\nRole: 0\n");
  });

  const table: [string, string][] = [
    ['127.0.0.1:9001', '127.0.0.1:9001'],
    ['1:20', '"1:20"'],
    ['10:70', '10:70'],
    ['@dqlite-1', "'@dqlite-1'"],
    ['[::1]:9001', "'[::1]:9001'"],
    ['[fe80::1%eth0]:9001', "'[fe80::1%eth0]:9001'"],
    ['localhost:9001', 'localhost:9001'],
    ['true', '"true"'],
    ['On', '"On"'],
    ['oN', 'oN'],
    ['y', '"y"'],
    ['NO', '"NO"'],
    ['~', '"~"'],
    ['null', '"null"'],
    ['', '""'],
    ['12', '"12"'],
    ['0x1F', '"0x1F"'],
    ['1e5', '"1e5"'],
    ['1e999', '1e999'],
    ['.5', '".5"'],
    ['2001-12-14', '"2001-12-14"'],
    ['2001-02-30', '2001-02-30'],
    ['a: b', "'a: b'"],
    ['a #b', "'a #b'"],
    ['a#b', 'a#b'],
    ['- a', "'- a'"],
    ['-a', '-a'],
    [' lead', "' lead'"],
    ['trail ', "'trail '"],
    ["@it's", "'@it''s'"],
    ['tab\tx', '"tab\\tx"'],
    ['a\u007fb', '"a\\x7Fb"'],
    ['a\u0085b', '"a\\Nb"'],
    ['\ufeffab', '"\\uFEFF\\x61\\x62"'],
    ['💥', '"\\U0001F4A5"'],
    ['é', 'é'],
  ];
  it.each(table)('writes %j as %s', (address, rendered) => {
    expect(formatNodeInfo({ id: 1n, address, role: 0 })).toBe(`ID: 1\nAddress: ${rendered}\nRole: 0\n`);
    if (!address.includes('\u0085')) expect(parseNodeInfo(formatNodeInfo({ id: 1n, address: address || 'x', role: 0 })).value!.address).toBe(address || 'x');
  });

  it('folds long plain scalars past column 80 at the value indent', () => {
    const address = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
    const text = formatNodeInfo({ id: 1n, address, role: 0 });
    expect(text.split('\n')[1]!.length).toBeGreaterThan(80);
    expect(text.split('\n')[1]!.length).toBeLessThanOrEqual(84);
    expect(text.split('\n')[2]).toMatch(/^ {2}w\d+/);
    expect(parseNodeInfo(text).value!.address).toBe(address);
  });
});

describe('parse: what go-dqlite would read, and what it would not', () => {
  const one = (text: string): ReturnType<typeof parseNodeInfo> => parseNodeInfo(text, 'info.yaml');

  it('accepts both key orders and exact IDs up to 2^64-1', () => {
    const a = one('Address: a:1\nID: 18446744073709551615\nRole: 1\n');
    const b = one('ID: 18446744073709551615\nAddress: a:1\nRole: 1\n');
    expect(a).toEqual(b);
    expect(a.value).toEqual({ id: (1n << 64n) - 1n, address: 'a:1', role: 1 });
    expect(one(`ID: ${(1n << 63n) + 7n}\nAddress: x\nRole: 0\n`).value!.id).toBe((1n << 63n) + 7n);
  });

  it('rejects IDs outside u64', () => {
    expect(kinds(one('ID: 18446744073709551616\nAddress: a\nRole: 0\n').issues)).toEqual(['id-range']);
    expect(kinds(one('ID: -1\nAddress: a\nRole: 0\n').issues)).toEqual(['id-range']);
    expect(kinds(one('ID: 1.5\nAddress: a\nRole: 0\n').issues)).toEqual(['type']);
    expect(kinds(one('ID: "7"\nAddress: a\nRole: 0\n').issues)).toEqual(['type']);
  });

  it('flags IDs that yaml.v2 reads differently than they look', () => {
    const r = one('ID: 0123\nAddress: a\nRole: 0\n');
    expect(r.value!.id).toBe(83n);
    expect(kinds(r.issues)).toEqual(['id-format']);
    expect(one('ID: 1_000\nAddress: a\nRole: 0\n').value!.id).toBe(1000n);
  });

  it('matches keys case-insensitively but flags it (yaml.v2 >= 1.11.8 would not)', () => {
    const r = one('id: 5\naddress: a:1\nROLE: 2\n');
    expect(r.value).toEqual({ id: 5n, address: 'a:1', role: 2 });
    expect(kinds(r.issues)).toEqual(['key-case', 'key-case', 'key-case']);
    expect(r.issues[0]!.data).toMatchObject({ level: 'warning', key: 'id', expected: 'ID', line: 1, col: 1 });
  });

  it('reports missing keys, unknown keys, duplicates and null values', () => {
    expect(kinds(one('Address: a\n').issues)).toEqual(['missing-key', 'missing-key']);
    expect(kinds(one('ID: 1\nAddress: a\nRole: 0\nExtra: 1\n').issues)).toEqual(['unknown-key']);
    const dup = one('ID: 1\nID: 2\nAddress: a\nRole: 0\n');
    expect(dup.value!.id).toBe(2n);
    expect(kinds(dup.issues)).toEqual(['duplicate-key']);
    expect(kinds(one('ID:\nAddress: ~\nRole: 0\n').issues)).toEqual(['null-value', 'empty-address']);
    expect(kinds(one('ID: [1]\nAddress: a\nRole: 0\n').issues)).toEqual(['type']);
  });

  it('checks roles', () => {
    expect(kinds(one('ID: 1\nAddress: a\nRole: 3\n').issues)).toEqual(['role-range']);
    expect(kinds(one('ID: 1\nAddress: a\nRole: -1\n').issues)).toEqual(['role-range']);
    expect(kinds(one('ID: 1\nAddress: a\nRole: 1.0\n').issues)).toEqual(['role-type']);
    expect(kinds(one('ID: 1\nAddress: a\nRole: voter\n').issues)).toEqual(['role-type']);
  });

  it('accepts role names in target files only, as info', () => {
    const text = '- ID: 1\n  Address: a:1\n  Role: Voter\n- ID: 2\n  Address: a:2\n  Role: stand-by\n- ID: 3\n  Address: a:3\n  Role: STANDBY\n- ID: 4\n  Address: a:4\n  Role: spare\n';
    const r = parseTargetCluster(text, 'target.yaml');
    expect(r.value!.map((n) => n.role)).toEqual([0, 1, 1, 2]);
    expect(kinds(r.issues)).toEqual(['role-name', 'role-name', 'role-name', 'role-name']);
    expect(r.issues.every((i) => i.data!['level'] === 'info')).toBe(true);
    expect(kinds(parseClusterYaml(text).issues)).toEqual(['role-type', 'role-type', 'role-type', 'role-type']);
  });

  it('reports duplicate IDs and addresses in cluster.yaml, but not repeated ID 0', () => {
    const r = parseClusterYaml('- ID: 7\n  Address: a:1\n  Role: 0\n- ID: 7\n  Address: a:1\n  Role: 0\n');
    expect(kinds(r.issues)).toEqual(['duplicate-id', 'duplicate-address']);
    expect(r.issues[0]!.data).toMatchObject({ line: 4, col: 3 });
    const join = parseClusterYaml('- Address: a:1\n  ID: 0\n  Role: 0\n- Address: a:2\n  ID: 0\n  Role: 0\n');
    expect(join.issues).toEqual([]);
  });

  it('reads CRLF files and says so', () => {
    const r = one('ID: 1\r\nAddress: a:1\r\nRole: 0\r\n');
    expect(r.value).toEqual({ id: 1n, address: 'a:1', role: 0 });
    expect(kinds(r.issues)).toEqual(['crlf']);
  });

  it('reports syntax errors and tab indentation with line and column', () => {
    const r = parseClusterYaml('- ID: 1\n\tAddress: a\n', 'cluster.yaml');
    expect(r.issues.length).toBeGreaterThan(0);
    expect(r.issues[0]!.kind).toBe('syntax');
    expect(r.issues[0]!.message).toMatch(/^cluster\.yaml:2:\d+: YAML syntax error: .*indented with a tab/);
    const bad = one('ID: 1\nAddress: [a\nRole: 0\n');
    expect(bad.issues[0]!.kind).toBe('syntax');
    expect(bad.issues[0]!.data).toHaveProperty('line');
  });

  it('reports empty files, wrong shapes and extra documents', () => {
    expect(one('').value).toBeUndefined();
    expect(kinds(one('').issues)).toEqual(['empty']);
    expect(kinds(one('# nothing\n').issues)).toEqual(['empty']);
    expect(parseClusterYaml('').value).toEqual([]);
    expect(kinds(one('- ID: 1\n').issues)).toEqual(['shape']);
    expect(kinds(parseClusterYaml('ID: 1\n').issues)).toEqual(['shape']);
    expect(kinds(parseClusterYaml('- 5\n- ID: 1\n  Address: a\n  Role: 0\n').issues)).toEqual(['shape']);
    const two = one('ID: 1\nAddress: a\nRole: 0\n---\nID: 2\n');
    expect(two.value!.id).toBe(1n);
    expect(kinds(two.issues)).toEqual(['multiple-documents']);
  });

  it('gives byte offsets of issues', () => {
    const r = one('ID: 1\nAddress: é\nRole: 9\n');
    expect(r.issues[0]!.offset).toBe(Buffer.byteLength('ID: 1\nAddress: é\nRole: '));
  });
});
