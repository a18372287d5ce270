#!/usr/bin/env node
// A real cluster whose database `shrink` shrinks: the only case where dqlite versions differ in the
// main file they hold (≤ 1.18.1: the file never shrinks; ≥ 1.18.2: it follows page 1's size). The
// dqlite shell runs every statement in a transaction and VACUUM refuses that, so VACUUM goes over
// a minimal dqlite wire client (protocol 1: OPEN, then EXEC_SQL outside any transaction) to the
// leader. Then every node's in-memory files are saved with the shell's `.dump ADDRESS shrink`.
//
//   node lab-vacuum.mjs --lab LAB_MJS --dir D --port P
//
// Leaves D/<address>/ (node directories), D/dumps/<address>/{shrink,shrink-wal} and D/vacuum.json
// ({ leader, vacuum: the wire reply }).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name) => args[args.indexOf(`--${name}`) + 1];
const lab = await import(pathToFileURL(path.resolve(opt('lab'))).href);
const dir = path.resolve(opt('dir'));
const port = Number(opt('port'));
const address = (i) => `127.0.0.1:${port + i}`;
const servers = [1, 2, 3].map(address).join(',');
fs.mkdirSync(dir, { recursive: true });

const shell = (db, sql, cwd = dir) => execFileSync('dqlite', ['-s', servers, db, sql], { encoding: 'utf8', cwd, timeout: 60_000 });

/** EXEC_SQL outside a transaction (go-dqlite internal/protocol: 8-byte header, words of 8 bytes). */
function execOutsideTransaction(addr, db, sql) {
  const pad8 = (n) => (n + 7) & ~7;
  const text = (s) => { const b = Buffer.alloc(pad8(Buffer.byteLength(s) + 1)); b.write(s); return b; };
  const u64 = (v) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); return b; };
  const message = (type, body) => { const h = Buffer.alloc(8); h.writeUInt32LE(body.length / 8, 0); h.writeUInt8(type, 4); return Buffer.concat([h, body]); };
  const failure = (m) => (m.type === 0 ? `failure ${m.body.readBigUInt64LE(0)}: ${m.body.subarray(8).toString().replace(/\0.*$/s, '')}` : undefined);
  return new Promise((resolve, reject) => {
    const [host, p] = addr.split(':');
    const sock = net.connect(Number(p), host);
    let buf = Buffer.alloc(0);
    const waiting = [];
    const pump = () => {
      while (buf.length >= 8 && waiting.length) {
        const len = 8 + buf.readUInt32LE(0) * 8;
        if (buf.length < len) return;
        const m = { type: buf.readUInt8(4), body: buf.subarray(8, len) };
        buf = buf.subarray(len);
        waiting.shift()(m);
      }
    };
    const call = (type, body) => new Promise((r) => { waiting.push(r); sock.write(message(type, body)); pump(); });
    sock.on('data', (d) => { buf = Buffer.concat([buf, d]); pump(); });
    sock.on('error', reject);
    sock.on('connect', async () => {
      sock.write(u64(1));
      const open = await call(3, Buffer.concat([text(db), u64(0), text('test')]));
      if (failure(open)) { sock.end(); resolve(`open ${failure(open)}`); return; }
      const r = await call(8, Buffer.concat([u64(open.body.readUInt32LE(0)), text(sql)]));
      sock.end();
      resolve(failure(r) ?? 'ok');
    });
  });
}

const running = [];
try {
  for (let i = 1; i <= 3; i++) {
    const n = lab.startNode(dir, `127.0.0.1:${port + 100 + i}`, address(i), i > 1 ? address(1) : undefined, path.join(dir, `node${i}.log`));
    running.push(n);
    await lab.waitReady(n);
    if (i === 1) await lab.sleep(1000);
  }
  await lab.sleep(3000);
  for (let w = 0; w < 20; w++) await lab.put(running[w % 3], `key${w}`, `v${w}`);
  shell('shrink', 'CREATE TABLE big (x)');
  shell('shrink', 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 200) INSERT INTO big SELECT randomblob(3000) FROM c');
  shell('shrink', 'DELETE FROM big WHERE rowid > 10');
  const leader = shell('shrink', '.leader').trim();
  const vacuum = await execOutsideTransaction(leader, 'shrink', 'VACUUM');
  shell('shrink', 'INSERT INTO big VALUES (randomblob(100))');
  for (let w = 20; w < 30; w++) await lab.put(running[w % 3], `key${w}`, `v${w}`);
  await lab.sleep(1000);
  for (let i = 1; i <= 3; i++) {
    const out = path.join(dir, 'dumps', address(i));
    fs.mkdirSync(out, { recursive: true });
    shell('shrink', `.dump ${address(i)} shrink`, out);
  }
  fs.writeFileSync(path.join(dir, 'vacuum.json'), JSON.stringify({ leader, vacuum }));
  for (const n of running) await lab.stop(n, 'term');
  console.log(`vacuum: ${vacuum} on ${leader}`);
} finally {
  for (const n of running) if (n.exitCode === null && n.signalCode === null) await lab.stop(n, 'kill');
}
