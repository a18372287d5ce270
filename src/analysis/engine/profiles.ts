// What differs between the raft engines that run dqlite/cowsql data directories, in one place.
// Every difference the tool knows is a field of EngineProfile; the loader simulation, the verdict,
// the rules and recovery read the field where the behaviour happens (no version checks anywhere
// else). Sources, thresholds and measurements: the engine fact sheet (libraft 0.15, canonical raft
// 0.17.1–0.18.1, dqlite 1.16.0–1.18.6 with its in-tree src/raft/, cowsql 1.15.3–1.15.9 on
// cowsql/raft 0.22.x), checked with ../shared/dqlite-lab/raft-load.sh on each built engine.
//
// Not modelled: dqlite ≥ 1.18.3's PRAGMA quick_check after restore, the dqlite-next disk format 2
// (dqlite 1.16.5–1.16.7 --enable-dqlite-next), raft_start's decoding of configuration entries.
import { UsageError } from '../../core/errors.js';
import type { ApplyRules } from '../../format/dqlite-apply.js';

/**
 * How raft decides a snapshot data file is LZ4 (uvSnapshotLoadData):
 *   detect-magic  IsCompressed: LZ4 iff the file starts with 04 22 4D 18, else raw (libraft 0.15,
 *                 canonical raft, dqlite ≤ 1.18.2, cowsql/raft);
 *   always-lz4    every file is read as an LZ4 frame, no magic check (dqlite ≥ 1.18.3 with
 *                 snapshot compression on, its default with liblz4: UvFsReadCompressedFile);
 *   no-lz4        detect-magic, but built without liblz4: a frame fails "LZ4 not available".
 */
export type SnapshotReadMode = 'detect-magic' | 'always-lz4' | 'no-lz4';

/**
 * What reads an LZ4 frame:
 *   raft-decompress  src/compress.c Decompress: the whole file in one buffer, LZ4F_decompress until
 *                    it returns 0 — a frame cut short (or without end mark, or without content
 *                    size) loops forever;
 *   dqlite-stream    src/raft/uv_fs.c UvFsReadCompressedFile (dqlite ≥ 1.18.3): reads 4 MiB
 *                    chunks and stops once the frame's content size is out — a frame cut short
 *                    fails with "short read: N bytes instead of M", one missing only its end mark
 *                    loads, one without a content size loads with no data.
 */
export type Lz4Decoder = 'raft-decompress' | 'dqlite-stream';

export type EngineFamily = 'dqlite' | 'cowsql';

export interface EngineProfile {
  /** As named: `dqlite-1.11`, `dqlite-1.18`, `dqlite-1.18.2`, `cowsql-1.15`. */
  readonly name: string;
  readonly family: EngineFamily;
  /** The release the name resolves to (`dqlite-1.18` → 1.18.6, the newest known). */
  readonly version: string;
  /** The raft library doing the loading, in words. */
  readonly raft: string;
  readonly snapshots: {
    /** cowsql/raft ≥ 0.22.0: an older snapshot is tried when the newest fails to load (not when it hangs). */
    readonly fallback: boolean;
    readonly read: SnapshotReadMode;
    readonly lz4Decoder: Lz4Decoder;
    /** What the engine writes: LZ4 frames, or raw payloads (cowsql/raft ≥ 0.17.3). */
    readonly written: 'lz4' | 'raw';
    /** dqlite's FSM payload written with the WAL image (≤ 1.16, cowsql), or checkpointed (≥ 1.17: wal_size 0). */
    readonly payloadWal: boolean;
    /** False: fsm.c decodeDatabase asserts wal_size == 0 and aborts raft_start (dqlite 1.18.3–1.18.4). */
    readonly restoresWalPayload: boolean;
  };
  readonly loader: {
    /**
     * Live `assert`s in the loader (dqlite's in-tree raft; libraft and cowsql/raft build with
     * -DNDEBUG): a closed segment below the start index or with an inverted range reaching
     * uvSegmentLoadAll, two open segments with one counter, server ID 0 in a .meta configuration.
     */
    readonly asserts: boolean;
    /** configurationDecode on a bad role / duplicate ID / address: 5, 3, 4 (0.15), or 6 MALFORMED (raft ≥ 0.18). */
    readonly configurationErrors: 'specific' | 'malformed';
    /** raft_strerror: 0.15's table stops at RAFT_IOERR ("unknown error" for 19–23); raft ≥ 0.17.1 names them. */
    readonly strerror: 'raft-0.15' | 'raft-0.17';
    /** UvFsProbeCapabilities removes a left-over `.probe_fallocate` (raft ≥ 0.18.0, dqlite). */
    readonly removesProbeFallocate: boolean;
    /**
     * UvList when stat(2) of a snapshot data file fails (not ENOENT): only an error on the last
     * directory entry survives (0.15, system raft, cowsql/raft), or the first one fails the load
     * (dqlite ≥ 1.16.6's in-tree raft, a6538573). RAFT_IOERR with no message either way.
     */
    readonly listStatErrors: 'last-entry' | 'first';
  };
  /** Term of the RAFT_CHANGE entry uvRecover (.reconfigure) writes: 1, or the last log term (cowsql/raft ≥ 0.20.0). */
  readonly recoveryEntryTerm: 'one' | 'last-log-term';
  /** dqlite ≥ 1.16.5 creates (and flocks) an empty `dqlite-lock` in the data directory. */
  readonly lockFile: boolean;
  /** Unused entry-header bytes and configuration padding written as zeros (cowsql/raft ≥ 0.22.1) or left stale. */
  readonly zeroPadding: boolean;
  /** FRAMES with is_commit = 0: pages kept pending (dqlite ≤ 1.18.1, cowsql) or the apply fails (dqlite ≥ 1.18.2). */
  readonly framesNotCommit: 'pending' | 'rejected';
  /**
   * The database size after a FRAMES commit (vfsWalAppend): the largest page number written or the
   * size before, never shrinking (dqlite ≤ 1.18.1, cowsql), or page 1's in-header size when the
   * transaction writes page 1 (dqlite ≥ 1.18.2, 933b601e). Differs only after a shrink (VACUUM).
   */
  readonly framesCommitSize: ApplyRules['commitSize'];
}

interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

const at = (v: Version, minor: number, patch: number): boolean =>
  v.minor > minor || (v.minor === minor && v.patch >= patch);

/** The newest patch release known for each minor (ones above are read with the same thresholds). */
const NEWEST_PATCH: Readonly<Record<string, number>> = {
  'dqlite-1.11': 1,
  'dqlite-1.16': 7,
  'dqlite-1.17': 3,
  'dqlite-1.18': 6,
  'cowsql-1.15': 9,
};

function dqliteProfile(name: string, v: Version): EngineProfile {
  const bundled = v.minor >= 17; // 1.16 links the system libraft unless built --enable-build-raft
  const streaming = at(v, 18, 3); // aef65269 (#804)
  return {
    name,
    family: 'dqlite',
    version: `1.${v.minor}.${v.patch}`,
    raft: bundled
      ? "dqlite's in-tree raft (canonical raft 0.18.1 + dqlite fixes)"
      : 'the system canonical raft (≥ 0.18.1)',
    snapshots: {
      fallback: false,
      read: streaming ? 'always-lz4' : 'detect-magic',
      lz4Decoder: streaming ? 'dqlite-stream' : 'raft-decompress',
      written: 'lz4',
      payloadWal: !bundled, // d5389d90, v1.17.0
      restoresWalPayload: !(at(v, 18, 3) && !at(v, 18, 5)), // 6d6b020e (1.18.3) until 8c80374f (1.18.5)
    },
    loader: {
      asserts: bundled,
      configurationErrors: 'malformed',
      strerror: 'raft-0.17',
      removesProbeFallocate: true,
      listStatErrors: bundled ? 'first' : 'last-entry',
    },
    recoveryEntryTerm: 'one',
    lockFile: at(v, 16, 5), // 27ea9328
    zeroPadding: false,
    framesNotCommit: at(v, 18, 2) ? 'rejected' : 'pending', // 54b1cccc
    framesCommitSize: at(v, 18, 2) ? 'page1-header' : 'largest-page', // 933b601e
  };
}

/** Debian 12: libdqlite 1.11.1 on libraft 0.15.0 (the tool's reference engine). */
function libraft015Profile(name: string, v: Version): EngineProfile {
  return {
    name,
    family: 'dqlite',
    version: `1.11.${v.patch}`,
    raft: 'libraft 0.15.0',
    snapshots: {
      fallback: false,
      read: 'detect-magic',
      lz4Decoder: 'raft-decompress',
      written: 'lz4',
      payloadWal: true,
      restoresWalPayload: true,
    },
    loader: {
      asserts: false,
      configurationErrors: 'specific',
      strerror: 'raft-0.15',
      removesProbeFallocate: false,
      listStatErrors: 'last-entry',
    },
    recoveryEntryTerm: 'one',
    lockFile: false,
    zeroPadding: false,
    framesNotCommit: 'pending',
    framesCommitSize: 'largest-page',
  };
}

/** cowsql 1.15 on cowsql/raft 0.22.1 (Incus). */
function cowsqlProfile(name: string, v: Version): EngineProfile {
  return {
    name,
    family: 'cowsql',
    version: `1.15.${v.patch}`,
    raft: 'cowsql/raft 0.22.1',
    snapshots: {
      fallback: true,
      read: 'detect-magic',
      lz4Decoder: 'raft-decompress',
      written: 'raw',
      payloadWal: true,
      restoresWalPayload: true,
    },
    loader: {
      asserts: false,
      configurationErrors: 'malformed',
      strerror: 'raft-0.17',
      removesProbeFallocate: false,
      listStatErrors: 'last-entry',
    },
    recoveryEntryTerm: 'last-log-term',
    lockFile: false,
    zeroPadding: true,
    framesNotCommit: 'pending',
    framesCommitSize: 'largest-page',
  };
}

const BUILDERS: Readonly<Record<string, (name: string, v: Version) => EngineProfile>> = {
  'dqlite-1.11': libraft015Profile,
  'dqlite-1.16': dqliteProfile,
  'dqlite-1.17': dqliteProfile,
  'dqlite-1.18': dqliteProfile,
  'cowsql-1.15': cowsqlProfile,
};

/** The engine names every command accepts (besides full versions such as dqlite-1.18.2). */
export const ENGINE_NAMES = ['dqlite-1.11', 'dqlite-1.16', 'dqlite-1.17', 'dqlite-1.18', 'cowsql-1.15'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

const USAGE = `engine must be auto, ${ENGINE_NAMES.join(', ')} or a full version such as dqlite-1.18.2`;

/** The profile for a name such as `dqlite-1.18` or `dqlite-1.18.2`; undefined when unknown. */
export function engineProfile(text: string): EngineProfile | undefined {
  const m = /^(dqlite|cowsql)-1\.(\d+)(?:\.(\d+))?$/.exec(text.trim().toLowerCase());
  if (!m) return undefined;
  const key = `${m[1]}-1.${Number(m[2])}`;
  const build = BUILDERS[key];
  if (!build) return undefined;
  const patch = m[3] === undefined ? NEWEST_PATCH[key]! : Number(m[3]);
  return build(m[3] === undefined ? key : `${key}.${patch}`, { major: 1, minor: Number(m[2]), patch });
}

export function profileOf(name: EngineName): EngineProfile {
  return engineProfile(name)!;
}

/** The profile every analysis uses unless told otherwise: Debian 12's libraft 0.15 (dqlite 1.11). */
export const DEFAULT_ENGINE: EngineProfile = profileOf('dqlite-1.11');

/** `auto`, or a profile; anything else is a UsageError naming the accepted values. */
export function parseEngineName(text: string): EngineProfile | 'auto' {
  if (text.trim().toLowerCase() === 'auto') return 'auto';
  const profile = engineProfile(text);
  if (!profile) throw new UsageError(`unknown engine ${JSON.stringify(text)}: ${USAGE}`);
  return profile;
}

/**
 * What the engine's FSM does with FRAMES commands (format/dqlite-apply.ts), from the profile: the
 * one place where an engine becomes the rules databases are rebuilt with (analysis/db).
 */
export function applyRulesOf(profile: EngineProfile): ApplyRules {
  return {
    commitSize: profile.framesCommitSize,
    nonCommitFrames: profile.framesNotCommit === 'rejected' ? 'reject' : 'accumulate',
  };
}

/** Every release the profiles know (each patch of each minor), in the order of ENGINE_NAMES, oldest first. */
export function knownReleases(): EngineProfile[] {
  return ENGINE_NAMES.flatMap((key) =>
    Array.from({ length: NEWEST_PATCH[key]! + 1 }, (_, p) => engineProfile(`${key}.${p}`)!),
  );
}

/** The known releases that `test` holds for, as ranges in words: "dqlite 1.18.3–1.18.6"; '' for none. */
export function releasesWhere(test: (p: EngineProfile) => boolean): string {
  const ranges: string[] = [];
  let run: EngineProfile[] = [];
  const flush = (): void => {
    const [first, last] = [run[0], run[run.length - 1]];
    if (first && last) ranges.push(`${first.family} ${first.version}${first === last ? '' : `–${last.version}`}`);
    run = [];
  };
  for (const p of knownReleases()) {
    if (test(p) && (run.length === 0 || run[0]!.family === p.family)) run.push(p);
    else {
      flush();
      if (test(p)) run.push(p);
    }
  }
  flush();
  return ranges.join(', ');
}

/** The release a profile stands for, in words: "dqlite 1.18.6", "cowsql 1.15.9 on cowsql/raft 0.22.1". */
export function releaseWords(p: EngineProfile): string {
  const ownRaft = p.family === 'cowsql' || p.raft.startsWith('libraft');
  return ownRaft ? `${p.family} ${p.version} on ${p.raft}` : `${p.family} ${p.version}`;
}
