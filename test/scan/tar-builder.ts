// Raw ustar archives written byte by byte, for members no well-behaved tar writer produces
// (`../evil`, absolute paths, links to /etc/passwd, devices, duplicates, lying sizes).
export type MemberType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'chardev' | 'fifo';

export interface Member {
  name: string;
  type?: MemberType;
  data?: Uint8Array | string;
  /** Declared size when it must differ from data.length (bombs, truncation). */
  size?: number;
  linkname?: string;
  mode?: number;
  mtime?: number;
}

const TYPEFLAG: Record<MemberType, string> = { file: '0', hardlink: '1', symlink: '2', chardev: '3', dir: '5', fifo: '6' };

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

export function tarHeader(m: Member, dataLength: number): Buffer {
  const h = Buffer.alloc(512);
  const type = m.type ?? 'file';
  h.write(m.name, 0, 100, 'utf8');
  h.write(octal(m.mode ?? (type === 'dir' ? 0o755 : 0o644), 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  h.write(octal(m.size ?? dataLength, 12), 124, 'latin1');
  h.write(octal(m.mtime ?? 1_700_000_000, 12), 136, 'latin1');
  h.write(TYPEFLAG[type], 156, 'latin1');
  h.write(m.linkname ?? '', 157, 100, 'utf8');
  h.write('ustar\u000000', 257, 'latin1');
  h.write('        ', 148, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

/** Header, data and block padding of each member, then the two zero blocks unless `noEnd`. */
export function buildTar(members: Member[], options: { noEnd?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = typeof m.data === 'string' ? Buffer.from(m.data) : Buffer.from(m.data ?? new Uint8Array(0));
    parts.push(tarHeader(m, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  if (!options.noEnd) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
