// raft's error codes and its fixed-size error-message buffer (`io->errmsg`), modelled so that the
// predicted message is byte for byte what libraft 0.15 leaves there. Sources: include/raft.h (codes,
// RAFT_ERRMSG_BUF_SIZE), src/err.h (ErrMsgPrintf, ErrMsgWrapf, ERR_CODE_TO_STRING_MAP), src/err.c
// (errMsgWrap). Some C failures set no message at all (a bad entry type, a bad .meta format, a
// configuration that does not decode): the buffer then still holds whatever an earlier step left,
// which is why the simulation keeps one buffer across the whole start-up, as C does.

/** Numeric raft error codes (include/raft.h). */
export const RaftCode = {
  NOMEM: 1,
  BADID: 2,
  DUPLICATEID: 3,
  DUPLICATEADDRESS: 4,
  BADROLE: 5,
  MALFORMED: 6,
  CORRUPT: 12,
  TOOBIG: 15,
  IOERR: 18,
  NOTFOUND: 19,
  INVALID: 20,
  UNAUTHORIZED: 21,
  NOSPACE: 22,
  TOOMANY: 23,
} as const;
export type RaftCodeName = keyof typeof RaftCode;

/** errCodeToString (src/err.h ERR_CODE_TO_STRING_MAP), which raft_strerror returns in 0.15. */
const CODE_TEXT: Partial<Record<RaftCodeName, string>> = {
  NOMEM: 'out of memory',
  BADID: 'server ID is not valid',
  DUPLICATEID: 'server ID already in use',
  DUPLICATEADDRESS: 'server address already in use',
  BADROLE: 'server role is not valid',
  MALFORMED: 'encoded data is malformed',
  CORRUPT: 'persisted data is corrupted',
  TOOBIG: 'data is too big',
  IOERR: 'I/O error',
};

/** Codes raft ≥ 0.17.1 added to the table (src/err.h), hence dqlite's in-tree raft and cowsql/raft. */
const CODE_TEXT_0_17: Partial<Record<RaftCodeName, string>> = {
  ...CODE_TEXT,
  NOTFOUND: 'Resource not found',
  INVALID: 'Invalid parameter',
  UNAUTHORIZED: 'No access to resource',
  NOSPACE: 'Not enough disk space',
  TOOMANY: 'System or raft limit met or exceeded',
};

/** raft_strerror as the engine's table has it (EngineProfile.loader.strerror; 0.15 by default). */
export function raftStrerror(code: RaftCodeName, table: 'raft-0.15' | 'raft-0.17' = 'raft-0.15'): string {
  return (table === 'raft-0.17' ? CODE_TEXT_0_17 : CODE_TEXT)[code] ?? 'unknown error';
}

/** RAFT_ERRMSG_BUF_SIZE: messages hold at most 255 bytes plus the NUL. */
export const RAFT_ERRMSG_BUF_SIZE = 256;
const SEP = ': ';

function clip(text: string, bytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  return buf.length <= bytes ? text : buf.subarray(0, Math.max(0, bytes)).toString('utf8');
}

/** One `char errmsg[RAFT_ERRMSG_BUF_SIZE]`. */
export class ErrMsg {
  text = '';

  /** ErrMsgPrintf: snprintf into the buffer, truncated to 255 bytes. */
  printf(message: string): void {
    this.text = clip(message, RAFT_ERRMSG_BUF_SIZE - 1);
  }

  /** ErrMsgWrapf / errMsgWrap: "prefix: previous", the previous text cut to fit. */
  wrap(prefix: string): void {
    const n = RAFT_ERRMSG_BUF_SIZE;
    const prefixBytes = Buffer.byteLength(prefix, 'utf8');
    if (prefixBytes >= n - (SEP.length + 1)) {
      this.printf(prefix);
      return;
    }
    const trail = clip(this.text, n - (prefixBytes + SEP.length) - 1);
    this.text = `${prefix}${SEP}${trail}`;
  }
}
