// Engine profiles (what differs between dqlite 1.11, 1.16–1.18 and cowsql 1.15) and `auto` inference.
export {
  applyRulesOf,
  DEFAULT_ENGINE,
  ENGINE_NAMES,
  engineProfile,
  knownReleases,
  parseEngineName,
  profileOf,
  releasesWhere,
  releaseWords,
  type EngineFamily,
  type EngineName,
  type EngineProfile,
  type Lz4Decoder,
  type SnapshotReadMode,
} from './profiles.js';
export { inferEngine, resolveEngine, type EngineResolution, type EngineSource, type ProductHint } from './infer.js';
export {
  conversionReader,
  convertsTo,
  formWords,
  outputReader,
  snapshotFormFor,
  type SnapshotForm,
} from './snapshot-form.js';
