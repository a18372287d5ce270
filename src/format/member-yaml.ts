// The target membership a person hands `repair --cluster`, in any of the three formats the
// products use for it:
//   go-dqlite   cluster.yaml: a sequence of {ID, Address, Role} (node-yaml.ts parseTargetCluster)
//   LXD/Incus   `lxd cluster show` / `edit`, `incus admin cluster show`: a mapping
//               `members: [{id, name, address, role}]` (lxd/main_cluster.go ClusterConfig,
//               ClusterMember with yaml tags id, name,omitempty, address, role)
//   microcluster `microcloud cluster recover` / `microctl cluster edit`: a sequence of
//               {id, address, role, name} (cluster/recover.go DqliteMember)
// In the last two, roles are the words voter, stand-by and spare (anything else: LXD's
// "unknown raft role: %q", microcluster's "invalid dqlite role %q"); keys are exact, as yaml.v2
// matches struct tags. Roles come back in dqlite's numbering (0 voter, 1 stand-by, 2 spare).
import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import { U64_MAX } from '../core/u64.js';
import type { DecodeIssue } from './issue.js';
import { goInteger } from './node-yaml-fields.js';
import { makeReader, parseRoot, parseTargetCluster, rangeStart, type NodeInfo, type ParseResult } from './node-yaml.js';
import { formatYamlV2Sequence, type YamlMapping } from './yaml-v2-emitter.js';

export type MemberYamlFormat = 'go-dqlite' | 'lxd' | 'microcluster';

export interface TargetMember extends NodeInfo {
  /** The member's name (LXD, Incus, microcluster formats); undefined in cluster.yaml. */
  readonly name?: string;
}

export interface MemberYaml extends ParseResult<TargetMember[]> {
  readonly format: MemberYamlFormat;
}

const ROLE_WORDS: Readonly<Record<string, number>> = { voter: 0, 'stand-by': 1, spare: 2 };
const WORD_OF = ['voter', 'stand-by', 'spare'] as const;
const KEYS = ['id', 'name', 'address', 'role'] as const;

type Reader = ReturnType<typeof makeReader>;

function scalarText(node: unknown): { text: string; plain: boolean } | undefined {
  if (node == null) return { text: '', plain: true };
  return isScalar(node) ? { text: String(node.value ?? ''), plain: node.type === 'PLAIN' && !node.tag } : undefined;
}

function readId(node: unknown, at: number, r: Reader): bigint {
  const s = scalarText(node);
  const n = s && s.plain ? goInteger(s.text) : undefined;
  if (!s || !n || n.value <= 0n || n.value > U64_MAX) {
    r.report(
      'id',
      'error',
      at,
      `id ${JSON.stringify(s?.text ?? '?')} is not a member ID (a positive integer below 2^64)`,
    );
    return 0n;
  }
  return n.value;
}

function readMember(map: YAMLMap, format: MemberYamlFormat, r: Reader): TargetMember {
  const at = rangeStart(map);
  const values = new Map<string, unknown>();
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '?';
    if ((KEYS as readonly string[]).includes(key)) values.set(key, pair.value);
    else {
      r.report(
        'unknown-key',
        'warning',
        rangeStart(pair.key),
        `unknown key ${JSON.stringify(key)} (ignored; the keys are ${KEYS.join(', ')})`,
      );
    }
  }
  for (const k of ['id', 'address', 'role'] as const)
    if (!values.has(k)) r.report('missing-key', 'error', at, `member without ${k}`);
  if (format === 'microcluster' && !values.has('name')) r.report('missing-key', 'error', at, 'member without name');
  const id = values.has('id') ? readId(values.get('id'), at, r) : 0n;
  const address = scalarText(values.get('address'))?.text ?? '';
  const roleText = scalarText(values.get('role'))?.text ?? '';
  const role = ROLE_WORDS[roleText];
  if (values.has('role') && role === undefined) {
    const message =
      format === 'lxd'
        ? `unknown raft role: ${JSON.stringify(roleText)}`
        : `invalid dqlite role ${JSON.stringify(roleText)}`;
    r.report('role', 'error', at, `${message} (voter, stand-by or spare)`);
  }
  const name = scalarText(values.get('name'))?.text;
  return { id, address, role: role ?? 0, ...(name ? { name } : {}) };
}

function readMembers(items: readonly unknown[], format: MemberYamlFormat, r: Reader): TargetMember[] {
  const out: TargetMember[] = [];
  for (const item of items) {
    if (isMap(item)) out.push(readMember(item, format, r));
    else r.report('shape', 'error', rangeStart(item), 'a member is not a mapping');
  }
  return out;
}

/** The product format of a parsed root: LXD's `members:` mapping, or microcluster's lower-case list. */
function formatOf(root: unknown): MemberYamlFormat {
  if (isMap(root) && root.items.some((p) => isScalar(p.key) && p.key.value === 'members')) return 'lxd';
  const lowerKey = (p: { key: unknown }) => isScalar(p.key) && (p.key.value === 'id' || p.key.value === 'name');
  const lower = isSeq(root) && root.items.some((i) => isMap(i) && i.items.some(lowerKey));
  return lower ? 'microcluster' : 'go-dqlite';
}

/** Parses a target membership in any of the three formats (see the top of this file). */
export function parseMemberYaml(text: string, file?: string): MemberYaml {
  const r = makeReader(text, file, true);
  const root = parseRoot(text, r);
  const format = root === undefined ? 'go-dqlite' : formatOf(root);
  if (format === 'go-dqlite') return { format, ...parseTargetCluster(text, file) };
  if (format === 'lxd') {
    const members = (root as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === 'members')!.value;
    if (!isSeq(members)) {
      r.report('shape', 'error', rangeStart(members), 'members must be a sequence of {id, name, address, role}');
      return { format, issues: r.issues as DecodeIssue[] };
    }
    return { format, value: readMembers(members.items, format, r), issues: r.issues as DecodeIssue[] };
  }
  return {
    format,
    value: readMembers((root as { items: unknown[] }).items, format, r),
    issues: r.issues as DecodeIssue[],
  };
}

function memberMapping(m: TargetMember, format: Exclude<MemberYamlFormat, 'go-dqlite'>): YamlMapping {
  const role = WORD_OF[m.role] ?? 'voter';
  const name: YamlMapping = m.name !== undefined || format === 'microcluster' ? [['name', m.name ?? '']] : [];
  return format === 'lxd'
    ? [['id', m.id], ...name, ['address', m.address], ['role', role]]
    : [['id', m.id], ['address', m.address], ['role', role], ...name];
}

/** A membership as the product writes it (yaml.v2): LXD's `members:` mapping or microcluster's list. */
export function formatMemberYaml(
  members: readonly TargetMember[],
  format: Exclude<MemberYamlFormat, 'go-dqlite'>,
): string {
  const list = formatYamlV2Sequence(members.map((m) => memberMapping(m, format)));
  return format === 'lxd' ? `members:\n${list}` : list;
}
