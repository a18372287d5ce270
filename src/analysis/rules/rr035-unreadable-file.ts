// RR035: a file the scanner could not read (permissions, vanished while scanning) or a name raft
// treats as a segment or snapshot that is not a regular file (a directory, a symlink). raft's
// UvFsReadFile fails on it with RAFT_IOERR, and nothing else about it can be checked.
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding } from './util.js';

const KINDS = new Set(['unreadable', 'not-a-regular-file']);

function check(facts: NodeFacts): Finding[] {
  return facts.node.issues
    .filter((i) => KINDS.has(i.kind))
    .map((i) =>
      finding(rule, facts.node.name, {
        file: i.file,
        message: `${i.file}: ${i.message}; raft cannot read it either, and nothing in it was checked.`,
        repairs: [
          i.kind === 'unreadable'
            ? `Fix the permissions of ${i.file} (or copy the directory again) and re-run the check.`
            : `Replace ${i.file} with the regular file it should be, or move it out of the directory.`,
        ],
        data: { kind: i.kind },
      }),
    );
}

export const rule: Rule = {
  code: 'RR035',
  name: 'unreadable-file',
  severity: 'error',
  summary: 'A file could not be read, or a segment/snapshot name is not a regular file.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
