// Damage to go-dqlite's YAML files (info.yaml, cluster.yaml): truncation at every byte, CRLF,
// tabs, out-of-range IDs and roles, duplicates, alias bombs, deep nesting, binary garbage. A case
// is detectable when go-dqlite's YAML reading would fail or read something else than a node
// (format-spec §7.2), so the parser must report an issue.
import type { Draft } from './mutations.js';
import type { Rng } from './rng.js';
import type { Specimen } from './specimens.js';

type Eager = { op: string; bytes: Uint8Array; detectable?: boolean };

const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

function replaceValue(text: string, key: string, value: string): string | undefined {
  const re = new RegExp(`(^|\\n)(\\s*-?\\s*${key}:)[^\\n]*`);
  return re.test(text) ? text.replace(re, `$1$2 ${value}`) : undefined;
}

const BAD_IDS = ['18446744073709551616', '99999999999999999999999', '-1', '1e400', '0x10000000000000000', 'abc', '[1]', '{a: 1}', '""'];
const BAD_ROLES = ['3', '-1', '18446744073709551616', '1.5', 'null', '[0]'];

function fieldDrafts(text: string): Eager[] {
  const out: Eager[] = [];
  for (const v of BAD_IDS) {
    const t = replaceValue(text, 'ID', v);
    if (t) out.push({ op: `ID=${v}`, bytes: enc(t), detectable: true });
  }
  for (const v of BAD_ROLES) {
    const t = replaceValue(text, 'Role', v);
    if (t) out.push({ op: `Role=${v}`, bytes: enc(t), detectable: true });
  }
  const noAddress = replaceValue(text, 'Address', '');
  if (noAddress) out.push({ op: 'Address=empty', bytes: enc(noAddress) });
  const long = replaceValue(text, 'Address', `h${'x'.repeat(1 << 20)}:1`);
  if (long) out.push({ op: 'Address=1MiB', bytes: enc(long) });
  return out;
}

function structureDrafts(s: Specimen, text: string): Eager[] {
  const isCluster = s.kind === 'cluster-yaml';
  const indent = isCluster ? '  ' : '';
  const out: Eager[] = [
    { op: 'empty', bytes: new Uint8Array(0), detectable: true },
    { op: 'crlf', bytes: enc(text.replace(/\n/g, '\r\n')), detectable: true },
    { op: 'tab-indent', bytes: enc(text.replace(/\n( +)(\S)/, '\n\t$2')), detectable: /\n +\S/.test(text) },
    { op: 'multiple-documents', bytes: enc(`${text}---\n${text}`), detectable: true },
    { op: 'bom', bytes: enc(`\ufeff${text}`) },
    { op: 'nul-bytes', bytes: enc(text.replace(/\n/, '\n\0\0')) },
    { op: 'invalid-utf8', bytes: new Uint8Array([...enc(text.slice(0, 4)), 0xff, 0xfe, 0xc0, ...enc(text.slice(4))]) },
    { op: 'deep-nesting', bytes: enc(`${'['.repeat(20_000)}${']'.repeat(20_000)}\n`), detectable: true },
    { op: 'deep-mapping', bytes: enc(`${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1\n`), detectable: true },
    { op: 'alias-bomb', bytes: enc(aliasBomb()), detectable: true },
    { op: 'scalar', bytes: enc('just a string\n'), detectable: true },
    { op: 'duplicate-keys', bytes: enc(text.replace(/(ID:[^\n]*\n)/, `$1${indent}ID: 5\n`)) },
    { op: 'unknown-key', bytes: enc(text.replace(/(ID:[^\n]*\n)/, `$1${indent}Colour: blue\n`)) },
  ];
  if (isCluster) {
    out.push({ op: 'duplicate-node', bytes: enc(text + text), detectable: /ID:\s*[1-9]/.test(text) });
    out.push({ op: 'mapping-not-sequence', bytes: enc('ID: 1\nAddress: a:1\nRole: 0\n'), detectable: true });
  } else {
    out.push({ op: 'sequence-not-mapping', bytes: enc(`- ${text.replace(/\n(?=.)/g, '\n  ')}`), detectable: true });
  }
  return out;
}

function aliasBomb(): string {
  const lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(',')}]`);
  lines.push('ID: *a11', 'Address: *a11', 'Role: *a11');
  return `${lines.join('\n')}\n`;
}

export function textMutations(s: Specimen, rng: Rng, budget: { flips: number }): Draft[] {
  const text = Buffer.from(s.bytes).toString('utf8');
  const out: Eager[] = [...structureDrafts(s, text), ...fieldDrafts(text)];
  for (let at = 0; at < s.bytes.length; at++) out.push({ op: `truncate@${at}`, bytes: s.bytes.slice(0, at) });
  for (let i = 0; i < budget.flips; i++) {
    const at = rng.int(s.bytes.length);
    const b = s.bytes.slice();
    b[at] = rng.chance(0.5) ? b[at]! ^ (1 << rng.int(8)) : rng.pick([0x20, 0x09, 0x0a, 0x3a, 0x2d, 0x26, 0x2a, 0x21, 0x7b, 0x5b, 0x22, 0x27, 0x23, 0x7c, 0x3e]);
    out.push({ op: `byte@${at}=0x${b[at]!.toString(16)}`, bytes: b });
  }
  for (const len of [1, 64, 4096]) out.push({ op: `random-file:${len}`, bytes: rng.bytes(len) });
  return out.map(({ op, bytes, detectable }) => (detectable === undefined ? { op, make: () => bytes } : { op, make: () => bytes, detectable }));
}
