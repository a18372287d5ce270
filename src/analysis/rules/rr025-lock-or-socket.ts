// RR025: things a stopped node's data directory should not need: dqlite's `dqlite-lock` file
// (dqlite ≥ 1.16.5 flocks it while the node runs or recovers), and sockets, fifos or device
// nodes. They suggest the directory was copied from a live node, whose files may be
// mid-write: compare the copy again after stopping the node.
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding } from './util.js';

function check(facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  for (const f of facts.node.files) {
    if (f.class.kind === 'lock') {
      out.push(
        finding(rule, facts.node.name, {
          severity: 'info',
          file: f.name,
          message: `${f.name} is present: dqlite ≥ 1.16.5 locks it while the node runs; make sure the node was stopped when this directory was copied.`,
          repairs: ['None needed if the node was stopped; otherwise stop it and copy the directory again.'],
          data: { type: f.type, mtimeMs: f.mtimeMs },
        }),
      );
    } else if (f.type === 'socket' && f.class.kind === 'product') {
      // kine's socket stays behind after a clean stop too (k8s-dqlite does not remove it).
      out.push(
        finding(rule, facts.node.name, {
          severity: 'info',
          file: f.name,
          message: `${f.name} is ${f.class.what}; one stays after a clean stop too. Make sure the node was stopped when this directory was copied.`,
          repairs: ['None needed if the node was stopped; the socket is not copied by a repair.'],
          data: { type: f.type },
        }),
      );
    } else if (f.type === 'socket' || f.type === 'fifo' || f.type === 'device') {
      out.push(
        finding(rule, facts.node.name, {
          file: f.name,
          message: `${f.name} is a ${f.type}: a data directory holds only regular files; was it copied from a running node or a live file system?`,
          repairs: [`Remove ${f.name} from the copy; stop the node and copy the directory again if it was running.`],
          data: { type: f.type },
        }),
      );
    }
  }
  return out;
}

export const rule: Rule = {
  code: 'RR025',
  name: 'lock-or-socket',
  severity: 'warning',
  summary: 'A dqlite-lock file (info), or sockets, fifos or devices in a copied directory: copied from a live node?',
  check: (ctx) => ctx.nodes.flatMap(check),
};
