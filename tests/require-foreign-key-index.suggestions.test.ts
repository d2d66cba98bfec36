/**
 * Every suggestion of require-foreign-key-index must leave code that parses and
 * type-checks, and must actually cover the foreign key it was offered for.
 * Applies each suggestion of the rule's invalid cases and of the oracle
 * fixture schemas, then type-checks all results in one program.
 */
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { readSharedSettings } from "../src/engine/settings.js";
import type { Finding, TextEdit } from "../src/engine/types.js";
import rule from "../src/rules/require-foreign-key-index.js";
import { invalidCases } from "./require-foreign-key-index.cases.js";
import { fixtureProgram } from "./program.js";
import { fixturesDir } from "./rule-tester.js";

function analyze(program: ts.Program, sourceFile: ts.SourceFile): Finding[] {
  const context = { program, checker: program.getTypeChecker(), sourceFile, settings: readSharedSettings({}) };
  return rule.analyze(context, [{ ignore: [] }]);
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function diagnosticsOf(program: ts.Program, sf: ts.SourceFile): string[] {
  return ts
    .getPreEmitDiagnostics(program, sf)
    .map((d) => `${path.relative(fixturesDir, d.file?.fileName ?? "")}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

const label = (f: Finding) => `${f.data?.table}(${f.data?.columns})`;

describe("require-foreign-key-index suggestions compile", () => {
  // 1. the sources: every invalid case, and the oracle schemas on disk
  const cases = Object.fromEntries(invalidCases.map((c, i) => [`fk-case-${i}.ts`, c.code]));
  const before = fixtureProgram(cases);
  const sources = [
    ...Object.keys(cases),
    ...["core.ts", "billing.ts", "prefixed.ts", "uses.ts"].map((f) => `oracle/${f}`),
  ].map((relative) => before.getSourceFile(path.join(fixturesDir, relative))!);

  // 2. one fixed file per suggestion, next to its source so relative imports still resolve
  interface Fixed {
    file: string;
    from: string;
    coveredKey: string;
    remaining: string[];
  }
  const fixed: Fixed[] = [];
  const fixedTexts: Record<string, string> = {};
  let unsuggested = 0;
  for (const sf of sources) {
    const findings = analyze(before, sf);
    for (const finding of findings) {
      if (!finding.suggestions?.length) unsuggested++;
      for (const suggestion of finding.suggestions ?? []) {
        const relative = path.relative(fixturesDir, sf.fileName);
        const file = path.join(path.dirname(relative), `__suggested_${fixed.length}.ts`);
        fixedTexts[file] = applyEdits(sf.text, suggestion.edits);
        fixed.push({ file, from: relative, coveredKey: label(finding), remaining: findings.filter((f) => f !== finding).map(label) });
      }
    }
  }
  const after = fixtureProgram(fixedTexts);

  it("starts from sources that type-check", () => {
    expect(sources.flatMap((sf) => diagnosticsOf(before, sf))).toEqual([]);
  });

  it("has many suggestions to check", () => {
    expect(fixed.length).toBeGreaterThanOrEqual(20);
    // the destructured-parameter and name-clash cases offer none
    expect(unsuggested).toBe(2);
  });

  it("every suggested file parses and type-checks", () => {
    const problems = fixed.flatMap((f) => diagnosticsOf(after, after.getSourceFile(path.join(fixturesDir, f.file))!));
    expect(problems).toEqual([]);
  });

  it("every suggestion covers its foreign key and nothing else changes", () => {
    for (const f of fixed) {
      const sf = after.getSourceFile(path.join(fixturesDir, f.file))!;
      expect(analyze(after, sf).map(label), `${f.from}: ${f.coveredKey}`).toEqual(f.remaining);
    }
  });
});
