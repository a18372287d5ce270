// Tells which phase a running raft-rescue is in, from the outside, by polling /proc/<pid>/fd and
// the directories it writes: the signal tests send a real signal at a point that is known to be
// inside a phase. What each phase looks like:
//   scan           a regular file of the input open (the first input files it opens)
//   hashing        an input file of the first node open again after the last node's (the scan
//                  reads nodes in order, then hashing starts over)
//   extracting     its temp dir `raft-rescue-<pid>-*` under TMPDIR exists, no file in it is read yet
//   scan-extracted a file inside that temp dir open read-only
//   writing        its temp dir `.<out>.raft-rescue-<pid>-*` beside --out exists
//   checking       a file inside that temp dir open read-only (the loader check reads the output)
//   packing        its temp tarball `.<out>.raft-rescue-<pid>-*.tmp` beside --out exists
import fs from 'node:fs';
import path from 'node:path';

export type Phase = 'scan' | 'hashing' | 'extracting' | 'scan-extracted' | 'writing' | 'checking' | 'packing';

interface OpenFile {
  readonly path: string;
  readonly readOnly: boolean;
}

function openFiles(pid: number): OpenFile[] {
  const out: OpenFile[] = [];
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return out; // gone
  }
  for (const fd of fds) {
    try {
      const p = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (!p.startsWith('/') || !fs.statSync(p).isFile()) continue;
      const flags = /flags:\s+([0-7]+)/.exec(fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))?.[1];
      out.push({ path: p, readOnly: flags !== undefined && (parseInt(flags, 8) & 3) === 0 });
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

export interface WatchContext {
  readonly pid: number;
  /** The input set directory (its node directories, in scan order). */
  readonly input: string;
  readonly nodes: readonly string[];
  /** Where --out lives, and its base name. */
  readonly outParent: string;
  readonly outName: string;
  readonly tmpdir: string;
}

/** Polls every 2 ms until `phase` is seen (resolves) or the process ends / time runs out (rejects). */
export async function waitForPhase(ctx: WatchContext, phase: Phase, alive: () => boolean, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  const inNode = (p: string, n: string) => p.startsWith(path.join(ctx.input, n) + path.sep);
  let sawLast = false;
  for (;;) {
    if (!alive()) throw new Error(`the process ended before phase ${phase}`);
    if (Date.now() > until) throw new Error(`phase ${phase} not seen within ${ms} ms`);
    const beside = fs.readdirSync(ctx.outParent).filter((n) => n.startsWith(`.${ctx.outName}.raft-rescue-${ctx.pid}-`));
    const stageDir = beside.find((n) => !n.endsWith('.tmp'));
    const temp = fs.readdirSync(ctx.tmpdir).find((n) => n.startsWith(`raft-rescue-${ctx.pid}-`));
    const files = openFiles(ctx.pid);
    const inputFiles = files.filter((f) => f.path.startsWith(ctx.input + path.sep));
    if (inputFiles.some((f) => inNode(f.path, ctx.nodes[ctx.nodes.length - 1]!))) sawLast = true;
    const hit: Record<Phase, boolean> = {
      scan: inputFiles.length > 0 && !sawLast,
      hashing: sawLast && inputFiles.some((f) => inNode(f.path, ctx.nodes[0]!)),
      extracting: temp !== undefined && !files.some((f) => f.path.startsWith(path.join(ctx.tmpdir, temp) + path.sep) && f.readOnly),
      'scan-extracted': temp !== undefined && files.some((f) => f.path.startsWith(path.join(ctx.tmpdir, temp) + path.sep) && f.readOnly),
      writing: stageDir !== undefined,
      checking: stageDir !== undefined && files.some((f) => f.readOnly && f.path.startsWith(path.join(ctx.outParent, stageDir) + path.sep)),
      packing: beside.some((n) => n.endsWith('.tmp')),
    };
    if (hit[phase]) return;
    await new Promise((r) => setTimeout(r, 2));
  }
}
