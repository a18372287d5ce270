// A small checker for JSON documents read from users (a repair plan): each check takes a value
// and its JSON path (`outputs[1].files[3].name`) and returns the value or throws ShapeError
// naming that path. Objects are closed: a field the schema does not know is an error, so nothing
// in a document can be ignored by the checker and then acted on by someone else.
import { U64_MAX } from '../../core/u64.js';

export class ShapeError extends Error {
  constructor(
    readonly at: string,
    readonly problem: string,
  ) {
    super(`${at || '(the document)'}: ${problem}`);
  }
}

export type Check<T> = (value: unknown, at: string) => T;

/** A value as a short, escaped quote for messages (never raw control characters). */
export function quote(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  text = text.replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function child(at: string, key: string | number): string {
  if (typeof key === 'number') return `${at}[${key}]`;
  return at ? `${at}.${key}` : key;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

export function fail(at: string, problem: string): never {
  throw new ShapeError(at, problem);
}

/** Free text (descriptions, reasons): any characters, bounded length. */
export function text(max = 65_536): Check<string> {
  return (v, at) => {
    if (typeof v !== 'string') fail(at, `must be a string, not ${typeOf(v)}`);
    if (v.length > max) fail(at, `is ${v.length} characters long, more than ${max}`);
    return v;
  };
}

export const bool: Check<boolean> = (v, at) => {
  return typeof v === 'boolean' ? v : fail(at, `must be true or false, not ${quote(v)}`);
};

export function int(min: number, max: number): Check<number> {
  return (v, at) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(at, `must be a whole number, not ${quote(v)}`);
    if (v < min || v > max) fail(at, `${v} is outside ${min}..${max}`);
    return v;
  };
}

/** A u64 written as a decimal string (house style: u64 in JSON are decimal strings). */
export const dec: Check<string> = (v, at) => {
  if (typeof v !== 'string' || !/^(0|[1-9][0-9]{0,19})$/.test(v)) {
    fail(at, `must be a u64 as a decimal string, not ${quote(v)}`);
  }
  if (BigInt(v) > U64_MAX) fail(at, `${v} is above 2^64-1`);
  return v;
};

export const sha256Hex: Check<string> = (v, at) => {
  if (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)) return v;
  return fail(at, `must be a sha256 (64 lower-case hex digits), not ${quote(v)}`);
};

export function literal<T extends string | number>(...allowed: readonly T[]): Check<T> {
  return (v, at) => {
    if ((allowed as readonly unknown[]).includes(v)) return v as T;
    return fail(at, `must be one of ${allowed.map((a) => quote(a)).join(', ')}, not ${quote(v)}`);
  };
}

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (v, at) => (v === null ? null : check(v, at));
}

export function array<T>(check: Check<T>, max = 1_000_000): Check<T[]> {
  return (v, at) => {
    if (!Array.isArray(v)) fail(at, `must be an array, not ${typeOf(v)}`);
    if (v.length > max) fail(at, `has ${v.length} items, more than ${max}`);
    return v.map((item, i) => check(item, child(at, i)));
  };
}

type Fields = Record<string, Check<unknown>>;
type Out<F extends Fields> = { [K in keyof F]: ReturnType<F[K]> };

/** An object with exactly these fields (`optional` ones may be absent, never undefined-valued). */
export function object<F extends Fields, O extends Fields = Record<never, never>>(
  fields: F,
  optional?: O,
): Check<Out<F> & Partial<Out<O>>> {
  return (v, at) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(at, `must be an object, not ${typeOf(v)}`);
    const record = v as Record<string, unknown>;
    for (const k of Object.keys(record)) {
      const known = k in fields || (optional !== undefined && k in optional);
      if (record[k] !== undefined && !known) fail(child(at, k), 'is not a field of a repair plan');
    }
    const out: Record<string, unknown> = {};
    for (const [k, check] of Object.entries(fields)) {
      if (record[k] === undefined) fail(child(at, k), 'is missing');
      out[k] = check(record[k], child(at, k));
    }
    for (const [k, check] of Object.entries(optional ?? {})) {
      if (record[k] !== undefined) out[k] = check(record[k], child(at, k));
    }
    return out as Out<F> & Partial<Out<O>>;
  };
}

/** A union told apart by a string field (`kind`). */
export function tagged(tag: string, variants: Record<string, Check<unknown>>): Check<unknown> {
  return (v, at) => {
    const kind = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[tag] : undefined;
    const check = typeof kind === 'string' && Object.hasOwn(variants, kind) ? variants[kind] : undefined;
    if (!check) {
      const names = Object.keys(variants)
        .map((k) => quote(k))
        .join(', ');
      fail(child(at, tag), `must be one of ${names}, not ${quote(kind)}`);
    }
    return check(v, at);
  };
}

export interface Difference {
  readonly at: string;
  /** The value in the first document (undefined: absent). */
  readonly left: unknown;
  readonly right: unknown;
}

/** The first place (in document order) where two JSON values differ, or undefined when equal. */
export function firstDifference(left: unknown, right: unknown, at = ''): Difference | undefined {
  if (Object.is(left, right)) return undefined;
  if (Array.isArray(left) && Array.isArray(right)) {
    for (let i = 0; i < Math.min(left.length, right.length); i++) {
      const d = firstDifference(left[i], right[i], child(at, i));
      if (d) return d;
    }
    if (left.length !== right.length) {
      const i = Math.min(left.length, right.length);
      return { at: child(at, i), left: left[i], right: right[i] };
    }
    return undefined;
  }
  const isRecord = (v: unknown): v is Record<string, unknown> => {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  };
  if (isRecord(left) && isRecord(right)) {
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])];
    for (const k of keys) {
      const d = firstDifference(left[k], right[k], child(at, k));
      if (d) return d;
    }
    return undefined;
  }
  return { at, left, right };
}
