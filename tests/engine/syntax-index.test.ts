import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { afterEach, describe, expect, it, vi } from "vitest";
import { userDeclaredNames } from "../../src/engine/callable-names.js";
import { fileNames, identifiersNamed } from "../../src/engine/syntax-index.js";
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
  it("finds a name's identifiers through the parser's table of the file's identifier texts, and walks a file only when the table has the name", () => {
    const text = `const \\u0061bc = 1;\nexport const total = abc + other.abc;\n`;
    const parse = () => ts.createSourceFile("n.ts", text, ts.ScriptTarget.Latest, true);
    // the table holds decoded texts: the escaped declaration is found under its name
    expect(identifiersNamed(parse(), "abc").map((id) => id.getStart())).toEqual([6, 41, 53]);
    expect(identifiersNamed(parse(), "missing")).toEqual([]);
    // a table without the name answers without the walk, whatever the text holds
    const untabled = parse();
    (untabled as unknown as { identifiers: Map<string, string> }).identifiers = new Map();
    expect(identifiersNamed(untabled, "abc")).toEqual([]);
    // no table (another parser's tree): the walk
    const bare = parse();
    delete (bare as unknown as { identifiers?: Map<string, string> }).identifiers;
    expect(identifiersNamed(bare, "abc")).toHaveLength(3);
  });
  it("builds the name index of a program with a generated file of more definitions than a call takes arguments", () => {
    const keys = Array.from({ length: 150_000 }, (_, i) => `k${i}: ${i}`).join(",\n");
    const program = fixtureProgram({ "generated/messages.ts": `export const messages = {\n${keys},\n};\nexport function lookup(key: string) {\n  return key;\n}\n` });
    expect(userDeclaredNames(program).bindings.has("lookup")).toBe(true);
  });
});
