// An LZ4 frame of stored (uncompressed) blocks around any content: lets a test put arbitrary
// bytes where dqlite expects a snapshot payload, behind a frame raft decompresses without error.
import { LZ4_FRAME_MAGIC, xxh32 } from '../../src/format/lz4-frame.js';

export function storedLz4Frame(content: Uint8Array): Uint8Array {
  const BLOCK = 64 * 1024;
  const flg = 0x68; // version 01, independent blocks, no checksums, content size (raft needs it)
  const bd = 0x40; // 64 KiB maximum block
  const head = Buffer.alloc(15);
  head.writeUInt32LE(LZ4_FRAME_MAGIC, 0);
  head[4] = flg;
  head[5] = bd;
  head.writeBigUInt64LE(BigInt(content.length), 6);
  head[14] = (xxh32(head.subarray(4, 14)) >>> 8) & 0xff;
  const parts: Buffer[] = [head];
  for (let at = 0; at < content.length; at += BLOCK) {
    const chunk = content.subarray(at, Math.min(at + BLOCK, content.length));
    const word = Buffer.alloc(4);
    word.writeUInt32LE((chunk.length | 0x80000000) >>> 0, 0);
    parts.push(word, Buffer.from(chunk));
  }
  parts.push(Buffer.alloc(4)); // EndMark
  return Buffer.concat(parts);
}
