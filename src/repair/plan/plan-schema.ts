// The shape of a repair plan (types.ts) as a checker: every field, its type and its range. A plan
// read with `repair --plan` is untrusted input: it names files to write and where their bytes
// come from, so names must be plain file names, addresses host:port, modes what raft-rescue
// itself writes. Cross-field rules (pinned inputs, generated content) are in plan-validate.ts.
import { engineProfile } from '../../analysis/engine/profiles.js';
import { addressProblem } from './target.js';
import { FILE_MODE } from './log-files.js';
import { productShapes } from './product/plan-shape.js';
import {
  array,
  bool,
  dec,
  fail,
  int,
  literal,
  nullable,
  object,
  quote,
  sha256Hex,
  tagged,
  text,
  type Check,
} from './json-shape.js';
import { PLAN_VERSION } from './types.js';

/**
 * The file modes a plan may ask for: exactly what raft-rescue writes (owner read/write, like the
 * engine's own files). No setuid, setgid or sticky bit, nothing group- or world-writable.
 */
export const ALLOWED_FILE_MODES: readonly number[] = [FILE_MODE];

/** Why `name` cannot be a file name inside one directory, or undefined when it can. */
export function plainNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name === '.' || name === '..') return `${quote(name)} names a directory, not a file`;
  if (name.includes('/')) return `${quote(name)} is a path, not a plain file name (it holds "/")`;
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return `${quote(name)} holds control characters`;
  if (Buffer.byteLength(name, 'utf8') > 255) return `${quote(name)} is longer than 255 bytes`;
  return undefined;
}

export const fileName: Check<string> = (v, at) => {
  const name = text(1024)(v, at);
  const problem = plainNameProblem(name);
  return problem ? fail(at, problem) : name;
};

/**
 * A pinned input file's name, as readdir gave it: never written, only opened beside its node
 * (read-only, no symlink followed), so it may hold any character a directory entry can hold
 * (junk names with control characters are pinned like the rest) — but no path.
 */
export const inputFileName: Check<string> = (v, at) => {
  const name = text(1024)(v, at);
  const problem =
    name === ''
      ? 'is empty'
      : name === '.' || name === '..'
        ? `${quote(name)} names a directory, not a file`
        : name.includes('/')
          ? `${quote(name)} is a path, not a plain file name (it holds "/")`
          : name.includes('\0')
            ? `${quote(name)} holds a NUL byte`
            : Buffer.byteLength(name, 'utf8') > 255
              ? `${quote(name)} is longer than 255 bytes`
              : undefined;
  return problem ? fail(at, problem) : name;
};

export const address: Check<string> = (v, at) => {
  const a = text(1024)(v, at);
  const problem = addressProblem(a) ?? plainNameProblem(a);
  return problem ? fail(at, problem) : a;
};

const mode: Check<number> = (v, at) => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(at, `must be a file mode (a number), not ${quote(v)}`);
  if (!ALLOWED_FILE_MODES.includes(v)) {
    const allowed = ALLOWED_FILE_MODES.map((m) => `0${m.toString(8)}`).join(', ');
    const why = 'no setuid/setgid/sticky, nothing group- or world-writable';
    fail(at, `mode 0${v.toString(8)} is not allowed: raft-rescue writes only ${allowed} (${why})`);
  }
  return v;
};

/** An input path or node key: any path, but no NUL and bounded. */
const pathText: Check<string> = (v, at) => {
  const p = text(4096)(v, at);
  if (p === '' || p.includes('\0')) fail(at, `${quote(p)} is not a path`);
  return p;
};

const size = int(0, Number.MAX_SAFE_INTEGER);

/** options.engine: `auto` or an engine name every command accepts (engine/profiles.ts). */
const engineChoice: Check<string> = (v, at) => {
  const name = text(64)(v, at);
  if (name !== 'auto' && !engineProfile(name)) fail(at, `${quote(name)} is not auto or an engine raft-rescue knows`);
  return name;
};
const range = object({ from: dec, to: dec });

const origin = tagged('kind', {
  copy: object({ kind: literal('copy'), node: pathText, file: fileName }),
  'truncated-copy': object({
    kind: literal('truncated-copy'),
    node: pathText,
    file: fileName,
    bytes: size,
    originalSize: size,
    why: text(),
  }),
  entries: object({
    kind: literal('entries'),
    node: pathText,
    file: fileName,
    firstIndex: dec,
    lastIndex: dec,
    firstPosition: int(0, Number.MAX_SAFE_INTEGER),
    count: int(1, Number.MAX_SAFE_INTEGER),
  }),
  'converted-snapshot': object({
    kind: literal('converted-snapshot'),
    node: pathText,
    file: fileName,
    to: literal('lz4', 'raw'),
    originalSize: size,
  }),
  generated: object(
    {
      kind: literal('generated'),
      what: literal('configuration-segment', 'metadata', 'info.yaml', 'cluster.yaml'),
      base64: text(16 * 1024 * 1024),
    },
    { text: text(16 * 1024 * 1024) },
  ),
  ...productShapes.origins,
});

const plannedFile = object(
  {
    name: fileName,
    role: literal('segment', 'snapshot', 'snapshot-meta', 'metadata', 'yaml', 'identity', 'product'),
    size,
    sha256: nullable(sha256Hex),
    mode,
    from: origin,
  },
  { firstIndex: dec, lastIndex: dec, dir: productShapes.subdir },
);

const plannedNode = object(
  {
    address,
    id: dec,
    role: int(0, 2),
    roleName: text(64),
    isSource: bool,
    inputNode: nullable(pathText),
    metadata: literal('kept', 'fresh'),
    files: array(plannedFile, 100_000),
  },
  { dir: fileName, product: productShapes.product, name: text(4096) },
);

const inputNode = object(
  {
    key: pathText,
    name: text(4096),
    id: nullable(dec),
    address: nullable(text(4096)),
    files: array(object({ name: inputFileName, size, sha256: sha256Hex }), 1_000_000),
  },
  { productFiles: array(object({ path: productShapes.relativePath, size, sha256: sha256Hex }), 100_000) },
);

const rankRow = object({
  rank: int(1, Number.MAX_SAFE_INTEGER),
  node: pathText,
  name: text(4096),
  lastTerm: dec,
  lastIndex: dec,
  repair: literal('none', 'lossless', 'lossy'),
  startup: text(),
});

const source = object({
  node: pathText,
  name: text(4096),
  id: nullable(dec),
  chosenBy: literal('rank', '--source'),
  reasons: array(text()),
  ranking: array(rankRow),
});

const member = object(
  {
    id: dec,
    address,
    role: int(0, 2),
    roleName: text(64),
    raftRole: int(0, 2),
    isNew: bool,
    previousAddress: nullable(text(4096)),
  },
  { name: text(4096) },
);

const proof = object(
  {
    donor: pathText,
    range,
    anchor: object({ index: dec, rule: literal('same-entry', 'same-term'), term: dec }),
    termsCompared: size,
    payloadsCompared: size,
    bytesCompared: size,
  },
  { divergesFrom: dec },
);

const repair = object(
  { kind: text(64), lossless: bool, description: text() },
  { node: pathText, files: array(text(4096)), range, proofs: array(proof) },
);

const lostData = object({
  rows: literal('compared', 'unknown'),
  readable: array(range),
  unreadable: array(object({ from: dec, to: nullable(dec) })),
  transactions: size,
  undecodable: size,
  databases: array(
    object({
      name: text(4096),
      transactions: size,
      pages: size,
      tables: nullable(array(object({ table: text(4096), inserted: dec, updated: dec, deleted: dec }), 1_000_000)),
    }),
    100_000,
  ),
  compared: nullable(object({ keptIndex: dec, droppedIndex: dec, droppedLog: text() })),
  problem: nullable(text()),
  words: text(1_000_000),
});

const lost = object({
  kind: literal('unfillable-hole', 'damaged-tail', 'torn-tail', 'source-choice'),
  from: dec,
  to: nullable(dec),
  reason: text(),
  complete: bool,
  data: nullable(lostData),
});

const log = object({
  snapshot: nullable(object({ name: fileName, term: dec, index: dec })),
  startIndex: dec,
  lastIndex: dec,
  lastTerm: dec,
  pieces: array(object({ file: text(4096), firstIndex: dec, lastIndex: dec, from: text() })),
});

const configurationEntry = object({
  file: fileName,
  index: dec,
  term: dec,
  termRule: text(),
  servers: array(object({ id: dec, address, raftRole: int(0, 2), role: text(64) }), 100_000),
  payloadBase64: text(16 * 1024 * 1024),
});

/** The whole plan: every field, nothing else. */
export const planShape = object({
  planVersion: literal(PLAN_VERSION),
  tool: text(256),
  status: literal('ready', 'refused'),
  refusals: array(text()),
  warnings: array(text()),
  options: object({
    allowDataLoss: bool,
    force: bool,
    source: nullable(text(4096)),
    cluster: nullable(pathText),
    engine: engineChoice,
    convertSnapshots: nullable(literal('lz4', 'raw')),
  }),
  engine: object({
    name: text(64),
    source: literal('flag', 'evidence', 'unknown'),
    evidence: array(text(), 64),
    snapshotForm: nullable(literal('lz4', 'raw')),
    notes: array(text(), 64),
  }),
  inputs: object({ args: array(pathText, 100_000), nodes: array(inputNode, 100_000) }),
  source: nullable(source),
  target: nullable(
    object(
      {
        from: literal('cluster-file', 'source-configuration'),
        file: nullable(pathText),
        members: array(member, 100_000),
      },
      { format: literal('lxd', 'microcluster') },
    ),
  ),
  log: nullable(log),
  configurationEntry: nullable(configurationEntry),
  repairs: array(repair),
  lost: array(lost),
  metadata: nullable(object({ rule: text(), freshTerm: dec })),
  notCopied: array(object({ file: text(4096), reason: text() })),
  outputs: array(plannedNode, 100_000),
  expected: nullable(object({ startIndex: dec, lastIndex: dec, lastTerm: dec, snapshotIndex: nullable(dec) })),
});
