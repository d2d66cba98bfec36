import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { loadModule, parseSync, scanSync, type ParseResult } from "libpg-query";
import { createSyncFn } from "synckit";

/**
 * PostgreSQL's own parser (libpg-query, compiled to WASM) behind a synchronous
 * call, because ESLint's `parse` is synchronous.
 *
 * libpg-query starts loading its WASM module when it is imported; once it has
 * loaded, `parseSync` parses in-process. A parse asked before then (the first
 * file of a lint run, at worst) runs in a worker thread through synckit and
 * blocks until the worker answers, so the answer never depends on timing.
 * The CLI and tests await {@link sqlParserReady} first and never need the worker.
 */

export type { ParseResult };

/** A comment of the parsed text: byte offsets, as libpg-query's scanner gives them. */
export interface ScannedComment {
  start: number;
  end: number;
  text: string;
}

export type SqlParse =
  | { ok: true; result: ParseResult; comments: ScannedComment[] }
  | { ok: false; message: string; /** 0-based offset in the parsed text */ cursorPosition: number | undefined };

/** Load state of the WASM module: a process-wide resource, not analysis state. */
const wasm = { loaded: false, worker: undefined as ((sql: string) => SqlParse) | undefined };
const loading = loadModule().then(() => {
  wasm.loaded = true;
});

/** Resolves once in-process parsing is available. */
export function sqlParserReady(): Promise<void> {
  return loading;
}

function workerFile(): string {
  // the bundle (dist/index.js, dist/index.cjs) has the worker next to it; sources run it from this folder
  for (const candidate of ["./pg-parse-worker.js", "./pg-parse-worker.mjs"]) {
    const file = fileURLToPath(new URL(candidate, import.meta.url));
    if (fs.existsSync(file)) return file;
  }
  throw new Error("drizzle-guard: the SQL parser worker (pg-parse-worker.js) is missing from the package.");
}

function commentsOf(sql: string): ScannedComment[] {
  return scanSync(sql)
    .tokens.filter((token) => token.tokenName === "SQL_COMMENT" || token.tokenName === "C_COMMENT")
    .map(({ start, end, text }) => ({ start, end, text }));
}

function parseInProcess(sql: string): SqlParse {
  try {
    return { ok: true, result: parseSync(sql), comments: commentsOf(sql) };
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    return { ok: false, message: (error as Error).message, cursorPosition: details?.cursorPosition };
  }
}

/** Parses SQL text synchronously; a syntax error is a value, never an exception. */
export function parseSql(sql: string): SqlParse {
  if (wasm.loaded) return parseInProcess(sql);
  wasm.worker ??= createSyncFn(workerFile()) as (sql: string) => SqlParse;
  return wasm.worker(sql);
}
