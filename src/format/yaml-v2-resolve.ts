// yaml.v2 v2.4.0's implicit typing of plain scalars (resolve.go `resolve`, encode.go
// `isBase60Float`), reduced to the one question its encoder asks in `stringv`: would this string,
// written plain, read back as something other than a string? If so yaml.v2 double-quotes it.
// Go library calls are emulated: strconv.ParseInt/ParseUint with base 0 (0x/0o/0b prefixes, a
// leading 0 means octal, int64/uint64 ranges), strconv.ParseFloat (overflow is an error, so
// `1e999` stays a string), and time.Parse with yaml.v2's four timestamp layouts.

const RESOLVE_MAP = new Set([
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'true',
  'True',
  'TRUE',
  'on',
  'On',
  'ON',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'false',
  'False',
  'FALSE',
  'off',
  'Off',
  'OFF',
  '',
  '~',
  'null',
  'Null',
  'NULL',
  '.nan',
  '.NaN',
  '.NAN',
  '.inf',
  '.Inf',
  '.INF',
  '+.inf',
  '+.Inf',
  '+.INF',
  '-.inf',
  '-.Inf',
  '-.INF',
  '<<',
]);

function hint(s: string): string {
  if (s === '') return 'N';
  const c = s[0]!;
  if (c === '+' || c === '-') return 'S';
  if (c >= '0' && c <= '9') return 'D';
  if ('yYnNtTfFoO~'.includes(c)) return 'M';
  return c === '.' ? '.' : '';
}

/**
 * The integer Go's strconv.ParseInt/ParseUint read from `s` with base 0 (0x/0o/0b prefixes, a
 * leading 0 means octal), ignoring range; `signed` when it has a sign (ParseUint refuses that).
 */
export function goParseIntBase0(s: string): { value: bigint; signed: boolean } | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2]!;
  const literal = /^0[0-7]+$/.test(body)
    ? `0o${body.slice(1)}`
    : body.replace(/^0([XBO])/, (_, p: string) => `0${p.toLowerCase()}`);
  const magnitude = BigInt(literal);
  return { value: m[1] === '-' ? -magnitude : magnitude, signed: m[1] !== '' };
}

/** strconv.ParseInt(s, 0, 64) succeeds, or strconv.ParseUint(s, 0, 64) does. */
function goParsesAsInt(s: string): boolean {
  const n = goParseIntBase0(s);
  if (n === undefined) return false;
  if (n.value >= -(1n << 63n) && n.value < 1n << 63n) return true;
  return !n.signed && n.value <= (1n << 64n) - 1n;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (mo === 2 && !leap ? 28 : DAYS[mo - 1]!);
}

/** parseTimestamp: Go time.Parse with yaml.v2's four layouts (short month/day/time fields). */
function goParsesAsTimestamp(s: string): boolean {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt ])(\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?(Z|[+-]\d\d:\d\d)?)?$/.exec(
    s,
  );
  if (!m || !validDate(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  if (m[4] === undefined) return true;
  if (Number(m[5]) > 23 || Number(m[6]) > 59 || Number(m[7]) > 59) return false;
  // "T"/"t" layouts need a zone; the space layout has none.
  return m[4] === ' ' ? m[8] === undefined : m[8] !== undefined;
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** resolve("", s) returns a tag other than !!str. */
export function resolvesToNonString(s: string): boolean {
  const h = hint(s);
  if (h === '') return false;
  if (RESOLVE_MAP.has(s)) return true;
  if (h === '.') return /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/.test(s) && Number.isFinite(Number(s));
  if (h !== 'D' && h !== 'S') return false;
  if (goParsesAsTimestamp(s)) return true;
  const plain = s.replaceAll('_', '');
  if (goParsesAsInt(plain)) return true;
  // Go's ParseFloat fails with ErrRange on overflow, and then the string stays a string.
  return YAML_STYLE_FLOAT.test(plain) && Number.isFinite(Number(plain));
}

/** encode.go isBase60Float: quoted on output for YAML 1.1 parsers, e.g. `1:20`. */
export function isBase60Float(s: string): boolean {
  return /^[-+0-9]/.test(s) && s.includes(':') && BASE60_FLOAT.test(s);
}
