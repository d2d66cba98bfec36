import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { afterEach, describe, expect, it, vi } from "vitest";
import { analyzeRequireTransaction } from "../../src/checks/require-transaction.js";
import { profileReport } from "../../src/engine/profile.js";
import { resolveTable } from "../../src/engine/schema/resolve.js";
import { isAppendOnlyTable } from "../../src/engine/table-writes.js";
import { fixtureProgram, fixturesDir, sourceFileOf, watchChecker } from "../program.js";

/** The append-only fact: tables the application only ever inserts into. */
function tagsAppendOnly(files: Record<string, string>, settings = {}): boolean {
  const program = fixtureProgram(files);
  const schema = sourceFileOf(program, "schema/posts.ts");
  const decl = schema.statements.flatMap((s) => (ts.isVariableStatement(s) ? [...s.declarationList.declarations] : [])).find((d) => d.name.getText() === "tags");
  const table = resolveTable(program, decl!.initializer!);
  return isAppendOnlyTable(program, table!, settings);
}

const IMPORTS = `import { eq } from "drizzle-orm";\nimport { db } from "../db";\nimport { tags } from "../schema/posts";\n`;

describe("append-only tables", () => {
  it("a table only inserted into is append-only", () => {
    expect(tagsAppendOnly({ "tx/log.ts": `${IMPORTS}export const log = () => db.insert(tags).values({ name: "x" });` })).toBe(true);
  });
  it("an update in application code makes it a business table", () => {
    expect(tagsAppendOnly({ "tx/edit.ts": `${IMPORTS}export const edit = (id: number) => db.update(tags).set({ name: "y" }).where(eq(tags.id, id));` })).toBe(false);
  });
  it("cleanups in test files and scripts do not count", () => {
    const cleanup = `${IMPORTS}export const wipe = () => db.delete(tags);`.replaceAll('"../', '"../../');
    const reset = `${IMPORTS}export const wipe = () => db.delete(tags);`;
    expect(tagsAppendOnly({ "tx/__tests__/cleanup.ts": cleanup, "scripts/reset-db.ts": reset })).toBe(true);
    // unless the settings say they are application code
    expect(tagsAppendOnly({ "tx/__tests__/cleanup.ts": cleanup }, { testFiles: [] })).toBe(false);
  });
  it("an update of a table we cannot resolve makes nothing append-only", () => {
    const generic = `import type { PgTable } from "drizzle-orm/pg-core";\nimport { db } from "../db";\nexport const wipe = (t: PgTable) => db.delete(t);`;
    expect(tagsAppendOnly({ "tx/generic.ts": generic })).toBe(false);
  });
});

describe("the append-only pass looks at the writes only", () => {
  // Sim: mailer.ts's `cache.delete(key)` made the pass index the whole file, which typed the root of
  // `emailFallback.execute(…)` (a user object's method named like a query runner) for 1.6 s
  const mail = `class Fallback {\n  execute(run: (provider: string) => number) {\n    return run("smtp");\n  }\n}\nexport const emailFallback = new Fallback();\nconst sent = new Map<string, number>();\nexport function send(key: string) {\n  sent.delete(key);\n  return emailFallback.execute((provider) => provider.length);\n}\n`;

  it("classifies the root of each insert, update or delete, not the file's other chains", () => {
    const program = fixtureProgram({ "tx/mail.ts": mail, "tx/log.ts": `${IMPORTS}export const log = () => db.insert(tags).values({ name: "x" });` });
    const schema = sourceFileOf(program, "schema/posts.ts");
    const decl = schema.statements.flatMap((s) => (ts.isVariableStatement(s) ? [...s.declarationList.declarations] : [])).find((d) => d.name.getText() === "tags");
    const table = resolveTable(program, decl!.initializer!)!;
    const asked: string[] = [];
    const checker = program.getTypeChecker();
    const restore = [
      watchChecker(checker, "getSymbolAtLocation", (node) => asked.push(node.getText())),
      watchChecker(checker, "getTypeAtLocation", (node) => asked.push(node.getText())),
    ];
    const appendOnly = isAppendOnlyTable(program, table);
    for (const r of restore) r();
    expect(appendOnly).toBe(true);
    expect(asked).toContain("sent");
    expect(asked.filter((text) => text.includes("emailFallback"))).toEqual([]);
  });
});

describe("append-only tables across programs", () => {
  /** `tags` of a program and the checker calls that answering whether it is append-only makes. */
  function askTags(program: ts.Program): { appendOnly: boolean; asked: number } {
    const schema = sourceFileOf(program, "schema/posts.ts");
    const decl = schema.statements.flatMap((s) => (ts.isVariableStatement(s) ? [...s.declarationList.declarations] : [])).find((d) => d.name.getText() === "tags");
    const table = resolveTable(program, decl!.initializer!)!;
    let asked = 0;
    const restore = watchChecker(program.getTypeChecker(), "getSymbolAtLocation", () => asked++);
    const appendOnly = isAppendOnlyTable(program, table);
    restore();
    return { appendOnly, asked };
  }
  // the schema file too, with its own text: a rebuilt program's new tree for it, as typescript-eslint's project service makes
  const schemaText = readFileSync(path.join(fixturesDir, "schema/posts.ts"), "utf8");
  const files = { "schema/posts.ts": schemaText, "tx/log.ts": `${IMPORTS}export const log = () => db.insert(tags).values({ name: "x" });` };

  it("is reused by a program rebuilt with the same files and texts, whose trees are new", () => {
    const first = fixtureProgram(files);
    const second = fixtureProgram(files);
    expect(sourceFileOf(second, "schema/posts.ts")).not.toBe(sourceFileOf(first, "schema/posts.ts"));
    const [before, after] = [askTags(first), askTags(second)];
    expect(before.appendOnly).toBe(true);
    expect(before.asked).toBeGreaterThan(0);
    expect(after).toEqual({ appendOnly: true, asked: 0 });
  });

  it("is computed again when a text differs", () => {
    expect(askTags(fixtureProgram(files)).appendOnly).toBe(true);
    const edited = askTags(fixtureProgram({ ...files, "tx/edit.ts": `${IMPORTS}export const edit = (id: number) => db.update(tags).set({ name: "y" }).where(eq(tags.id, id));` }));
    expect(edited.appendOnly).toBe(false);
    expect(edited.asked).toBeGreaterThan(0);
  });
});

describe("require-transaction asks for log tables lazily", () => {
  afterEach(() => vi.unstubAllEnvs());

  /** What require-transaction found on one file, and whether it ran the append-only pass (by the engine's profile counters). */
  function run(code: string): { appendOnlyPass: boolean; found: string[] } {
    vi.stubEnv("DRIZZLE_GUARD_PROFILE", "1");
    const program = fixtureProgram({ "tx/writes.ts": `${IMPORTS}import { posts } from "../schema/posts";\n${code}` });
    const checker = program.getTypeChecker();
    const sourceFile = sourceFileOf(program, "tx/writes.ts");
    const found = analyzeRequireTransaction({ program, checker, sourceFile, settings: {} }, { maxDepth: 3, ignoreTables: [], reportLogTables: true }).map((f) => f.messageId);
    return { appendOnlyPass: /table-writes\.appendOnly +\d/.test(profileReport(checker) ?? ""), found };
  }

  it("not for a path that writes one table (the pass reads every write of the program)", () => {
    expect(run(`export async function one(id: number) {\n  await db.update(tags).set({ name: "y" }).where(eq(tags.id, id));\n  await db.update(tags).set({ name: "z" }).where(eq(tags.id, id + 1));\n}\n`)).toEqual({ appendOnlyPass: false, found: [] });
  });

  it("for a path that writes two", () => {
    // tags is only ever inserted into: the pair is one business table and its log
    expect(run(`export async function two(id: number) {\n  await db.insert(tags).values({ name: "x" });\n  await db.update(posts).set({ title: "y" }).where(eq(posts.id, id));\n}\n`)).toEqual({ appendOnlyPass: true, found: ["requireTransactionWithLog"] });
  });
});
