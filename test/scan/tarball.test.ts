import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import * as tar from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { discoverNodes } from '../../src/scan/discover.js';
import { detectArchiveKind, extractArchive, isArchive } from '../../src/scan/tarball.js';
import { liveTempDirs } from '../../src/scan/temp-dirs.js';
import { sampleDataDir } from '../helpers/samples.js';
import { buildTar } from './tar-builder.js';

let sandbox: string;
let tmp: string;

beforeEach(() => {
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-tar-test-'));
  tmp = path.join(sandbox, 'tmp');
  fs.mkdirSync(tmp);
});
afterEach(() => {
  fs.rmSync(sandbox, { recursive: true, force: true });
});

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(sandbox, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Every path under dir, without following symlinks. */
function walk(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).map((d) => path.join(d.parentPath, d.name));
}

async function expectInputError(p: Promise<unknown>, pattern: RegExp): Promise<InputError> {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  expect((error as InputError).message).toMatch(pattern);
  // The temp dir of a failed extraction is gone.
  expect(fs.readdirSync(tmp)).toEqual([]);
  return error as InputError;
}

describe('extractArchive', () => {
  it('extracts a real sample tarball into a private dir where discovery finds the nodes', async () => {
    const archive = path.join(sampleDataDir, 'healthy.tar.gz');
    expect(detectArchiveKind(archive)).toBe('gzip');
    const x = await extractArchive(archive, { tempParent: tmp });
    try {
      expect(fs.statSync(x.root).mode & 0o777).toBe(0o700);
      expect(x.refused).toEqual([]);
      expect(x.warnings).toEqual([]);
      const found = discoverNodes(x.root);
      expect(found.nodes.map((n) => n.relative)).toEqual(['healthy/127.0.0.1:9511', 'healthy/127.0.0.1:9512', 'healthy/127.0.0.1:9513']);
      // mtimes come from the archive, not from the moment of extraction.
      const info = fs.statSync(path.join(x.root, 'healthy/127.0.0.1:9511/info.yaml'));
      expect(Math.abs(info.mtimeMs - Date.now())).toBeGreaterThan(60_000);
      expect(liveTempDirs()).toContain(x.root);
    } finally {
      x.cleanup();
    }
    expect(fs.existsSync(x.root)).toBe(false);
    expect(liveTempDirs()).not.toContain(x.root);
  });

  it('extracts a plain tar made by tar.c, keeping contents and mtimes', async () => {
    const src = path.join(sandbox, 'src', 'node');
    fs.mkdirSync(src, { recursive: true });
    fs.writeFileSync(path.join(src, 'metadata1'), Buffer.from([1, 2, 3]));
    fs.utimesSync(path.join(src, 'metadata1'), 1_600_000_000, 1_600_000_000);
    const archive = path.join(sandbox, 'node.data');
    await tar.c({ file: archive, cwd: path.join(sandbox, 'src') }, ['node']);
    expect(detectArchiveKind(archive)).toBe('tar');
    expect(isArchive(archive)).toBe(true);
    const x = await extractArchive(archive, { tempParent: tmp });
    const file = path.join(x.root, 'node', 'metadata1');
    expect([...fs.readFileSync(file)]).toEqual([1, 2, 3]);
    expect(fs.statSync(file).mtimeMs).toBe(1_600_000_000_000);
    x.cleanup();
  });

  it('refuses hostile members and writes nothing outside its temp dir', async () => {
    const archive = write('evil.tar', buildTar([
      { name: '../evil', data: 'x' },
      { name: 'a/../../evil2', data: 'x' },
      { name: '/abs/path', data: 'abs' },
      { name: 'link', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'hard', type: 'hardlink', linkname: '/etc/passwd' },
      { name: 'dev', type: 'chardev' },
      { name: 'fifo', type: 'fifo' },
      { name: 'dup', data: 'first' },
      { name: './dup', data: 'second' },
      { name: 'node/', type: 'dir', mode: 0o500 },
      { name: 'node/metadata1', data: 'm', mode: 0o000 },
    ]));
    const x = await extractArchive(archive, { tempParent: tmp });
    const reasons = Object.fromEntries(x.refused.map((r) => [r.member, r.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['../evil', 'a/../../evil2', 'dev', 'fifo', 'hard', 'link'].sort());
    expect(reasons['../evil']).toMatch(/\.\./);
    expect(reasons['link']).toMatch(/symbolic link to \/etc\/passwd/);
    expect(reasons['hard']).toMatch(/hard link/);
    expect(reasons['dev']).toMatch(/character device/);
    expect(reasons['fifo']).toMatch(/fifo/);
    // Two copies of one member: the last one wins, as GNU tar extracts it, and the count is kept.
    expect(x.duplicates).toEqual([{ member: 'dup', copies: 2 }]);
    expect(fs.readFileSync(path.join(x.root, 'dup'), 'utf8')).toBe('second');
    expect(fs.readFileSync(path.join(x.root, 'abs', 'path'), 'utf8')).toBe('abs');
    // Readable and removable whatever modes the archive claimed.
    expect(fs.readFileSync(path.join(x.root, 'node', 'metadata1'), 'utf8')).toBe('m');
    const everything = walk(sandbox);
    expect(everything.filter((p) => !p.startsWith(x.root) && p !== tmp && p !== archive)).toEqual([]);
    expect(everything.filter((p) => fs.lstatSync(p).isSymbolicLink())).toEqual([]);
    expect(walk(x.root).every((p) => fs.lstatSync(p).isFile() || fs.lstatSync(p).isDirectory())).toBe(true);
    x.cleanup();
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('names truncated archives', async () => {
    const whole = buildTar([{ name: 'a', data: Buffer.alloc(3000, 7) }, { name: 'b', data: 'b' }]);
    const midData = write('mid.tar', whole.subarray(0, 512 + 1000));
    const e = await expectInputError(extractArchive(midData, { tempParent: tmp }), /truncated at byte 1512/);
    expect(e.path).toBe(midData);
    expect(e.message).toContain(midData);
    const midHeader = write('hdr.tar', whole.subarray(0, 512 + 3072 + 200));
    await expectInputError(extractArchive(midHeader, { tempParent: tmp }), /truncated at byte 3784/);
    const gz = zlib.gzipSync(whole);
    const cutGz = write('cut.tar.gz', gz.subarray(0, gz.length - 30));
    await expectInputError(extractArchive(cutGz, { tempParent: tmp }), new RegExp(`cut\\.tar\\.gz: archive truncated at byte ${gz.length - 30}`));
  });

  it('says when the end-of-archive marker is missing (members may be missing)', async () => {
    const archive = write('noend.tar', buildTar([{ name: 'a', data: 'a' }], { noEnd: true }));
    const x = await extractArchive(archive, { tempParent: tmp });
    expect(x.incomplete).toMatch(/no end-of-archive marker after byte 1024/);
    expect(x.warnings).toEqual([]);
    x.cleanup();
    const whole = await extractArchive(write('end.tar', buildTar([{ name: 'a', data: 'a' }])), { tempParent: tmp });
    expect(whole.incomplete).toBeUndefined();
    whole.cleanup();
  });

  it('stops a gzip bomb before writing it', async () => {
    // 4 MiB of zeros declared as a 1 GiB member: gzip makes it a few kilobytes.
    const lying = Buffer.concat([buildTar([{ name: 'huge', size: 2 ** 30, data: Buffer.alloc(4 << 20) }], { noEnd: true })]);
    const bomb = write('bomb.tgz', zlib.gzipSync(lying));
    expect(fs.statSync(bomb).size).toBeLessThan(100_000);
    await expectInputError(extractArchive(bomb, { tempParent: tmp, maxBytes: 1 << 20 }), /bomb\.tgz: members declare more than 1048576 bytes/);
    const honest = write('honest.tgz', zlib.gzipSync(buildTar([{ name: 'z', data: Buffer.alloc(8 << 20) }])));
    await expectInputError(extractArchive(honest, { tempParent: tmp, maxBytes: 4 << 20 }), /more than 4194304 bytes/);
    const fine = await extractArchive(honest, { tempParent: tmp });
    expect(fs.statSync(path.join(fine.root, 'z')).size).toBe(8 << 20);
    fine.cleanup();
  });

  it('caps the member count', async () => {
    const many = write('many.tar', buildTar(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: 'x' }))));
    await expectInputError(extractArchive(many, { tempParent: tmp, maxMembers: 10 }), /more than 10 members/);
  });

  it('explains inputs that are not tar archives', async () => {
    await expectInputError(extractArchive(path.join(sandbox, 'missing.tar'), { tempParent: tmp }), /not found/);
    const text = write('text.tar.gz', zlib.gzipSync(Buffer.from('hello '.repeat(200))));
    await expectInputError(extractArchive(text, { tempParent: tmp }), /text\.tar\.gz: not a tar archive/);
    const xz = write('x.tar.xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2]));
    expect(detectArchiveKind(xz)).toBe('xz');
    await expectInputError(extractArchive(xz, { tempParent: tmp }), /xz-compressed archives are not supported/);
  });
});

describe('extractArchive: damage, layers and conflicts', () => {
  it('stops at a damaged header in the middle of an archive (node-tar would skip ahead)', async () => {
    const whole = buildTar([{ name: 'a', data: 'a' }, { name: 'b', data: 'b' }, { name: 'c', data: 'c' }]);
    whole[1024 + 10] ^= 0xff; // the second member's header: its checksum no longer matches
    const archive = write('damaged.tar', whole);
    await expectInputError(extractArchive(archive, { tempParent: tmp }), /damaged\.tar: damaged tar header after 1 member, within the first \d+ bytes of the tar stream \(checksum failure\)/);
  });

  it('reads a tar inside up to three layers of gzip, says so, and refuses a fourth', async () => {
    const inner = buildTar([{ name: 'n/metadata1', data: Buffer.alloc(32, 1) }]);
    let bytes: Buffer = inner;
    for (let layers = 1; layers <= 4; layers++) {
      bytes = zlib.gzipSync(bytes);
      const archive = write(`layers-${layers}.tgz`, bytes);
      if (layers === 4) {
        await expectInputError(extractArchive(archive, { tempParent: tmp }), /more than 3 layers of gzip/);
        continue;
      }
      const x = await extractArchive(archive, { tempParent: tmp });
      expect(fs.readFileSync(path.join(x.root, 'n', 'metadata1'))).toEqual(Buffer.alloc(32, 1));
      expect(x.warnings).toEqual(layers === 1 ? [] : [`${archive}: a tar archive inside ${layers} layers of gzip (compressed ${layers} times); read through all of them`]);
      x.cleanup();
    }
    const xzInGzip = write('xz-in.gz', zlib.gzipSync(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3])));
    await expectInputError(extractArchive(xzInGzip, { tempParent: tmp }), /xz-compressed data inside gzip is not supported/);
  });

  it('stops when a member cannot be written where an earlier member stands (a file where a directory goes)', async () => {
    const archive = write('conflict.tar', buildTar([{ name: 'node', data: 'a file' }, { name: 'node/metadata1', data: 'm' }]));
    await expectInputError(extractArchive(archive, { tempParent: tmp }), /conflict\.tar: cannot unpack member node\/metadata1 into the temp dir .*: (ENOTDIR|EEXIST)/);
  });

  it('lists members of types it does not extract, and counts them against the member cap', async () => {
    const members = buildTar([{ name: 'a', data: 'a' }]);
    const odd = Buffer.from(members.subarray(0, 512));
    odd.write('Q', 156, 'latin1'); // an unknown typeflag: GNU tar would extract it as a file
    odd.write('        ', 148, 'latin1');
    let sum = 0;
    for (const b of odd) sum += b;
    odd.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const archive = write('odd-type.tar', Buffer.concat([odd, members.subarray(512)]));
    const x = await extractArchive(archive, { tempParent: tmp });
    expect(x.refused).toEqual([{ member: 'a', reason: expect.stringMatching(/unsupported member type/) }]);
    x.cleanup();
    // The same with a name the node needs: refused, not left out.
    const named = Buffer.from(odd);
    named.fill(0, 0, 100);
    named.write('n/metadata1', 0, 'latin1');
    named.write('        ', 148, 'latin1');
    let sum2 = 0;
    for (const b of named) sum2 += b;
    named.write(`${sum2.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const needed = write('odd-needed.tar', Buffer.concat([named, members.subarray(512)]));
    await expectInputError(extractArchive(needed, { tempParent: tmp }), /member n\/metadata1 has a tar type raft-rescue does not read/);
  });
});

describe('detectArchiveKind / isArchive', () => {
  it('looks at magic bytes, not only at the name', () => {
    const gz = write('node.bin', zlib.gzipSync(buildTar([{ name: 'a', data: 'a' }])));
    expect(detectArchiveKind(gz)).toBe('gzip');
    expect(isArchive(gz)).toBe(true);
    const plain = write('metadata1', Buffer.alloc(32));
    expect(detectArchiveKind(plain)).toBeUndefined();
    expect(isArchive(plain)).toBe(false);
    expect(isArchive(sandbox)).toBe(false);
    expect(isArchive(path.join(sandbox, 'nope.tar'))).toBe(false);
  });
});
