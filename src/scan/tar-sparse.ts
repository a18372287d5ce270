// GNU sparse members in PAX archives (`tar --format=posix --sparse`, formats 0.0, 0.1 and 1.0,
// GNU tar's sparse.c and xheader.c). node-tar (v7) does not know them: it drops the GNU.sparse.*
// pax keywords and hands over the stored bytes as a plain file, so a preallocated open segment
// would come out as its data regions glued together (0.0, under its real name: a log read short)
// or under `GNUSparseFile.N/` (0.1, 1.0). It does emit every pax header's raw text ('meta'), and
// its entry stream carries the stored bytes; this module reads the sparse map from those and
// puts each region back at its offset, holes left as zeros, as GNU tar extracts them.
//
//   pax record     "%d %s=%s\n", the length counting the whole record (POSIX pax)
//   0.0            GNU.sparse.size, GNU.sparse.numblocks, then GNU.sparse.offset /
//                  GNU.sparse.numbytes repeated once per region (name: the header's own)
//   0.1            GNU.sparse.size, GNU.sparse.numblocks, GNU.sparse.name,
//                  GNU.sparse.map = "off,len,off,len,…"
//   1.0            GNU.sparse.major=1, GNU.sparse.minor=0, GNU.sparse.name, GNU.sparse.realsize;
//                  the map leads the member's data: decimal numbers each ended by '\n' (count,
//                  then off/len pairs), padded with NULs to a 512-byte boundary
//
// The old GNU format (typeflag 'S', `tar --sparse --format=gnu`) keeps its map in the header and
// in extension blocks that node-tar parses as ignored entries; it is refused, not guessed at.

export interface SparseRegion {
  readonly offset: number;
  readonly length: number;
}

export interface SparseMember {
  readonly format: '0.0' | '0.1' | '1.0';
  /** GNU.sparse.name: the real member name (0.1 and 1.0 store the data under GNUSparseFile.N/). */
  readonly name: string | undefined;
  /** Size of the restored file. */
  readonly realSize: number;
  /** The regions (0.0 and 0.1); undefined for 1.0, whose map leads the member's data. */
  readonly map: readonly SparseRegion[] | undefined;
}

/** A sparse header or map that cannot be honoured; the caller names the member. */
export class SparseMapError extends Error {}

/** Largest map accepted (regions); GNU tar writes one per data run, a raft file has a few. */
const MAX_REGIONS = 1_000_000;
/** Largest 1.0 map text read before giving up (numbers of up to 20 digits and a newline). */
const MAX_MAP_TEXT = (1 + 2 * MAX_REGIONS) * 21;

/** Every record of a pax extended header, in order, repeated keywords kept (0.0 repeats them). */
export function paxRecords(text: string): [string, string][] {
  const bytes = Buffer.from(text, 'utf8');
  const out: [string, string][] = [];
  for (let at = 0; at < bytes.length;) {
    const space = bytes.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(bytes.toString('latin1', at, space));
    if (!Number.isSafeInteger(length) || length <= space - at + 1 || at + length > bytes.length) break;
    const record = bytes.toString('utf8', space + 1, at + length - 1); // without the '\n'
    const eq = record.indexOf('=');
    if (eq > 0) out.push([record.slice(0, eq), record.slice(eq + 1)]);
    at += length;
  }
  return out;
}

function count(value: string | undefined, what: string): number {
  if (value === undefined || !/^\d+$/.test(value))
    throw new SparseMapError(
      `${what} is ${value === undefined ? 'missing' : `not a number: ${JSON.stringify(value.slice(0, 40))}`}`,
    );
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new SparseMapError(`${what} ${value} is too large`);
  return n;
}

function regionsFrom(numbers: readonly number[]): SparseRegion[] {
  const out: SparseRegion[] = [];
  for (let i = 0; i + 1 < numbers.length; i += 2) out.push({ offset: numbers[i]!, length: numbers[i + 1]! });
  return out;
}

/**
 * The sparse description in a pax header's records, or undefined when it has none. Throws
 * SparseMapError for a description GNU tar would not accept either.
 */
export function sparseMember(records: readonly (readonly [string, string])[]): SparseMember | undefined {
  const sparse = records.filter(([k]) => k.startsWith('GNU.sparse.'));
  if (!sparse.length) return undefined;
  const last = (key: string) => sparse.filter(([k]) => k === key).at(-1)?.[1];
  const name = last('GNU.sparse.name');
  const major = last('GNU.sparse.major');
  if (major !== undefined) {
    const minor = last('GNU.sparse.minor');
    if (major !== '1' || minor !== '0')
      throw new SparseMapError(`sparse format ${major}.${minor ?? '?'} is not one GNU tar writes (0.0, 0.1 or 1.0)`);
    return { format: '1.0', name, realSize: count(last('GNU.sparse.realsize'), 'GNU.sparse.realsize'), map: undefined };
  }
  const realSize = count(last('GNU.sparse.size') ?? last('GNU.sparse.realsize'), 'GNU.sparse.size');
  const blocks = count(last('GNU.sparse.numblocks'), 'GNU.sparse.numblocks');
  if (blocks > MAX_REGIONS)
    throw new SparseMapError(`GNU.sparse.numblocks ${blocks} is over the limit of ${MAX_REGIONS}`);
  const mapText = last('GNU.sparse.map');
  let numbers: number[];
  if (mapText !== undefined) {
    numbers = mapText === '' ? [] : mapText.split(',').map((v, i) => count(v, `GNU.sparse.map value ${i + 1}`));
  } else {
    numbers = sparse
      .filter(([k]) => k === 'GNU.sparse.offset' || k === 'GNU.sparse.numbytes')
      .map(([k, v], i) => {
        if (k !== (i % 2 === 0 ? 'GNU.sparse.offset' : 'GNU.sparse.numbytes'))
          throw new SparseMapError('GNU.sparse.offset and GNU.sparse.numbytes do not alternate');
        return count(v, k);
      });
  }
  if (numbers.length !== 2 * blocks)
    throw new SparseMapError(`GNU.sparse.numblocks says ${blocks} regions, the map holds ${numbers.length / 2}`);
  const map = checkedMap(regionsFrom(numbers), realSize);
  return { format: mapText !== undefined ? '0.1' : '0.0', name, realSize, map };
}

function checkedMap(map: SparseRegion[], realSize: number): SparseRegion[] {
  let end = 0;
  for (const [i, r] of map.entries()) {
    if (r.offset < end)
      throw new SparseMapError(`region ${i + 1} starts at ${r.offset}, before the end of the previous one (${end})`);
    end = r.offset + r.length;
    if (!Number.isSafeInteger(end) || end > realSize)
      throw new SparseMapError(`region ${i + 1} (${r.offset}+${r.length}) ends past the file size ${realSize}`);
  }
  return map;
}

/**
 * Streams a sparse member's stored bytes to their places in the restored file: `write(bytes,
 * position)` for each piece; `finish()` checks that the stored bytes were exactly the map's.
 */
export class SparseRestorer {
  private readonly member: SparseMember;
  private readonly write: (bytes: Uint8Array, position: number) => void;
  private map: readonly SparseRegion[] | undefined;
  private mapText = '';
  private mapBytes = 0;
  /** Bytes of the 1.0 map block (text and NUL padding) still to skip. */
  private skip = 0;
  private region = 0;
  private inRegion = 0;

  constructor(member: SparseMember, write: (bytes: Uint8Array, position: number) => void) {
    this.member = member;
    this.write = write;
    this.map = member.map;
  }

  feed(chunk: Uint8Array): void {
    let at = 0;
    if (!this.map) at = this.readMap(chunk);
    if (at < chunk.length && this.skip > 0) {
      const n = Math.min(this.skip, chunk.length - at);
      this.skip -= n;
      at += n;
    }
    while (at < chunk.length) {
      const r = this.map![this.region];
      if (!r) throw new SparseMapError(`${chunk.length - at} more stored bytes than the sparse map describes`);
      const n = Math.min(r.length - this.inRegion, chunk.length - at);
      if (n > 0) this.write(chunk.subarray(at, at + n), r.offset + this.inRegion);
      at += n;
      this.inRegion += n;
      if (this.inRegion === r.length) {
        this.region++;
        this.inRegion = 0;
      }
    }
  }

  /** The 1.0 map at the head of the data; returns how much of `chunk` it used. */
  private readMap(chunk: Uint8Array): number {
    const text = Buffer.from(chunk).toString('latin1');
    let used = 0;
    for (;;) {
      const nl = text.indexOf('\n', used);
      if (nl < 0) {
        this.mapText += text.slice(used);
        this.mapBytes += chunk.length - used;
        if (this.mapText.length > MAX_MAP_TEXT)
          throw new SparseMapError('the sparse map at the start of the data is over the size limit');
        return chunk.length;
      }
      const line = this.mapText + text.slice(used, nl);
      this.mapText = '';
      this.mapBytes += nl + 1 - used;
      used = nl + 1;
      if (this.addMapNumber(count(line, 'sparse map value'))) {
        this.skip = (512 - (this.mapBytes % 512)) % 512;
        return used;
      }
    }
  }

  private mapNumbers: number[] = [];

  /** Adds one number of a 1.0 map; true once the map is complete. */
  private addMapNumber(n: number): boolean {
    this.mapNumbers.push(n);
    const regions = this.mapNumbers[0]!;
    if (regions > MAX_REGIONS)
      throw new SparseMapError(`the sparse map claims ${regions} regions, over the limit of ${MAX_REGIONS}`);
    if (this.mapNumbers.length < 1 + 2 * regions) return false;
    this.map = checkedMap(regionsFrom(this.mapNumbers.slice(1)), this.member.realSize);
    return true;
  }

  /** Throws when the stored bytes ended before the map's regions did. */
  finish(): void {
    if (!this.map) throw new SparseMapError('the member ends inside its sparse map');
    if (this.skip > 0) throw new SparseMapError('the member ends inside the padding of its sparse map');
    const missing = this.map.slice(this.region).reduce((n, r) => n + r.length, 0) - this.inRegion;
    if (missing > 0)
      throw new SparseMapError(`the stored data ends ${missing} bytes before the sparse map's regions do`);
  }
}
