// The files that differ per output node: metadata, info.yaml, cluster.yaml and identity files
// (TLS certificates and other files raft and go-dqlite do not manage) carried over by node ID.
import { createHash } from 'node:crypto';
import { encodeMetadata } from '../../format/metadata.js';
import { formatClusterYaml, formatNodeInfo, type NodeInfo } from '../../format/node-yaml.js';
import type { InputDigests } from '../../scan/digest.js';
import type { NodeIndex } from '../../scan/node-index.js';
import { digestOf, FILE_MODE } from './log-files.js';
import type { PlannedFile } from './types.js';

/**
 * Why non-source nodes get a fresh metadata1 rather than none (the `.reconfigure` help text says
 * to delete metadata1/2 on the other nodes). dqlite's maybeBootstrap (src/server.c) bootstraps a
 * node whose ID is 1 or 3297041220608546238 (go-dqlite's BootstrapID, the first node of every
 * go-dqlite cluster) when its raft term is 0, i.e. when it has no metadata. raft_bootstrap then
 * writes metadata1 {v1, term 1} and a second 0000000000000001-0000000000000001 segment next to
 * the copied log. Checked with libraft 0.15 / dqlite 1.11 (dqlite-demo, a copied log without
 * metadata on the bootstrap node): "raft_start(): io: unexpected closed segment
 * 0000000000000001-0000000000000001: first index should have been 307" when the log has no
 * snapshot, and with one the segments 1..1021 were silently dropped. With metadata at a term
 * above 0, raft_bootstrap returns RAFT_CANTBOOTSTRAP, which dqlite ignores, and the node starts
 * as a follower (verified: the same set then passes lab.mjs verify). The term is the highest any
 * input knows (metadata or log), so every future election is in a newer term than any vote cast
 * before; votedFor is 0 (no vote in that term yet).
 */
export const METADATA_RULE =
  'The source node keeps its own metadata1/metadata2 (term and vote). Every other node gets a fresh metadata1 ' +
  '{format 1, version 1, term T, voted for nobody}, T = the highest term any input knows. Without metadata, ' +
  "dqlite re-bootstraps a node whose ID is 1 or 3297041220608546238 (go-dqlite's first node) and writes a second " +
  '1-1 segment beside the copied log: libraft 0.15 / dqlite 1.11 then refuse to start ("unexpected closed segment ' +
  '0000000000000001-0000000000000001: first index should have been N"). With a term above 0 raft refuses to ' +
  'bootstrap and the node starts as a follower.';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function generated(
  name: string,
  role: PlannedFile['role'],
  what: 'metadata' | 'info.yaml' | 'cluster.yaml',
  bytes: Uint8Array,
  text?: string,
): PlannedFile {
  return {
    name,
    role,
    size: bytes.length,
    sha256: sha256(bytes),
    mode: FILE_MODE,
    from: {
      kind: 'generated',
      what,
      base64: Buffer.from(bytes).toString('base64'),
      ...(text === undefined ? {} : { text }),
    },
  };
}

/** The highest term among all inputs' metadata files and the final log. */
export function highestTerm(nodes: readonly NodeIndex[], logTerm: bigint): bigint {
  let t = logTerm;
  for (const n of nodes) {
    for (const m of [n.metadata1, n.metadata2]) {
      const v = m?.decoded.value;
      if (v && m!.size === 32 && v.format === 1n && v.term > t) t = v.term;
    }
  }
  return t;
}

/** The source's metadata files load cleanly (no short, long, bad-format or zero-version file). */
export function metadataUsable(node: NodeIndex): boolean {
  const files = [node.metadata1, node.metadata2].filter((m) => m !== undefined);
  if (files.length === 0) return false;
  if (files.some((m) => m.size !== 32 || m.decoded.issues.length > 0 || !m.decoded.value)) return false;
  const [a, b] = files.map((m) => m.decoded.value!.version);
  return b === undefined || a !== b;
}

export function keptMetadata(node: NodeIndex, digests: InputDigests): PlannedFile[] {
  return [node.metadata1, node.metadata2]
    .filter((m) => m !== undefined)
    .map((m) => ({
      name: m.name,
      role: 'metadata' as const,
      size: m.size,
      sha256: digestOf(digests, node, m.name)?.sha256 ?? null,
      mode: FILE_MODE,
      from: { kind: 'copy' as const, node: node.displayPath, file: m.name },
    }));
}

export function freshMetadata(term: bigint): PlannedFile {
  return generated('metadata1', 'metadata', 'metadata', encodeMetadata({ version: 1n, term, votedFor: 0n }));
}

export function yamlFiles(member: NodeInfo, members: readonly NodeInfo[]): PlannedFile[] {
  const info = formatNodeInfo(member);
  const cluster = formatClusterYaml(members);
  return [
    generated('cluster.yaml', 'yaml', 'cluster.yaml', Buffer.from(cluster, 'utf8'), cluster),
    generated('info.yaml', 'yaml', 'info.yaml', Buffer.from(info, 'utf8'), info),
  ];
}

/** Largest file carried over as an identity file; bigger unknown files are left behind (and listed). */
export const IDENTITY_FILE_LIMIT = 16 * 1024 * 1024;

/**
 * Names of the files products keep beside the raft files, which a node needs to rejoin: TLS
 * certificates and keys (go-dqlite's app, k8sd and microcluster write cluster.crt/.key and
 * server.crt/.key) and MicroK8s's localnode.yaml, failure-domain and tuning.yaml. Anything else in a node
 * directory (notes, editor backups, junk with control characters in its name) is not copied,
 * and is named under "Not copied".
 */
const IDENTITY_NAME = /^(?:[A-Za-z0-9][A-Za-z0-9._-]*\.(?:crt|key|pem)|localnode\.yaml|failure-domain|tuning\.yaml)$/;

/** Regular files raft, dqlite and go-dqlite do not manage but a node needs (TLS material, see IDENTITY_NAME). */
export function identityFiles(
  node: NodeIndex,
  digests: InputDigests,
): { files: PlannedFile[]; left: { file: string; reason: string }[] } {
  const files: PlannedFile[] = [];
  const left: { file: string; reason: string }[] = [];
  for (const f of node.files) {
    if (f.class.kind !== 'ignored' && f.class.kind !== 'product') continue;
    if (!IDENTITY_NAME.test(f.name))
      left.push({
        file: f.name,
        reason: 'not a file raft, dqlite or go-dqlite writes (nor a certificate or key): not carried over',
      });
    else if (f.type !== 'file') left.push({ file: f.name, reason: `a ${f.type}, not carried over` });
    else if (f.size > IDENTITY_FILE_LIMIT)
      left.push({ file: f.name, reason: `${f.size} bytes: too large for an identity file, not carried over` });
    else {
      files.push({
        name: f.name,
        role: 'identity',
        size: f.size,
        sha256: digestOf(digests, node, f.name)?.sha256 ?? null,
        mode: FILE_MODE,
        from: { kind: 'copy', node: node.displayPath, file: f.name },
      });
    }
  }
  return { files, left };
}
