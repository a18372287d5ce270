import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  RaftRole,
  configurationEncodedSize,
  decodeConfiguration,
  encodeConfiguration,
  raftRoleName,
  raftRoleToYaml,
  yamlRoleToRaft,
  type ConfigurationServer,
} from '../../src/format/configuration.js';
import { sampleNodes } from '../helpers/samples.js';

const THREE: ConfigurationServer[] = [
  { id: 3297041220608546238n, address: '127.0.0.1:9511', role: RaftRole.VOTER },
  { id: 2585399981790450267n, address: '127.0.0.1:9512', role: RaftRole.VOTER },
  { id: 12577423068013733357n, address: '127.0.0.1:9513', role: RaftRole.VOTER },
];

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const kinds = (r: { issues: { kind: string }[] }): string[] => r.issues.map((i) => i.kind);

describe('encodeConfiguration', () => {
  it('writes the exact bytes of configurationEncodeToBuf with zero padding', () => {
    const bytes = encodeConfiguration([{ id: 1n, address: 'a:1', role: RaftRole.VOTER }]);
    // 01 | n=1 (unaligned) | id=1 | "a:1\0" | role 01 | pad to 24
    expect(hex(bytes)).toBe('01' + '0100000000000000' + '0100000000000000' + '613a3100' + '01' + '0000');
    expect(bytes.length).toBe(24);
    expect(configurationEncodedSize([{ id: 1n, address: 'a:1', role: 1 }])).toBe(24);
  });

  it('sizes: 1 + 8 + Σ(8 + len + 2), padded to 8', () => {
    expect(configurationEncodedSize([])).toBe(16);
    expect(configurationEncodedSize(THREE)).toBe(88);
    expect(encodeConfiguration(THREE).length).toBe(88);
  });

  it('round-trips values, including u64 IDs above 2^63 and UTF-8 addresses', () => {
    const servers = [...THREE, { id: (1n << 64n) - 1n, address: 'höst:1', role: RaftRole.SPARE }];
    const r = decodeConfiguration(encodeConfiguration(servers));
    expect(r.issues).toEqual([]);
    expect(r.value).toEqual(servers);
  });
});

describe('decodeConfiguration on real .meta files', () => {
  let metas: string[] = [];
  beforeAll(async () => {
    for (const set of ['healthy', 'crash', 'lagging', 'past-snapshot']) {
      for (const node of await sampleNodes(set)) {
        for (const f of fs.readdirSync(node)) if (f.endsWith('.meta')) metas.push(path.join(node, f));
      }
    }
  });

  it('decodes three voters from every real snapshot configuration', () => {
    expect(metas.length).toBeGreaterThan(10);
    for (const file of metas) {
      const conf = fs.readFileSync(file).subarray(32);
      const r = decodeConfiguration(conf, 32);
      expect(r.issues, file).toEqual([]);
      expect(r.value?.map((s) => s.role)).toEqual([1, 1, 1]);
      expect(r.validBytes).toBe(conf.length - 7); // 81 bytes of data, 7 of padding
    }
  });

  it('re-encodes to the same bytes except the uninitialised padding', () => {
    let nonZeroPadding = 0;
    for (const file of metas) {
      const conf = fs.readFileSync(file).subarray(32);
      const r = decodeConfiguration(conf);
      const again = encodeConfiguration(r.value!);
      expect(again.length).toBe(conf.length);
      expect(hex(again.subarray(0, r.validBytes))).toBe(hex(conf.subarray(0, r.validBytes)));
      expect(decodeConfiguration(again).value).toEqual(r.value);
      if (conf.subarray(r.validBytes).some((b) => b !== 0)) nonZeroPadding++;
    }
    // C leaves the padding uninitialised: the real files prove it (e.g. 9512's `01 42 05 50`).
    expect(nonZeroPadding).toBeGreaterThan(0);
  });
});

describe('decodeConfiguration problems', () => {
  const good = encodeConfiguration(THREE);
  const mutate = (f: (b: Uint8Array) => void): Uint8Array => {
    const b = Uint8Array.from(good);
    f(b);
    return b;
  };
  // server 1 id at 9, address at 17 (14 chars + NUL), role at 32; server 2 id at 33.
  it('bad format → MALFORMED, no value', () => {
    const r = decodeConfiguration(mutate((b) => { b[0] = 2; }), 100);
    expect(r.value).toBeUndefined();
    expect(r.issues[0]).toMatchObject({ kind: 'config-bad-format', offset: 100, data: { raftCode: 'MALFORMED', found: 2 } });
  });

  it('duplicate ID → MALFORMED (libraft 0.15: DUPLICATEID), value kept', () => {
    const r = decodeConfiguration(mutate((b) => b.copyWithin(33, 9, 17)));
    expect(kinds(r)).toEqual(['config-duplicate-id']);
    expect(r.issues[0]!.offset).toBe(33);
    expect(r.issues[0]!.data).toMatchObject({ raftCode: 'MALFORMED', legacyCode: 'DUPLICATEID', firstIndex: 0 });
    expect(r.value).toHaveLength(3);
  });

  it('duplicate address → MALFORMED (libraft 0.15: DUPLICATEADDRESS)', () => {
    const r = decodeConfiguration(mutate((b) => b.copyWithin(41, 17, 31)));
    expect(kinds(r)).toEqual(['config-duplicate-address']);
    expect(r.issues[0]!.data).toMatchObject({ legacyCode: 'DUPLICATEADDRESS', address: '127.0.0.1:9511' });
  });

  it('when one server clashes with an earlier one on address and a later one on ID, the earlier decides', () => {
    const servers = [
      { id: 1n, address: 'x', role: 1 },
      { id: 2n, address: 'y', role: 1 },
      { id: 2n, address: 'x', role: 1 },
    ];
    expect(kinds(decodeConfiguration(encodeConfiguration(servers)))).toEqual(['config-duplicate-address']);
    const swapped = [servers[1]!, servers[0]!, servers[2]!];
    expect(kinds(decodeConfiguration(encodeConfiguration(swapped)))).toEqual(['config-duplicate-id']);
  });

  it('role outside {0,1,2} → MALFORMED (libraft 0.15: BADROLE)', () => {
    const r = decodeConfiguration(mutate((b) => { b[32] = 5; }));
    expect(kinds(r)).toEqual(['config-bad-role']);
    expect(r.issues[0]!.data).toMatchObject({ role: 5, raftCode: 'MALFORMED', legacyCode: 'BADROLE' });
  });

  it('ID 0 is flagged without a raftCode (C only asserts)', () => {
    const r = decodeConfiguration(mutate((b) => b.fill(0, 9, 17)));
    expect(kinds(r)).toEqual(['config-zero-id']);
    expect(r.issues[0]!.data!['raftCode']).toBeUndefined();
    expect(r.value![0]!.id).toBe(0n);
  });

  it('address without NUL → MALFORMED at the address offset', () => {
    const cut = good.subarray(0, 25); // inside server 1 address
    const r = decodeConfiguration(cut, 32);
    expect(r.issues).toEqual([expect.objectContaining({ kind: 'config-address-no-nul', offset: 32 + 17 })]);
    expect(r.validBytes).toBe(9);
  });

  it('a count larger than the data is a short read, never a throw', () => {
    const r = decodeConfiguration(mutate((b) => { b[1] = 4; }));
    expect(r.value).toBeUndefined();
    expect(r.issues[0]).toMatchObject({ kind: 'config-short-read', offset: 81 });
    expect(r.validBytes).toBe(81);
  });

  it('never throws on any truncation or huge count', () => {
    for (let n = 0; n <= good.length; n++) expect(() => decodeConfiguration(good.subarray(0, n))).not.toThrow();
    const huge = mutate((b) => b.fill(0xff, 1, 9));
    expect(decodeConfiguration(huge).issues[0]!.kind).toBe('config-short-read');
    expect(decodeConfiguration(new Uint8Array(0)).issues[0]).toMatchObject({ kind: 'config-short-read', offset: 0 });
  });

  it('ignores bytes after the n-th server, as C does', () => {
    const b = new Uint8Array(good.length + 16).fill(0xee);
    b.set(good);
    const r = decodeConfiguration(b);
    expect(r.issues).toEqual([]);
    expect(r.value).toEqual(THREE);
  });
});

describe('roles', () => {
  it('names raft roles', () => {
    expect([0, 1, 2, 7].map(raftRoleName)).toEqual(['stand-by', 'voter', 'spare', 'unknown(7)']);
  });

  it('maps YAML/dqlite roles to raft like translateDqliteRole, quirks included', () => {
    expect([0, 1, 2].map((r) => yamlRoleToRaft(r))).toEqual([1, 0, 2]);
    // Unknown → DQLITE_VOTER (0), which raft reads as STANDBY.
    expect(yamlRoleToRaft(3)).toBe(RaftRole.STANDBY);
    expect(yamlRoleToRaft(-1)).toBe(RaftRole.STANDBY);
    // (int) cast of the u64 role: 2^32 + 2 is SPARE to C.
    expect(yamlRoleToRaft((1n << 32n) + 2n)).toBe(RaftRole.SPARE);
  });

  it('maps raft roles back like translateRaftRole', () => {
    expect([1, 0, 2].map(raftRoleToYaml)).toEqual([0, 1, 2]);
    expect(raftRoleToYaml(9)).toBeUndefined();
  });
});
