import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { visitRegion } from "../../src/engine/effects.js";
import { chainTable, queryChainsIn } from "../../src/engine/queries.js";
import { tablesWithSqlName } from "../../src/engine/schema/resolve.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");

/**
 * A pnpm-style workspace: apps/api imports @acme/db through a node_modules
 * symlink to packages/db. TypeScript resolves the link to the real path but
 * marks the files as an external library import; the engine must still treat
 * them as the user's own code.
 */
function workspace(): { dir: string; program: ts.Program; api: ts.SourceFile } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dg-mono-"));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  write("packages/db/package.json", JSON.stringify({ name: "@acme/db", version: "1.0.0", types: "./src/index.ts", main: "./src/index.ts" }));
  write(
    "packages/db/src/index.ts",
    `import { drizzle } from "drizzle-orm/node-postgres";
import { eq } from "drizzle-orm";
import { integer, pgTable, serial, text } from "drizzle-orm/pg-core";
export const posts = pgTable("posts", { id: serial("id").primaryKey(), title: text("title") });
export const comments = pgTable("comments", { id: serial("id").primaryKey(), postId: integer("post_id").references(() => posts.id) });
export const db = drizzle(process.env.DATABASE_URL!);
export async function countComments(postId: number) {
  return db.$count(comments, eq(comments.postId, postId));
}
`,
  );
  write(
    "apps/api/src/handler.ts",
    `import { countComments, db, posts } from "@acme/db";
export async function handler() {
  const rows = await db.select().from(posts);
  for (const row of rows) await countComments(row.id);
}
`,
  );
  fs.mkdirSync(path.join(dir, "apps/api/node_modules/@acme"), { recursive: true });
  fs.symlinkSync(path.join(dir, "packages/db"), path.join(dir, "apps/api/node_modules/@acme/db"), "dir");
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  const program = ts.createProgram({
    rootNames: [path.join(dir, "apps/api/src/handler.ts")],
    options: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, skipLibCheck: true, noEmit: true, types: [] },
  });
  const api = program.getSourceFile(path.join(dir, "apps/api/src/handler.ts"))!;
  return { dir, program, api };
}

describe("workspace packages reached through node_modules symlinks", () => {
  const { dir, program, api } = workspace();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("the package's files are resolved as an external library import (the situation under test)", () => {
    const dbFile = program.getSourceFiles().find((sf) => sf.fileName.endsWith("packages/db/src/index.ts"));
    expect(dbFile).toBeDefined();
    expect(program.isSourceFileFromExternalLibrary(dbFile!)).toBe(true);
  });

  it("tables of the package are part of the schema model", () => {
    expect(["comments", "posts", "users"].flatMap((name) => tablesWithSqlName(program, name)).map((t) => t.sqlName)).toEqual(["comments", "posts"]);
    const [chain] = queryChainsIn(program, api);
    expect(chainTable(program, chain)?.sqlName).toBe("posts");
  });

  it("helpers of the package are followed", () => {
    const fn = api.statements.find(ts.isFunctionDeclaration)!;
    const trails: string[] = [];
    visitRegion(program, fn.body!, { maxDepth: 3 }, (e) => trails.push(e.trail.join(" → ")));
    expect(trails).toEqual(["db.select(posts)", "countComments → db.$count(comments)"]);
  });
});
