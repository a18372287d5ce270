// The FSM's effect of dqlite commands on the main files: page writes, commit sizes under both
// engine rules, is_commit = 0 / UNDO, and entries that do not apply (a problem with the entry's
// index, file and offset; never a crash).
import { describe, expect, it } from 'vitest';
import { decodeCommand, encodeCommand, type DqliteCommand } from '../../src/format/dqlite-command.js';
import { DatabaseImage } from '../../src/format/database-image.js';
import { APPLY_RULES_DQLITE_1_11, APPLY_RULES_DQLITE_1_18_2, DqliteFsm, pendingBytePage } from '../../src/format/dqlite-apply.js';

const PS = 512;

/** A page whose first byte is `fill`; page 1 gets the SQLite header with `headerPages` at 28. */
function page(pgno: number, fill: number, headerPages?: number): Uint8Array {
  const p = new Uint8Array(PS).fill(fill);
  if (pgno === 1) {
    p.set(Buffer.from('SQLite format 3\0', 'latin1'), 0);
    p.set([PS >> 8, PS & 0xff], 16);
    new DataView(p.buffer).setUint32(28, headerPages ?? 0);
  }
  return p;
}

function frames(pgnos: number[], opts: { db?: string; commit?: number; fill?: number; header?: number; pageSize?: number } = {}): { cmd: DqliteCommand; payload: Uint8Array } {
  const cmd: DqliteCommand = {
    type: 'frames', filename: opts.db ?? 'demo', txId: 0n, truncate: 0, isCommit: opts.commit ?? 1, pageSize: opts.pageSize ?? PS,
    pageNumbers: pgnos.map(BigInt), pagesOffset: 0,
  };
  const size = opts.pageSize ?? PS;
  const payload = encodeCommand(cmd, pgnos.map((n) => (size === PS ? page(n, opts.fill ?? n, opts.header) : new Uint8Array(size))));
  const decoded = decodeCommand(payload).value!;
  return { cmd: decoded, payload };
}

let nextIndex = 1n;
const at = () => ({ index: nextIndex++, file: '0000000000000001-0000000000000100', offset: 1000 });

function apply(fsm: DqliteFsm, f: { cmd: DqliteCommand; payload: Uint8Array }) {
  return fsm.apply(f.cmd, f.payload, at());
}

describe('DqliteFsm: dqlite 1.11 rules (largest page, pending is_commit = 0)', () => {
  it('writes pages and grows to the largest page number; never shrinks', () => {
    const fsm = new DqliteFsm();
    expect(apply(fsm, frames([1, 2, 3], { header: 3 }))).toEqual([]);
    expect(apply(fsm, frames([2]))).toEqual([]);
    const db = fsm.databases.get('demo')!;
    expect(db.image.pages).toBe(3);
    expect(db.transactions).toBe(2);
    // A VACUUM-like transaction: page 1 says 1 page, the file keeps 3 (and says why).
    const p = apply(fsm, frames([1], { header: 1 }));
    expect(p.map((x) => [x.kind, x.severity])).toEqual([['frames-shrink', 'info']]);
    expect(db.image.pages).toBe(3);
    expect(db.image.readPage(2)[100]).toBe(2);
    expect(apply(fsm, frames([1], { header: 1 }))).toEqual([]); // said once per database
  });

  it('last write of a page wins, in array order', () => {
    const fsm = new DqliteFsm();
    const f = frames([1, 2, 2], { header: 2 });
    // the third page image is the second write of page 2
    f.payload.fill(0x77, f.cmd.type === 'frames' ? f.cmd.pagesOffset + 2 * PS + 100 : 0);
    apply(fsm, f);
    expect(fsm.databases.get('demo')!.image.readPage(2)[100]).toBe(0x77);
  });

  it('keeps is_commit = 0 pages pending until the next commit, and drops them on UNDO', () => {
    const fsm = new DqliteFsm();
    apply(fsm, frames([1, 2], { header: 2 }));
    apply(fsm, frames([3], { commit: 0, fill: 0x33 }));
    expect(fsm.pendingPages).toBe(1);
    expect(fsm.databases.get('demo')!.image.pages).toBe(2);
    fsm.apply({ type: 'undo', txId: 0n }, new Uint8Array(16), at());
    expect(fsm.pendingPages).toBe(0);
    apply(fsm, frames([3], { commit: 0, fill: 0x44 }));
    apply(fsm, frames([4], { fill: 0x55 }));
    const img = fsm.databases.get('demo')!.image;
    expect(img.pages).toBe(4);
    expect([img.readPage(3)[0], img.readPage(4)[0]]).toEqual([0x44, 0x55]);
  });

  it('commits pending pages into the database the commit names, as dqlite does, and says so', () => {
    const fsm = new DqliteFsm();
    apply(fsm, frames([1], { db: 'a', header: 1 }));
    apply(fsm, frames([1], { db: 'b', header: 1 }));
    apply(fsm, frames([2], { db: 'a', commit: 0, fill: 9 }));
    const p = apply(fsm, frames([3], { db: 'b', fill: 8 }));
    expect(p.map((x) => x.kind)).toEqual(['frames-pending-other-database']);
    expect(fsm.databases.get('b')!.image.readPage(2)[0]).toBe(9);
    expect(fsm.databases.get('a')!.image.pages).toBe(1);
  });

  it('OPEN and CHECKPOINT change nothing', () => {
    const fsm = new DqliteFsm();
    apply(fsm, frames([1], { header: 1 }));
    const before = fsm.databases.get('demo')!.image.toBytes();
    expect(fsm.apply({ type: 'checkpoint', filename: 'demo' }, new Uint8Array(16), at())).toEqual([]);
    expect(fsm.apply({ type: 'open', filename: 'demo' }, new Uint8Array(16), at())).toEqual([]);
    expect(fsm.databases.get('demo')!.image.toBytes()).toEqual(before);
  });
});

describe('DqliteFsm: dqlite ≥ 1.18.2 rules (page 1 header size, is_commit = 0 refused)', () => {
  it('takes the size from page 1 when the transaction writes it, else keeps it', () => {
    const fsm = new DqliteFsm(APPLY_RULES_DQLITE_1_18_2);
    apply(fsm, frames([1, 2, 3, 4, 5], { header: 5 }));
    apply(fsm, frames([1, 2], { header: 2 })); // VACUUM: shrinks to 2
    const img = fsm.databases.get('demo')!.image;
    expect(img.pages).toBe(2);
    apply(fsm, frames([2]));
    expect(img.pages).toBe(2);
  });

  it('treats a one-page transaction with size 0 as 1.18.3\'s delete_database (a reset one-page database)', () => {
    const fsm = new DqliteFsm(APPLY_RULES_DQLITE_1_18_2);
    apply(fsm, frames([1, 2, 3], { header: 3 }));
    apply(fsm, frames([1], { header: 0 }));
    const db = fsm.databases.get('demo')!;
    expect(db.image.pages).toBe(1);
    expect(db.resetAt).toBeDefined();
  });

  it('refuses is_commit = 0 (DQLITE_PROTO) and applies nothing of it', () => {
    const fsm = new DqliteFsm(APPLY_RULES_DQLITE_1_18_2);
    apply(fsm, frames([1], { header: 1 }));
    const p = apply(fsm, frames([2], { commit: 0 }));
    expect(p.map((x) => [x.kind, x.severity])).toEqual([['frames-not-commit', 'error']]);
    expect(fsm.pendingPages).toBe(0);
    apply(fsm, frames([1], { header: 1 }));
    expect(fsm.databases.get('demo')!.image.pages).toBe(1);
  });
});

describe('entries that do not apply', () => {
  it('page 0 and page numbers above INT32_MAX: an error naming the entry and the page number\'s offset', () => {
    for (const bad of [0n, 0x80000000n, 0xffffffffffffffffn]) {
      const fsm = new DqliteFsm();
      const f = frames([1, 2], { header: 2 });
      const cmd = { ...(f.cmd as Extract<DqliteCommand, { type: 'frames' }>), pageNumbers: [1n, bad] };
      const p = fsm.apply(cmd, f.payload, { index: 42n, file: 'seg', offset: 1000 });
      expect(p).toHaveLength(1);
      expect(p[0]).toMatchObject({ kind: 'frames-page-number', severity: 'error', index: 42n, file: 'seg', database: 'demo' });
      expect(p[0]!.offset).toBe(1000 + cmd.pagesOffset - 16 + 8);
      expect(p[0]!.message).toMatch(/^entry 42 \(seg\)/);
      expect(fsm.databases.size).toBe(0);
    }
  });

  it('a page size that differs from the database\'s, or is invalid', () => {
    const fsm = new DqliteFsm();
    apply(fsm, frames([1], { header: 1 }));
    const f = frames([2], { pageSize: 1024 });
    expect(apply(fsm, f)[0]!.kind).toBe('frames-page-size');
    const g = new DqliteFsm();
    expect(apply(g, frames([1], { pageSize: 1000 }))[0]!.kind).toBe('frames-page-size');
  });

  it('a payload cut inside the page images', () => {
    const fsm = new DqliteFsm();
    const f = frames([1, 2], { header: 2 });
    expect(fsm.apply(f.cmd, f.payload.subarray(0, f.payload.length - 1), at())[0]!.kind).toBe('frames-short');
  });

  it('growth that leaves pages unwritten is applied with a warning (the pending-byte page excepted)', () => {
    const fsm = new DqliteFsm();
    apply(fsm, frames([1, 2], { header: 2 }));
    const p = apply(fsm, frames([5]));
    expect(p.map((x) => [x.kind, x.severity])).toEqual([['frames-gap', 'warning']]);
    expect(p[0]!.message).toMatch(/from 2 to 5 pages but 2 of the new pages/);
    expect(fsm.databases.get('demo')!.image.pages).toBe(5);
    // Growing across the page SQLite never writes (the one holding byte 2^30) is not a gap.
    const g = new DqliteFsm();
    const lock = pendingBytePage(PS);
    expect(lock).toBe(2097153);
    const sparse = new DatabaseImage(PS);
    sparse.setPages(lock - 1);
    g.restore('demo', sparse, 0n);
    expect(apply(g, frames([lock + 1]))).toEqual([]);
    expect(g.databases.get('demo')!.image.pages).toBe(lock + 1);
    expect(apply(g, frames([lock + 3]))[0]!.kind).toBe('frames-gap');
  });

  it('a hostile page number far past the end costs one chunk, not the file', () => {
    const fsm = new DqliteFsm();
    apply(fsm, frames([1], { header: 1 }));
    apply(fsm, frames([0x7fffffff]));
    const img = fsm.databases.get('demo')!.image;
    expect(img.pages).toBe(0x7fffffff);
    expect(img.allocatedBytes).toBeLessThanOrEqual(2 << 20);
  });

  it('the default rules are dqlite 1.11\'s', () => {
    expect(new DqliteFsm().rules).toBe(APPLY_RULES_DQLITE_1_11);
  });
});
