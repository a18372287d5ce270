// RR039: the snapshot this node starts from holds raw data (cowsql/raft ≥ 0.17.3 writes every
// snapshot so). The node's own engine reads it (it detects the LZ4 magic), but dqlite ≥ 1.18.3
// built with LZ4, its default, reads every snapshot as an LZ4 frame without looking
// (uvSnapshotLoadData → UvFsReadCompressedFile) and stops: the files do not move to LXD or
// MicroK8s as they are. An info finding: nothing is wrong for the engine that wrote them.
import { releasesWhere } from '../engine/profiles.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding } from './util.js';

const LZ4_ONLY_ERROR = 'LZ4F_getFrameInfo ERROR_frameType_unknown';

function check(facts: NodeFacts): Finding[] {
  const data = facts.snapshot?.record?.data;
  // An engine that reads only LZ4 frames fails on this node already (RR027 says so).
  if (!facts.snapshot || !data || data.size === 0 || data.frame.compressed) return [];
  if (facts.engine.snapshots.read === 'always-lz4') return [];
  const lz4Only = releasesWhere((p) => p.snapshots.read === 'always-lz4');
  const name = facts.snapshot.name;
  return [
    finding(rule, facts.node.name, {
      file: name,
      message:
        `${name} holds raw data, not an LZ4 frame (as cowsql writes snapshots): ${facts.engine.name} reads it, ` +
        `but ${lz4Only} built with LZ4 (their default) would not start this node ("${LZ4_ONLY_ERROR}").`,
      repairs: [
        'To start these files on dqlite 1.18.3 or newer, `repair --engine dqlite-1.18` writes the snapshot as an ' +
          'LZ4 frame with the same content (`--convert-snapshots lz4` for any engine).',
      ],
      data: { snapshot: name, form: 'raw', failsOn: lz4Only },
    }),
  ];
}

export const rule: Rule = {
  code: 'RR039',
  name: 'snapshot-not-portable',
  severity: 'info',
  summary:
    'The snapshot a node starts from is raw data (as cowsql writes it): dqlite 1.18.3 and newer, ' +
    'built with LZ4, would not start it.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
