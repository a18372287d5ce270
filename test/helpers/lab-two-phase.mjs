#!/usr/bin/env node
// A real dqlite-demo cluster written in two phases, so that tests can check a database rebuilt at
// an earlier raft index against what the cluster held then. Built on ../shared/dqlite-lab/lab.mjs
// (its exported startNode / waitReady / put / stop), with whatever engine the environment selects
// (../shared/engines/env.sh).
//
//   node lab-two-phase.mjs --lab LAB_MJS --dir D --port P --first N1 --second N2
//                          [--nodes 3] [--keys 64] [--value-bytes 16] [--stop term|kill]
//
// Phase 1: N1 writes; the dqlite shell's answer to SELECT key, value FROM model is kept; every node
// is stopped (SIGTERM) and the directories are copied to D.first/ (their raft logs then end at the
// index the state belongs to). Phase 2: the same nodes start again on D, N2 more writes, the
// shell's answer again, then every node stops (--stop). Leaves D/, D.first/, and in each
// expect.json (the values written) and shell.json (what the running cluster answered).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { shellModel } from './lab-query.mjs';

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
fs.mkdirSync(dir, { recursive: true });
fs.mkdirSync(logs, { recursive: true });

const address = (i) => `127.0.0.1:${port + i}`;
const api = (i) => `127.0.0.1:${port + 100 + i}`;
const expect = {};
let w = 0;

async function start(join) {
  const running = [];
  for (let i = 1; i <= nodes; i++) {
    const n = lab.startNode(dir, api(i), address(i), join && i > 1 ? address(1) : undefined, path.join(logs, `node${i}.log`));
    running.push(n);
    if (join) {
      await lab.waitReady(n);
      if (i === 1) await lab.sleep(1000);
    }
  }
  if (!join) for (const n of running) await lab.waitReady(n);
  await lab.sleep(3000);
  return running;
}

async function writes(running, count) {
  for (let k = 0; k < count; k++, w++) {
    const key = `key${w % keys}`;
    const value = `v${w}-` + crypto.randomBytes(valueBytes).toString('base64url').slice(0, valueBytes);
    await lab.put(running[w % running.length], key, value);
    expect[key] = value;
  }
}

function shell() {
  return shellModel(Array.from({ length: nodes }, (_, i) => address(i + 1)));
}

function save(target, answered) {
  fs.writeFileSync(path.join(target, 'expect.json'), JSON.stringify(expect, null, 1));
  fs.writeFileSync(path.join(target, 'shell.json'), JSON.stringify(answered, null, 1));
}

let running = [];
try {
  running = await start(true);
  await writes(running, Number(opt('first')));
  const first = shell();
  for (const n of running) await lab.stop(n, 'term');
  fs.cpSync(dir, `${dir}.first`, { recursive: true });
  save(`${dir}.first`, first);
  running = await start(false);
  await writes(running, Number(opt('second')));
  const second = shell();
  await lab.sleep(1000);
  for (const n of running) await lab.stop(n, opt('stop', 'term'));
  save(dir, second);
  console.log(`two-phase: ${w} writes in ${dir}`);
} finally {
  for (const n of running) if (n.exitCode === null && n.signalCode === null) await lab.stop(n, 'kill');
}
