import { describe, expect, it } from 'vitest';
import { table } from '../../src/report/table.js';
import { displayWidth } from '../../src/report/text-width.js';

const widest = (text: string) => Math.max(...text.split('\n').map(displayWidth));
const PROSE = 'refuses to start: closed segment 0000000000002041-0000000000002048 is past last snapshot snapshot-1-1024-317095';

describe('table within a width', () => {
  it('is drawn as before when it fits', () => {
    expect(table(['a', 'bb'], [['x', 'y']], { color: false, width: 80 })).toBe('┌───┬────┐\n│ a │ bb │\n│ x │ y  │\n└───┴────┘');
  });

  it('wraps the widest column, and rules between rows once a row takes several lines', () => {
    const t = table(['node', 'start-up'], [['127.0.0.1:9541', PROSE], ['127.0.0.1:9543', 'starts']], { color: false, width: 60 });
    expect(widest(t)).toBeLessThanOrEqual(60);
    expect(t).toContain('├');
    expect(t.replace(/[│\s]+/g, ' ')).toContain('refuses to start: closed segment');
  });

  it('leaves out droppable columns first, lowest first, and says so', () => {
    const head = ['node', { header: 'detail', drop: 2 }, { header: 'noise', drop: 1 }, 'id'];
    const rows = [['127.0.0.1:9541', 'd'.repeat(20), 'n'.repeat(20), '12577195336283858413']];
    const t = table(head, rows, { color: false, width: 64 });
    expect(widest(t)).toBeLessThanOrEqual(64);
    expect(t.split('\n')[1]).not.toContain('noise');
    expect(t.split('\n')[1]).toContain('detail');
    expect(t).toContain('left out to fit the width: noise');
  });

  it('wraps headers wider than their cells before narrowing anything else', () => {
    const t = table(['last index', 'what'], [['3016', 'x '.repeat(30).trim()]], { color: false, width: 40 });
    expect(t.split('\n')[1]).toMatch(/^│ last  │/);
    expect(widest(t)).toBeLessThanOrEqual(40);
  });

  it('keeps nowrap columns whole and becomes a list of records when nothing else fits', () => {
    const name = 'n'.repeat(50);
    const t = table([{ header: 'name', nowrap: true }, 'v'], [[name, 'value']], { color: false, width: 40 });
    expect(t).toContain('name:');
    expect(widest(t)).toBeLessThanOrEqual(40);
    const kept = table([{ header: 'name', nowrap: true }, 'v'], [['n'.repeat(20), 'a b c d e f g h i j k l']], { color: false, width: 40 });
    expect(kept).toContain('n'.repeat(20));
    expect(widest(kept)).toBeLessThanOrEqual(40);
  });

  it('fits every width from 20 up', () => {
    const rows = [['127.0.0.1:9541', '1', '3016', PROSE], ['x\nforged', '2', '12', 'ok']];
    for (let width = 20; width <= 130; width += 7) {
      expect(widest(table(['node', 'term', 'index', 'start-up'], rows, { color: false, width })), String(width)).toBeLessThanOrEqual(width);
      expect(widest(table(['node', 'term', 'index', 'start-up'], rows, { color: true, width })), String(width)).toBeLessThanOrEqual(width);
    }
  });
});
