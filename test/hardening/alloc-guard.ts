// Watches the byte buffers code allocates while it runs, to prove that no decoder sizes a buffer
// from an untrusted length field (a 64-byte file claiming a 4 GiB entry must not make us ask for
// 4 GiB). Two measures: every typed-array / ArrayBuffer / Buffer.alloc* request is recorded
// (exact, catches a big allocation even when it is freed at once), and the growth of
// process.memoryUsage().arrayBuffers after a forced GC (what the issue asks to measure).
import v8 from 'node:v8';
import vm from 'node:vm';

export interface AllocationReport {
  /** Largest single request in bytes. */
  readonly largest: number;
  /** Sum of all requests in bytes. */
  readonly total: number;
  readonly count: number;
}

type Ctor = new (...args: never[]) => object;
const TYPED = ['Uint8Array', 'Int8Array', 'Uint8ClampedArray', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array', 'BigUint64Array', 'BigInt64Array', 'ArrayBuffer', 'SharedArrayBuffer'] as const;
const BUFFER_FNS = ['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const;

function requestedBytes(name: string, args: readonly unknown[]): number {
  const first = args[0];
  if (typeof first !== 'number') return 0; // views over existing memory, or copies of a list
  const width = name === 'ArrayBuffer' || name === 'SharedArrayBuffer' ? 1 : ((globalThis as unknown as Record<string, { BYTES_PER_ELEMENT: number }>)[name]?.BYTES_PER_ELEMENT ?? 1);
  return first * width;
}

/** Runs fn (sync or async) with allocation recording on; restores the globals afterwards. */
export async function trackAllocations<T>(fn: () => T | Promise<T>): Promise<{ value: T; report: AllocationReport }> {
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = new Map<string, unknown>();
  const savedBuffer = new Map<string, unknown>();
  let largest = 0;
  let total = 0;
  let count = 0;
  const note = (n: number): void => {
    count++;
    total += n;
    if (n > largest) largest = n;
  };
  for (const name of TYPED) {
    const original = g[name] as Ctor | undefined;
    if (!original) continue;
    saved.set(name, original);
    g[name] = new Proxy(original, {
      construct(target, args, newTarget) {
        note(requestedBytes(name, args));
        return Reflect.construct(target, args, newTarget);
      },
    });
  }
  const B = Buffer as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const name of BUFFER_FNS) {
    const original = B[name]!;
    savedBuffer.set(name, original);
    B[name] = function (this: unknown, ...args: unknown[]) {
      if (typeof args[0] === 'number') note(args[0]);
      return original.apply(this, args);
    };
  }
  try {
    const value = await fn();
    return { value, report: { largest, total, count } };
  } finally {
    for (const [name, original] of saved) g[name] = original;
    for (const [name, original] of savedBuffer) B[name] = original as (...a: unknown[]) => unknown;
  }
}

let gcFn: (() => void) | undefined;

/** A full GC, available without --expose-gc on the command line. */
export function forceGc(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
}

/** Growth of arrayBuffers (external memory held by buffers) while fn runs and keeps its result. */
export async function arrayBufferGrowth<T>(fn: () => T | Promise<T>): Promise<{ value: T; growth: number }> {
  forceGc();
  const before = process.memoryUsage().arrayBuffers;
  const value = await fn();
  // No GC here: memory a decoder asked for and dropped is still counted until the next GC.
  const growth = process.memoryUsage().arrayBuffers - before;
  return { value, growth };
}
