import { describe, expect, it } from 'vitest';
import { displayWidth, fitText, truncate, wrapLine } from '../../src/report/text-width.js';

describe('wrapLine', () => {
  it('leaves a line that fits alone', () => {
    expect(wrapLine('short line', 20)).toEqual(['short line']);
  });

  it('breaks at spaces, continuation lines hanging', () => {
    expect(wrapLine('the quick brown fox jumps over the lazy dog', 20, '  ')).toEqual([
      'the quick brown fox', '  jumps over the', '  lazy dog',
    ]);
  });

  it('cuts a word longer than a line after a dash or slash, else between characters', () => {
    const lines = wrapLine('segment 0000000000002041-0000000000002048 is past', 26);
    expect(lines).toEqual(['segment 0000000000002041-', '0000000000002048 is past']);
    expect(wrapLine('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    for (const l of wrapLine('a/b/cccccccccccccccccccccccccccccc/dd', 12)) expect(displayWidth(l)).toBeLessThanOrEqual(12);
  });

  it('counts wide characters as two columns', () => {
    for (const l of wrapLine('日本語 日本語 日本語 日本語', 10)) expect(displayWidth(l)).toBeLessThanOrEqual(10);
  });

  it('closes colour at a break and opens it again on the next line', () => {
    const lines = wrapLine('\u001b[31mred words that wrap over\u001b[39m plain', 12);
    expect(lines[0]).toBe('\u001b[31mred words\u001b[0m');
    expect(lines[1]!.startsWith('\u001b[31m')).toBe(true);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(12);
    expect(lines.map((l) => l.replace(/\u001b\[[0-9;]*m/g, '')).join(' ')).toBe('red words that wrap over plain');
  });
});

describe('fitText', () => {
  it('wraps every long line under its own indentation, and nothing without a width', () => {
    const text = `- ${'word '.repeat(20).trim()}\n    ${'deep '.repeat(20).trim()}`;
    expect(fitText(text, undefined)).toBe(text);
    const lines = fitText(text, 30).split('\n');
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(30);
    expect(lines[1]!.startsWith('  word')).toBe(true);
    expect(lines.some((l) => l.startsWith('      deep'))).toBe(true);
  });
});

describe('truncate', () => {
  it('cuts with an ellipsis', () => {
    expect(truncate('127.0.0.1:9541', 8)).toBe('127.0.0…');
    expect(truncate('short', 8)).toBe('short');
  });
});
