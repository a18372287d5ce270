#!/usr/bin/env node
// A real dqlite-demo cluster whose members have the small IDs LXD and Incus give their database
// members (1, 2, 3, … = raft_nodes.id = the global nodes.id), so that product layouts can be
// built around real raft data. go-dqlite's app picks IDs itself (the bootstrap ID, then random
// u64s), so the cluster is renumbered the way go-dqlite documents a recovery: every node
// stopped, `dqlite .reconfigure` run once on the first node's directory with the new IDs, that
// node's log copied to the others (each keeps its own metadata), info.yaml and cluster.yaml
// rewritten. Then the cluster is started again and written to, so the log after the
// reconfiguration holds entries the renumbered cluster itself wrote.
//
//   node lab-small-ids.mjs --lab LAB_MJS --dir D --port P [--nodes 3] [--first N1] [--second N2]
//                          [--keys 64] [--value-bytes 16] [--stop term|kill]
//
// Leaves D/<host:port>/ (info.yaml IDs 1..nodes) and D/expect.json.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const lab = await import(path.resolve(opt('lab')));
const dir = path.resolve(opt('dir'));
const port = Number(opt('port'));
const nodes = Number(opt('nodes', '3'));
const keys = Number(opt('keys', '64'));
const valueBytes = Number(opt('value-bytes', '16'));
const logs = `${dir}.logs`;

const address = (i) => `127.0.0.1:${port + i}`;
const api = (i) => `127.0.0.1:${port + 100 + i}`;

await lab.make({ dir, nodes, writes: opt('first', '1200'), port, stop: 'term', keys, 'value-bytes': valueBytes });
const expect = JSON.parse(fs.readFileSync(path.join(dir, 'expect.json'), 'utf8'));

// The new membership: IDs 1..nodes, every member a voter, addresses unchanged.
const yaml = Array.from({ length: nodes }, (_, k) => `- ID: ${k + 1}\n  Address: ${address(k + 1)}\n  Role: 0\n`).join('');
const target = path.join(path.dirname(dir), 'small-ids.yaml');
fs.writeFileSync(target, yaml);
const template = path.join(dir, address(1));
const raftFile = (name) => /^(\d{16}-\d{16}|open-\d+|snapshot-\d+-\d+-\d+(\.meta)?)$/.test(name);
const out = execFileSync('dqlite', ['-s', '127.0.0.1:1', 'x', `.reconfigure ${template} ${target}`], { encoding: 'utf8' });
if (out.trim() !== 'OK') throw new Error(`.reconfigure: ${out}`);
for (let i = 1; i <= nodes; i++) {
  const node = path.join(dir, address(i));
  if (i > 1) {
    for (const name of fs.readdirSync(node).filter(raftFile)) fs.rmSync(path.join(node, name));
    for (const name of fs.readdirSync(template).filter(raftFile)) fs.copyFileSync(path.join(template, name), path.join(node, name));
  }
  fs.writeFileSync(path.join(node, 'info.yaml'), `ID: ${i}\nAddress: ${address(i)}\nRole: 0\n`);
  fs.writeFileSync(path.join(node, 'cluster.yaml'), yaml);
}

let running = [];
try {
  for (let i = 1; i <= nodes; i++) running.push(lab.startNode(dir, api(i), address(i), undefined, path.join(logs, `renumbered${i}.log`)));
  for (const n of running) await lab.waitReady(n);
  await lab.sleep(3000);
  const second = Number(opt('second', '600'));
  for (let w = 0; w < second; w++) {
    const key = `key${w % keys}`;
    const value = `r${w}-` + crypto.randomBytes(valueBytes).toString('base64url').slice(0, valueBytes);
    await lab.put(running[w % running.length], key, value);
    expect[key] = value;
  }
  await lab.sleep(1000);
  for (const n of running) await lab.stop(n, opt('stop', 'term'));
  fs.writeFileSync(path.join(dir, 'expect.json'), JSON.stringify(expect, null, 1));
  console.log(`small-ids: ${nodes} nodes renumbered 1..${nodes} in ${dir}`);
} finally {
  for (const n of running) if (n.exitCode === null && n.signalCode === null) await lab.stop(n, 'kill');
}
