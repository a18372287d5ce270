// SQLite for the whole tool: sql.js, SQLite compiled to WebAssembly (no native build, runs on
// Node 20; the project never parses SQLite's b-trees itself). Here, below every layer that needs
// it: scan/ reads product databases (LXD's and Incus's local.db), analysis/db opens rebuilt
// images, repair/ writes a member's local.db. Nothing here touches a file of the user's.
//
// sql.js's JavaScript is bundled with the CLI (src/cli/bundle.mjs) but its .wasm is not: it is
// read from the installed package (require.resolve from this module, or from the bundle's own
// place), and handed to sql.js as bytes, so that sql.js never goes looking for it next to the
// bundle. Loaded on first use only: commands that never open a database do not pay for it.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { SqlJsStatic } from './sql-js-types.js';
import { InputError } from './errors.js';

let engine: Promise<SqlJsStatic> | undefined;
let loaded: SqlJsStatic | undefined;

/** Where sql.js's WebAssembly lies, or undefined when the package is not installed. */
export function sqlWasmPath(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm');
  } catch {
    return undefined;
  }
}

/** The sql.js module, loaded once per process. */
export function loadSqlite(): Promise<SqlJsStatic> {
  engine ??= (async () => {
    const wasm = sqlWasmPath();
    if (!wasm) {
      throw new InputError(
        'SQLite (the sql.js package) is not installed beside raft-rescue: ' +
          'reinstall raft-rescue with its dependencies',
      );
    }
    const wasmBinary = fs.readFileSync(wasm);
    const { default: initSqlJs } = await import('sql.js');
    loaded = await initSqlJs({ wasmBinary });
    return loaded;
  })();
  engine.catch(() => {
    engine = undefined;
  });
  return engine;
}

/**
 * The sql.js module when loadSqlite() has finished, else undefined: for synchronous code (the
 * repair planner) that runs only after an async step loaded it (the scan of a product layout).
 */
export function loadedSqlite(): SqlJsStatic | undefined {
  return loaded;
}
