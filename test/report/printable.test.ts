import { describe, expect, it } from 'vitest';
import { printable, printableKeepingColour } from '../../src/report/printable.js';
import { displayWidth, summarizeRows, table } from '../../src/report/style.js';

describe('printable', () => {
  it('leaves ordinary names alone (the same string, not a copy)', () => {
    const name = '0000000000000001-0000000000001021 127.0.0.1:9511 naïve 日本';
    expect(printable(name)).toBe(name);
  });

  it('escapes newlines, terminal escapes, C1 controls and bidi overrides', () => {
    expect(printable('a\nb\r\tc')).toBe('a\\nb\\r\\tc');
    expect(printable('\u001b]0;pwned\u0007')).toBe('\\x1b]0;pwned\\x07');
    expect(printable('\u001b[2J\u001b[H\u007f\u009b')).toBe('\\x1b[2J\\x1b[H\\x7f\\x9b');
    expect(printable('rtl\u202etxt.exe\u2066\u2028')).toBe('rtl\\u{202e}txt.exe\\u{2066}\\u{2028}');
  });

  it('with colour, keeps SGR colour sequences and escapes everything else', () => {
    expect(printableKeepingColour('\u001b[32m1 ★\u001b[39m')).toBe('\u001b[32m1 ★\u001b[39m');
    expect(printableKeepingColour('\u001b[32mok\u001b[39m x\ny\u001b]0;t\u0007')).toBe('\u001b[32mok\u001b[39m x\\ny\\x1b]0;t\\x07');
  });
});

describe('table', () => {
  it('draws the layout cli-table3 gave (compact, no rule under the header without colour)', () => {
    expect(table(['a', 'bb'], [['x', 'y'], ['longer', '']], { color: false })).toBe(
      '┌────────┬────┐\n│ a      │ bb │\n│ x      │ y  │\n│ longer │    │\n└────────┴────┘',
    );
    expect(table(['a', 'bb'], [], { color: false })).toBe('┌───┬────┐\n│ a │ bb │\n└───┴────┘');
  });

  it('keeps a hostile cell on its row, and aligns wide characters', () => {
    const t = table(['name'], [['x\nforged'], ['日本']], { color: false }).split('\n');
    expect(t).toEqual(['┌───────────┐', '│ name      │', '│ x\\nforged │', '│ 日本      │', '└───────────┘']);
    expect(displayWidth('\u001b[32m日本\u001b[39m')).toBe(4);
  });

  it('is linear: 100 000 rows in well under a second or two', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => [`${i}`.padStart(16, '0'), 'closed', i, '80 B']);
    const started = performance.now();
    expect(table(['a', 'b', 'c', 'd'], rows, { color: false }).split('\n')).toHaveLength(100_003);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('summarizeRows', () => {
  it('keeps short lists and cuts long ones to their first and last rows', () => {
    expect(summarizeRows([1, 2, 3], (n) => -n, 4)).toEqual([1, 2, 3]);
    expect(summarizeRows([1, 2, 3, 4, 5], (n) => -n, 4)).toEqual([1, 2, 3, 4, 5]);
    expect(summarizeRows([1, 2, 3, 4, 5, 6, 7], (n) => -n, 4)).toEqual([1, 2, -3, 6, 7]);
  });
});
