// The products' own recovery rules on a --cluster membership: refusals in the product's words,
// warnings with --force, and the one-voter trap microcluster accepts.
import { describe, expect, it } from 'vitest';
import { checkProductTarget } from '../../../src/repair/plan/product/target-rules.js';

const old = [1, 2, 3].map((i) => ({ id: BigInt(i), address: `10.0.0.${i}:8443`, role: 0, name: `m${i}` }));
const target = (changes: Partial<Record<number, Partial<(typeof old)[number]>>> = {}) =>
  old.map((m, i) => ({ ...m, address: `10.9.0.${i + 1}:8443`, ...changes[i] }));

describe('LXD and Incus rules', () => {
  it('accepts new addresses with the same IDs, names and voters', () => {
    expect(checkProductTarget('lxd', old, target(), false)).toEqual({ refusals: [], warnings: [] });
  });

  it('refuses removed members, changed IDs or names, a spare made voter, and too few voters', () => {
    const r = (t: ReturnType<typeof target>, o = old) => checkProductTarget('lxd', o, t, false).refusals.join('\n');
    expect(r(target().slice(0, 2))).toMatch(/Removing cluster members is not supported/);
    expect(r(target({ 1: { id: 5n } }))).toMatch(/Changing cluster member ID is not supported \(position 2: 2 → 5/);
    expect(r(target({ 2: { name: 'x' } }))).toMatch(/Changing cluster member name is not supported \(m3 → x\)/);
    expect(r(target({ 2: { role: 0 } }), old.map((m, i) => (i === 2 ? { ...m, role: 2 } : m)))).toMatch(/A "spare" cluster member cannot become a "voter"/);
    expect(r(target({ 1: { role: 1 }, 2: { role: 1 } }))).toMatch(/Number of "voter" must be 2 or more/);
  });

  it('with --force the same problems are warnings, and Incus is named as Incus', () => {
    const c = checkProductTarget('incus', old, target({ 2: { name: 'x' } }), true);
    expect(c.refusals).toEqual([]);
    expect(c.warnings.join('\n')).toMatch(/^Incus refuses this membership in its own recovery: Changing cluster member name .*\(accepted with --force\)$/);
  });

  it('warns when the source\'s member list is unknown', () => {
    expect(checkProductTarget('lxd', undefined, target(), false).warnings.join('\n')).toMatch(/local\.db raft_nodes\) is unknown/);
  });
});

describe('microcluster rules', () => {
  it('refuses host names, duplicates, unknown (ID, name) pairs and no voter', () => {
    const r = (t: ReturnType<typeof target>) => checkProductTarget('microcluster', old, t, false).refusals.join('\n');
    expect(r(target({ 0: { address: 'node1:7443' } }))).toMatch(/Invalid address "node1:7443"/);
    expect(r(target({ 1: { address: '10.9.0.1:8443' } }))).toMatch(/Duplicate address "10\.9\.0\.1:8443"/);
    expect(r(target({ 1: { name: 'other' } }))).toMatch(/ID or name changed for member other/);
    expect(r(target({ 0: { role: 1 }, 1: { role: 1 }, 2: { role: 2 } }))).toMatch(/At least one voter is required/);
    expect(r(target({ 0: { address: '[fd00::1]:7443' } }))).toBe('');
  });

  it('accepts one voter among three, with a warning', () => {
    const c = checkProductTarget('microcluster', old, target({ 1: { role: 1 }, 2: { role: 1 } }), false);
    expect(c.refusals).toEqual([]);
    expect(c.warnings.join('\n')).toMatch(/only one voter among 3 members/);
  });

  it('go-dqlite and MicroK8s have no such rules', () => {
    expect(checkProductTarget('microk8s', old, target().slice(0, 1), false)).toEqual({ refusals: [], warnings: [] });
    expect(checkProductTarget(undefined, old, target().slice(0, 1), false)).toEqual({ refusals: [], warnings: [] });
  });
});
