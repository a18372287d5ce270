// Findings are data (house style §8): what is wrong with the user's data, where, and the evidence.
// Every finding carries a stable rule code (RR001…, never renumbered or reused; see rules/).

export const Severity = { ERROR: 'error', WARNING: 'warning', INFO: 'info' } as const;
export type SeverityName = (typeof Severity)[keyof typeof Severity];

export const SEVERITY_RANK: Readonly<Record<SeverityName, number>> = { error: 3, warning: 2, info: 1 };

export interface Finding {
  readonly code: string;
  readonly severity: SeverityName;
  /** Node name (info.yaml Address or directory name); '*' for findings about the whole set. */
  readonly node: string;
  readonly file?: string;
  readonly offset?: number;
  /** One or two sentences a tired person understands. */
  readonly message: string;
  /** Repair options, lossless first. */
  readonly repairs: readonly string[];
  /** Evidence: expected vs found, indexes, checksums (bigint allowed; JSON makes them strings). */
  readonly data: Readonly<Record<string, unknown>>;
}

/** Total order: severity (errors first), node, file, offset, code, message. */
export function compareFindings(a: Finding, b: Finding): number {
  const s = SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity];
  if (s) return s;
  for (const [x, y] of [
    [a.node, b.node],
    [a.file ?? '', b.file ?? ''],
  ] as const) {
    if (x !== y) return x < y ? -1 : 1;
  }
  const o = (a.offset ?? -1) - (b.offset ?? -1);
  if (o) return o;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

export function atOrAbove(finding: Finding, threshold: SeverityName): boolean {
  return SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[threshold];
}
