// Typing the ID, Address and Role scalars of one go-dqlite NodeInfo mapping the way yaml.v2
// v2.4.0 decodes them into the Go struct (decode.go `scalar`, resolve.go `resolve`):
//  * a quoted (or explicitly tagged) scalar is a string, refused for the integer fields;
//  * a plain `~`/`null`/empty value gives the zero value;
//  * integers follow Go's strconv base 0 after removing `_`: 0x/0o/0b prefixes, and a leading 0
//    means octal (`ID: 0123` is 83, which we flag);
//  * a string field takes the scalar's text as written.
// Keys: yaml.v2 (go-dqlite >= 1.11.8) matches `ID`/`Address`/`Role` exactly and ignores `id`;
// ghodss (< 1.11.8) matches them case-insensitively like encoding/json. We accept both and flag
// non-exact case. When a key repeats, the last value wins, as in both decoders.
import { isAlias, isScalar, type YAMLMap } from 'yaml';
import { U64_MAX } from '../core/u64.js';
import type { DecodeIssue } from './issue.js';
import { goParseIntBase0 } from './yaml-v2-resolve.js';
import type { IssueLevel, NodeInfo } from './node-yaml.js';

export interface Reader {
  readonly issues: DecodeIssue[];
  readonly roleNames: boolean;
  report(kind: string, level: IssueLevel, at: number, message: string, data?: Record<string, unknown>): void;
}

const KEYS = ['ID', 'Address', 'Role'] as const;
type Key = (typeof KEYS)[number];

interface Raw {
  readonly text: string;
  /** Plain and untagged: subject to implicit typing. */
  readonly plain: boolean;
  readonly at: number;
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);

/** encoding/json's simple case folding, per character (so `ſ` matches `s`, `ß` does not). */
function foldEquals(a: string, b: string): boolean {
  const x = Array.from(a);
  const y = Array.from(b);
  return (
    x.length === y.length &&
    x.every((c, i) => {
      const d = y[i]!;
      return c === d || c.toLowerCase() === d.toLowerCase() || c.toUpperCase() === d.toUpperCase();
    })
  );
}

function startOf(node: unknown, fallback: number): number {
  return (node as { range?: [number, number, number] } | null)?.range?.[0] ?? fallback;
}

function rawOf(node: unknown, key: Key, at: number, r: Reader): Raw | undefined {
  if (node == null) return { text: '', plain: true, at };
  if (isScalar(node)) {
    return { text: String(node.value ?? ''), plain: node.type === 'PLAIN' && !node.tag, at: startOf(node, at) };
  }
  // Aliases are legal YAML but never written by go-dqlite; we do not chase them.
  r.report(
    'type',
    'error',
    startOf(node, at),
    `${key} must be a scalar, not ${isAlias(node) ? 'an alias' : 'a collection'}`,
  );
  return undefined;
}

function collect(map: YAMLMap, r: Reader): Map<Key, Raw | undefined> {
  const found = new Map<Key, Raw | undefined>();
  for (const pair of map.items) {
    const keyAt = startOf(pair.key, startOf(map, 0));
    const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const key = name === undefined ? undefined : KEYS.find((k) => foldEquals(k, name));
    if (name === undefined || key === undefined) {
      r.report('unknown-key', 'warning', keyAt, `unknown key ${JSON.stringify(name ?? '?')} (ignored by go-dqlite)`);
      continue;
    }
    if (name !== key) {
      r.report(
        'key-case',
        'warning',
        keyAt,
        `key ${JSON.stringify(name)} should be ${key}: go-dqlite >= 1.11.8 (yaml.v2) ignores it and reads the zero value; < 1.11.8 (ghodss) accepts it`,
        { key: name, expected: key },
      );
    }
    if (found.has(key))
      r.report('duplicate-key', 'error', keyAt, `${key} given more than once (the last value wins)`, { key });
    found.set(key, rawOf(pair.value, key, keyAt, r));
  }
  return found;
}

/** An integer as yaml.v2 reads it (Go base-0 syntax after removing `_`), range unchecked. */
export function goInteger(text: string): { value: bigint; canonical: boolean } | undefined {
  const n = goParseIntBase0(text.replaceAll('_', ''));
  return n === undefined ? undefined : { value: n.value, canonical: /^(0|[1-9][0-9]*)$/.test(text) };
}

function readId(raw: Raw | undefined, r: Reader): bigint {
  if (raw === undefined) return 0n;
  if (raw.plain && NULLS.has(raw.text)) {
    r.report('null-value', 'error', raw.at, 'ID has no value (go-dqlite reads ID 0)');
    return 0n;
  }
  const n = goInteger(raw.text);
  if (n === undefined) {
    r.report('type', 'error', raw.at, `ID ${JSON.stringify(raw.text)} is not an integer`, { text: raw.text });
    return 0n;
  }
  if (n.value < 0n || n.value > U64_MAX) {
    r.report('id-range', 'error', raw.at, `ID ${raw.text} is outside 0..2^64-1`, { text: raw.text });
    return 0n;
  }
  if (!raw.plain) {
    r.report('type', 'error', raw.at, `ID is quoted: go-dqlite refuses a string for an integer field`, {
      id: n.value.toString(),
    });
  } else if (!n.canonical) {
    r.report('id-format', 'warning', raw.at, `ID ${raw.text} is not plain decimal; go-dqlite reads it as ${n.value}`, {
      text: raw.text,
      id: n.value.toString(),
    });
  }
  return n.value;
}

const ROLE_NAMES: Record<string, number> = { voter: 0, 'stand-by': 1, standby: 1, spare: 2 };

function readRole(raw: Raw | undefined, r: Reader): number {
  if (raw === undefined) return 0;
  const named = ROLE_NAMES[raw.text.toLowerCase()];
  if (named !== undefined) {
    if (r.roleNames) r.report('role-name', 'info', raw.at, `role ${raw.text} read as ${named}`, { role: named });
    else
      r.report(
        'role-type',
        'error',
        raw.at,
        `role ${JSON.stringify(raw.text)} is a name; go-dqlite needs a number (0 voter, 1 stand-by, 2 spare)`,
        { role: named },
      );
    return named;
  }
  if (raw.plain && NULLS.has(raw.text)) {
    r.report('null-value', 'warning', raw.at, 'Role has no value (go-dqlite reads 0, voter)');
    return 0;
  }
  const n = goInteger(raw.text);
  if (n === undefined) {
    r.report('role-type', 'error', raw.at, `role ${JSON.stringify(raw.text)} is not an integer`, { text: raw.text });
    return 0;
  }
  if (!raw.plain) r.report('type', 'error', raw.at, 'Role is quoted: go-dqlite refuses a string for an integer field');
  if (n.value < 0n || n.value > 2n) {
    r.report('role-range', 'error', raw.at, `role ${raw.text} is not 0 (voter), 1 (stand-by) or 2 (spare)`, {
      text: raw.text,
    });
    return Number(n.value);
  }
  return Number(n.value);
}

function readAddress(raw: Raw | undefined, r: Reader): string {
  if (raw === undefined) return '';
  const text = raw.plain && NULLS.has(raw.text) ? '' : raw.text;
  if (text === '') r.report('empty-address', 'error', raw.at, 'Address is empty');
  return text;
}

/** One NodeInfo from a mapping; missing keys give Go's zero values plus an issue. */
export function readNodeMapping(map: YAMLMap, r: Reader): NodeInfo {
  const found = collect(map, r);
  const at = startOf(map, 0);
  for (const key of KEYS) {
    if (!found.has(key)) {
      const level: IssueLevel = key === 'Role' ? 'warning' : 'error';
      const zero = key === 'Role' ? '0 (voter)' : key === 'ID' ? '0' : 'an empty address';
      r.report('missing-key', level, at, `missing ${key} (go-dqlite reads ${zero})`, { key });
    }
  }
  return {
    id: readId(found.get('ID'), r),
    address: readAddress(found.get('Address'), r),
    role: readRole(found.get('Role'), r),
  };
}
