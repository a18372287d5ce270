// u64 values (terms, indexes, node IDs, versions) are bigint from decode to JSON. In JSON they
// are decimal strings, the protobuf JSON convention: JSON.stringify throws on bigint and a
// number loses precision above 2^53 (real node IDs exceed 2^63).

export const U64_MAX = (1n << 64n) - 1n;

/** JSON.stringify replacer that writes every bigint as a decimal string. */
export function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString(10) : value;
}

export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, bigintReplacer, indent);
}

/** Parses a decimal u64 string exactly; undefined when it is not one. */
export function parseU64(text: string): bigint | undefined {
  if (!/^[0-9]{1,20}$/.test(text)) return undefined;
  const value = BigInt(text);
  return value <= U64_MAX ? value : undefined;
}

/** Zero-padded 16-digit rendering used by closed segment names (`%016llu`). */
export function pad16(value: bigint): string {
  return value.toString(10).padStart(16, '0');
}

/**
 * The value as JSON.parse(toJson(value)) would give it back, without the text: bigints become
 * decimal strings, undefined object fields are left out, undefined in arrays becomes null.
 */
export function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString(10);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => (v === undefined || typeof v === 'function' ? null : toPlain(v)));
  if (ArrayBuffer.isView(value)) return JSON.parse(JSON.stringify(value));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined && typeof v !== 'function') out[k] = toPlain(v);
  return out;
}
