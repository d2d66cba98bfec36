import { afterEach, describe, expect, it, vi } from "vitest";
import { profileReport } from "../../src/engine/profile.js";
import { safeAnalyze } from "../../src/rules/support/create-rule.js";
import noQueryInLoop from "../../src/rules/no-query-in-loop.js";
import { fixtureProgram, sourceFileOf } from "../program.js";
import { HEADER } from "../rule-tester.js";

const code = `${HEADER}
export async function f(ids: number[]) {
  for (const id of ids) await db.select().from(posts).where(eq(posts.id, id));
}
`;

describe("DRIZZLE_GUARD_PROFILE counters", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("counts analyses, the engine's checker calls and the rules' time per file, per program", () => {
    vi.stubEnv("DRIZZLE_GUARD_PROFILE", "1");
    const program = fixtureProgram({ "file.ts": code });
    const sourceFile = sourceFileOf(program, "file.ts");
    const checker = program.getTypeChecker();
    // a checker call outside any analysis (typescript-eslint's own rules) is not counted
    checker.getSymbolAtLocation(sourceFile.statements[0]!);
    const findings = safeAnalyze(noQueryInLoop.analyze, { program, checker, sourceFile, settings: {} }, noQueryInLoop.defaultOptions, noQueryInLoop.name);
    expect(findings).toHaveLength(1);
    const report = profileReport(checker) ?? "";
    expect(report).toMatch(/rule:no-query-in-loop +\d/);
    expect(report).toMatch(/queries\.fileIndex +\d/);
    expect(report).toMatch(/checker calls made by the engine/);
    expect(report).toMatch(/getSymbolAtLocation +[\d.]+ s +\d+/);
    expect(report).toContain("file.ts");
    // another program has its own counters
    expect(profileReport(fixtureProgram({ "file.ts": code }).getTypeChecker())).toBeUndefined();
  });

  it("leaves the checker alone and reports nothing when off", () => {
    vi.stubEnv("DRIZZLE_GUARD_PROFILE", "");
    const program = fixtureProgram({ "file.ts": code });
    const checker = program.getTypeChecker();
    const before = checker.getTypeAtLocation;
    const sourceFile = sourceFileOf(program, "file.ts");
    safeAnalyze(noQueryInLoop.analyze, { program, checker, sourceFile, settings: {} }, noQueryInLoop.defaultOptions, noQueryInLoop.name);
    expect(checker.getTypeAtLocation).toBe(before);
    expect(profileReport(checker)).toBeUndefined();
  });
});
