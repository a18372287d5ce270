// Terminal columns, and text made to fit them. People's output never prints a line longer than
// the terminal: tables fit themselves (table.ts), and every other line goes through fitText(),
// which wraps it at spaces with a hanging indent (a word longer than the line, such as a path, is
// cut). Colour sequences take no columns and are carried over a break, so a wrapped coloured
// phrase keeps its colour on the next line and never bleeds into the next cell or line.

const SGR = /\u001b\[[0-9;]*m/g;
/** East Asian wide and fullwidth ranges (two terminal columns), and combining marks (none). */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
const ZERO = /[\u0300-\u036f\u200b-\u200d\ufe00-\ufe0f]/u;

/** Narrowest width the wrapping works to; a smaller one is taken as this. */
export const MIN_WIDTH = 20;

function charWidth(ch: string): number {
  return ZERO.test(ch) ? 0 : WIDE.test(ch) ? 2 : 1;
}

/** Terminal columns `text` takes (colour sequences take none). */
export function displayWidth(text: string): number {
  const plain = text.includes('\u001b') ? text.replace(SGR, '') : text;
  if (/^[\x20-\x7e]*$/.test(plain)) return plain.length;
  let width = 0;
  for (const ch of plain) width += charWidth(ch);
  return width;
}

/** One colour sequence, or one character with its width. */
interface Atom {
  readonly text: string;
  readonly width: number;
  readonly sgr: boolean;
}

function atomsOf(text: string): Atom[] {
  const atoms: Atom[] = [];
  for (const part of text.split(/(\u001b\[[0-9;]*m)/)) {
    if (!part) continue;
    if (part.startsWith('\u001b[')) atoms.push({ text: part, width: 0, sgr: true });
    else for (const ch of part) atoms.push({ text: ch, width: charWidth(ch), sgr: false });
  }
  return atoms;
}

/** SGR codes that end an attribute (chalk closes each attribute with its own code). */
const CLOSES: Readonly<Record<string, readonly string[]>> = {
  '0': ['*'],
  '22': ['1', '2'],
  '23': ['3'],
  '24': ['4'],
  '27': ['7'],
  '28': ['8'],
  '29': ['9'],
  '39': ['fg'],
  '49': ['bg'],
};

function category(code: string): string {
  const n = Number(code);
  if ((n >= 30 && n <= 37) || (n >= 90 && n <= 97) || n === 38) return 'fg';
  if ((n >= 40 && n <= 47) || (n >= 100 && n <= 107) || n === 48) return 'bg';
  return code;
}

/** The colour state after a sequence: open attributes, one sequence each. */
function applySgr(open: Map<string, string>, sgr: string): void {
  const code = sgr.slice(2, -1).split(';')[0] ?? '0';
  const closes = CLOSES[code || '0'];
  if (closes) {
    if (closes[0] === '*') open.clear();
    else for (const c of closes) open.delete(c);
  } else {
    open.set(category(code), sgr);
  }
}

class LineBuilder {
  readonly lines: string[] = [];
  private text = '';
  private width = 0;
  private readonly open = new Map<string, string>();

  constructor(
    private readonly max: number,
    private readonly hang: string,
  ) {}

  get used(): number {
    return this.width;
  }

  get room(): number {
    return this.max - this.width;
  }

  add(atom: Atom): void {
    if (atom.sgr) applySgr(this.open, atom.text);
    this.text += atom.text;
    this.width += atom.width;
  }

  /** Ends the line (closing open colour) and starts the next with the hanging indent (reopening it). */
  break(): void {
    const close = this.open.size ? '\u001b[0m' : '';
    this.lines.push(this.text.replace(/ +$/, '') + close);
    this.text = this.hang + [...this.open.values()].join('');
    this.width = this.hang.length;
  }

  finish(): string[] {
    this.lines.push(this.text);
    return this.lines;
  }
}

/** Words (runs of non-spaces, colour included) and the spaces between them. */
function wordsOf(atoms: readonly Atom[]): Atom[][] {
  const words: Atom[][] = [];
  let current: Atom[] = [];
  let inSpace = false;
  for (const a of atoms) {
    const space = !a.sgr && a.text === ' ';
    if (current.length && space !== inSpace && !a.sgr) {
      words.push(current);
      current = [];
    }
    if (!a.sgr) inSpace = space;
    current.push(a);
  }
  if (current.length) words.push(current);
  return words;
}

const widthOf = (word: readonly Atom[]) => word.reduce((n, a) => n + a.width, 0);
const isSpace = (word: readonly Atom[]) =>
  word.some((a) => !a.sgr && a.text === ' ') && word.every((a) => a.sgr || a.text === ' ');

/**
 * `line` cut into lines of at most `width` columns, at spaces where it can, continuation lines
 * starting with `hang` (spaces). A word longer than a line is cut between characters.
 */
export function wrapLine(line: string, width: number, hang = ''): string[] {
  const max = Math.max(width, 1);
  if (displayWidth(line) <= max) return [line];
  const indent = hang.length < max / 2 ? hang : '';
  const out = new LineBuilder(max, indent);
  for (const word of wordsOf(atomsOf(line))) {
    if (isSpace(word)) {
      // Spaces at a break are dropped; colour changes inside them are kept.
      if (out.room < widthOf(word)) {
        for (const a of word) if (a.sgr) out.add(a);
        continue;
      }
      for (const a of word) out.add(a);
      continue;
    }
    const w = widthOf(word);
    if (w <= max - indent.length) {
      if (w > out.room) out.break();
      for (const a of word) out.add(a);
      continue;
    }
    // Longer than a line: cut after a '-' or '/' where one fits (a segment name, a path), else
    // between characters.
    for (const piece of piecesOf(word)) {
      if (widthOf(piece) > out.room && out.used > indent.length) out.break();
      for (const a of piece) {
        if (a.width > out.room) out.break();
        out.add(a);
      }
    }
  }
  return out.finish();
}

/** A word cut after each '-' and '/'. */
function piecesOf(word: readonly Atom[]): Atom[][] {
  const pieces: Atom[][] = [[]];
  for (const a of word) {
    pieces[pieces.length - 1]!.push(a);
    if (!a.sgr && (a.text === '-' || a.text === '/')) pieces.push([]);
  }
  return pieces.filter((p) => p.length);
}

/** Leading spaces, and two more for a continuation (a bullet's text lines up after "- "). */
function hangFor(line: string): string {
  const plain = line.replace(SGR, '');
  const lead = /^ */.exec(plain)![0].length;
  return ' '.repeat(lead + 2);
}

/**
 * Every line of `text` that is wider than `width` wrapped (continuations indented under it);
 * `width` undefined leaves the text as it is (library callers, JSON).
 */
export function fitText(text: string, width: number | undefined): string {
  if (width === undefined) return text;
  const max = Math.max(width, MIN_WIDTH);
  return text
    .split('\n')
    .flatMap((line) => wrapLine(line, max, hangFor(line)))
    .join('\n');
}

/** `text` cut to `width` columns, with … where it was cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const a of atomsOf(text)) {
    if (a.sgr) {
      out += a.text;
      continue;
    }
    if (used + a.width > width - 1) break;
    out += a.text;
    used += a.width;
  }
  return `${out}…${text.includes('\u001b') ? '\u001b[0m' : ''}`;
}
