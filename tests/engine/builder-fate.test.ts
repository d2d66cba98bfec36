import ts from "typescript";
import { describe, expect, it } from "vitest";
import { type BuilderUse, builderUses, mayGetWhere, mayRun } from "../../src/engine/builder-fate.js";
import { analyzeOwnerFilters } from "../../src/checks/require-owner-filter.js";
import { type QueryChain, queryChainsIn } from "../../src/engine/queries.js";
import type { AnalysisContext } from "../../src/engine/types.js";
import { analyzeWriteWithoutWhere } from "../../src/checks/write-without-where.js";
import { fixtureProgram, sourceFileOf } from "../program.js";
import { HEADER } from "../rule-tester.js";

/** The judged chain of each case starts right after this marker. */
const MARK = "/*>*/";

/** Each case: top-level code with one marked chain, and the uses expected for it (in any order). */
const cases: { name: string; code: string; uses: BuilderUse[] }[] = [
  { name: "awaited", code: "export async function f() { await /*>*/db.delete(posts); }", uses: ["runs"] },
  { name: "its own where is not an added where", code: "export async function f() { await /*>*/db.delete(posts).where(eq(posts.id, 1)); }", uses: ["runs"] },
  { name: ".execute()", code: "export function f() { /*>*/db.delete(posts).execute(); }", uses: ["runs"] },
  { name: ".then()", code: "export function f() { /*>*/db.delete(posts).then(() => 1); }", uses: ["runs"] },
  { name: ".prepare()", code: "export const p = /*>*/db.delete(posts).prepare(\"p\");", uses: ["runs"] },
  { name: "Promise.all", code: "export async function f() { await Promise.all([/*>*/db.delete(posts)]); }", uses: ["runs"] },
  { name: "conditional", code: "export async function f(c: boolean) { await (c ? /*>*/db.delete(posts) : db.delete(users)); }", uses: ["runs"] },
  { name: "db.batch", code: "export async function f() { await neonDb.batch([/*>*/neonDb.delete(posts)]); }", uses: ["runs"] },
  { name: "returned from an async function", code: "export async function f() { return /*>*/db.delete(posts); }", uses: ["runs"] },
  { name: "returned from an async arrow", code: "export const f = async () => /*>*/db.delete(posts);", uses: ["runs"] },
  { name: "a bare statement", code: "export function f() { /*>*/db.delete(posts); }", uses: ["discarded"] },
  { name: "void", code: "export function f() { void /*>*/db.delete(posts); }", uses: ["discarded"] },
  { name: "a variable nobody reads", code: "export function f() { const q = /*>*/db.delete(posts); }", uses: ["discarded"] },
  { name: ".toSQL()", code: "export const s = /*>*/db.delete(posts).toSQL();", uses: ["inspected"] },
  {
    name: ".toSQL() of a variable that is also awaited",
    code: "declare function log(x: unknown): void;\nexport async function f() { const q = /*>*/db.delete(posts); log(q.toSQL()); await q; }",
    uses: ["inspected", "runs"],
  },
  {
    name: "split chain: where added to the variable",
    code: "export async function f(id?: number) { const q = /*>*/db.delete(posts); if (id) q.where(eq(posts.id, id)); await q; }",
    uses: ["whereAdded", "discarded", "runs"],
  },
  {
    name: "split chain: where added on the way to await",
    code: "export async function f(id: number) { const q = /*>*/db.delete(posts); await q.where(eq(posts.id, id)); }",
    uses: ["whereAdded", "runs"],
  },
  { name: "$dynamic() awaited", code: "export async function f() { await /*>*/db.delete(posts).$dynamic(); }", uses: ["dynamic", "runs"] },
  {
    name: ".as(): a subquery",
    code: "export async function f() { const sq = /*>*/db.select().from(posts).as(\"sq\"); await db.select().from(sq); }",
    uses: ["escapes"],
  },
  { name: "an array that is not a batch", code: "export function f() { return [/*>*/db.delete(posts)]; }", uses: ["escapes"] },
  {
    name: "batch() of something that is not Drizzle",
    code: "declare const store: { batch(xs: unknown[]): Promise<void> };\nexport async function f() { await store.batch([/*>*/db.delete(posts)]); }",
    uses: ["escapes"],
  },
  {
    name: "passed to a function",
    code: "declare function run(q: unknown): Promise<void>;\nexport async function f() { await run(/*>*/db.delete(posts)); }",
    uses: ["escapes"],
  },
  { name: "an exported variable", code: "export const q = /*>*/db.delete(posts);", uses: ["escapes"] },
  {
    name: "a reassigned variable",
    code: "export async function f() { let q = /*>*/db.delete(posts); q = db.delete(posts); await q; }",
    uses: ["escapes", "runs"],
  },
  { name: "returned from a builder factory", code: "export function f() { return /*>*/db.delete(posts); }", uses: ["returned"] },
  { name: "returned from a function declared any", code: "export function f(): any { return /*>*/db.delete(posts); }", uses: ["returned"] },
  {
    name: "returned from a function declared to return a builder",
    code: "const base = db.delete(posts);\nexport function f(): typeof base { return /*>*/db.delete(posts); }",
    uses: ["returned"],
  },
  {
    name: "returned from a function declared to return a Promise",
    code: "export function f(): Promise<unknown> { return /*>*/db.delete(posts); }",
    uses: ["runsInCaller"],
  },
  {
    name: "returned from a non-async db.transaction callback",
    code: "export async function f() { await db.transaction((tx) => /*>*/tx.delete(posts)); }",
    uses: ["runsInCaller"],
  },
  {
    name: "six variables are followed",
    code: "export async function f() { const a1 = /*>*/db.delete(posts); const a2 = a1; const a3 = a2; const a4 = a3; const a5 = a4; const a6 = a5; await a6; }",
    uses: ["runs"],
  },
  {
    name: "the seventh variable is not",
    code: "export async function f() { const a1 = /*>*/db.delete(posts); const a2 = a1; const a3 = a2; const a4 = a3; const a5 = a4; const a6 = a5; const a7 = a6; await a7; }",
    uses: ["escapes"],
  },
];

/** All cases in one file (one program), each in its own block so names do not clash. */
function buildFile(): { code: string; marks: number[] } {
  let code = HEADER;
  const marks: number[] = [];
  cases.forEach((c, i) => {
    const body = c.code.replace(/\b(f|q|s|p|log|run|store|base)\b(?=[\s(:=;.<])/g, (name) => `${name}${i}`);
    const at = code.length + body.indexOf(MARK) + MARK.length;
    marks.push(at);
    code += `${body}\n`;
  });
  return { code, marks };
}

describe("builderUses", () => {
  const { code, marks } = buildFile();
  const program = fixtureProgram({ "file.ts": code });
  const sf = sourceFileOf(program, "file.ts");
  const chains = queryChainsIn(program, sf);
  const chainAt = (at: number): QueryChain | undefined => chains.find((c) => c.start.getStart(sf) === at);

  it("the combined case file type-checks", () => {
    const errors = program.getSemanticDiagnostics(sf).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(errors).toEqual([]);
  });

  cases.forEach((c, i) => {
    it(c.name, () => {
      const chain = chainAt(marks[i]!);
      expect(chain, "marked chain").toBeDefined();
      expect([...builderUses(program, chain!)].sort()).toEqual([...c.uses].sort());
    });
  });
});

describe("mayRun / mayGetWhere", () => {
  it("run here or in a caller; a where may come from a derived value, a caller, or an escape", () => {
    const all: BuilderUse[] = ["runs", "runsInCaller", "returned", "whereAdded", "dynamic", "inspected", "discarded", "escapes"];
    expect(all.filter((u) => mayRun(new Set([u])))).toEqual(["runs", "runsInCaller"]);
    expect(all.filter((u) => mayGetWhere(new Set([u])))).toEqual(["returned", "whereAdded", "escapes"]);
  });
});

/**
 * The two rules read the same uses differently: enforce-*-with-where reports a
 * chain that may run while no where may be added; require-owner-filter checks
 * a chain only when every use runs it (or, with its where final, hands it to a
 * caller), and never a `$dynamic()` one.
 */
describe("rule decisions on the same uses", () => {
  const code = `${HEADER}export async function dynamicDelete() {
  await db.delete(posts).$dynamic();
}
export async function dynamicSelect() {
  await db.select().from(posts).$dynamic();
}
export async function syncCallback(id: number) {
  await db.transaction((tx) => tx.delete(posts));
  await db.transaction((tx) => tx.delete(posts).where(eq(posts.id, id)));
}
export function factory(id: number) {
  return db.delete(posts).where(eq(posts.id, id));
}
export function factoryUndefined() {
  return db.delete(posts).where(undefined);
}
export async function logged(id: number) {
  const q = db.delete(posts).where(eq(posts.id, id));
  q;
  await q;
}
export function sqlOf(id: number) {
  return db.select().from(posts).where(eq(posts.id, id)).toSQL();
}
`;
  const program = fixtureProgram({ "file.ts": code });
  const sourceFile = sourceFileOf(program, "file.ts");
  const context: AnalysisContext = { program, checker: program.getTypeChecker(), sourceFile, settings: {} };
  const lineOf = (offset: number) => sourceFile.getLineAndCharacterOfPosition(offset).line + 1 - HEADER.split("\n").length + 1;

  it("enforce-delete-with-where", () => {
    const found = analyzeWriteWithoutWhere(context, "delete").map((f) => `${f.messageId}@${lineOf(f.start)}`);
    // the $dynamic() delete runs as written; the sync transaction callback's delete runs; a factory's `.where(undefined)` may be replaced by the caller
    expect(found).toEqual(["missingWhere@2", "missingWhere@8"]);
  });

  it("require-owner-filter", () => {
    const found = analyzeOwnerFilters(context, {}).map((f) => `${f.messageId}@${lineOf(f.start)}`);
    // $dynamic() is not checked; a sync transaction callback's result runs as written, with or without a where
    // (lines 8, 9); a factory's where is final, so both factories are checked; a variable also used as a bare
    // statement is not, nor a query that is only turned into SQL text (line 23)
    expect(found).toEqual(["missingOwnerFilter@8", "missingOwnerFilter@9", "missingOwnerFilter@12", "missingOwnerFilter@15"]);
  });
});
