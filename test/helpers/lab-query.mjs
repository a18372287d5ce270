#!/usr/bin/env node
// What a set of node directories answers as a running cluster: copies the set, starts one
// dqlite-demo per node directory (address from its name, as lab.mjs verify does), asks the dqlite
// shell for dqlite-demo's model table, stops the nodes and prints { key: value } as JSON.
//
//   node lab-query.mjs --lab LAB_MJS --dir D --port P [--sql SQL]
//
// With --sql: that statement against dqlite-demo's database instead, printed as JSON { ok, lines }
// (the shell's output lines, or its error text when it failed).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The model table through the dqlite shell, as { key: value }. go-dqlite 1.11.5's shell prints
 * `key|value` lines whatever --format says; keys and values here never hold a `|`.
 */
export function shellModel(servers) {
  const out = execFileSync('dqlite', ['-s', servers.join(','), 'demo', 'SELECT key, value FROM model'], { encoding: 'utf8', timeout: 60_000 });
  return Object.fromEntries(out.split('\n').filter(Boolean).map((line) => {
    const bar = line.indexOf('|');
    return [line.slice(0, bar), line.slice(bar + 1)];
  }));
}

/** Any statement through the dqlite shell: its output lines, or (ok false) what it printed on failure. */
function shellLines(servers, sql) {
  try {
    const out = execFileSync('dqlite', ['-s', servers.join(','), 'demo', sql],
      { encoding: 'utf8', timeout: 60_000, stdio: 'pipe' });
    return { ok: true, lines: out.split('\n').filter(Boolean) };
  } catch (error) {
    return { ok: false, lines: `${error.stdout ?? ''}${error.stderr ?? ''}`.split('\n').filter(Boolean) };
  }
}

async function main(args) {
  const opt = (name) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
  const lab = await import(pathToFileURL(path.resolve(opt('lab'))).href);
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-lab-query-'));
  fs.cpSync(path.resolve(opt('dir')), copy, { recursive: true });
  const port = Number(opt('port'));
  const addresses = fs.readdirSync(copy).filter((d) => fs.existsSync(path.join(copy, d, 'info.yaml'))).sort();
  const running = addresses.map((a, i) => lab.startNode(copy, `127.0.0.1:${port + 100 + i}`, a, undefined, path.join(copy, `${a}.log`)));
  try {
    for (const n of running) await lab.waitReady(n);
    await lab.sleep(2000);
    const sql = opt('sql');
    process.stdout.write(JSON.stringify(sql === undefined ? shellModel(addresses) : shellLines(addresses, sql)));
  } finally {
    for (const n of running) if (n.exitCode === null && n.signalCode === null) await lab.stop(n, 'term');
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2));
