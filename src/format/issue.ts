/** Something wrong in decoded bytes. A finding in analysis/ is built from these. */
export interface DecodeIssue {
  kind: string;
  offset: number;
  message: string;
  data?: Record<string, unknown>;
}
