// Names in people's output come from the user's disk and archives: a file or directory name, an
// info.yaml address, a tar member. They may hold newlines (which would forge table rows and
// report lines), terminal escape sequences (which can retitle the window, clear the screen or
// hide lines) or bidirectional controls (which reorder what is shown). Every renderer passes such
// text through printable(): control and format characters become visible escapes (\n, \x1b,
// \u{202e}), so what is shown is what is on disk. JSON output keeps names exact.

/** C0, DEL, C1, and the Unicode controls that reorder or split lines (bidi, LRM/RLM, LS/PS). */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
/** An SGR colour sequence as chalk writes it, kept when colour is on. */
const UNSAFE_OR_SGR = new RegExp(`(\\u001b\\[[0-9;]*m)|${UNSAFE.source}`, 'g');

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** `text` with every control or format character shown as an escape. */
export function printable(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escape) : text;
}

/**
 * printable() for text that may already carry our own colour (table cells coloured by a
 * renderer): SGR sequences survive, every other control character is escaped. A name can then
 * change colours on a terminal, nothing more.
 */
export function printableKeepingColour(text: string): string {
  if (!UNSAFE.test(text)) return text;
  return text.replace(UNSAFE_OR_SGR, (m: string, sgr: string | undefined) => sgr ?? escape(m));
}
