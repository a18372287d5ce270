// A tiny port of gopkg.in/yaml.v2 v2.4.0's encoder, enough for go-dqlite's node-store files:
// block mappings with plain keys, block sequences of such mappings, integer and string values.
// Checked line by line against yaml.v2 v2.4.0 (go-dqlite >= 1.11.8 pins it):
//   encode.go   stringv (plain unless resolve() gives a non-string tag or isBase60Float; literal
//               when the string holds '\n'; else double-quoted), intv/uintv (decimal, plain)
//   resolve.go  resolve (hint table, resolveMap, timestamps, Go ParseInt/ParseUint base 0,
//               yamlStyleFloat), parseTimestamp
//   emitterc.go yaml_emitter_analyze_scalar, yaml_emitter_select_scalar_style,
//               yaml_emitter_write_{indent,indicator,plain,single_quoted,double_quoted,literal}
// Defaults that matter: indent 2, line width 80 (v2.4.0 reverted v2.3.0's "no wrapping"),
// unicode output on, '\n' line breaks. Columns count characters, not bytes, as the C does.
// Known gap: a JS string with a lone surrogate (never produced by our parser from valid UTF-8)
// is escaped as \uD800; Go would see invalid UTF-8 and write a !!binary scalar.

import { isBase60Float, resolvesToNonString } from './yaml-v2-resolve.js';

export type YamlScalar = string | bigint | number;
export type YamlMapping = readonly (readonly [key: string, value: YamlScalar])[];

const WIDTH = 80;
const INDENT = 2;
const SPACE = 0x20;

const isBreak = (c: number | undefined): boolean =>
  c === 0x0d || c === 0x0a || c === 0x85 || c === 0x2028 || c === 0x2029;
const isBlank = (c: number | undefined): boolean => c === SPACE || c === 0x09;
const isBlankZ = (c: number | undefined): boolean => isBlank(c) || isBreak(c) || c === 0 || c === undefined;
/** yamlprivateh.go is_printable, per code point (4-byte UTF-8 sequences are not printable). */
const isPrintable = (c: number): boolean =>
  c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);

// ---- emitterc.go ----

type Style = 'plain' | 'single' | 'double' | 'literal';

interface Analysis {
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

/** yaml_emitter_analyze_scalar, keeping only what block (non-flow) context uses. */
export function analyzeScalar(cps: readonly number[]): Analysis {
  if (cps.length === 0) return { blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  let indicators = false;
  let special = false;
  let lineBreaks = false;
  let spaceBreak = false;
  let breakSpace = false;
  const s3 = String.fromCodePoint(...cps.slice(0, 3));
  if (s3 === '---' || s3 === '...') indicators = true;
  let preceded = true;
  let prevSpace = false;
  let prevBreak = false;
  cps.forEach((c, i) => {
    const followed = i + 1 >= cps.length || isBlank(cps[i + 1]);
    const ch = String.fromCodePoint(c);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) indicators = true;
      else if ((ch === '?' || ch === ':' || ch === '-') && followed) indicators = true;
    } else if ((ch === ':' && followed) || (ch === '#' && preceded)) {
      indicators = true;
    }
    if (!isPrintable(c)) special = true;
    if (c === SPACE) {
      if (prevBreak) breakSpace = true;
      [prevSpace, prevBreak] = [true, false];
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (prevSpace) spaceBreak = true;
      [prevSpace, prevBreak] = [false, true];
    } else {
      [prevSpace, prevBreak] = [false, false];
    }
    preceded = isBlankZ(c);
  });
  const first = cps[0]!;
  const last = cps[cps.length - 1]!;
  const edge = first === SPACE || isBreak(first) || last === SPACE || isBreak(last);
  return {
    blockPlainAllowed: !(edge || breakSpace || spaceBreak || special || lineBreaks || indicators),
    singleQuotedAllowed: !(breakSpace || spaceBreak || special),
    blockAllowed: !(last === SPACE || spaceBreak || special),
  };
}

/** The style yaml.v2 ends up with for a string value in a block mapping. */
export function stringStyle(s: string): Style {
  const canUsePlain = !resolvesToNonString(s) && !isBase60Float(s);
  const requested: Style = s.includes('\n') ? 'literal' : canUsePlain ? 'plain' : 'double';
  const a = analyzeScalar(codePoints(s));
  if (requested === 'plain') return a.blockPlainAllowed ? 'plain' : a.singleQuotedAllowed ? 'single' : 'double';
  if (requested === 'literal') return a.blockAllowed ? 'literal' : 'double';
  return requested;
}

function codePoints(s: string): number[] {
  return Array.from(s, (ch) => ch.codePointAt(0)!);
}

const ESCAPES = new Map<number, string>([
  [0x00, '0'],
  [0x07, 'a'],
  [0x08, 'b'],
  [0x09, 't'],
  [0x0a, 'n'],
  [0x0b, 'v'],
  [0x0c, 'f'],
  [0x0d, 'r'],
  [0x1b, 'e'],
  [0x22, '"'],
  [0x5c, '\\'],
  [0x85, 'N'],
  [0xa0, '_'],
  [0x2028, 'L'],
  [0x2029, 'P'],
]);

function escapeCodePoint(c: number): string {
  const named = ESCAPES.get(c);
  if (named !== undefined) return `\\${named}`;
  const [letter, width] = c <= 0xff ? ['x', 2] : c <= 0xffff ? ['u', 4] : ['U', 8];
  return `\\${letter}${c.toString(16).toUpperCase().padStart(width, '0')}`;
}

/** Output state of yaml_emitter_t that the writers below consult. */
class Emitter {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;

  put(text: string): void {
    this.out += text;
    this.column += codePoints(text).length;
  }

  putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  /** write_break: '\n' becomes the emitter's line break; other breaks are copied. */
  writeBreak(c: number): void {
    if (c === 0x0a) this.putBreak();
    else {
      this.out += String.fromCodePoint(c);
      this.column = 0;
    }
  }

  writeIndent(indent: number): void {
    const ind = Math.max(indent, 0);
    if (!this.indention || this.column > ind || (this.column === ind && !this.whitespace)) this.putBreak();
    while (this.column < ind) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  writeIndicator(text: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(text);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  writePlain(cps: readonly number[], indent: number): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    cps.forEach((c, i) => {
      if (c === SPACE) {
        if (!spaces && this.column > WIDTH && cps[i + 1] !== SPACE) this.writeIndent(indent);
        else this.put(' ');
        spaces = true;
      } else {
        this.put(String.fromCodePoint(c));
        this.indention = false;
        spaces = false;
      }
    });
    this.whitespace = false;
    this.indention = false;
  }

  writeSingleQuoted(cps: readonly number[], indent: number): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    cps.forEach((c, i) => {
      if (c === SPACE) {
        const fold = !spaces && this.column > WIDTH && i > 0 && i < cps.length - 1 && cps[i + 1] !== SPACE;
        if (fold) this.writeIndent(indent);
        else this.put(' ');
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent(indent);
        this.put(c === 0x27 ? "''" : String.fromCodePoint(c));
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    });
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  writeDoubleQuoted(cps: readonly number[], indent: number): void {
    this.writeIndicator('"', true, false, false);
    // is_bom(value, i) looks at the start of the value, not at i: a leading BOM escapes all.
    const bom = cps[0] === 0xfeff;
    let spaces = false;
    cps.forEach((c, i) => {
      if (bom || !isPrintable(c) || isBreak(c) || c === 0x22 || c === 0x5c) {
        this.put(escapeCodePoint(c));
        spaces = false;
      } else if (c === SPACE) {
        if (!spaces && this.column > WIDTH && i > 0 && i < cps.length - 1) {
          this.writeIndent(indent);
          if (cps[i + 1] === SPACE) this.put('\\');
        } else {
          this.put(' ');
        }
        spaces = true;
      } else {
        this.put(String.fromCodePoint(c));
        spaces = false;
      }
    });
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  writeLiteral(cps: readonly number[], indent: number): void {
    this.writeIndicator('|', true, false, false);
    const n = cps.length;
    if (cps[0] === SPACE || isBreak(cps[0])) this.writeIndicator(String(INDENT), false, false, false);
    const chomp = !isBreak(cps[n - 1]) ? '-' : n === 1 || isBreak(cps[n - 2]) ? '+' : '';
    if (chomp !== '') this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of cps) {
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent(indent);
        this.put(String.fromCodePoint(c));
        this.indention = false;
        breaks = false;
      }
    }
  }

  /** A mapping value at `indent` (the value's continuation lines use indent + 2). */
  writeValue(value: YamlScalar, mappingIndent: number): void {
    const indent = mappingIndent + INDENT;
    if (typeof value !== 'string') {
      this.writePlain(codePoints(value.toString(10)), indent);
      return;
    }
    const cps = codePoints(value);
    const style = stringStyle(value);
    if (style === 'plain') this.writePlain(cps, indent);
    else if (style === 'single') this.writeSingleQuoted(cps, indent);
    else if (style === 'literal') this.writeLiteral(cps, indent);
    else this.writeDoubleQuoted(cps, indent);
  }

  writeMapping(mapping: YamlMapping, indent: number): void {
    for (const [key, value] of mapping) {
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) throw new RangeError(`unsupported YAML key ${JSON.stringify(key)}`);
      this.writeIndent(indent);
      this.writePlain(codePoints(key), indent);
      this.writeIndicator(':', false, false, false);
      this.writeValue(value, indent);
    }
  }
}

/**
 * yaml.Marshal of a struct, as yaml.v2 v2.4.0 writes it: block style, two-space indent, trailing
 * newline. Keys must be plain identifiers; the mapping must not be empty.
 */
export function formatYamlV2Mapping(mapping: YamlMapping): string {
  if (mapping.length === 0) throw new RangeError('empty mappings are not supported');
  const e = new Emitter();
  e.writeMapping(mapping, 0);
  e.writeIndent(-1);
  return e.out;
}

/** yaml.Marshal of a slice of structs: `- ` at column 0, `[]` when empty. */
export function formatYamlV2Sequence(items: readonly YamlMapping[]): string {
  if (items.length === 0) return '[]\n';
  const e = new Emitter();
  for (const mapping of items) {
    if (mapping.length === 0) throw new RangeError('empty mappings are not supported');
    e.writeIndent(0);
    e.writeIndicator('-', true, false, true);
    e.writeMapping(mapping, INDENT);
  }
  e.writeIndent(-1);
  return e.out;
}
