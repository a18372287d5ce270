import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { discoverNodes, looksLikeNodeFile } from '../../src/scan/discover.js';
import { sampleSet } from '../helpers/samples.js';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-discover-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function touch(rel: string, data = ''): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
}

describe('looksLikeNodeFile', () => {
  it.each(['metadata1', 'metadata2', 'info.yaml', 'open-3', '0000000000000001-0000000000000001', '1-774', 'snapshot-1-2048-142161', 'snapshot-1-2048-142161.meta'])(
    'accepts %s',
    (name) => expect(looksLikeNodeFile(name)).toBe(true),
  );
  it.each(['metadata3', 'cluster.yaml', 'README', 'tmp-open-1', 'corrupt-1-open-1', 'snapshot-1-2', 'open-', 'dqlite-lock'])(
    'rejects %s',
    (name) => expect(looksLikeNodeFile(name)).toBe(false),
  );
});

describe('discoverNodes', () => {
  it('finds the nodes of a real sample set', async () => {
    const set = await sampleSet('healthy');
    const r = discoverNodes(set);
    expect(r.nodes.map((n) => n.relative)).toEqual(['127.0.0.1:9511', '127.0.0.1:9512', '127.0.0.1:9513']);
    expect(r.nodes[0]!.dir).toBe(path.join(set, '127.0.0.1:9511'));
    expect(r.skipped).toEqual([]);
  });

  it('returns the input itself when it is a node directory, without descending', () => {
    touch('metadata1');
    touch('sub/metadata1');
    expect(discoverNodes(root).nodes).toEqual([{ dir: root, relative: '.' }]);
  });

  it('finds nodes deep in a microk8s-like tree, in a stable order', () => {
    const backend = 'var/snap/microk8s/current/var/kubernetes/backend';
    touch(`${backend}/info.yaml`, 'ID: 1\n');
    touch(`${backend}/0000000000000001-0000000000000002`);
    touch('backup/b/open-1');
    touch('backup/a/snapshot-1-2-3.meta');
    touch('docs/README.md');
    const r = discoverNodes(root);
    expect(r.nodes.map((n) => n.relative)).toEqual(['backup/a', 'backup/b', backend]);
    expect(r.skipped).toEqual([]);
  });

  it('never follows symlinks and reports them and special files', () => {
    touch('real/metadata1');
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'alias'));
    fs.symlinkSync('/etc', path.join(root, 'etc-link'));
    fs.symlinkSync(path.join(root, 'loop'), path.join(root, 'loop'));
    execFileSync('mkfifo', [path.join(root, 'pipe')]);
    const r = discoverNodes(root);
    expect(r.nodes.map((n) => n.relative)).toEqual(['real']);
    expect(r.skipped).toEqual([
      { path: path.join(root, 'alias'), reason: 'symbolic link (not followed)' },
      { path: path.join(root, 'etc-link'), reason: 'symbolic link (not followed)' },
      { path: path.join(root, 'loop'), reason: 'symbolic link (not followed)' },
      { path: path.join(root, 'pipe'), reason: 'fifo (skipped)' },
    ]);
  });

  it('accepts an input path that is itself a symlink (the user named it)', () => {
    touch('real/metadata2');
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'current'));
    expect(discoverNodes(path.join(root, 'current')).nodes).toEqual([{ dir: path.join(root, 'current'), relative: '.' }]);
  });

  it('bounds depth and directory count', () => {
    touch('a/b/c/d/metadata1');
    const shallow = discoverNodes(root, { maxDepth: 2 });
    expect(shallow.nodes).toEqual([]);
    expect(shallow.skipped).toEqual([]);
    expect(shallow.incomplete).toEqual([{ path: path.join(root, 'a/b/c'), reason: 'not searched: deeper than 2 levels' }]);
    expect(discoverNodes(root, { maxDepth: 4 }).nodes).toHaveLength(1);
    for (let i = 0; i < 5; i++) touch(`many/d${i}/x`);
    const few = discoverNodes(root, { maxDirs: 4 });
    expect(few.incomplete).toEqual([{ path: path.join(root, 'a/b/c/d'), reason: expect.stringMatching(/limit of 4 directories reached here/) }]);
  });

  it('reports unreadable subdirectories as not searched but fails on an unreadable input', () => {
    if (process.getuid?.() === 0) return; // root reads everything: test/hardening/input-discovery-limits runs this as nobody
    touch('locked/metadata1');
    fs.chmodSync(path.join(root, 'locked'), 0);
    try {
      expect(discoverNodes(root).incomplete[0]!.reason).toMatch(/unreadable directory: EACCES/);
    } finally {
      fs.chmodSync(path.join(root, 'locked'), 0o755);
    }
  });

  it('lists archive-named files outside node directories, for the caller to open', () => {
    touch('bundle/node1.tar.gz');
    touch('bundle/node2.tgz');
    touch('bundle/twice.tar.gz.gz');
    touch('bundle/notes.txt');
    touch('bundle/node3/metadata1');
    touch('bundle/node3/inside-a-node.tar');
    const r = discoverNodes(root);
    expect(r.archives.map((a) => path.relative(root, a))).toEqual(['bundle/node1.tar.gz', 'bundle/node2.tgz', 'bundle/twice.tar.gz.gz']);
  });

  it('classifies names as the C code parses them (quirky spellings count, junk does not)', () => {
    touch('quirky/+000000000002041-0000000000002048');
    touch('junk/metadata1.bak');
    touch('junk/cluster.yaml');
    expect(discoverNodes(root).nodes.map((n) => n.relative)).toEqual(['quirky']);
  });

  it('throws InputError naming a missing or non-directory input', () => {
    const missing = path.join(root, 'nope');
    expect(() => discoverNodes(missing)).toThrow(InputError);
    expect(() => discoverNodes(missing)).toThrow(missing);
    touch('file');
    expect(() => discoverNodes(path.join(root, 'file'))).toThrow(/not a directory/);
  });
});
