// What every command says about its inputs besides the nodes: parts not searched (accepted with
// --accept-partial-scan), archives that held several copies of a member, archives found inside
// the inputs (opened or not), members and paths skipped, and other facts about the archives.
// People get a short block at the end of the report (long lists cut, the full list in --json);
// JSON gets the full lists under `inputNotes`.
import type { InputNotes } from '../scan/scan-inputs.js';
import { printable } from './printable.js';
import { chalkFor, fitText, type RenderOptions } from './style.js';

/** Lines listed per kind; the rest are counted. */
const LISTED = 10;

function listed<T>(items: readonly T[], line: (item: T) => string): string[] {
  const out = items.slice(0, LISTED).map((i) => `  ${printable(line(i))}`);
  if (items.length > LISTED) out.push(`  … and ${items.length - LISTED} more (the full list is in --json)`);
  return out;
}

/** The notes as a block for the end of a people's report; '' when there is nothing to say. */
export function renderInputNotes(notes: InputNotes, o: RenderOptions): string {
  const c = chalkFor(o);
  const parts: string[] = [];
  if (notes.incomplete.length) {
    parts.push(
      c.yellow(
        'Partial scan (accepted with --accept-partial-scan): nodes in these places were not searched, and every verdict above ignores them:',
      ),
      ...listed(notes.incomplete, (s) => `${s.path}: ${s.reason}`),
    );
  }
  if (notes.duplicates.length) {
    parts.push(
      c.yellow('Archives holding several copies of a member (the last copy was read, as GNU tar extracts it):'),
      ...listed(notes.duplicates, (d) => `${d.archive}: ${d.member} (${d.copies} copies)`),
    );
  }
  if (notes.archives.length) {
    parts.push(
      'Archives inside the inputs:',
      ...listed(notes.archives, (a) => `${a.path}: ${a.opened ? 'opened' : (a.reason ?? 'not opened')}`),
    );
  }
  if (notes.warnings.length) parts.push(...listed(notes.warnings, (w) => w));
  if (notes.skipped.length) parts.push('Skipped:', ...listed(notes.skipped, (s) => `${s.path}: ${s.reason}`));
  return parts.length ? fitText(`\n${parts.join('\n')}\n`, o.width) : '';
}
