// dqlite FSM commands carried in RAFT_COMMAND entries (format-spec §6). Checked against
// command__encode / command__decode / frames__decode in dqlite src/command.c and the text /
// uint codecs of src/lib/serialize.h (unchanged since 2019).
//
//   header  u8 format = 1 | u8 type (1 OPEN, 2 FRAMES, 3 UNDO, 4 CHECKPOINT) | u8 0 | u8 0 | u32 0
//   OPEN        text filename
//   FRAMES      text filename | u64 tx_id | u32 truncate | u8 is_commit | u8 unused | u16 unused
//               | u32 n_pages | u16 page_size | u16 unused | n × u64 page_number | n × page_size bytes
//               dqlite ≤ 1.1x's leader fills a stack struct field by field and never sets the
//               unused ones (leader.c `struct command_frames c;`), so they hold stack bytes
//               (0x7f0000 in nearly every real entry). Never checked; we keep them, write zeros.
//   UNDO        u64 tx_id
//   CHECKPOINT  text filename
//   text = bytes, NUL, zero fill to a multiple of 8 (BytePad64(strlen + 1))
//
// C: format ≠ 1 or an unknown type → DQLITE_PROTO; a field past the end → DQLITE_PARSE. Page
// numbers above INT32_MAX hit dqlite_assert (dqlite HEAD); apply_frames rejects is_commit == 0.
import { ShortReadError } from '../core/errors.js';
import { Cursor, Writer, pad8 } from './cursor.js';
import { issue, type DecodeIssue } from './issue.js';

export const COMMAND_FORMAT = 1;
export const CommandType = { OPEN: 1, FRAMES: 2, UNDO: 3, CHECKPOINT: 4 } as const;

export type DqliteCommand =
  | { type: 'open'; filename: string }
  | {
      type: 'frames';
      filename: string;
      txId: bigint;
      truncate: number;
      isCommit: number;
      pageSize: number;
      pageNumbers: bigint[];
      /** The uninitialised u8 + u16 after is_commit and the u16 after page_size, as evidence. */
      unused?: { afterCommit: number; afterPageSize: number };
      /** Offset (within the payload) of the first page image. */
      pagesOffset: number;
    }
  | { type: 'undo'; txId: bigint }
  | { type: 'checkpoint'; filename: string };

export interface CommandDecodeResult {
  value?: DqliteCommand;
  issues: DecodeIssue[];
  validBytes: number;
}

/** text__decode: NUL inside the buffer, then skip to the next multiple of 8 from the text start. */
function readText(c: Cursor, field: string, base: number, issues: DecodeIssue[]): string {
  const start = c.offset;
  const s = c.cstring(field);
  const end = start + pad8(c.offset - start); // BytePad64(strlen + 1), on the raw bytes
  // C subtracts the padded length from its remaining count unchecked (size_t wrap-around).
  if (end > c.bytes.length) throw new ShortReadError(`${field} padding`, c.offset, end - c.offset, c.remaining);
  if (c.bytes.subarray(c.offset, end).some((b) => b !== 0)) {
    issues.push(issue('command-text-padding-nonzero', base + c.offset, `${field} padding is not zero`));
  }
  c.offset = end;
  return s;
}

function decodeFrames(c: Cursor, base: number, issues: DecodeIssue[]): DqliteCommand {
  const filename = readText(c, 'filename', base, issues);
  const txId = c.u64('tx_id');
  const truncate = c.u32('truncate');
  const isCommit = c.u8('is_commit');
  const afterCommit = c.u8('unused') | (c.u16('unused') << 8);
  const nPages = c.u32('n_pages');
  const pageSize = c.u16('page_size');
  const afterPageSize = c.u16('unused');
  if (nPages * 8 > c.remaining) c.skip('page_numbers', nPages * 8); // throws the short read
  const pageNumbers: bigint[] = [];
  for (let i = 0; i < nPages; i++) pageNumbers.push(c.u64(`page_number[${i}]`));
  const pagesOffset = c.offset;
  c.skip('pages', nPages * pageSize);
  if (isCommit === 0) issues.push(issue('frames-not-commit', base, 'is_commit is 0: apply_frames rejects it'));
  if (pageNumbers.some((p) => p > 0x7fffffffn)) {
    issues.push(
      issue('frames-page-number', base + pagesOffset - nPages * 8, 'a page number exceeds INT32_MAX (dqlite asserts)'),
    );
  }
  if (nPages > 0 && (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0)) {
    issues.push(issue('frames-page-size', base, `page size ${pageSize} is not a power of two from 512`));
  }
  const value: DqliteCommand = {
    type: 'frames',
    filename,
    txId,
    truncate,
    isCommit,
    pageSize,
    pageNumbers,
    pagesOffset,
  };
  if (afterCommit !== 0 || afterPageSize !== 0) value.unused = { afterCommit, afterPageSize };
  return value;
}

function decodeBody(type: number, c: Cursor, base: number, issues: DecodeIssue[]): DqliteCommand | undefined {
  switch (type) {
    case CommandType.OPEN:
      return { type: 'open', filename: readText(c, 'filename', base, issues) };
    case CommandType.FRAMES:
      return decodeFrames(c, base, issues);
    case CommandType.UNDO:
      return { type: 'undo', txId: c.u64('tx_id') };
    case CommandType.CHECKPOINT:
      return { type: 'checkpoint', filename: readText(c, 'filename', base, issues) };
    default:
      issues.push(
        issue('command-bad-type', base + 1, `unknown command type ${type}`, { found: type, dqliteCode: 'PROTO' }),
      );
      return undefined;
  }
}

/** Tolerant command__decode of one entry payload. `baseOffset` shifts issue offsets. */
export function decodeCommand(bytes: Uint8Array, baseOffset = 0): CommandDecodeResult {
  const issues: DecodeIssue[] = [];
  const c = new Cursor(bytes);
  try {
    const format = c.u8('format');
    const type = c.u8('type');
    const unused = c.bytesOf('header unused', 6);
    if (format !== COMMAND_FORMAT) {
      issues.push(
        issue('command-bad-format', baseOffset, `command format ${format}, expected 1`, {
          found: format,
          dqliteCode: 'PROTO',
        }),
      );
      return { issues, validBytes: 0 };
    }
    if (unused.some((b) => b !== 0))
      issues.push(issue('command-header-unused', baseOffset + 2, 'unused header bytes are not zero'));
    const value = decodeBody(type, c, baseOffset, issues);
    if (value && c.remaining > 0) {
      issues.push(
        issue(
          'command-trailing-bytes',
          baseOffset + c.offset,
          `${c.remaining} bytes after the command (ignored by C)`,
          { count: c.remaining },
        ),
      );
    }
    return value ? { value, issues, validBytes: c.offset } : { issues, validBytes: 8 };
  } catch (err) {
    if (!(err instanceof ShortReadError)) throw err;
    issues.push(
      issue('command-short-read', baseOffset + err.offset, `command ends inside ${err.field}`, {
        field: err.field,
        needed: err.needed,
        available: err.available,
        dqliteCode: 'PARSE',
      }),
    );
    return { issues, validBytes: 0 };
  }
}

/** command__encode. Page images are given per page and must be pageSize bytes each. */
export function encodeCommand(cmd: DqliteCommand, pages: readonly Uint8Array[] = []): Uint8Array {
  const w = new Writer();
  const type = { open: 1, frames: 2, undo: 3, checkpoint: 4 }[cmd.type];
  w.u8(COMMAND_FORMAT).u8(type).zeros(6);
  if (cmd.type === 'undo') return w.u64(cmd.txId).finish();
  w.cstring(cmd.filename).pad8();
  if (cmd.type !== 'frames') return w.finish();
  w.u64(cmd.txId).u32(cmd.truncate).u8(cmd.isCommit).zeros(3);
  w.u32(cmd.pageNumbers.length).u16(cmd.pageSize).zeros(2);
  for (const p of cmd.pageNumbers) w.u64(p);
  for (const page of pages) w.bytes(page);
  return w.finish();
}

/** `1..3,7,9..12` with at most `max` runs shown. */
function formatRuns(nums: readonly bigint[], max = 6): string {
  const runs: string[] = [];
  for (let i = 0; i < nums.length;) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1n) j++;
    runs.push(j > i ? `${nums[i]}..${nums[j]}` : `${nums[i]}`);
    i = j + 1;
  }
  return runs.length > max ? `${runs.slice(0, max).join(',')},…(+${runs.length - max} runs)` : runs.join(',');
}

/** One line, e.g. `frames db=demo pages=3 ps=4096 pgno=[1..3] commit=1`. Never throws. */
export function summarizeCommand(bytes: Uint8Array): string {
  const { value, issues } = decodeCommand(bytes);
  const flags = issues.length > 0 ? ` !${[...new Set(issues.map((i) => i.kind))].join(',')}` : '';
  if (!value) return `undecodable(${bytes.length} bytes)${flags}`;
  switch (value.type) {
    case 'frames': {
      const extra =
        (value.txId !== 0n ? ` tx=${value.txId}` : '') + (value.truncate !== 0 ? ` truncate=${value.truncate}` : '');
      return (
        `frames db=${value.filename} pages=${value.pageNumbers.length} ps=${value.pageSize} ` +
        `pgno=[${formatRuns(value.pageNumbers)}] commit=${value.isCommit}${extra}${flags}`
      );
    }
    case 'undo':
      return `undo tx=${value.txId}${flags}`;
    default:
      return `${value.type} db=${value.filename}${flags}`;
  }
}
