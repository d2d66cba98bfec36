#!/usr/bin/env node
// The `drizzle-guard` command (dist/cli.js): runs main() on the process's arguments.
import { sqlParserReady } from "../engine/migrations/pg-parser.js";
import { main } from "./cli.js";

// the SQL parser's WASM module loads asynchronously; the CLI waits for it rather than parse through the worker
void sqlParserReady().then(() => {
  process.exitCode = main(process.argv.slice(2), {
    cwd: process.cwd(),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
});
