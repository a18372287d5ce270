// A planned snapshot data file in another form than its input (origin `converted-snapshot`):
// raw data into an LZ4 frame of stored blocks (format/lz4-frame.ts StoredFrameWriter: content
// size and content checksum, which dqlite ≥ 1.18.3's reader and libraft's both need), or an LZ4
// frame decoded into raw data, every block and the content checksum checked. The input is read
// once, in chunks, and its sha256 checked against the plan's pin on the way, like every copy.
import { createHash } from 'node:crypto';
import { checkpoint } from '../../core/cancel.js';
import { RepairError } from '../../core/errors.js';
import { isLz4Frame, StoredFrameWriter, walkLz4Frame } from '../../format/lz4-frame.js';
import { mergeLz4Issues, verifyLz4Frame } from '../../format/lz4-verify.js';
import { CHUNK_SIZE, FileSource } from '../../scan/file-source.js';
import { writeAll } from './out-files.js';
import type { FileOrigin } from '../plan/types.js';

type Converted = Extract<FileOrigin, { kind: 'converted-snapshot' }>;
type Target = { readonly fd: number; readonly path: string };

/** An issue after which libraft's Decompress gives no content: the frame cannot be converted. */
const stops = (kind: unknown): boolean => kind === 'IOERR' || kind === 'NOMEM' || kind === 'hang';

async function toLz4(
  src: FileSource,
  file: string,
  emit: (b: Uint8Array) => void,
  signal?: AbortSignal,
): Promise<void> {
  if (isLz4Frame(src)) {
    throw new RepairError(`${file} is an LZ4 frame already, but the plan converts it from raw data: the input changed`);
  }
  const frame = new StoredFrameWriter(src.size, emit);
  for (let off = 0; off < src.size; off += CHUNK_SIZE) {
    await checkpoint(signal);
    frame.write(src.read(off, Math.min(CHUNK_SIZE, src.size - off)));
  }
  frame.end();
}

function toRaw(src: FileSource, file: string, emit: (b: Uint8Array) => void): void {
  const walk = walkLz4Frame(src);
  if (!walk.compressed) {
    throw new RepairError(`${file} is not an LZ4 frame, but the plan decodes it: the input changed`);
  }
  let out = 0n;
  const verified = verifyLz4Frame(src, walk, (bytes) => {
    out += BigInt(bytes.length);
    emit(bytes);
  });
  const bad = mergeLz4Issues(walk.issues, verified.issues).find((i) => stops(i.data?.['cOutcome']));
  if (!verified.complete || bad || (walk.contentSize !== undefined && walk.contentSize !== out)) {
    const why = bad?.message ?? `the frame holds ${out} bytes, its header says ${walk.contentSize ?? 'nothing'}`;
    throw new RepairError(`${file}: its LZ4 frame does not decode completely (${why}): it cannot be converted`);
  }
}

/**
 * Writes the converted snapshot into every target; returns the sha256 and size of what it wrote.
 * `pinned` is the input's sha256 in the plan (undefined: not pinned).
 */
export async function writeConvertedSnapshot(
  file: string,
  targets: readonly Target[],
  o: Converted,
  pinned: string | undefined,
  signal?: AbortSignal,
): Promise<{ sha256: string; size: number }> {
  const src = new FileSource(file, { hash: pinned !== undefined });
  try {
    if (src.size !== o.originalSize) {
      throw new RepairError(
        `${file} has ${src.size} bytes, the plan expected ${o.originalSize}: the input changed`,
        'E_INPUTS_CHANGED',
      );
    }
    const hash = createHash('sha256');
    let size = 0;
    const emit = (bytes: Uint8Array): void => {
      hash.update(bytes);
      size += bytes.length;
      for (const t of targets) writeAll(t.fd, bytes, t.path);
    };
    if (o.to === 'lz4') await toLz4(src, file, emit, signal);
    else toRaw(src, file, emit);
    if (pinned !== undefined) {
      const now = src.sha256();
      if (now !== pinned) {
        const change = `sha256 ${pinned.slice(0, 12)}… → ${now.slice(0, 12)}…`;
        throw new RepairError(
          `${file} changed since the plan was made (${change}): make a new plan`,
          'E_INPUTS_CHANGED',
        );
      }
    }
    return { sha256: hash.digest('hex'), size };
  } finally {
    src.close();
  }
}
