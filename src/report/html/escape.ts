// HTML made from templates, never by pasting strings: html`…` escapes every value put into it
// (names, messages and offsets from the user's disk can hold <, &, quotes, control characters or
// bidirectional overrides), and only values that are themselves html`…` (or raw() constants of
// this project: the page's CSS and script) pass through unescaped. Control and format characters
// are shown as escapes (\n, \x1b, \u{202e}) as in the terminal, so what is shown is what is on disk.
import { printable } from '../printable.js';

/** Markup that is safe to insert as it is. */
export class SafeHtml {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

export type HtmlValue = SafeHtml | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return printable(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** A template whose every interpolated value is escaped unless it is SafeHtml (lists are joined). */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/** A constant of this project (CSS, the page's script) taken as markup: never user data. */
export function raw(constant: string): SafeHtml {
  return new SafeHtml(constant);
}

/** Lists joined with a separator, each item rendered (and escaped) on its own. */
export function join(items: readonly HtmlValue[], separator: HtmlValue): SafeHtml {
  return new SafeHtml(items.map(render).join(render(separator)));
}
