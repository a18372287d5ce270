// `--cluster` memberships in the three formats the products use: go-dqlite cluster.yaml, LXD/Incus
// `cluster show` YAML and microcluster's member list; roles in words come back as dqlite numbers.
import { describe, expect, it } from 'vitest';
import { formatMemberYaml, parseMemberYaml } from '../../src/format/member-yaml.js';

const LXD = `members:
- id: 1
  name: lxd01
  address: 10.0.0.1:8443
  role: voter
- id: 2
  name: lxd02
  address: 10.0.0.2:8443
  role: stand-by
- id: 3
  name: lxd03
  address: 10.0.0.3:8443
  role: spare
`;

describe('parseMemberYaml', () => {
  it('reads LXD\'s members: mapping with names and role words', () => {
    const r = parseMemberYaml(LXD, 'c.yaml');
    expect(r.format).toBe('lxd');
    expect(r.issues).toEqual([]);
    expect(r.value).toEqual([
      { id: 1n, address: '10.0.0.1:8443', role: 0, name: 'lxd01' },
      { id: 2n, address: '10.0.0.2:8443', role: 1, name: 'lxd02' },
      { id: 3n, address: '10.0.0.3:8443', role: 2, name: 'lxd03' },
    ]);
  });

  it('reads microcluster\'s list and go-dqlite\'s cluster.yaml', () => {
    const mc = parseMemberYaml('- id: 7\n  address: 10.0.0.1:7443\n  role: voter\n  name: m1\n');
    expect([mc.format, mc.value]).toEqual(['microcluster', [{ id: 7n, address: '10.0.0.1:7443', role: 0, name: 'm1' }]]);
    const go = parseMemberYaml('- ID: 3297041220608546238\n  Address: 10.0.0.1:9000\n  Role: 0\n');
    expect([go.format, go.value]).toEqual(['go-dqlite', [{ id: 3297041220608546238n, address: '10.0.0.1:9000', role: 0 }]]);
  });

  it('refuses an unknown role with the product\'s own words, and a microcluster member without a name', () => {
    const bad = parseMemberYaml(LXD.replace('role: spare', 'role: leader'));
    expect(bad.issues.map((i) => [i.data?.level, i.message])).toContainEqual(['error', expect.stringMatching(/unknown raft role: "leader"/)]);
    const noName = parseMemberYaml('- id: 1\n  address: 10.0.0.1:7443\n  role: voter\n');
    expect(noName.format).toBe('microcluster');
    expect(noName.issues.map((i) => i.message)).toContainEqual(expect.stringMatching(/member without name/));
  });

  it('refuses a zero or negative ID and warns about unknown keys', () => {
    const r = parseMemberYaml('members:\n- id: 0\n  name: a\n  address: 10.0.0.1:8443\n  role: voter\n  colour: red\n');
    expect(r.issues.map((i) => i.data?.level)).toEqual(expect.arrayContaining(['error', 'warning']));
    const text = r.issues.map((i) => i.message).join('\n');
    expect(text).toMatch(/line 2, col 3: id "0" is not a member ID/);
    expect(text).toMatch(/unknown key "colour"/);
  });

  it('writes what it reads', () => {
    const members = parseMemberYaml(LXD).value!;
    expect(parseMemberYaml(formatMemberYaml(members, 'lxd')).value).toEqual(members);
    expect(parseMemberYaml(formatMemberYaml(members, 'microcluster')).value).toEqual(members);
  });
});
