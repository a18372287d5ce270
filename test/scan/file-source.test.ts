import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InputError, InternalError } from '../../src/core/errors.js';
import { BufferSource } from '../../src/format/byte-source.js';
import { crc32 } from '../../src/format/crc32.js';
import { CHUNK_SIZE, FileReadError, FileSource } from '../../src/scan/file-source.js';
import { sampleNodes } from '../helpers/samples.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-file-source-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

function file(name: string, bytes: Uint8Array): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
}

describe('FileSource', () => {
  it('agrees with BufferSource on a real segment, across chunk boundaries', async () => {
    const [node] = await sampleNodes('healthy');
    const p = path.join(node!, '0000000000000002-0000000000001021');
    const bytes = fs.readFileSync(p);
    expect(bytes.length).toBeGreaterThan(2 * CHUNK_SIZE);
    const mem = new BufferSource(bytes);
    const src = new FileSource(p);
    try {
      expect(src.size).toBe(bytes.length);
      for (const [off, len] of [[0, 8], [8, 4096], [CHUNK_SIZE - 3, 10], [100, 2 * CHUNK_SIZE + 17], [0, bytes.length]] as const) {
        expect(src.crc(off, len), `crc ${off}+${len}`).toBe(mem.crc(off, len));
        expect(src.crc(off, len, 0x1234)).toBe(mem.crc(off, len, 0x1234));
      }
      expect(Buffer.from(src.read(24, 100)).equals(bytes.subarray(24, 124))).toBe(true);
      expect(src.isZero(0, bytes.length)).toBe(false);
    } finally {
      src.close();
    }
  });

  it('streams crc and isZero without allocating the range', () => {
    const size = 3 * CHUNK_SIZE + 5;
    const p = file('zeros', new Uint8Array(size));
    const src = new FileSource(p);
    const alloc = vi.spyOn(Buffer, 'allocUnsafe');
    expect(src.isZero(0, size)).toBe(true);
    expect(src.crc(0, size)).toBe(crc32(new Uint8Array(size)));
    expect(alloc.mock.calls.filter(([n]) => n >= CHUNK_SIZE)).toHaveLength(0);
    src.close();
  });

  it('finds the one non-zero byte in a long range', () => {
    const bytes = new Uint8Array(2 * CHUNK_SIZE + 100);
    bytes[2 * CHUNK_SIZE + 50] = 1;
    const src = new FileSource(file('almost', bytes));
    expect(src.isZero(0, 2 * CHUNK_SIZE + 50)).toBe(true);
    expect(src.isZero(0, bytes.length)).toBe(false);
    expect(src.isZero(2 * CHUNK_SIZE + 51, 49)).toBe(true);
    src.close();
  });

  it('throws a FileReadError (an InputError: exit 2) when the file shrank after opening', () => {
    const p = file('shrinks', new Uint8Array(1000).fill(1));
    const src = new FileSource(p);
    expect(src.size).toBe(1000);
    fs.truncateSync(p, 600);
    expect(() => src.read(500, 200)).toThrow(FileReadError);
    expect(() => src.read(500, 200)).toThrow(InputError);
    expect(() => src.read(500, 200)).toThrow(`cannot read ${p}: the file shrank while it was read (it had 1000 bytes; reading 200 bytes of bytes at offset 500 gave 100)`);
    expect(() => src.crc(0, 1000)).toThrow(/shrank/);
    expect(() => src.isZero(0, 1000)).toThrow(FileReadError);
    expect(src.read(0, 0)).toHaveLength(0);
    src.close();
  });

  it('opens read-only, refuses symlinks, and names missing files', () => {
    const target = file('target', new Uint8Array([1]));
    const link = path.join(dir, 'link');
    fs.symlinkSync(target, link);
    expect(() => new FileSource(link)).toThrow(InputError);
    expect(() => new FileSource(path.join(dir, 'missing'))).toThrow(/missing: ENOENT \(no such file or directory\)/);
    const open = vi.spyOn(fs, 'openSync');
    const src = new FileSource(target);
    const flags = open.mock.calls[0]![1] as number;
    expect(flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR)).toBe(0);
    src.close();
    src.close();
    expect(() => src.read(0, 1)).toThrow(InternalError);
  });
});
