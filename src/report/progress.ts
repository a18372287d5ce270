// A one-line progress bar for stderr: bytes and files read so far. The renderer is pure; the
// ProgressBar decides when to draw (only once a run has lasted a second, then at most every
// 100 ms) from a clock it is given, and clears its line when done. The CLI shows it only on a
// terminal and never with --json.
import { formatBytes } from './style.js';

export interface ProgressState {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly filesDone: number;
  readonly filesTotal: number;
  /** What is being read now (a node's path). */
  readonly node?: string;
  /** What is being done to it, kept whole when the node is shortened ("writing", …). */
  readonly phase?: string;
}

/** `[#########-----------]  45%  1.2 GB / 2.6 GB  120/312 files  node`, at most `width` columns. */
export function renderProgress(p: ProgressState, width = 80): string {
  const fraction =
    p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : p.filesTotal > 0 ? p.filesDone / p.filesTotal : 1;
  const cells = 20;
  const filled = Math.round(fraction * cells);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(cells - filled)}]`;
  const pct = `${Math.floor(fraction * 100)}%`.padStart(4);
  const line = `${bar} ${pct}  ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}  ${p.filesDone}/${p.filesTotal} files`;
  if (!p.node) return line.slice(0, width);
  const phase = p.phase ? `${p.phase} ` : '';
  const room = width - line.length - 2 - phase.length;
  if (room < 8) return line.slice(0, width);
  const node = p.node.length > room ? `…${p.node.slice(-(room - 1))}` : p.node;
  return `${line}  ${phase}${node}`;
}

export interface ProgressBarOptions {
  /** Writes to the terminal (stderr). */
  readonly write: (text: string) => void;
  /** Milliseconds from any origin. */
  readonly now: () => number;
  readonly width?: number;
  /** Nothing is drawn before the run has lasted this long (default 1000 ms). */
  readonly delayMs?: number;
  /** Minimum time between two draws (default 100 ms). */
  readonly intervalMs?: number;
}

export class ProgressBar {
  private readonly started: number;
  private lastDraw = -Infinity;
  private drawn = false;
  private latest: ProgressState | undefined;

  constructor(private readonly o: ProgressBarOptions) {
    this.started = o.now();
  }

  update(state: ProgressState): void {
    this.latest = state;
    const now = this.o.now();
    if (now - this.started < (this.o.delayMs ?? 1000)) return;
    if (now - this.lastDraw < (this.o.intervalMs ?? 100) && state.bytesDone < state.bytesTotal) return;
    this.lastDraw = now;
    this.drawn = true;
    // \r back to column 0, the line, then erase whatever a longer previous line left.
    this.o.write(`\r${renderProgress(state, (this.o.width ?? 80) - 1)}\x1b[K`);
  }

  /** Clears the bar if it was ever drawn; the terminal is left as it was. */
  done(): void {
    if (this.drawn) this.o.write('\r\x1b[K');
    this.drawn = false;
  }

  /** The last state seen (for tests). */
  get state(): ProgressState | undefined {
    return this.latest;
  }
}
