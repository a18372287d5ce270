// What a repair plan says about a product's own files, besides the raft files every output gets
// (kept in their own module so that the plan's generic parts stay as they are):
//   product-edit       a member's file rewritten for the target: LXD/Incus database/local.db
//                      (raft_nodes replaced, config cluster.https_address set), microcluster
//                      daemon.yaml and truststore/<name>.yaml (address set). The input is pinned
//                      (inputs.nodes[].productFiles) and the edit re-done when the plan is applied.
//   product-generated  a file made from the target alone: patch.global.sql (the UPDATE statements
//                      LXD, Incus and microcluster write in a recovery), MicroK8s' localnode.yaml.
import type { Dec } from '../types.js';

export type ProductName = 'lxd' | 'incus' | 'microk8s' | 'microcluster';

/** A raft_nodes row as written into local.db (dqlite's role numbering: 0 voter, 1 stand-by, 2 spare). */
export interface PlanRaftNode {
  readonly id: Dec;
  readonly address: string;
  readonly role: number;
  readonly name: string;
}

export type ProductEditOrigin =
  | {
      readonly kind: 'product-edit';
      readonly what: 'local.db';
      /** The input node whose state directory holds the file (a plan key). */
      readonly node: string;
      /** The file, relative to that state directory. */
      readonly file: string;
      /** config cluster.https_address after the edit. */
      readonly address: string;
      /** raft_nodes after the edit (DELETE, then one row each, as LXD's ReplaceRaftNodes). */
      readonly raftNodes: readonly PlanRaftNode[];
    }
  | {
      readonly kind: 'product-edit';
      readonly what: 'daemon.yaml' | 'truststore';
      readonly node: string;
      readonly file: string;
      /** The `address` value after the edit; every other byte stays. */
      readonly address: string;
    };

export interface ProductGeneratedOrigin {
  readonly kind: 'product-generated';
  readonly what: 'patch.global.sql' | 'localnode.yaml';
  readonly base64: string;
  readonly text: string;
}

export type ProductOrigin = ProductEditOrigin | ProductGeneratedOrigin;

/** A product file of an input node the plan reads (its state directory, relative path). */
export interface PlanProductFile {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}
