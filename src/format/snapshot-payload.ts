// A streaming check of a dqlite snapshot payload (the bytes raft hands to fsm__restore: the LZ4
// frame's content, or the file itself when it has no LZ4 magic). Layout in snapshot-data.ts.
//
// What dqlite 1.11's fsm__restore / decodeDatabase do with it, and so what is a problem here:
//   header       snapshotHeader__decode: fewer than 16 bytes → DQLITE_PARSE; format ≠ 1 →
//                RAFT_MALFORMED. Either way restore fails and the node does not start.
//   per database snapshotDatabase__decode: a filename with no NUL before the end, or padding or
//                sizes past the end → DQLITE_PARSE.
//                Then VfsRestore(…, cursor->p, main_size + wal_size) with NO bounds check: sizes
//                past the end make dqlite read beyond the buffer (a crash or a corrupt database).
//   after the last database: bytes are ignored.
// Memory is constant: images are skipped, filenames counted (the first 256 bytes kept).
import type { DecodeIssue } from './issue.js';

export interface SnapshotPayloadCheck {
  /** Databases whose header and images are complete. */
  readonly databases: number;
  readonly filenames: readonly string[];
  /** Payload bytes seen. */
  readonly bytes: number;
  /** Bytes after the last database (dqlite ignores them). */
  readonly trailingBytes: number;
  /**
   * Sum of the wal_size fields read: 0 when every database was checkpointed into its main image,
   * as dqlite ≥ 1.17 writes them; dqlite ≤ 1.16 and cowsql write the WAL image too.
   */
  readonly walBytes: bigint;
  /** The first thing dqlite's restore trips on; offset is within the payload. */
  readonly problem: DecodeIssue | undefined;
}

type State =
  | { readonly kind: 'fixed'; readonly field: string; readonly need: number }
  | { readonly kind: 'filename' }
  | { readonly kind: 'skip'; remaining: bigint; readonly field: string }
  | { readonly kind: 'done' };

const KEEP_NAME = 256;

export class SnapshotPayloadChecker {
  #offsetBase = 0;
  #state: State = { kind: 'fixed', field: 'format and database count', need: 16 };
  #fixed: number[] = [];
  #count = 0n;
  #db = 0;
  #name: number[] = [];
  #nameLength = 0;
  #names: string[] = [];
  #trailing = 0;
  #walBytes = 0n;
  #problem: DecodeIssue | undefined;

  feed(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length && !this.#problem) {
      const s = this.#state;
      if (s.kind === 'done') {
        this.#trailing += chunk.length - i;
        i = chunk.length;
      } else if (s.kind === 'skip') {
        const take = BigInt(chunk.length - i) < s.remaining ? chunk.length - i : Number(s.remaining);
        s.remaining -= BigInt(take);
        i += take;
        if (s.remaining === 0n) this.#nextDatabase();
      } else if (s.kind === 'filename') {
        const nul = chunk.indexOf(0, i);
        const end = nul < 0 ? chunk.length : nul;
        for (let k = i; k < end && this.#name.length < KEEP_NAME; k++) this.#name.push(chunk[k]!);
        this.#nameLength += end - i;
        i = end;
        if (nul >= 0) {
          i++;
          this.#names.push(new TextDecoder().decode(Uint8Array.from(this.#name)));
          const padding = (8 - ((this.#nameLength + 1) % 8)) % 8;
          this.#expect(`database[${this.#db}].filename padding and sizes`, padding + 16);
        }
      } else {
        const take = Math.min(s.need - this.#fixed.length, chunk.length - i);
        for (let k = 0; k < take; k++) this.#fixed.push(chunk[i + k]!);
        i += take;
        if (this.#fixed.length === s.need) this.#fixedDone(s.field);
      }
    }
    this.#offsetBase += chunk.length;
  }

  finish(): SnapshotPayloadCheck {
    const s = this.#state;
    if (!this.#problem && s.kind !== 'done') {
      const field = s.kind === 'fixed' ? s.field : s.kind === 'filename' ? `database[${this.#db}].filename` : s.field;
      const unchecked = s.kind === 'skip';
      this.#problem = {
        kind: unchecked ? 'snapshot-data-overrun' : 'snapshot-data-short',
        offset: this.#offsetBase,
        message: unchecked
          ? `the payload ends ${s.remaining} bytes short of ${field}: dqlite's restore copies past the end of its buffer (no bounds check), so the node crashes or restores a corrupt database`
          : `the payload ends inside ${field} (${this.#offsetBase} bytes): dqlite's restore fails with a parse error and the node does not start`,
        data: { field, level: 'error', ...(unchecked ? { missing: s.remaining } : {}) },
      };
    }
    return {
      databases: this.#db,
      filenames: this.#names,
      bytes: this.#offsetBase,
      trailingBytes: this.#trailing,
      walBytes: this.#walBytes,
      problem: this.#problem,
    };
  }

  #expect(field: string, need: number): void {
    this.#fixed = [];
    this.#state = { kind: 'fixed', field, need };
  }

  #fixedDone(field: string): void {
    const bytes = Uint8Array.from(this.#fixed);
    const view = new DataView(bytes.buffer);
    if (field === 'format and database count') {
      const format = view.getBigUint64(0, true);
      if (format !== 1n) {
        this.#problem = {
          kind: 'snapshot-data-format',
          offset: 0,
          message: `snapshot payload format ${format}, expected 1: dqlite's restore fails (RAFT_MALFORMED) and the node does not start`,
          data: { found: format, level: 'error' },
        };
        return;
      }
      this.#count = view.getBigUint64(8, true);
      this.#nextDatabaseHeader();
      return;
    }
    // filename padding (ignored) then main_size and wal_size, little-endian u64s
    const main = view.getBigUint64(bytes.length - 16, true);
    const wal = view.getBigUint64(bytes.length - 8, true);
    this.#walBytes += wal;
    const images = main + wal;
    if (images === 0n) this.#nextDatabase();
    else
      this.#state = {
        kind: 'skip',
        remaining: images,
        field: `database[${this.#db}] main and WAL images (${main} + ${wal} bytes)`,
      };
  }

  #nextDatabase(): void {
    this.#db++;
    this.#nextDatabaseHeader();
  }

  #nextDatabaseHeader(): void {
    if (BigInt(this.#db) >= this.#count) {
      this.#state = { kind: 'done' };
      return;
    }
    this.#name = [];
    this.#nameLength = 0;
    this.#state = { kind: 'filename' };
  }
}

/** Checks a whole payload held in memory. */
export function checkSnapshotPayload(bytes: Uint8Array): SnapshotPayloadCheck {
  const c = new SnapshotPayloadChecker();
  c.feed(bytes);
  return c.finish();
}
