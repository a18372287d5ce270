// The roles a running cluster reports: starts a scratch copy of an output set with dqlite-demo
// (lab.mjs's own startNode/waitReady/stop, loopback only), asks `dqlite -s ADDR demo .cluster`,
// and stops exactly the processes it started.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { labDir, nextPortBase } from './lab.js';

const run = promisify(execFile);

interface LabNode {
  readonly exitCode: number | null;
  readonly signalCode: string | null;
}
interface LabModule {
  startNode(dataDir: string, api: string, db: string, join: string | undefined, logFile: string): LabNode;
  waitReady(node: LabNode, ms?: number): Promise<void>;
  stop(node: LabNode, how: 'term' | 'kill'): Promise<void>;
  readInfo(file: string): { Address?: string; ID?: string };
}

export interface ClusterMember {
  readonly id: bigint;
  readonly address: string;
  /** As the shell prints it: voter, stand-by, spare. */
  readonly role: string;
}

/** Parses `.cluster` (tabular): `<hex id>|<address>|<role>` per line. */
export function parseClusterOutput(text: string): ClusterMember[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l.includes('|')).map((l) => {
    const [id, address, role] = l.split('|') as [string, string, string];
    return { id: BigInt(`0x${id}`), address, role: role.trim() };
  });
}

async function askCluster(addresses: readonly string[]): Promise<ClusterMember[]> {
  // All of them: the shell finds the leader through any voter (asking only a stand-by can hang).
  const servers = addresses.join(',');
  let last = '';
  for (let attempt = 0; attempt < 6; attempt++) {
    try {
      const { stdout } = await run('dqlite', ['-s', servers, 'demo', '.cluster'], { timeout: 10_000 });
      const members = parseClusterOutput(stdout);
      if (members.length) return members;
      last = stdout;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`dqlite .cluster via ${servers} failed: ${last}`);
}

/** Starts every node of `setDir` (a copy), returns what `.cluster` reports, stops them again. */
export async function clusterRoles(setDir: string): Promise<ClusterMember[]> {
  const lab = (await import(pathToFileURL(path.join(labDir, 'lab.mjs')).href)) as LabModule;
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'raft-rescue-roles-'));
  fs.cpSync(setDir, copy, { recursive: true });
  const dirs = fs.readdirSync(copy).filter((d) => fs.existsSync(path.join(copy, d, 'info.yaml')));
  const base = nextPortBase();
  const nodes: LabNode[] = [];
  const addresses = dirs.map((d) => lab.readInfo(path.join(copy, d, 'info.yaml')).Address ?? d);
  try {
    dirs.forEach((d, i) => nodes.push(lab.startNode(copy, `127.0.0.1:${base + i + 1}`, addresses[i]!, undefined, path.join(copy, `${d}.log`))));
    for (const n of nodes) await lab.waitReady(n);
    return await askCluster(addresses);
  } finally {
    for (const n of nodes) if (n.exitCode === null && n.signalCode === null) await lab.stop(n, 'term');
    fs.rmSync(copy, { recursive: true, force: true });
  }
}
