import { describe, expect, it } from 'vitest';
import { applyRulesOf, DEFAULT_ENGINE, ENGINE_NAMES, engineProfile, parseEngineName, profileOf } from '../../../src/analysis/engine/profiles.js';
import { APPLY_RULES_DQLITE_1_11, APPLY_RULES_DQLITE_1_18_2 } from '../../../src/format/dqlite-apply.js';
import { UsageError } from '../../../src/core/errors.js';

const at = (name: string) => engineProfile(name)!;

describe('parseEngineName', () => {
  it('accepts auto, every listed name and full versions', () => {
    expect(parseEngineName('auto')).toBe('auto');
    expect(parseEngineName(' AUTO ')).toBe('auto');
    for (const name of ENGINE_NAMES) expect(parseEngineName(name)).toMatchObject({ name });
    expect(parseEngineName('dqlite-1.18.2')).toMatchObject({ name: 'dqlite-1.18.2', version: '1.18.2', family: 'dqlite' });
    expect(parseEngineName('cowsql-1.15.3')).toMatchObject({ name: 'cowsql-1.15.3', family: 'cowsql' });
  });

  it('resolves a minor to its newest known release', () => {
    expect(profileOf('dqlite-1.18').version).toBe('1.18.6');
    expect(profileOf('dqlite-1.17').version).toBe('1.17.3');
    expect(profileOf('dqlite-1.16').version).toBe('1.16.7');
    expect(profileOf('dqlite-1.11')).toMatchObject({ version: '1.11.1', raft: 'libraft 0.15.0' });
    expect(profileOf('cowsql-1.15')).toMatchObject({ version: '1.15.9', raft: 'cowsql/raft 0.22.1' });
  });

  it('refuses anything else with a usage error naming the accepted values', () => {
    for (const bad of ['', 'dqlite', 'dqlite-1.12', 'dqlite-1.19', 'dqlite-2.0', 'cowsql-1.14', 'lxd', 'dqlite-1.18.x', 'raft-0.15']) {
      expect(() => parseEngineName(bad), bad).toThrow(UsageError);
    }
    expect(() => parseEngineName('dqlite-1.12')).toThrow(/unknown engine "dqlite-1\.12": engine must be auto, dqlite-1\.11, dqlite-1\.16, dqlite-1\.17, dqlite-1\.18, cowsql-1\.15 or a full version such as dqlite-1\.18\.2/);
  });

  it('defaults to Debian 12\'s libraft 0.15', () => {
    expect(DEFAULT_ENGINE).toEqual(profileOf('dqlite-1.11'));
  });
});

describe('version thresholds (engine fact sheet, section V)', () => {
  it('dqlite-lock from 1.16.5', () => {
    expect(at('dqlite-1.16.4').lockFile).toBe(false);
    expect(at('dqlite-1.16.5').lockFile).toBe(true);
    expect(profileOf('dqlite-1.11').lockFile).toBe(false);
    expect(profileOf('cowsql-1.15').lockFile).toBe(false);
  });

  it('WAL-less snapshot payloads and live asserts from 1.17.0 (bundled raft)', () => {
    expect(at('dqlite-1.16.7').snapshots.payloadWal).toBe(true);
    expect(at('dqlite-1.17.0').snapshots.payloadWal).toBe(false);
    expect(at('dqlite-1.16.7').loader).toMatchObject({ asserts: false, listStatErrors: 'last-entry' });
    expect(at('dqlite-1.17.0').loader).toMatchObject({ asserts: true, listStatErrors: 'first' });
  });

  it('always-LZ4 streaming reads from 1.18.3', () => {
    expect(at('dqlite-1.18.2').snapshots).toMatchObject({ read: 'detect-magic', lz4Decoder: 'raft-decompress' });
    expect(at('dqlite-1.18.3').snapshots).toMatchObject({ read: 'always-lz4', lz4Decoder: 'dqlite-stream' });
  });

  it('1.18.3 and 1.18.4 abort on WAL snapshot payloads, 1.18.5 restores them again', () => {
    expect(['1.18.2', '1.18.3', '1.18.4', '1.18.5'].map((v) => at(`dqlite-${v}`).snapshots.restoresWalPayload)).toEqual([true, false, false, true]);
  });

  it('FRAMES with is_commit = 0 rejected from 1.18.2', () => {
    expect(at('dqlite-1.18.1').framesNotCommit).toBe('pending');
    expect(at('dqlite-1.18.2').framesNotCommit).toBe('rejected');
    expect(profileOf('cowsql-1.15').framesNotCommit).toBe('pending');
  });

  it('the FRAMES apply rules follow the profile: the commit size and is_commit = 0 change in 1.18.2', () => {
    expect(applyRulesOf(at('dqlite-1.18.1'))).toEqual(APPLY_RULES_DQLITE_1_11);
    expect(applyRulesOf(at('dqlite-1.18.2'))).toEqual(APPLY_RULES_DQLITE_1_18_2);
    expect(applyRulesOf(profileOf('dqlite-1.18'))).toEqual(APPLY_RULES_DQLITE_1_18_2);
    for (const name of ['dqlite-1.11', 'dqlite-1.16', 'dqlite-1.17', 'cowsql-1.15'] as const) {
      expect(applyRulesOf(profileOf(name)), name).toEqual(APPLY_RULES_DQLITE_1_11);
    }
  });

  it('cowsql: fallback, raw snapshots, recovery term = last term, zero padding', () => {
    expect(profileOf('cowsql-1.15')).toMatchObject({
      snapshots: { fallback: true, read: 'detect-magic', lz4Decoder: 'raft-decompress', written: 'raw', payloadWal: true },
      loader: { asserts: false, configurationErrors: 'malformed', strerror: 'raft-0.17' },
      recoveryEntryTerm: 'last-log-term', zeroPadding: true,
    });
  });

  it('libraft 0.15: its own error codes and strerror table, no .probe_fallocate probe', () => {
    expect(profileOf('dqlite-1.11').loader).toEqual({
      asserts: false, configurationErrors: 'specific', strerror: 'raft-0.15', removesProbeFallocate: false, listStatErrors: 'last-entry',
    });
    for (const name of ['dqlite-1.16', 'dqlite-1.17', 'dqlite-1.18'] as const) {
      expect(profileOf(name).loader).toMatchObject({ configurationErrors: 'malformed', strerror: 'raft-0.17', removesProbeFallocate: true });
      expect(profileOf(name).recoveryEntryTerm).toBe('one');
    }
  });
});
