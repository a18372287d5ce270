// RR018: a metadata file that is not 32 bytes. Longer: RAFT_CORRUPT "%s has size %jd instead of
// 32" and init fails. Shorter: uvMetadataLoadN assumes a crash while writing it, deletes it and
// carries on as if it were missing (format-spec §5, §9 item 10).
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding } from './util.js';

function check(facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  for (const m of [facts.node.metadata1, facts.node.metadata2]) {
    if (!m || m.size === 32) continue;
    const v = m.decoded.value;
    if (m.size > 32) {
      const fits = v && v.format === 1n && v.version > 0n;
      out.push(
        finding(rule, facts.node.name, {
          file: m.name,
          offset: 32,
          message: `${m.name} is ${m.size} bytes instead of 32: raft refuses to start ("${m.name} has size ${m.size} instead of 32").`,
          repairs: fits
            ? [
                `Lossless: truncate ${m.name} to 32 bytes (its first 32 bytes are valid: version ${v.version}, term ${v.term}).`,
              ]
            : [
                `Delete ${m.name} if the other metadata file is valid; otherwise rewrite it with the last term in the log.`,
              ],
          data: { size: m.size, firstBytesValid: Boolean(fits) },
        }),
      );
    } else {
      out.push(
        finding(rule, facts.node.name, {
          severity: 'warning',
          file: m.name,
          message: `${m.name} is only ${m.size} bytes: raft deletes it at start-up and treats it as missing (a crash while writing it).`,
          repairs: [`Delete ${m.name} (what start-up does).`],
          data: { size: m.size },
        }),
      );
    }
  }
  return out;
}

export const rule: Rule = {
  code: 'RR018',
  name: 'metadata-wrong-size',
  severity: 'error',
  summary: 'A metadata file is not 32 bytes: longer fails start-up, shorter is deleted (warning).',
  check: (ctx) => ctx.nodes.flatMap(check),
};
