// The sliced CRC against the bit-at-a-time definition: every alignment, every length around the
// 16-byte blocks, chaining, and raft's check value.
import { describe, expect, it } from 'vitest';
import { crc32, crc32Bitwise } from '../../src/format/crc32.js';

describe('crc32 (slicing-by-16)', () => {
  it('has raft\'s check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0x89a1897f);
  });

  it('matches the bitwise definition at every alignment and length, with any initial value', () => {
    const buf = new Uint8Array(4200);
    for (let i = 0; i < buf.length; i++) buf[i] = (i * 2654435761) >>> 13;
    for (let offset = 0; offset < 8; offset++) {
      for (const length of [0, 1, 3, 15, 16, 17, 63, 64, 65, 79, 80, 81, 255, 1000, 4096]) {
        const bytes = buf.subarray(offset, offset + length);
        for (const init of [0, 1, 0x89a1897f, 0xffffffff]) expect(crc32(bytes, init), `${offset}+${length} init ${init}`).toBe(crc32Bitwise(bytes, init));
      }
    }
  });

  it('chains: crc32(b, crc32(a)) === crc32(a ‖ b)', () => {
    const all = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff);
    for (const cut of [0, 1, 7, 64, 333, 999, 1000]) expect(crc32(all.subarray(cut), crc32(all.subarray(0, cut)))).toBe(crc32(all));
  });
});
