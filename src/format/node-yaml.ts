// go-dqlite's node-store files (format-spec §7.2): `info.yaml` holds one NodeInfo mapping,
// `cluster.yaml` a sequence of them. Schema (go-dqlite internal/protocol/store.go):
//   ID       uint64    yaml "ID"       node ID, decimal; values >= 2^63 are common
//   Address  string    yaml "Address"  host:port, or @name for an abstract socket
//   Role     NodeRole   yaml "Role"     int: 0 voter, 1 stand-by, 2 spare
// Readers: go-dqlite < 1.11.8 (the installed 1.11.5) uses github.com/ghodss/yaml (keys matched
// case-insensitively, files written with sorted keys Address, ID, Role); >= 1.11.8 uses
// gopkg.in/yaml.v2 v2.4.0 (exact keys, struct order ID, Address, Role). Both type scalars with
// yaml.v2's resolve(), so we parse the YAML structure with the `yaml` package in its failsafe
// schema (every scalar a string, nothing rounded through a JS number) and type the scalars
// ourselves the way yaml.v2 does; IDs become exact bigints.
// Every issue carries data.level: 'error' (go-dqlite would refuse it or read something
// useless), 'warning' (it reads, but maybe not what was meant, or only some versions do),
// 'info' (accepted and harmless).
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { InternalError } from '../core/errors.js';
import { U64_MAX } from '../core/u64.js';
import type { DecodeIssue } from './issue.js';
import { formatYamlV2Mapping, formatYamlV2Sequence, type YamlMapping } from './yaml-v2-emitter.js';
import { readNodeMapping, type Reader } from './node-yaml-fields.js';

export interface NodeInfo {
  id: bigint;
  address: string;
  /** 0 voter, 1 stand-by, 2 spare (dqlite's DQLITE_VOTER/STANDBY/SPARE). */
  role: number;
}

export const NodeRole = { voter: 0, standBy: 1, spare: 2 } as const;

export function roleName(role: number): string {
  return role === 0 ? 'voter' : role === 1 ? 'stand-by' : role === 2 ? 'spare' : `unknown role ${role}`;
}

export type IssueLevel = 'error' | 'warning' | 'info';

export interface ParseResult<T> {
  value?: T;
  issues: DecodeIssue[];
}

export function makeReader(
  text: string,
  file: string | undefined,
  roleNames: boolean,
): Reader & { lines: LineCounter } {
  const lines = new LineCounter();
  const issues: DecodeIssue[] = [];
  return {
    lines,
    issues,
    roleNames,
    report(kind: string, level: IssueLevel, at: number, message: string, data: Record<string, unknown> = {}): void {
      const { line, col } = lines.linePos(at);
      const where = file === undefined ? `line ${line}, col ${col}` : `${file}:${line}:${col}`;
      const offset = Buffer.byteLength(text.slice(0, at), 'utf8');
      issues.push({ kind, offset, message: `${where}: ${message}`, data: { level, line, col, ...data } });
    },
  };
}

function indentedWithTab(text: string, lines: LineCounter, at: number): boolean {
  const { line } = lines.linePos(at);
  const start = lines.lineStarts[line - 1] ?? 0;
  return /^[ ]*\t/.test(text.slice(start, text.indexOf('\n', start) >>> 0));
}

/**
 * Nesting deeper than this is refused before parsing. The `yaml` package recurses once per level:
 * a few hundred levels (a 1 KB file of `[`) exhaust V8's stack, and a parse after that can abort
 * the whole process (a fatal "RegExpCompiler Allocation failed"). go-dqlite's files nest 2 deep;
 * yaml.v2 itself refuses 10000.
 */
export const MAX_YAML_DEPTH = 64;

/** An upper bound of the nesting depth (flow brackets, indentation, `- ` / `? ` on one line) and where it is passed. */
function tooDeep(text: string): number | undefined {
  let flow = 0;
  for (let i = 0, lineStart = 0; i <= text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) flow++;
    else if ((c === 0x5d || c === 0x7d) && flow > 0) flow--;
    if (flow > MAX_YAML_DEPTH) return i;
    if (i === text.length || c === 0x0a) {
      let p = lineStart;
      while (text.charCodeAt(p) === 0x20) p++;
      let block = p - lineStart;
      while (
        (text.charCodeAt(p) === 0x2d || text.charCodeAt(p) === 0x3f) &&
        (text.charCodeAt(p + 1) === 0x20 || p + 1 === i)
      ) {
        block++;
        p += 2;
      }
      if (block > MAX_YAML_DEPTH) return lineStart;
      lineStart = i + 1;
    }
  }
  return undefined;
}

/** Parses the YAML structure; returns the first document's root node, reporting everything odd. */
export function parseRoot(text: string, r: ReturnType<typeof makeReader>): unknown {
  const crlf = text.indexOf('\r\n');
  if (crlf >= 0) r.report('crlf', 'info', crlf, 'CRLF line endings (read fine by go-dqlite; it writes LF)');
  const deep = tooDeep(text);
  if (deep !== undefined) {
    // The parser fills the line counter as it goes; it never ran, so fill it for the report.
    r.lines.addNewLine(0);
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) r.lines.addNewLine(nl + 1);
    r.report(
      'too-deep',
      'error',
      deep,
      `nesting deeper than ${MAX_YAML_DEPTH} levels; not parsed (go-dqlite writes 2)`,
    );
    return undefined;
  }
  const docs = parseAllDocuments(text, {
    schema: 'failsafe',
    uniqueKeys: false,
    prettyErrors: false,
    lineCounter: r.lines,
  }) as Document.Parsed[];
  const first = docs[0];
  for (const doc of docs) {
    for (const e of doc.errors) {
      const hint = indentedWithTab(text, r.lines, e.pos[0])
        ? ' (the line is indented with a tab; YAML allows only spaces)'
        : '';
      r.report('syntax', 'error', e.pos[0], `YAML syntax error: ${e.message}${hint}`, { code: e.code });
    }
    for (const w of doc.warnings) r.report('yaml-warning', 'warning', w.pos[0], w.message, { code: w.code });
  }
  if (docs.length > 1) {
    const at = docs[1]!.range[0];
    r.report('multiple-documents', 'warning', at, `${docs.length} YAML documents; go-dqlite reads only the first`);
  }
  const root = first?.contents;
  const isEmpty =
    root == null ||
    (isScalar(root) && root.type === 'PLAIN' && ['', '~', 'null', 'Null', 'NULL'].includes(String(root.value)));
  if (isEmpty) {
    r.report('empty', 'error', 0, 'empty file (no YAML content)');
    return undefined;
  }
  return isAlias(root) && first ? root.resolve(first) : root;
}

function parseInfo(text: string, file: string | undefined): ParseResult<NodeInfo> {
  const r = makeReader(text, file, false);
  const root = parseRoot(text, r);
  if (root === undefined) return { issues: r.issues };
  if (!isMap(root)) {
    r.report('shape', 'error', rangeStart(root), 'info.yaml must hold one mapping with ID, Address and Role');
    return { issues: r.issues };
  }
  return { value: readNodeMapping(root, r), issues: r.issues };
}

function parseCluster(text: string, file: string | undefined, roleNames: boolean): ParseResult<NodeInfo[]> {
  const r = makeReader(text, file, roleNames);
  const root = parseRoot(text, r);
  if (root === undefined) return { value: [], issues: r.issues };
  if (!isSeq(root)) {
    r.report(
      'shape',
      'error',
      rangeStart(root),
      'cluster.yaml must hold a sequence of mappings with ID, Address and Role',
    );
    return { issues: r.issues };
  }
  const nodes: NodeInfo[] = [];
  const where: number[] = [];
  for (const item of root.items) {
    if (!isMap(item)) {
      r.report('shape', 'error', rangeStart(item), 'cluster.yaml item is not a mapping; skipped');
      continue;
    }
    nodes.push(readNodeMapping(item, r));
    where.push(rangeStart(item));
  }
  reportDuplicates(nodes, where, r);
  return { value: nodes, issues: r.issues };
}

function reportDuplicates(nodes: NodeInfo[], where: number[], r: Reader): void {
  const ids = new Map<bigint, number>();
  const addresses = new Map<string, number>();
  nodes.forEach((n, i) => {
    // ID 0 is normal: a first start writes `[{Address: a} for a in --join]` with zero IDs.
    const firstId = ids.get(n.id);
    if (n.id !== 0n && firstId !== undefined) {
      r.report('duplicate-id', 'error', where[i]!, `ID ${n.id} appears twice (items ${firstId + 1} and ${i + 1})`, {
        id: n.id.toString(),
      });
    } else ids.set(n.id, i);
    const firstAddress = addresses.get(n.address);
    if (n.address !== '' && firstAddress !== undefined) {
      r.report(
        'duplicate-address',
        'error',
        where[i]!,
        `address ${n.address} appears twice (items ${firstAddress + 1} and ${i + 1})`,
        { address: n.address },
      );
    } else addresses.set(n.address, i);
  });
}

export function rangeStart(node: unknown): number {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0] ?? 0;
}

/** info.yaml: one mapping. value is undefined only when there is no mapping at all. */
export function parseNodeInfo(text: string, file?: string): ParseResult<NodeInfo> {
  return parseInfo(text, file);
}

/** cluster.yaml as go-dqlite writes it: a sequence of mappings, numeric roles. */
export function parseClusterYaml(text: string, file?: string): ParseResult<NodeInfo[]> {
  return parseCluster(text, file, false);
}

/**
 * A target membership written by a person (e.g. for `.reconfigure`): like cluster.yaml, but
 * roles may also be named voter, stand-by/standby or spare (any case), flagged `role-name` (info).
 * go-dqlite itself would refuse names, so format the result before handing it to dqlite.
 */
export function parseTargetCluster(text: string, file?: string): ParseResult<NodeInfo[]> {
  return parseCluster(text, file, true);
}

export type YamlKeyOrder = 'yaml.v2' | 'ghodss';

export interface FormatNodeYamlOptions {
  /**
   * 'yaml.v2' (default): struct order ID, Address, Role, as go-dqlite >= 1.11.8 writes.
   * 'ghodss': sorted keys Address, ID, Role, as go-dqlite < 1.11.8 (e.g. 1.11.5) writes.
   * Scalars are identical: ghodss marshals through yaml.v2.
   */
  readonly keyOrder?: YamlKeyOrder;
}

function toMapping(info: NodeInfo, order: YamlKeyOrder): YamlMapping {
  if (info.id < 0n || info.id > U64_MAX) throw new InternalError(`node ID ${info.id} is not a u64`);
  if (!Number.isSafeInteger(info.role)) throw new InternalError(`node role ${info.role} is not an integer`);
  return order === 'ghodss'
    ? [
        ['Address', info.address],
        ['ID', info.id],
        ['Role', info.role],
      ]
    : [
        ['ID', info.id],
        ['Address', info.address],
        ['Role', info.role],
      ];
}

/** info.yaml bytes as go-dqlite's yaml.Marshal writes them (trailing newline included). */
export function formatNodeInfo(info: NodeInfo, options: FormatNodeYamlOptions = {}): string {
  return formatYamlV2Mapping(toMapping(info, options.keyOrder ?? 'yaml.v2'));
}

/** cluster.yaml bytes as go-dqlite writes them; `[]\n` for an empty list. */
export function formatClusterYaml(nodes: readonly NodeInfo[], options: FormatNodeYamlOptions = {}): string {
  return formatYamlV2Sequence(nodes.map((n) => toMapping(n, options.keyOrder ?? 'yaml.v2')));
}
