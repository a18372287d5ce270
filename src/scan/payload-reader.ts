// Reads entry payloads back from a node's segment files on demand (dump, repair planning),
// keeping one read-only FileSource per file open until close().
import path from 'node:path';
import { FileSource } from './file-source.js';
import type { NodeIndex } from './node-index.js';

export class PayloadReader {
  private readonly sources = new Map<string, FileSource>();
  constructor(private readonly node: Pick<NodeIndex, 'dir'>) {}

  /** `length` bytes at `offset` of `file`, or undefined when the file is shorter. */
  read(file: string, offset: number, length: number): Uint8Array | undefined {
    let source = this.sources.get(file);
    if (!source) {
      source = new FileSource(path.join(this.node.dir, file));
      this.sources.set(file, source);
    }
    if (offset + length > source.size) return undefined;
    return source.read(offset, length);
  }

  close(): void {
    for (const s of this.sources.values()) s.close();
    this.sources.clear();
  }
}
