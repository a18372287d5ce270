// Memory stays bounded by what a file holds, never by what its length fields claim (issue 5): a
// 64-byte segment claiming 262144 entries or a 4 GiB entry, a .meta claiming a huge
// configuration, an LZ4 frame claiming 1 TiB of content, a configuration of 2^64-1 servers, a
// dqlite command of 2^32-1 pages. Each goes through the decoders in memory, then through the
// scanner, the loader and every command from disk, while every buffer allocation is recorded and
// process.memoryUsage().arrayBuffers is watched.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeConfiguration } from '../../src/format/configuration.js';
import { crc32 } from '../../src/format/crc32.js';
import { encodeCommand } from '../../src/format/dqlite-command.js';
import { xxh32 } from '../../src/format/lz4-frame.js';
import { arrayBufferGrowth, trackAllocations } from './alloc-guard.js';
import { decodeAny } from './decode-any.js';
import { analyse } from './fs-runner.js';
import { registeredCommands } from './cli-cases.js';
import { runCommands } from './fs-runner.js';
import { u64le } from './mutations.js';
import { makeNodeFixtures, type FileKind } from './specimens.js';

/**
 * Bigger than any buffer these decoders may need for a 64-byte file: the LZ4 verifier keeps an
 * input and an output block of the frame's declared maximum (at most 4 MiB each, a constant of
 * the format) and a 64 KiB history; nothing may grow with a declared length.
 */
const LIMIT = 9 << 20;

function u32le(v: number): Uint8Array {
  return Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
}

/** The parts, padded with 0xab to 64 bytes. */
function bytes(...parts: (Uint8Array | number[])[]): Uint8Array {
  const all = parts.flatMap((p) => [...p]);
  return Uint8Array.from({ length: Math.max(64, all.length) }, (_, i) => all[i] ?? 0xab);
}

/** A 64-byte segment: format 1, then one batch of the given entry headers and payload, crc1 correct. */
function segment(n: bigint, headers: Uint8Array[], payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const head = new Uint8Array([...u64le(n), ...headers.flatMap((h) => [...h])]);
  const crc1 = crc32(head.subarray(0, Math.min(head.length, 8 + 16 * Number(n > 4n ? 0n : n))));
  return bytes(u64le(1n), u32le(crc1), u32le(crc32(payload)), head, payload);
}

function entryHeader(type: number, length: number): Uint8Array {
  return new Uint8Array([...u64le(1n), type, 0, 0, 0, ...u32le(length)]);
}

function lz4(contentSize: bigint, blockWord: number): Uint8Array {
  const desc = new Uint8Array([0x4c, 0x70, ...u64le(contentSize)]);
  return bytes(u32le(0x184d2204), desc, [(xxh32(desc) >>> 8) & 0xff], u32le(blockWord));
}

const hugeConfiguration = (() => {
  const c = encodeConfiguration([{ id: 1n, address: 'a:1', role: 1 }]);
  c.set(u64le((1n << 64n) - 1n), 1);
  return c;
})();
const hugeCommand = (() => {
  const c = encodeCommand({ type: 'frames', filename: 'db', txId: 1n, truncate: 0, isCommit: 1, pageSize: 4096, pageNumbers: [], pagesOffset: 0 });
  new DataView(c.buffer, c.byteOffset).setUint32(32, 0xffffffff, true); // n_pages, after header, filename, tx_id, truncate, is_commit
  return c;
})();

const LIARS: { label: string; kind: FileKind; name: string; bytes: Uint8Array }[] = [
  { label: 'segment claiming 262144 entries', kind: 'closed-segment', name: '0000000000002049-0000000000002614', bytes: segment(262_144n, []) },
  { label: 'segment claiming 2^64-1 entries', kind: 'closed-segment', name: '0000000000002049-0000000000002614', bytes: segment((1n << 64n) - 1n, []) },
  { label: 'segment with a 4 GiB entry', kind: 'closed-segment', name: '0000000000002049-0000000000002614', bytes: segment(1n, [entryHeader(1, 0xffffffff)]) },
  { label: 'open segment with a 4 GiB entry', kind: 'open-segment', name: 'open-7', bytes: segment(1n, [entryHeader(1, 0xffffffff)]) },
  { label: 'configuration of 2^64-1 servers', kind: 'closed-segment', name: '0000000000002049-0000000000002614', bytes: segment(1n, [entryHeader(3, 24)], hugeConfiguration) },
  { label: 'dqlite command of 2^32-1 pages', kind: 'closed-segment', name: '0000000000002049-0000000000002614', bytes: segment(1n, [entryHeader(1, hugeCommand.length)], hugeCommand) },
  { label: '.meta claiming a 1 MiB configuration', kind: 'snapshot-meta', name: 'snapshot-1-2048-256583.meta', bytes: bytes(u64le(1n), u64le(0n), u64le(1n), u64le(1n << 20n)) },
  { label: '.meta claiming 2^64-1 configuration bytes', kind: 'snapshot-meta', name: 'snapshot-1-2048-256583.meta', bytes: bytes(u64le(1n), u64le(0n), u64le(1n), u64le((1n << 64n) - 1n)) },
  { label: 'LZ4 frame claiming 1 TiB of content', kind: 'snapshot-data', name: 'snapshot-1-2048-256583', bytes: lz4(1n << 40n, 0x8000_0010) },
  { label: 'LZ4 frame claiming 1 GiB and a 4 MiB block', kind: 'snapshot-data', name: 'snapshot-1-2048-256583', bytes: lz4((1n << 30n) - 1n, 0x8040_0000) },
];

let fixtures: Awaited<ReturnType<typeof makeNodeFixtures>>;
beforeAll(async () => {
  fixtures = await makeNodeFixtures();
});
afterAll(() => fs.rmSync(fixtures.root, { recursive: true, force: true }));

describe('memory is bounded by the file, not by its length fields', () => {
  it.each(LIARS.map((l) => [l.label, l] as const))('%s: the decoders', async (_label, liar) => {
    expect(liar.bytes.length).toBeLessThanOrEqual(80);
    const { report } = await trackAllocations(() => decodeAny(liar.kind, liar.name, liar.bytes));
    expect(report.largest).toBeLessThan(LIMIT);
    const { growth } = await arrayBufferGrowth(() => decodeAny(liar.kind, liar.name, liar.bytes));
    expect(growth).toBeLessThan(LIMIT);
  });

  it.each(LIARS.map((l) => [l.label, l] as const))('%s: scanner, loader and every command, from disk', async (_label, liar) => {
    const dir = fixtures.nodes[0]!.dir;
    const file = path.join(dir, liar.name);
    const original = fs.existsSync(file) ? fs.readFileSync(file) : undefined;
    fs.writeFileSync(file, liar.bytes);
    try {
      const { value, report } = await trackAllocations(async () => {
        const { node } = analyse(dir);
        return { node, cli: await runCommands(dir, registeredCommands()) };
      });
      expect(value.cli.problems).toEqual([]);
      expect(report.largest).toBeLessThan(LIMIT);
      const { growth } = await arrayBufferGrowth(() => analyse(dir));
      expect(growth).toBeLessThan(64 << 20);
    } finally {
      if (original) fs.writeFileSync(file, original);
      else fs.rmSync(file);
    }
  }, 60_000);
});
