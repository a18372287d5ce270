// Cancellation for long runs. bin/ is the only code that listens for signals: it aborts an
// AbortSignal that reaches scan/ and repair/ through the CLI. JavaScript signal handlers run only
// when the event loop gets a turn, and the readers and writers are synchronous, so long loops call
// checkpoint() between files and chunks: it yields to the event loop now and then (so a pending
// SIGINT is seen) and throws Cancelled once the signal is aborted.
import { Cancelled } from './errors.js';

/** How long synchronous work may run before checkpoint() lets the event loop handle signals. */
const YIELD_EVERY_MS = 25;
let lastYield = performance.now();

/** Throws Cancelled when `signal` was aborted (its reason is the signal's name). */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Cancelled(typeof signal.reason === 'string' ? signal.reason : 'an abort');
}

/** Lets pending signal handlers run (at most every YIELD_EVERY_MS), then throwIfCancelled. */
export async function checkpoint(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return;
  const now = performance.now();
  if (now - lastYield >= YIELD_EVERY_MS) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    lastYield = performance.now();
  }
  throwIfCancelled(signal);
}
