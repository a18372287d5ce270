// Entry payload bytes on demand, for the repair planner's proofs (two logs agree byte for byte
// where they overlap). Files are opened read-only once and kept open until close(); callers pin
// the files' contents with scan/digest.ts, so what is compared is what a plan is applied to.
import path from 'node:path';
import type { EntryRecord } from '../format/segment.js';
import { FileSource } from './file-source.js';
import type { NodeIndex } from './node-index.js';

export interface PayloadReader {
  /** The payload of `entry`, an entry decoded from segment `file` of `node`. */
  payload(node: NodeIndex, file: string, entry: EntryRecord): Uint8Array;
  close(): void;
}

export function openPayloadReader(): PayloadReader {
  const open = new Map<string, FileSource>();
  return {
    payload(node, file, entry) {
      const key = path.join(node.dir, file);
      let source = open.get(key);
      if (!source) {
        source = new FileSource(key);
        open.set(key, source);
      }
      return source.read(entry.payloadOffset, entry.length);
    },
    close() {
      for (const s of open.values()) s.close();
      open.clear();
    },
  };
}
