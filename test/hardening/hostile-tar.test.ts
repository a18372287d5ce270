// Hostile tarballs through the CLI (issue 5): `..` and absolute paths, links inside and pointing
// outside, devices and FIFOs, duplicate members, enormous declared sizes, gzip bombs, archives
// cut at many offsets, random bytes named .tar.gz, and Ctrl-C in the middle of an extraction.
// Every one is refused or neutralised with a clear message: `inspect` exits 0 and lists the
// skipped members, or exits 2 with one line, never a stack trace. Nothing is written outside the
// tool's temp dir (a sentinel tree and the temp dir's listing are compared before and after), and
// temp dirs are gone afterwards.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { extractArchive } from '../../src/scan/tarball.js';
import { liveTempDirs } from '../../src/scan/temp-dirs.js';
import { sampleSet } from '../helpers/samples.js';
import { buildTar, tarHeader, type Member } from '../scan/tar-builder.js';
import { cliProblems, runBin, runInProcess, type CliOutcome } from './cli-cases.js';
import { Rng, fuzzSeed } from './rng.js';

let sandbox: string;
let tmp: string;
let sentinel: string;
let savedTmpdir: string | undefined;
let node: Member[];
const NODE_FILES = ['metadata1', 'metadata2', 'info.yaml', 'cluster.yaml', '0000000000002041-0000000000002048'];

/** Every path under dir (links not followed), with size and mtime. */
function snapshotTree(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((d) => {
      const p = path.join(d.parentPath, d.name);
      const st = fs.lstatSync(p);
      return `${path.relative(dir, p)} ${st.isDirectory() ? 'dir' : st.size} ${st.mtimeMs}`;
    })
    .sort();
}

beforeAll(async () => {
  const src = path.join(await sampleSet('healthy'), '127.0.0.1:9511');
  const snaps = fs.readdirSync(src).filter((n) => n.startsWith('snapshot-1-2048-'));
  node = [...NODE_FILES, ...snaps].map((n) => ({ name: `node/${n}`, data: fs.readFileSync(path.join(src, n)), mode: 0o600 }));
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-hostile-tar-'));
  tmp = path.join(sandbox, 'tmp');
  sentinel = path.join(sandbox, 'sentinel');
  fs.mkdirSync(tmp);
  fs.mkdirSync(path.join(sentinel, 'inner'), { recursive: true });
  fs.writeFileSync(path.join(sentinel, 'keep'), 'untouched');
  // The tool's temp dirs go under os.tmpdir(), which follows TMPDIR: watch a private one.
  savedTmpdir = process.env['TMPDIR'];
  process.env['TMPDIR'] = tmp;
});

afterAll(() => {
  if (savedTmpdir === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = savedTmpdir;
  fs.rmSync(sandbox, { recursive: true, force: true });
});

let sentinelBefore: string[];
let sandboxBefore: string[];
function remember(): void {
  sentinelBefore = snapshotTree(sentinel);
  sandboxBefore = fs.readdirSync(sandbox).sort();
}
afterEach(() => {
  // Nothing escaped: the sentinel tree, the sandbox listing and the temp dir are as they were.
  expect(snapshotTree(sentinel)).toEqual(sentinelBefore);
  expect(fs.readdirSync(tmp)).toEqual([]);
  expect(liveTempDirs()).toEqual([]);
  expect(fs.existsSync('/tmp/rr-pwned')).toBe(false);
  expect(fs.readdirSync(sandbox).sort().filter((n) => !sandboxBefore.includes(n) && !/\.(tar|tgz|gz|bin)$/.test(n))).toEqual([]);
});

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(sandbox, name);
  fs.writeFileSync(file, bytes);
  return file;
}

async function inspect(archive: string): Promise<CliOutcome & { doc?: { nodes: unknown[]; skipped: { path: string; reason: string }[] } }> {
  const r = await runInProcess(['inspect', '--json', archive]);
  expect(cliProblems(r, [0, 2]), r.err).toEqual([]);
  return r.code === 0 ? { ...r, doc: JSON.parse(r.out) } : r;
}

/** A ustar header whose size field uses GNU base-256 (how tar writes sizes of 8 GiB and more). */
function hugeHeader(name: string, size: bigint): Buffer {
  const h = tarHeader({ name, data: '' }, 0);
  h[124] = 0x80;
  for (let i = 0; i < 11; i++) h[135 - i] = Number((size >> BigInt(8 * i)) & 0xffn);
  h.write('        ', 148, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

/** A pax extended header (typeflag x) carrying the given records. */
function paxHeader(records: Record<string, string>): Buffer {
  const body = Object.entries(records)
    .map(([k, v]) => {
      const line = ` ${k}=${v}\n`;
      let n = line.length + 1;
      while (`${n}${line}`.length !== n) n++;
      return `${n}${line}`;
    })
    .join('');
  const h = tarHeader({ name: 'PaxHeader/x', data: body }, body.length);
  h.write('x', 156, 'latin1');
  h.write('        ', 148, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return Buffer.concat([h, Buffer.from(body), Buffer.alloc((512 - (body.length % 512)) % 512)]);
}

describe('hostile tarballs through raft-rescue inspect', () => {
  beforeAll(() => remember());
  afterEach(() => remember());

  it('refuses path traversal, absolute paths, links, devices and FIFOs, and still reads the node', async () => {
    const members: Member[] = [
      { name: '../rr-evil', data: 'x' },
      { name: 'node/../../rr-evil2', data: 'x' },
      { name: `../../../../../../../../../../../..${sentinel}/pwned`, data: 'x' },
      { name: `${sentinel}/pwned-absolute`, data: 'x' },
      { name: '/tmp/rr-pwned', data: 'x' },
      { name: 'escape', type: 'symlink', linkname: sentinel },
      { name: 'escape/pwned-through-link', data: 'x' },
      { name: 'node/inside-link', type: 'symlink', linkname: 'metadata1' },
      { name: 'node/etc-passwd', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'node/hard-inside', type: 'hardlink', linkname: 'node/metadata1' },
      { name: 'hard-outside', type: 'hardlink', linkname: '/etc/passwd' },
      { name: 'node/dev-null', type: 'chardev' },
      { name: 'node/fifo', type: 'fifo' },
      ...node,
    ];
    const archive = write('evil.tar.gz', zlib.gzipSync(buildTar(members)));
    const r = await inspect(archive);
    expect(r.code).toBe(0);
    const skipped = new Map(r.doc!.skipped.map((s) => [s.path.slice(archive.length + 1), s.reason]));
    for (const m of ['../rr-evil', 'node/../../rr-evil2', 'escape', 'node/inside-link', 'node/etc-passwd', 'node/hard-inside', 'hard-outside', 'node/dev-null', 'node/fifo']) {
      expect(skipped.get(m), `${m} is listed as skipped`).toMatch(/\.\.|link|device|fifo/);
    }
    expect(r.doc!.nodes).toHaveLength(1);
  });

  it('keeps the last of duplicate members, as GNU tar does, and says so', async () => {
    const dup = node.map((m) => (m.name === 'node/metadata1' ? { ...m, data: Buffer.alloc(32, 0xee) } : m));
    const archive = write('dup.tar', buildTar([...node, ...dup, { name: './node/metadata1', data: 'third' }]));
    const r = await inspect(archive);
    expect(r.code).toBe(0);
    const doc = r.doc as unknown as { nodes: { metadata: { file: string; size: number }[] }[]; inputNotes: { duplicateMembers: { member: string; copies: number }[] } };
    const copies = new Map(doc.inputNotes.duplicateMembers.map((d) => [d.member, d.copies]));
    expect(copies.get('node/metadata1')).toBe(3);
    expect(copies.size).toBe(node.length);
    expect(doc.nodes[0]!.metadata.find((m) => m.file === 'metadata1')!.size).toBe('third'.length);
  });

  it('refuses enormous declared sizes and gzip bombs before writing them', async () => {
    const bombMessage = /members declare more than \d+ bytes .*possible decompression bomb/;
    for (const [label, bytes, why] of [
      ['base256-1TiB', Buffer.concat([hugeHeader('node/metadata1', 1n << 40n), Buffer.alloc(4096)]), bombMessage],
      ['base256-2^88', Buffer.concat([hugeHeader('node/metadata1', (1n << 88n) - 1n), Buffer.alloc(1024)]), /not a tar archive/],
      ['pax-size', Buffer.concat([paxHeader({ size: String(2 ** 50) }), tarHeader({ name: 'node/metadata1', data: '' }, 0), Buffer.alloc(1024)]), bombMessage],
      ['many-8GiB', Buffer.concat(Array.from({ length: 10 }, (_, i) => tarHeader({ name: `node/open-${i}`, size: 0o77777777777 }, 0))), /archive truncated at byte 5120/],
    ] as const) {
      for (const gz of [false, true]) {
        const archive = write(`${label}.${gz ? 'tar.gz' : 'tar'}`, gz ? zlib.gzipSync(bytes) : bytes);
        const r = await inspect(archive);
        expect(r.code, `${label}: ${r.err}`).toBe(2);
        expect(r.err).toMatch(why);
      }
    }
    // A real bomb: 2 GiB of zeros is 2 MB of gzip; the declared size stops it before a byte is written.
    const zeros = zlib.createGzip({ level: 9 });
    const parts: Buffer[] = [];
    zeros.on('data', (c: Buffer) => parts.push(c));
    const done = new Promise((resolve) => zeros.on('end', resolve));
    zeros.write(hugeHeader('node/open-1', 80n << 30n));
    const mib = Buffer.alloc(1 << 20);
    for (let i = 0; i < 256; i++) zeros.write(mib);
    zeros.end();
    await done;
    const bomb = write('bomb.tgz', Buffer.concat(parts));
    const r = await inspect(bomb);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/possible decompression bomb/);
  }, 120_000);

  it('names archives cut at every block boundary and at random offsets, gzip or not', async () => {
    const whole = buildTar(node);
    const gz = zlib.gzipSync(whole);
    const rng = new Rng(fuzzSeed()).fork('tar-cuts');
    const cuts = [...Array.from({ length: whole.length / 512 }, (_, i) => i * 512), ...Array.from({ length: 40 }, () => rng.int(whole.length))];
    const gzCuts = [0, 1, 2, 9, 10, ...Array.from({ length: 40 }, () => rng.int(gz.length))];
    let ok = 0;
    let refused = 0;
    for (const [kind, bytes, offsets] of [['tar', whole, cuts], ['tar.gz', gz, gzCuts]] as const) {
      for (const at of offsets) {
        const archive = write(`cut-${at}.${kind}`, bytes.subarray(0, at));
        const r = await inspect(archive);
        if (r.code === 0) {
          ok++;
          // Read, but a cut before the end-of-archive marker is reported: members after it may be missing.
          if (at > 0 && at < bytes.length - 1024) expect(r.doc!.skipped.map((x) => x.reason).join(), `cut at ${at}`).toMatch(/truncated/);
        }
        else {
          refused++;
          expect(r.err, `cut at ${at}`).toContain(archive);
        }
        fs.rmSync(archive);
      }
    }
    console.log(`hostile tarballs: ${cuts.length + gzCuts.length} truncated archives: ${ok} read (the cut fell after every node file), ${refused} refused with one line`);
    expect(refused).toBeGreaterThan(0);
  }, 120_000);

  it('refuses random bytes and non-archives named .tar.gz with one line', async () => {
    const rng = new Rng(fuzzSeed()).fork('random-tar');
    const inputs: [string, Uint8Array][] = [
      ['empty.tar.gz', new Uint8Array(0)],
      ['random.tar.gz', rng.bytes(10_000)],
      ['random-gzip-magic.tar.gz', Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), rng.bytes(5000)])],
      ['random-ustar.tar', Buffer.concat([rng.bytes(257), Buffer.from('ustar\u000000'), rng.bytes(2000)])],
      ['text.tar.gz', zlib.gzipSync(Buffer.from('not a tar\n'.repeat(100)))],
      ['zstd.tar.zst', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3])],
      ['bzip2.tar.bz2', Buffer.from('BZh91AY&SY')],
      ['nodeless.tar.gz', zlib.gzipSync(buildTar([{ name: 'readme.txt', data: 'hi' }]))],
    ];
    for (let i = 0; i < 20; i++) inputs.push([`random-${i}.tar.gz`, rng.bytes(1 + rng.int(20_000))]);
    for (const [name, bytes] of inputs) {
      const r = await inspect(write(name, bytes));
      expect(r.code, `${name}: ${r.out}`).toBe(2);
      expect(r.err).toContain(name);
    }
    const dir = path.join(sandbox, 'dir.tar.gz');
    fs.mkdirSync(dir);
    const r = await inspect(dir);
    expect(r.code).toBe(2);
    fs.rmSync(dir, { recursive: true });
  }, 120_000);

  it('neutralises odd names: long pax paths, deep trees, control characters, a file then a dir of the same name', async () => {
    const deep = `${Array.from({ length: 80 }, (_, i) => `d${i}`).join('/')}/f`;
    const members: Member[] = [
      { name: 'node', type: 'file', data: 'a file where the node dir goes' },
      { name: 'x\nmetadata1', data: 'newline' },
      { name: 'bell\u0007', data: 'ctl' },
      ...node,
    ];
    const long = Buffer.concat([paxHeader({ path: `long/${'a'.repeat(5000)}` }), tarHeader({ name: 'placeholder', data: 'p' }, 1), Buffer.alloc(511)]);
    const deepTar = Buffer.concat([paxHeader({ path: deep }), tarHeader({ name: 'placeholder2', data: 'p' }, 1), Buffer.alloc(511)]);
    const archive = write('odd.tar', Buffer.concat([long, deepTar, buildTar(members)]));
    const r = await inspect(archive);
    expect([0, 2]).toContain(r.code);
  });
});

describe('temp dirs after a failed extraction', () => {
  beforeAll(() => remember());

  it('do not come back when node-tar still had a write in flight', async () => {
    const members = Array.from({ length: 6 }, (_, i) => ({ name: `node/f${i}`, data: Buffer.alloc(70_000 + i * 1000, i + 1) }));
    const whole = buildTar(members);
    const gz = zlib.gzipSync(whole);
    const leftovers: string[] = [];
    for (let k = 0; k < 150; k++) {
      const gzip = k % 2 === 0;
      const file = write(`race-${k}.${gzip ? 'tgz' : 'tar'}`, gzip ? gz.subarray(0, (k * 131) % gz.length) : whole.subarray(0, (k * 7919) % whole.length));
      await extractArchive(file).then((x) => x.cleanup(), () => undefined);
      await new Promise((r) => setTimeout(r, 5));
      for (const left of fs.readdirSync(tmp)) {
        leftovers.push(`${path.basename(file)}: ${left}`);
        fs.rmSync(path.join(tmp, left), { recursive: true, force: true });
      }
      fs.rmSync(file);
    }
    expect(leftovers).toEqual([]);
  }, 120_000);
});

describe('temp dirs on Ctrl-C', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s in the middle of extracting a big archive removes the temp dir', async (signal) => {
    const childTmp = fs.mkdtempSync(path.join(sandbox, 'child-tmp-'));
    // 3 GiB of zeros in one member: about 3 MB of gzip that takes seconds to write out.
    const big = path.join(sandbox, 'big.tgz');
    if (!fs.existsSync(big)) {
      const gz = zlib.createGzip({ level: 1 });
      const out = fs.createWriteStream(big);
      gz.pipe(out);
      gz.write(buildTar(node, { noEnd: true }));
      gz.write(tarHeader({ name: 'node/open-9', size: 3 * 2 ** 30 }, 0));
      const mib = Buffer.alloc(1 << 20);
      for (let i = 0; i < 3 * 1024; i++) if (!gz.write(mib)) await new Promise((r) => gz.once('drain', r));
      gz.end(Buffer.alloc(1024));
      await new Promise((r) => out.on('close', r));
    }
    let child: ChildProcess | undefined;
    const pending = runBin(['inspect', big], { env: { ...process.env, TMPDIR: childTmp }, timeoutMs: 120_000, onSpawn: (c) => (child = c) });
    // Wait until the extraction is under way (its temp dir holds data), then interrupt it.
    const started = Date.now();
    let extracting = false;
    while (!extracting && Date.now() - started < 60_000) {
      await new Promise((r) => setTimeout(r, 50));
      extracting = fs.readdirSync(childTmp).some((d) => fs.existsSync(path.join(childTmp, d, 'node', 'open-9')));
    }
    expect(extracting).toBe(true);
    child!.kill(signal);
    const r = await pending;
    // bin/ catches the signal: the run stops, removes its temp dir and exits 128 + the signal's number.
    expect(r.signal ?? null).toBeNull();
    expect(r.code).toBe({ SIGINT: 130, SIGTERM: 143 }[signal]);
    expect(fs.readdirSync(childTmp)).toEqual([]);
    fs.rmSync(childTmp, { recursive: true, force: true });
  }, 180_000);
});
