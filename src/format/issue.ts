/** Something wrong in decoded bytes. A finding in analysis/ is built from these. */
export interface DecodeIssue {
  kind: string;
  offset: number;
  message: string;
  data?: Record<string, unknown>;
}

/** A decode issue (every codec builds its issues with this). */
export function issue(kind: string, offset: number, message: string, data: Record<string, unknown> = {}): DecodeIssue {
  return { kind, offset, message, data };
}
