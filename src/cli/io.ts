// Everything a command may touch of the outside world comes through CliIo, so tests can run the
// CLI in-process and capture what it prints (house style: Prettier's integration harness).

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stdout is a terminal (tables get colour only then). */
  readonly stdoutIsTty: boolean;
  readonly stderrIsTty: boolean;
  /**
   * The terminal's width in columns when stdout is a terminal (people's output fits it; COLUMNS
   * and --width come first), undefined otherwise.
   */
  readonly stdoutColumns?: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /**
   * Aborted (reason: the signal's name) when bin/ catches SIGINT, SIGTERM or SIGHUP: the command
   * stops at its next checkpoint, removes its temp data and exits 128 + the signal's number.
   */
  readonly signal?: AbortSignal;
}

export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stdoutIsTty: Boolean(process.stdout.isTTY),
    stderrIsTty: Boolean(process.stderr.isTTY),
    ...(process.stdout.isTTY && process.stdout.columns ? { stdoutColumns: process.stdout.columns } : {}),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** An in-memory CliIo for tests. */
export function memoryIo(
  env: Record<string, string | undefined> = {},
  cwd = process.cwd(),
): CliIo & {
  out: string[];
  err: string[];
} {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    stdoutIsTty: false,
    stderrIsTty: false,
    env,
    cwd,
  };
}
