import { describe, expect, it } from "vitest";
import { fileCoverage, formatCoverage, unresolvedImports } from "../../src/engine/coverage.js";
import { fixtureProgram, sourceFileOf } from "../program.js";

/**
 * Coverage names what the rules could not see: query-like calls whose
 * database is `any` (here: a wrapper package missing from node_modules), with
 * the import that explains it; typed non-Drizzle receivers and literal
 * arguments are not counted.
 */

const CONTEXT = `import { db } from "@acme/db";
import type { Session } from "@acme/auth";

export async function createContext(session: Session | null) {
  // shorthand, as in create-t3-turbo's createTRPCContext
  return { db, session };
}
export type Context = Awaited<ReturnType<typeof createContext>>;
`;

const ROUTER = `import { eq } from "drizzle-orm";
import { db } from "./db";
import { users } from "./schema/users";
import type { Context } from "./__coverage_context";

declare function procedure<T>(resolve: (opts: { ctx: Context; input: { id: number } }) => T): T;
declare const untyped: any;

export const remove = procedure(async ({ ctx, input }) => ctx.db.delete(users).where(eq(users.id, input.id)));
export const rename = procedure(async ({ ctx, input }) => {
  const { db: database } = ctx;
  return database.update(users).set({ name: "x" }).where(eq(users.id, input.id));
});
export const list = procedure(({ ctx }) => ctx.db.query.users.findMany());
export const raw = () => untyped.select().from(users);

// typed and analysed
export const typed = () => db.select().from(users).where(eq(users.id, 1));
// near misses: a typed non-Drizzle receiver, literal first arguments, a Map
export function nearMisses(params: URLSearchParams, cache: Map<number, string>) {
  params.delete("page");
  cache.delete(1);
  untyped.delete("key");
  untyped.update({ id: 1 });
  untyped.select("body");
}
`;

// virtual files at the fixture root: module resolution needs their directory to exist
const ANY = `import { users } from "./schema/users";
declare const untyped: any;
export const q = () => untyped.select().from(users);
`;
const program = fixtureProgram({ "__coverage_context.ts": CONTEXT, "__coverage_router.ts": ROUTER, "__coverage_any.ts": ANY });

describe("coverage", () => {
  it("counts analysed chains and skipped query-like calls, with their likely cause", () => {
    const coverage = fileCoverage(program, sourceFileOf(program, "__coverage_router.ts"));
    expect(coverage.analysed).toBe(1);
    expect(coverage.skipped).toBe(4);
    const missing = 'import "@acme/db" does not resolve (tests/fixtures/__coverage_context.ts:1): not installed, or without type declarations';
    expect(coverage.examples).toEqual([
      { line: 9, column: 59, call: "ctx.db.delete(…)", cause: missing },
      { line: 12, column: 10, call: "database.update(…)", cause: missing },
      { line: 14, column: 44, call: "ctx.db.query.….findMany(…)", cause: missing },
    ]);
  });

  it("names an explicit any", () => {
    expect(fileCoverage(program, sourceFileOf(program, "__coverage_any.ts")).examples).toEqual([
      { line: 3, column: 24, call: "untyped.select(…)", cause: "declared as `any` (tests/fixtures/__coverage_any.ts:2)" },
    ]);
  });

  it("the report lists the program's unresolved imports", () => {
    const coverage = fileCoverage(program, sourceFileOf(program, "__coverage_router.ts"));
    const report = formatCoverage([coverage], unresolvedImports(program));
    expect(report).toContain("… and 1 more");
    // the program's unresolved imports, the usual reason
    expect(report).toContain('"@acme/db" (tests/fixtures/__coverage_context.ts:1)');
    expect(report).toContain('"@acme/auth" (tests/fixtures/__coverage_context.ts:2)');
    expect(report.split("\n")[0]).toBe(
      "drizzle-guard coverage: 1 file, 1 Drizzle query analysed, 4 query-like calls skipped (receiver type is `any`)",
    );
  });

  it("a file without queries or skips reports zeros and no causes", () => {
    const coverage = fileCoverage(program, sourceFileOf(program, "__coverage_context.ts"));
    expect(coverage).toMatchObject({ analysed: 0, skipped: 0, examples: [] });
  });
});
