// The product files a repair rewrites: local.db through SQLite (every schema LXD has used for
// raft_nodes), daemon.yaml and truststore entries with only the address changed, and the patch
// statements with Go's %q quoting.
import { describe, expect, it } from 'vitest';
import { loadSqlite } from '../../../src/core/sqlite-engine.js';
import { goQuote, patchText, rewriteLocalDb, setYamlAddress } from '../../../src/repair/plan/product/rewrite.js';
import { localDbBytes } from '../../helpers/products.js';

const nodes = [
  { id: '1', address: '10.0.0.1:8443', role: 0, name: 'a' },
  { id: '2', address: '10.0.0.2:8443', role: 1, name: 'b' },
];

async function read(bytes: Uint8Array, sql: string): Promise<unknown[][]> {
  const SQL = await loadSqlite();
  const db = new SQL.Database(bytes);
  try {
    return db.exec(sql)[0]?.values ?? [];
  } finally {
    db.close();
  }
}

describe('rewriteLocalDb', () => {
  it('replaces raft_nodes and sets cluster.https_address (schema 43), leaving other config alone', async () => {
    const SQL = await loadSqlite();
    const input = await localDbBytes({ clusterAddress: '127.0.0.1:1', rows: [{ id: 1n, address: '127.0.0.1:1', name: 'a' }, { id: 9n, address: 'x:1' }] });
    const out = rewriteLocalDb(SQL, input, '10.0.0.1:8443', nodes);
    expect(await read(out, 'SELECT id, address, role, name FROM raft_nodes ORDER BY id')).toEqual([[1, '10.0.0.1:8443', 0, 'a'], [2, '10.0.0.2:8443', 1, 'b']]);
    expect(await read(out, 'SELECT key, value FROM config ORDER BY key')).toEqual([['cluster.https_address', '10.0.0.1:8443'], ['core.https_address', '127.0.0.1:1']]);
    expect(await read(input, "SELECT value FROM config WHERE key = 'cluster.https_address'")).toEqual([['127.0.0.1:1']]);
  });

  it('writes only the columns an older schema has, and adds cluster.https_address when it is missing', async () => {
    const SQL = await loadSqlite();
    const input = await localDbBytes({ rows: [{ id: 1n, address: '127.0.0.1:1' }], version: 38 });
    const out = rewriteLocalDb(SQL, input, '10.0.0.2:8443', nodes);
    expect(await read(out, 'SELECT * FROM raft_nodes ORDER BY id')).toEqual([[1, '10.0.0.1:8443'], [2, '10.0.0.2:8443']]);
    expect(await read(out, "SELECT value FROM config WHERE key = 'cluster.https_address'")).toEqual([['10.0.0.2:8443']]);
  });

  it('refuses a file that is no local.db, as a repair error', async () => {
    const SQL = await loadSqlite();
    expect(() => rewriteLocalDb(SQL, Buffer.from('not sqlite at all, just text'.repeat(10)), 'a:1', nodes)).toThrow(/local\.db could not be rewritten/);
  });
});

describe('setYamlAddress', () => {
  it('changes the address and keeps every other byte (comments, order, the certificate)', () => {
    const text = '# kept\nname: a\naddress: 10.0.0.1:7443 # old\ncertificate: |\n  ---\n  x\n';
    const out = Buffer.from(setYamlAddress(Buffer.from(text), '[fd00::1]:7443', 'daemon.yaml')).toString();
    expect(out).toBe("# kept\nname: a\naddress: '[fd00::1]:7443' # old\ncertificate: |\n  ---\n  x\n");
  });

  it('adds an address to a mapping without one, and refuses a file that is no mapping', () => {
    expect(Buffer.from(setYamlAddress(Buffer.from('name: a'), '10.0.0.1:7443', 'd.yaml')).toString()).toBe('name: a\naddress: 10.0.0.1:7443\n');
    expect(() => setYamlAddress(Buffer.from('- a\n'), '10.0.0.1:7443', 'd.yaml')).toThrow(/d\.yaml is not a YAML mapping/);
  });
});

describe('patch statements', () => {
  it('are written as the products write them, with Go quoting', () => {
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(patchText('lxd', [{ id: 2n, address: '10.0.0.2:8443' }])).toBe('UPDATE nodes SET address = "10.0.0.2:8443" WHERE id = 2;\n');
    expect(patchText('microcluster', [{ id: 2n, address: '10.0.0.2:7443', name: 'b' }])).toBe(
      'UPDATE core_cluster_members SET address = "10.0.0.2:7443" WHERE name = "b";\n');
  });
});
