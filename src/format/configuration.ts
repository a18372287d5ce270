// Raft configuration encoding (format-spec §4). Checked against configurationEncodedSize /
// configurationEncodeToBuf / configurationDecode / configurationAdd in raft src/configuration.c
// (canonical v0.15.0 and v0.18.1; cowsql differs only in zeroing the padding).
//
//   +0    u8   format = 1 (ENCODING_FORMAT)
//   +1    u64  n servers (unaligned)
//   n × { u64 id (unaligned) | address bytes | u8 NUL | u8 role (0 STANDBY, 1 VOTER, 2 SPARE) }
//   padding to a multiple of 8 (bytePad64). canonical raft and dqlite malloc the buffer and never
//   write the padding, so it holds stale heap bytes; only cowsql zeroes it. Never an issue.
//
// C's verdicts: format ≠ 1 and an address without NUL → RAFT_MALFORMED. A bad role, duplicate ID
// or duplicate address come from configurationAdd: raft ≥ 0.18.0 (6576eb5) maps them to
// RAFT_MALFORMED, libraft 0.15 returns RAFT_BADROLE / RAFT_DUPLICATEID / RAFT_DUPLICATEADDRESS
// as is (checked with raft-load.sh). ID 0 is only `assert(id != 0)`: release builds accept it.
// canonical raft does not bounds-check id/role reads (it reads past the buffer); dqlite in-tree
// raft does. Bytes after the n-th server are ignored.
import { ShortReadError } from '../core/errors.js';
import { Cursor, Writer, pad8 } from './cursor.js';
import { issue, type DecodeIssue } from './issue.js';

export const CONFIGURATION_FORMAT = 1;

/** Raft role codes (include/raft.h). Not the dqlite/YAML codes: see yamlRoleToRaft. */
export const RaftRole = { STANDBY: 0, VOTER: 1, SPARE: 2 } as const;

/** dqlite / go-dqlite role codes as written in cluster.yaml (`enum {DQLITE_VOTER, ...}`). */
export const YamlRole = { VOTER: 0, STANDBY: 1, SPARE: 2 } as const;

export interface ConfigurationServer {
  id: bigint;
  address: string;
  role: number;
}

export interface ConfigurationDecodeResult {
  /** Present when all n servers could be read, even if some break configurationAdd's rules. */
  value?: ConfigurationServer[];
  issues: DecodeIssue[];
  /** Bytes (from the start of `bytes`) covered by fully decoded fields, padding not included. */
  validBytes: number;
}

export function raftRoleName(role: number): string {
  if (role === RaftRole.VOTER) return 'voter';
  if (role === RaftRole.STANDBY) return 'stand-by';
  if (role === RaftRole.SPARE) return 'spare';
  return `unknown(${role})`;
}

/**
 * dqlite's translateDqliteRole (src/translate.c). The C argument is `(int)info->dqlite_role`,
 * so a u64 YAML value is truncated to 32 bits first; any unknown value returns DQLITE_VOTER (= 0),
 * which raft reads as RAFT_STANDBY, not as a voter.
 */
export function yamlRoleToRaft(yamlRole: number | bigint): number {
  const r = Number(BigInt.asIntN(32, BigInt(yamlRole)));
  if (r === YamlRole.VOTER) return RaftRole.VOTER;
  if (r === YamlRole.STANDBY) return RaftRole.STANDBY;
  if (r === YamlRole.SPARE) return RaftRole.SPARE;
  return YamlRole.VOTER; // the C quirk: the *dqlite* voter code, i.e. raft standby
}

/** dqlite's translateRaftRole; C asserts on an unknown role, we return undefined. */
export function raftRoleToYaml(raftRole: number): number | undefined {
  if (raftRole === RaftRole.VOTER) return YamlRole.VOTER;
  if (raftRole === RaftRole.STANDBY) return YamlRole.STANDBY;
  if (raftRole === RaftRole.SPARE) return YamlRole.SPARE;
  return undefined;
}

/** configurationEncodedSize: padded length of the encoding. */
export function configurationEncodedSize(servers: readonly ConfigurationServer[]): number {
  let n = 1 + 8;
  for (const s of servers) n += 8 + Buffer.byteLength(s.address, 'utf8') + 1 + 1;
  return pad8(n);
}

/** configurationEncodeToBuf, with the padding zeroed (as cowsql does). */
export function encodeConfiguration(servers: readonly ConfigurationServer[]): Uint8Array {
  const w = new Writer(configurationEncodedSize(servers));
  w.u8(CONFIGURATION_FORMAT).u64(BigInt(servers.length));
  for (const s of servers) w.u64(s.id).cstring(s.address).u8(s.role);
  return w.pad8().finish();
}

/** Reads one address the way byteGetString does: a NUL must occur inside the buffer. */
function readAddress(c: Cursor): { text: string; raw: string } | undefined {
  const end = c.bytes.indexOf(0, c.offset);
  if (end < 0) return undefined;
  const raw = c.bytes.subarray(c.offset, end);
  c.offset = end + 1;
  // strcmp compares bytes: keep a byte-exact key so invalid UTF-8 cannot fake a duplicate.
  return { text: Buffer.from(raw).toString('utf8'), raw: Buffer.from(raw).toString('latin1') };
}

interface Seen {
  ids: Map<bigint, number>;
  addresses: Map<string, number>;
}

/**
 * configurationAdd's checks in its order: role, then a loop over the servers already added that
 * tests the ID before the address of each, so the earliest conflicting server decides.
 */
function checkServer(
  s: ConfigurationServer,
  raw: string,
  at: number,
  seen: Seen,
  issues: DecodeIssue[],
  index: number,
): void {
  const who = { id: s.id, address: s.address, role: s.role };
  if (s.id === 0n) {
    issues.push(issue('config-zero-id', at, `server ID is 0 (C only asserts; release builds accept it)`, { ...who }));
  }
  const idAt = seen.ids.get(s.id) ?? Infinity;
  const addressAt = seen.addresses.get(raw) ?? Infinity;
  if (s.role !== RaftRole.STANDBY && s.role !== RaftRole.VOTER && s.role !== RaftRole.SPARE) {
    issues.push(
      issue('config-bad-role', at, `server ${s.id} has invalid role ${s.role}`, {
        ...who,
        raftCode: 'MALFORMED',
        legacyCode: 'BADROLE',
      }),
    );
  } else if (idAt !== Infinity && idAt <= addressAt) {
    issues.push(
      issue('config-duplicate-id', at, `server ID ${s.id} appears twice`, {
        ...who,
        firstIndex: idAt,
        raftCode: 'MALFORMED',
        legacyCode: 'DUPLICATEID',
      }),
    );
  } else if (addressAt !== Infinity) {
    issues.push(
      issue('config-duplicate-address', at, `address ${JSON.stringify(s.address)} appears twice`, {
        ...who,
        firstIndex: addressAt,
        raftCode: 'MALFORMED',
        legacyCode: 'DUPLICATEADDRESS',
      }),
    );
  }
  if (!seen.ids.has(s.id)) seen.ids.set(s.id, index);
  if (!seen.addresses.has(raw)) seen.addresses.set(raw, index);
}

function decodeServers(
  c: Cursor,
  n: bigint,
  base: number,
  issues: DecodeIssue[],
  progress: { end: number },
): ConfigurationServer[] | undefined {
  const servers: ConfigurationServer[] = [];
  const seen: Seen = { ids: new Map(), addresses: new Map() };
  // Each server takes at least 10 bytes, so the loop ends at a short read long before n wraps.
  for (let i = 0n; i < n; i++) {
    const at = c.offset;
    const id = c.u64(`server[${i}].id`);
    const addressAt = c.offset;
    const address = readAddress(c);
    if (!address) {
      issues.push(
        issue('config-address-no-nul', base + addressAt, `server[${i}] address has no NUL terminator`, {
          index: Number(i),
          raftCode: 'MALFORMED',
        }),
      );
      return undefined;
    }
    const role = c.u8(`server[${i}].role`);
    const server = { id, address: address.text, role };
    checkServer(server, address.raw, base + at, seen, issues, servers.length);
    servers.push(server);
    progress.end = c.offset;
  }
  return servers;
}

/** Tolerant configurationDecode. `baseOffset` is added to every issue offset. */
export function decodeConfiguration(bytes: Uint8Array, baseOffset = 0): ConfigurationDecodeResult {
  const issues: DecodeIssue[] = [];
  const c = new Cursor(bytes);
  const progress = { end: 0 };
  try {
    const format = c.u8('format');
    if (format !== CONFIGURATION_FORMAT) {
      issues.push(
        issue('config-bad-format', baseOffset, `configuration format ${format}, expected 1`, {
          found: format,
          raftCode: 'MALFORMED',
        }),
      );
      return { issues, validBytes: 0 };
    }
    const n = c.u64('count');
    progress.end = c.offset;
    const servers = decodeServers(c, n, baseOffset, issues, progress);
    return servers ? { value: servers, issues, validBytes: progress.end } : { issues, validBytes: progress.end };
  } catch (err) {
    if (!(err instanceof ShortReadError)) throw err;
    issues.push(
      issue('config-short-read', baseOffset + err.offset, `configuration ends inside ${err.field}`, {
        field: err.field,
        needed: err.needed,
        available: err.available,
        raftCode: 'MALFORMED',
        note: 'canonical raft does not bounds-check here and reads past the buffer',
      }),
    );
    return { issues, validBytes: progress.end };
  }
}
