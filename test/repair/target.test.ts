// Target membership validation (--cluster): errors refuse (exit 2), warnings are printed.
import { describe, expect, it } from 'vitest';
import { addressProblem, checkTargetText, membersFromConfiguration } from '../../src/repair/plan/target.js';

const known = new Map<bigint, string>([
  [3297041220608546238n, '127.0.0.1:9001'],
  [17024362666326023859n, '127.0.0.1:9002'],
  [42n, '127.0.0.1:9003'],
]);

const yaml = (rows: [string, string, string][]) => rows.map(([id, a, r]) => `- ID: ${id}\n  Address: ${a}\n  Role: ${r}\n`).join('');
const three: [string, string, string][] = [
  ['3297041220608546238', '127.0.0.1:9001', '0'],
  ['17024362666326023859', '127.0.0.1:9002', '0'],
  ['42', '127.0.0.1:9003', '0'],
];

describe('checkTargetText', () => {
  const cases: { name: string; text: string; error?: RegExp; warning?: RegExp; ok?: boolean }[] = [
    { name: 'the current membership', text: yaml(three), ok: true },
    { name: 'role names', text: yaml([three[0]!, [three[1]![0], three[1]![1], 'voter'], [three[2]![0], three[2]![1], 'voter']]), ok: true },
    { name: 'a stand-by by name', text: yaml([...three, ['7', '127.0.0.1:9004', 'stand-by']]), warning: /ID 7 .* is new/ },
    { name: 'ID 0', text: yaml([three[0]!, ['0', '127.0.0.1:9002', '0']]), error: /ID 0/ },
    { name: 'duplicate ID', text: yaml([three[0]!, ['3297041220608546238', '127.0.0.1:9002', '0']]), error: /appears more than once/ },
    { name: 'duplicate address', text: yaml([three[0]!, ['17024362666326023859', '127.0.0.1:9001', '0']]), error: /address 127.0.0.1:9001 appears more than once/ },
    { name: 'address without port', text: yaml([['42', 'localhost', '0']]), error: /not host:port/ },
    { name: 'port out of range', text: yaml([['42', '127.0.0.1:70000', '0']]), error: /outside 1..65535/ },
    { name: 'address with a slash', text: yaml([['42', 'a/b:1', '0']]), error: /not host:port/ },
    { name: 'no voter', text: yaml([['42', '127.0.0.1:9003', '1']]), error: /no voter/ },
    { name: 'unknown role', text: yaml([['42', '127.0.0.1:9003', '5']]), error: /role/ },
    { name: 'not YAML', text: '- ID: [1\n', error: /YAML syntax error/ },
    { name: 'empty', text: '', error: /empty/ },
    { name: 'two voters of three', text: yaml([three[0]!, three[1]!, [three[2]![0], three[2]![1], '1']]), warning: /only 2 voter/ },
    { name: 'an address change', text: yaml([three[0]!, three[1]!, ['42', '127.0.0.1:9999', '0']]), warning: /ID 42 moves from 127.0.0.1:9003 to 127.0.0.1:9999/ },
    { name: 'an address reused by another ID', text: yaml([three[0]!, three[1]!, ['43', '127.0.0.1:9003', '0']]), warning: /belonged to ID 42/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = checkTargetText(c.text, 'target.yaml', known);
      if (c.error) expect(r.errors.join('\n')).toMatch(c.error);
      else expect(r.errors).toEqual([]);
      if (c.warning) expect(r.warnings.join('\n')).toMatch(c.warning);
      if (c.ok) expect(r.warnings).toEqual([]);
    });
  }

  it('keeps IDs above 2^63 exact', () => {
    const r = checkTargetText(yaml(three), 'target.yaml', known);
    expect(r.members.map((m) => m.id)).toEqual([3297041220608546238n, 17024362666326023859n, 42n]);
  });

  it('accepts IPv6 and host names', () => {
    expect(addressProblem('[::1]:9001')).toBeUndefined();
    expect(addressProblem('node-1.example:9001')).toBeUndefined();
    expect(addressProblem('@abstract')).toMatch(/host:port/);
  });

  it('translates raft roles back to go-dqlite roles (B.1)', () => {
    const r = membersFromConfiguration([
      { id: 1n, address: 'a:1', role: 1 }, { id: 2n, address: 'b:1', role: 0 }, { id: 3n, address: 'c:1', role: 2 },
    ]);
    expect(r.members.map((m) => m.role)).toEqual([0, 1, 2]);
    expect(r.errors).toEqual([]);
  });
});
