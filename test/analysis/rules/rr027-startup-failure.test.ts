import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr027-startup-failure.js';
import fs from 'node:fs';
import { profileOf } from '../../../src/analysis/engine/profiles.js';
import { decodeSnapshotMeta, encodeSnapshotMeta } from '../../../src/format/snapshot-meta.js';
import { append, read, write } from '../../helpers/damage.js';
import { cleanupCopies, damaged, onHealthy, runRule, sampleIndexes, withReplaced } from './harness.js';

afterAll(cleanupCopies);

describe('RR027 startup-failure', () => {
  it('reports every failing node of the past-snapshot set with the exact C message', async () => {
    const found = runRule(rule, await sampleIndexes('past-snapshot'));
    expect(found.map((f) => [f.severity, f.node])).toEqual([['error', '127.0.0.1:9541'], ['error', '127.0.0.1:9542']]);
    expect(found[0]!.data['error']).toBe('closed segment 0000000000002041-0000000000002048 is past last snapshot snapshot-1-1024-317095');
    expect(found[0]!.message).toContain('raft fails with RAFT_CORRUPT (persisted data is corrupted): "closed segment 0000000000002041-0000000000002048 is past last snapshot snapshot-1-1024-317095"');
  });

  it('says an assertion aborts the process where the engine keeps them on', async () => {
    const dir = await damaged('healthy', 0, (d) => {
      const meta = fs.readdirSync(d).find((n) => n.startsWith('snapshot-1-2048-') && n.endsWith('.meta'))!;
      const value = decodeSnapshotMeta(read(d, meta)).value!;
      write(d, meta, encodeSnapshotMeta(value.configurationIndex, value.configuration!.map((x, i) => (i ? x : { ...x, id: 0n }))));
    });
    const nodes = await withReplaced('healthy', 0, dir);
    const [found] = runRule(rule, nodes, { engine: profileOf('dqlite-1.18') });
    expect(found!.message).toContain('the process crashes (a failed assertion in dqlite-1.18\'s loader) without a message');
    expect(runRule(rule, nodes)).toEqual([]);
  });

  it('warns when the node starts only because auto-recovery drops segments, and errs with auto-recovery off', async () => {
    const last = '0000000000002049-0000000000002614';
    const dir = await damaged('healthy', 0, (d) => append(d, last, new Uint8Array(4096)));
    const nodes = await withReplaced('healthy', 0, dir);
    const [warn] = runRule(rule, nodes);
    expect(warn).toMatchObject({ severity: 'warning', node: '127.0.0.1:9511', file: last });
    expect(warn!.message).toContain(`auto-recovery renames ${last} to corrupt-*`);
    expect(warn!.message).toContain('silently loses entries 2049-2614');
    const [err] = runRule(rule, nodes, { autoRecovery: false });
    expect(err!.severity).toBe('error');
    expect(err!.data['error']).toBe(`load closed segment ${last}: entries batch 567 starting at byte 4678256: entries count in preamble is zero`);
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
