// The one exit-code table (README "Exit codes"). Scripts depend on these numbers: never change
// their meaning.
export const ExitCode = {
  /** Ran fine; nothing at or above --fail-on was found. */
  OK: 0,
  /** Findings at or above --fail-on (check), or a node that would not start (rank). */
  FINDINGS: 1,
  /** Usage error or unreadable input. */
  USAGE_OR_INPUT: 2,
  /** A repair was refused or failed. */
  REPAIR_FAILED: 3,
  /** A bug in raft-rescue. */
  INTERNAL: 70,
} as const;

/** Stopped by a signal: 128 + its number, as a shell reports a process the signal killed. */
export const SIGNAL_EXIT_CODES: Readonly<Record<string, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
