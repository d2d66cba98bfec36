import type { RunTests } from "@typescript-eslint/rule-tester";
import ts from "typescript";
import { expect, it } from "vitest";
import { fixtureProgram, sourceFileOf } from "./program.js";

/**
 * Asserts that the code of every RuleTester case, and every suggestion output,
 * type-checks in the fixture project: a valid case that only passes because its
 * types are broken (and so unknown) cannot fail, and a suggestion must keep the
 * code valid. All sources go into one program as separate in-memory files.
 */
export function itTypeChecks<M extends string, O extends readonly unknown[]>(cases: RunTests<M, O>): void {
  it("every test case and suggestion output type-checks", () => {
    const sources = new Map<string, string>();
    const add = (label: string, code: string) => sources.set(`__typecheck_${sources.size}.ts`, `${code}\n// ${label}\n`);
    for (const c of cases.valid) {
      if (typeof c === "string") add("valid", c);
      else add(`valid: ${c.name}`, c.code);
    }
    for (const c of cases.invalid) {
      add(`invalid: ${c.name}`, c.code);
      for (const e of c.errors ?? []) for (const s of e.suggestions ?? []) add(`suggestion of ${c.name}`, s.output);
    }
    const program = fixtureProgram(Object.fromEntries(sources));
    const problems: string[] = [];
    for (const file of sources.keys()) {
      const sf = sourceFileOf(program, file);
      for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
        const line = d.start === undefined ? 0 : sf.getLineAndCharacterOfPosition(d.start).line + 1;
        problems.push(`${sf.text.trim().split("\n").pop()} line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
      }
    }
    expect(problems).toEqual([]);
  });
}
