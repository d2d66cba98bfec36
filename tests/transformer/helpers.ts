import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { ensureBuilt, repoRoot } from "../../scripts/ensure-build.mjs";
import { sqlParserReady } from "../../src/engine/migrations/pg-parser.js";
import { main } from "../../src/transformer/cli.js";

export { ensureBuilt, repoRoot };
export const distCli = path.join(repoRoot, "dist/cli.js");
export const distTransformer = path.join(repoRoot, "dist/transformer/index.cjs");
export const distPlugin = path.join(repoRoot, "dist/index.js");

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], cwd: string): RunResult {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The built `drizzle-guard` command (dist/cli.js) in a process of its own. */
export function runCli(args: string[], cwd: string): RunResult {
  return run(process.execPath, [distCli, ...args], cwd);
}

/**
 * The CLI's `main()` from the sources, in this process: its options, output
 * and exit code without starting Node and loading TypeScript again. Await
 * `cliReady()` (the SQL parser's WASM) first. runCli tests the built command.
 */
export function runCliHere(args: string[], cwd: string): RunResult {
  let stdout = "";
  let stderr = "";
  const status = main(args, {
    cwd,
    out: (text) => (stdout += text),
    err: (text) => (stderr += text),
  });
  return { status, stdout, stderr };
}

export { sqlParserReady as cliReady };

/** A small project in a temp dir that resolves drizzle-orm from the repository's node_modules. */
export function tempProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drizzle-guard-"));
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export function removeProject(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export const COMPILER_OPTIONS = {
  target: "ES2022",
  module: "ESNext",
  moduleResolution: "Bundler",
  strict: true,
  skipLibCheck: true,
  rootDir: "src",
  outDir: "out",
  types: [],
};

export const DB_TS = `import { drizzle } from "drizzle-orm/node-postgres";
import * as schema from "./schema";

export const db = drizzle("postgres://localhost/app", { schema });
`;

/** `books.authorId` has no index (require-foreign-key-index, line 10). */
export const SCHEMA_TS = `import { integer, pgTable, serial, text } from "drizzle-orm/pg-core";

export const authors = pgTable("authors", {
  id: serial("id").primaryKey(),
  name: text("name"),
});

export const books = pgTable("books", {
  id: serial("id").primaryKey(),
  authorId: integer("author_id").notNull().references(() => authors.id),
  title: text("title").notNull(),
});
`;

export const CLEAN_SCHEMA_TS = `import { index, integer, pgTable, serial, text } from "drizzle-orm/pg-core";

export const authors = pgTable("authors", {
  id: serial("id").primaryKey(),
  name: text("name"),
});

export const books = pgTable(
  "books",
  {
    id: serial("id").primaryKey(),
    authorId: integer("author_id").notNull().references(() => authors.id),
    title: text("title").notNull(),
  },
  (t) => [index("books_author_id_idx").on(t.authorId)],
);
`;

/** An update without where on line 6 (enforce-update-with-where); near misses elsewhere. */
export const QUERIES_TS = `import { eq } from "drizzle-orm";
import { db } from "./db";
import { authors } from "./schema";

export async function renameAll() {
  await db.update(authors).set({ name: "x" });
}

export async function rename(id: number) {
  const cache = new Map<number, string>();
  cache.delete(id);
  await db.update(authors).set({ name: "x" }).where(eq(authors.id, id));
}
`;

export const CLEAN_QUERIES_TS = `import { eq } from "drizzle-orm";
import { db } from "./db";
import { authors } from "./schema";

export async function rename(id: number) {
  await db.update(authors).set({ name: "x" }).where(eq(authors.id, id));
}
`;
