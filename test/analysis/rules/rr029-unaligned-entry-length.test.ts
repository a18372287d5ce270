import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr029-unaligned-entry-length.js';
import { crc32 } from '../../../src/format/crc32.js';
import { Writer } from '../../../src/format/cursor.js';
import { batchesOf, read, write } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

/** One batch of one command entry with a 12-byte payload, checksums valid (C's writer refuses this). */
function unalignedBatch(term: bigint): Uint8Array {
  const payload = new Uint8Array(12).fill(0x61);
  const out = new Writer(16 + 16 + 12).u32(0).u32(0).u64(1n).u64(term).u8(1).zeros(3).u32(12).bytes(payload).finish();
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(0, crc32(out.subarray(8, 32)), true);
  view.setUint32(4, crc32(out.subarray(32)), true);
  return out;
}

describe('RR029 unaligned-entry-length', () => {
  it('fires on a 12-byte payload under valid checksums', async () => {
    const name = '0000000000002049-0000000000002614';
    let at = 0;
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => {
      const last = batchesOf(dir, name).batches.at(-1)!;
      at = last.offset + 32;
      write(dir, name, Buffer.concat([read(dir, name).subarray(0, last.offset), unalignedBatch(last.entries[0]!.term)]));
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'warning', file: name, offset: at });
    expect(found[0]!.message).toContain('the payload of entry 2614 at byte');
    expect(found[0]!.message).toContain('is 12 bytes, not a multiple of 8');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
