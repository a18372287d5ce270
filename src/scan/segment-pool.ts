// Worker threads that read segment files, so that verifying every checksum of a large node uses
// every core instead of one (the CRC is the hot loop of `check` and of rank's verified read).
// The jobs are independent files, largest first, handed to whichever worker is free. The worker
// script is the compiled scan/segment-worker (dist/scan/segment-worker.js under tsc, or
// dist/segment-worker.cjs beside the bundle); where neither exists (tests running the
// TypeScript sources) there is no pool and callers read on their own thread.
import fs from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { Cancelled, InternalError } from '../core/errors.js';
import type { SegmentJob, SegmentRead } from './read-segment.js';
import { fromWire, type SegmentJobMessage, type SegmentReadMessage } from './segment-wire.js';

/** Workers to start when the caller says 'auto': one a core, at most 4 (reading from the page cache scales to that). */
export function autoWorkerCount(): number {
  return Math.min(4, Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
}

function workerScript(): URL | undefined {
  for (const name of ['./segment-worker.js', './segment-worker.cjs']) {
    const url = new URL(name, import.meta.url);
    if (fs.existsSync(url)) return url;
  }
  return undefined;
}

export interface PoolJob extends SegmentJob {
  readonly dir: string;
}

export class SegmentPool {
  readonly #workers: Worker[];

  private constructor(workers: Worker[]) {
    this.#workers = workers;
  }

  /** A pool of `size` workers, or undefined when there is no compiled worker script to run. */
  static open(size: number): SegmentPool | undefined {
    const script = workerScript();
    if (!script || size < 1) return undefined;
    return new SegmentPool(Array.from({ length: size }, () => new Worker(script)));
  }

  get size(): number {
    return this.#workers.length;
  }

  /** Reads every job; `onRead` is called as each finishes. Results come back in the jobs' order. */
  read(
    jobs: readonly PoolJob[],
    onRead?: (job: PoolJob, read: SegmentRead) => void,
    signal?: AbortSignal,
  ): Promise<SegmentRead[]> {
    const results: SegmentRead[] = new Array(jobs.length);
    const order = jobs.map((_, i) => i).sort((a, b) => jobs[b]!.file.size - jobs[a]!.file.size);
    let next = 0;
    let done = 0;
    return new Promise((resolve, reject) => {
      if (jobs.length === 0) return resolve(results);
      const cleanups: Array<() => void> = [];
      let settled = false;
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        for (const c of cleanups.splice(0)) c();
        if (error) reject(error);
        else resolve(results);
      };
      if (signal) {
        // Stop feeding on SIGINT/SIGTERM/SIGHUP; the caller closes (terminates) the workers.
        const onAbort = (): void =>
          finish(new Cancelled(typeof signal.reason === 'string' ? signal.reason : 'an abort'));
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => signal.removeEventListener('abort', onAbort));
      }
      const feed = (worker: Worker): void => {
        const i = order[next++];
        if (i === undefined) return;
        const job = jobs[i]!;
        const message: SegmentJobMessage = { id: i, dir: job.dir, job: { file: job.file, depth: job.depth } };
        worker.postMessage(message);
      };
      for (const worker of this.#workers) {
        const onMessage = (m: SegmentReadMessage): void => {
          const read = fromWire(m);
          results[m.id] = read;
          onRead?.(jobs[m.id]!, read);
          if (++done === jobs.length) finish();
          else feed(worker);
        };
        const onError = (error: Error): void =>
          finish(new InternalError(`a segment reader thread failed: ${error.message}`));
        worker.on('message', onMessage);
        worker.on('error', onError);
        cleanups.push(() => {
          worker.off('message', onMessage);
          worker.off('error', onError);
        });
        feed(worker);
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.splice(0).map((w) => w.terminate()));
  }
}
