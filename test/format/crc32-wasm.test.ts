// The CRC's WebAssembly module (src/format/crc32-wasm.ts) is generated from its text source
// (src/format/crc32.wat): this test assembles the source and fails when the committed bytes
// differ (RR_WRITE_WASM=1 rewrites the file), so the two cannot drift apart. It also checks the
// WebAssembly path against the bit-at-a-time reference at every alignment and many lengths.
import fs from 'node:fs';
import path from 'node:path';
import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Bitwise, crc32Js, crc32UsesWasm } from '../../src/format/crc32.js';
import { CRC32_WASM_BASE64 } from '../../src/format/crc32-wasm.js';
import { repoRoot } from '../helpers/samples.js';

const generated = path.join(repoRoot, 'src/format/crc32-wasm.ts');

describe('the CRC WebAssembly module', () => {
  it('is the assembled src/format/crc32.wat', async () => {
    const wabt = await wabtInit();
    const source = fs.readFileSync(path.join(repoRoot, 'src/format/crc32.wat'), 'utf8');
    const bytes = Buffer.from(wabt.parseWat('crc32.wat', source).toBinary({}).buffer).toString('base64');
    if (process.env['RR_WRITE_WASM'] === '1' && bytes !== CRC32_WASM_BASE64) {
      const lines = bytes.match(/.{1,100}/g)!.map((l) => `  '${l}'`).join(' +\n');
      const text = fs.readFileSync(generated, 'utf8').replace(/CRC32_WASM_BASE64 =\n[^;]*;/, `CRC32_WASM_BASE64 =\n${lines};`);
      fs.writeFileSync(generated, text);
    }
    expect(CRC32_WASM_BASE64, 'src/format/crc32-wasm.ts is stale: run RR_WRITE_WASM=1 npx vitest run test/format/crc32-wasm.test.ts').toBe(bytes);
  });

  it('is used for long inputs and agrees with the reference at every alignment', () => {
    expect(crc32UsesWasm()).toBe(true);
    const data = new Uint8Array(3 * 1024 * 1024 + 77);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    for (const [off, len] of [[0, 4096], [1, 4097], [3, 65_599], [7, 1 << 20], [5, (1 << 20) + 13], [2, 3 * 1024 * 1024]] as const) {
      const view = data.subarray(off, off + len);
      expect(crc32(view), `${off}+${len}`).toBe(crc32Js(view));
    }
    const small = data.subarray(11, 11 + 5000);
    expect(crc32(small)).toBe(crc32Bitwise(small));
    expect(crc32(data.subarray(9, 9 + 70_000), 0x12345678)).toBe(crc32Js(data.subarray(9, 9 + 70_000), 0x12345678));
  });
});
