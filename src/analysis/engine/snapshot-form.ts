// The form snapshot data files take in a repair's output, per engine. dqlite ≥ 1.18.3 with LZ4
// (its default; go-dqlite cannot switch it off) reads every data file as an LZ4 frame
// (UvFsReadCompressedFile, no magic check), so a raw snapshot — the only kind cowsql/raft ≥ 0.17.3
// writes — fails there with "LZ4F_getFrameInfo ERROR_frameType_unknown". An engine built without
// LZ4 (some distributions, e.g. NixOS) fails on a frame with "LZ4 not available". Every other
// engine detects the LZ4 magic and reads both.
import { releasesWhere, type EngineProfile } from './profiles.js';

export type SnapshotForm = 'lz4' | 'raw';

/** The form a repair for `engine` writes: the one asked for, else the one the engine needs, else undefined (as is). */
export function snapshotFormFor(engine: EngineProfile, asked?: SnapshotForm): SnapshotForm | undefined {
  if (asked) return asked;
  if (engine.snapshots.read === 'always-lz4') return 'lz4';
  if (engine.snapshots.read === 'no-lz4') return 'raw';
  return undefined;
}

/** Whether a data file (an LZ4 frame or not) is converted when written in `form`. */
export function convertsTo(compressed: boolean, form: SnapshotForm | undefined): form is SnapshotForm {
  return form === 'lz4' ? !compressed : form === 'raw' ? compressed : false;
}

/**
 * The reader a converted snapshot must satisfy before it is converted: the output is re-encoded
 * from the content libraft's Decompress would produce (a raw file as it is; a frame decoded to
 * its end, checksums checked), so a snapshot converts iff the magic-detecting reader with raft's
 * decoder loads it — whatever the target engine's own reader would have said of the input.
 */
export function conversionReader(engine: EngineProfile): EngineProfile {
  return { ...engine, snapshots: { ...engine.snapshots, read: 'detect-magic', lz4Decoder: 'raft-decompress' } };
}

/**
 * The engine a repair's output is checked with. Raw output is for an engine that reads raw data:
 * it is checked as that engine built without LZ4, so that no LZ4 frame can pass unnoticed.
 */
export function outputReader(engine: EngineProfile, form: SnapshotForm | undefined): EngineProfile {
  if (form !== 'raw' || engine.snapshots.read === 'no-lz4') return engine;
  return { ...engine, snapshots: { ...engine.snapshots, read: 'no-lz4' } };
}

/** What reads snapshots of each form, in words, for plans and findings. */
export function formWords(form: SnapshotForm): string {
  if (form === 'lz4') {
    return (
      'an LZ4 frame (stored blocks, with content size and content checksum), ' +
      'which every engine built with LZ4 reads'
    );
  }
  const lz4Only = releasesWhere((p) => p.snapshots.read === 'always-lz4');
  return `raw data, which every engine reads except ${lz4Only} built with LZ4 (their default)`;
}
