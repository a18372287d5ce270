// What a repair can recover from one node used as the source: the steps it takes, the entries it
// fills from other nodes (with the proof that the logs agree) and the entries it would lose.
// Plain data with bigint indexes; repair/ turns these into the plan's JSON (decimal strings).
import type { LostData } from '../db/lost-data.js';

export interface IndexRange {
  readonly from: bigint;
  readonly to: bigint;
}

/** One thing repair does to the source's data, and whether it keeps every entry. */
export interface RecoveryStep {
  readonly kind: string;
  readonly lossless: boolean;
  readonly description: string;
  /** The node's display path. */
  readonly node?: string;
  readonly files?: readonly string[];
  readonly range?: IndexRange;
  readonly proofs?: readonly FillProof[];
}

export type LostKind = 'unfillable-hole' | 'damaged-tail' | 'torn-tail' | 'source-choice';

/** Entries the repaired log would not hold. */
export interface LostEntries {
  readonly kind: LostKind;
  readonly from: bigint;
  /** undefined when the count is unknown (a batch torn before its header was complete). */
  readonly to: bigint | undefined;
  readonly reason: string;
  /**
   * true: the entries were completely written (and may have been committed). false: a torn write
   * the engine itself drops or crashes on; it was never acknowledged.
   */
  readonly complete: boolean;
  /** What the entries change in the databases, as far as they can be read (analysis/db/lost-data.ts). */
  readonly data?: LostData;
}

/** Why a donor's entries lo..hi may stand in for the ones the source lacks (see fill.ts). */
export interface FillProof {
  /** The donor's display path. */
  readonly donor: string;
  readonly range: IndexRange;
  /** The entry right after the range, which ties the donor's entries to the kept log. */
  readonly anchor: { readonly index: bigint; readonly rule: 'same-entry' | 'same-term'; readonly term: bigint };
  readonly termsCompared: number;
  readonly payloadsCompared: number;
  readonly bytesCompared: number;
  /** Past the anchor the logs differ from here on (a deposed leader's entries on the donor); not used. */
  readonly divergesFrom?: bigint;
}
