import { describe, expect, it } from 'vitest';
import { ErrMsg, RaftCode, raftStrerror } from '../../../src/analysis/loader/errmsg.js';

describe('ErrMsg (src/err.c errMsgWrap)', () => {
  it('wraps as "prefix: previous"', () => {
    const e = new ErrMsg();
    e.printf('short read: 3 bytes instead of 8');
    e.wrap('read preamble');
    e.wrap('entries batch 2 starting at byte 48');
    expect(e.text).toBe('entries batch 2 starting at byte 48: read preamble: short read: 3 bytes instead of 8');
  });

  it('wrapping an empty buffer leaves a trailing separator', () => {
    const e = new ErrMsg();
    e.wrap('load open segment 0000000000000001-0000000000000003');
    expect(e.text).toBe('load open segment 0000000000000001-0000000000000003: ');
  });

  it('keeps at most 255 bytes, cutting the wrapped tail', () => {
    const e = new ErrMsg();
    e.printf('x'.repeat(300));
    expect(e.text).toHaveLength(255);
    e.wrap('prefix');
    expect(e.text).toBe(`prefix: ${'x'.repeat(247)}`);
  });

  it('a prefix too long for the separator replaces the message', () => {
    const e = new ErrMsg();
    e.printf('old');
    e.wrap('p'.repeat(253));
    expect(e.text).toBe('p'.repeat(253));
  });

  it('knows the 0.15 code names', () => {
    expect(RaftCode.CORRUPT).toBe(12);
    expect(raftStrerror('CORRUPT')).toBe('persisted data is corrupted');
    expect(raftStrerror('IOERR')).toBe('I/O error');
    expect(raftStrerror('NOTFOUND')).toBe('unknown error');
  });
});
