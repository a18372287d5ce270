// A real browser for the report's tests: Debian's headless chromium, run once per page with a
// fresh profile. Console messages (and uncaught errors, which chromium logs as console messages)
// come back from its log on stderr. .ci/run installs chromium; with CI=true a missing browser
// fails the tests instead of skipping them.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

function findChromium(): string | undefined {
  const named = process.env['RR_CHROMIUM'];
  if (named) return named;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      // not installed under this name
    }
  }
  return undefined;
}

export const chromium = findChromium();

export interface PageRun {
  /** What --dump-dom printed: the DOM after the page's scripts ran. */
  readonly dom: string;
  /** The page's console messages and uncaught errors. */
  readonly console: readonly string[];
}

const BASE = ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions',
  '--disable-background-networking', '--disable-sync', '--enable-logging=stderr', '--v=0', '--hide-scrollbars'];

async function runChromium(args: readonly string[], url: string): Promise<{ stdout: string; stderr: string }> {
  if (!chromium) throw new Error('chromium is not installed (apt-get install chromium)');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-chromium-'));
  try {
    const argv = [...BASE, `--user-data-dir=${profile}`, ...args, url];
    return await exec(chromium, argv, { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 });
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

function consoleOf(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /:CONSOLE[:(]/.test(l));
}

export async function dumpDom(file: string, hash = '', windowSize = '1280,1600'): Promise<PageRun> {
  const { stdout, stderr } = await runChromium([`--window-size=${windowSize}`, '--dump-dom'], `file://${file}${hash}`);
  return { dom: stdout, console: consoleOf(stderr) };
}

/** Prints the page to a PDF as the print dialog would (print styles, `beforeprint`); its page count. */
export async function printToPdf(file: string, pdf: string): Promise<{ pages: number; console: readonly string[] }> {
  const { stderr } = await runChromium(['--no-pdf-header-footer', `--print-to-pdf=${pdf}`], `file://${file}`);
  const bytes = fs.readFileSync(pdf).toString('latin1');
  if (!bytes.startsWith('%PDF-')) throw new Error(`${pdf} is not a PDF`);
  return { pages: (bytes.match(/\/Type \/Page\b(?!s)/g) ?? []).length, console: consoleOf(stderr) };
}

export async function screenshot(file: string, png: string, windowSize = '1280,2400'): Promise<readonly string[]> {
  const { stderr } = await runChromium([`--window-size=${windowSize}`, `--screenshot=${png}`], `file://${file}`);
  return consoleOf(stderr);
}
