import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fileNames } from "../../src/engine/syntax-index.js";
import { fixtureProgram, fixturesDir, sourceFileOf } from "../program.js";

const INDEX = "../../src/engine/syntax-index.js";
const IMPORTS = `import { db } from "../db";\nimport { tags } from "../schema/posts";\n`;

describe("syntax index", () => {
  // the workers share one module graph: the spied index is loaded into a fresh one, and dropped after
  afterEach(() => {
    vi.doUnmock(INDEX);
    vi.resetModules();
  });

  it("the program-wide passes do not index the names of files that no analysis looks into", async () => {
    vi.resetModules();
    vi.doMock(INDEX, async (importOriginal) => {
      const original = await importOriginal<typeof import("../../src/engine/syntax-index.js")>();
      return { ...original, fileNames: vi.fn(original.fileNames) };
    });
    const spied = await import("../../src/engine/syntax-index.js");
    const { userDeclaredNames } = await import("../../src/engine/callable-names.js");
    const { isAppendOnlyTable } = await import("../../src/engine/table-writes.js");
    const { resolveTable } = await import("../../src/engine/schema/resolve.js");
    const schemaText = readFileSync(path.join(fixturesDir, "schema/posts.ts"), "utf8");
    const program = fixtureProgram({
      "schema/posts.ts": schemaText,
      "tx/log.ts": `${IMPORTS}export const log = () => db.insert(tags).values({ name: "x" });`,
      "lib/format.ts": `export function format(value: number): string {\n  const rounded = Math.round(value);\n  return rounded.toFixed(2);\n}\n`,
    });
    // the callable-names fixed point and the append-only pass read every user file of the program
    expect(userDeclaredNames(program).bindings.has("format")).toBe(true);
    const decl = sourceFileOf(program, "schema/posts.ts")
      .statements.flatMap((s) => (ts.isVariableStatement(s) ? [...s.declarationList.declarations] : []))
      .find((d) => d.name.getText() === "tags");
    expect(isAppendOnlyTable(program, resolveTable(program, decl!.initializer!)!)).toBe(true);
    const indexed = vi.mocked(spied.fileNames).mock.calls.map(([file]) => path.relative(fixturesDir, file.fileName));
    // the schema and the writing file are looked into (resolving `tags`); a file that only formats numbers is not
    expect(indexed).toContain(path.join("schema", "posts.ts"));
    expect(indexed).not.toContain(path.join("lib", "format.ts"));
  });

  it("indexes a file's identifiers and value bindings by name, in source order", () => {
    const file = ts.createSourceFile("x.ts", `import { a as b } from "m";\nfunction f(b: number) {\n  const { c, d: e } = g(b);\n  return c + e + b;\n}\n`, ts.ScriptTarget.Latest, true);
    const { identifiers, bindings } = fileNames(file);
    expect(identifiers.get("b")?.map((id) => file.getLineAndCharacterOfPosition(id.getStart()).line)).toEqual([0, 1, 2, 3]);
    expect([...bindings.keys()].sort()).toEqual(["b", "c", "e", "f"]);
    expect(bindings.get("b")?.map((d) => ts.SyntaxKind[d.kind])).toEqual(["ImportSpecifier", "Parameter"]);
  });
});
