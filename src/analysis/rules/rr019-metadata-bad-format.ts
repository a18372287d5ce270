// RR019: a 32-byte metadata file whose format word is not 1 (RAFT_MALFORMED
// "decode content of %s: bad format version %ju") or whose version is 0 (RAFT_CORRUPT
// "decode content of %s: version is set to zero"). Either fails init even when the other
// metadata file is fine (uvMetadataLoadN, raft src/uv_metadata.c).
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding } from './util.js';

function check(facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  const { metadata1, metadata2 } = facts.node;
  for (const m of [metadata1, metadata2]) {
    const issue = m?.decoded.issues.find((i) => i.kind === 'metadata-bad-format' || i.kind === 'metadata-zero-version');
    if (!m || !issue) continue;
    const other = m.name === 'metadata1' ? metadata2 : metadata1;
    const otherOk = other?.size === 32 && other.decoded.issues.length === 0 ? other.decoded.value : undefined;
    out.push(
      finding(rule, facts.node.name, {
        file: m.name,
        offset: issue.offset,
        message: `${m.name}: ${issue.kind === 'metadata-bad-format' ? `format word is ${String(issue.data?.['found'])}, not 1` : 'version is 0'}; raft refuses to start ("${issue.message}").`,
        repairs: otherOk
          ? [`Lossless: delete ${m.name}; ${other!.name} is valid (version ${otherOk.version}, term ${otherOk.term}).`]
          : [
              `Rewrite ${m.name} with format 1, version 1, the last term in the log (${facts.diskLog.lastTerm}) and no vote.`,
            ],
        data: { kind: issue.kind, found: issue.data?.['found'] },
      }),
    );
  }
  return out;
}

export const rule: Rule = {
  code: 'RR019',
  name: 'metadata-bad-format',
  severity: 'error',
  summary: 'A metadata file has a format word other than 1 or version 0: raft refuses to start.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
