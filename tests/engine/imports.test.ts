import { describe, expect, it } from "vitest";
import { ensureNamedImport } from "../../src/engine/imports.js";
import { fixtureProgram, sourceFileOf } from "../program.js";

const CASES = [
  `import { sql as q } from "drizzle-orm";\nexport const x = q\`1\`;`,
  `import { eq } from "drizzle-orm";\nexport const x = eq;`,
  `import { eq } from "drizzle-orm";\nexport function f(sql: string) { return [eq, sql]; }`,
  `export function f() { try { return 1; } catch (sql) { return sql; } }`,
  `export const f = ({ sql }: { sql: string }) => sql;`,
  `import { sql } from "drizzle-orm";\nexport function f(sql: string) { return sql; }`,
  `import * as d from "drizzle-orm";\nexport function f() { const d = 1; return d; }`,
  `import { sql } from "drizzle-orm";\nexport const o = { sql: 1 };\nexport class C { sql = 2; }`,
];
// one program for all cases: each is its own virtual module
const program = fixtureProgram(Object.fromEntries(CASES.map((code, i) => [`__imports_${i}.ts`, code])));

function ensure(code: string, moduleName = "drizzle-orm", name = "sql") {
  const i = CASES.indexOf(code);
  if (i < 0) throw new Error(`add the case to CASES: ${code}`);
  return ensureNamedImport(sourceFileOf(program, `__imports_${i}.ts`), moduleName, name);
}

describe("ensureNamedImport and shadowing", () => {
  it("reuses an aliased import that nothing shadows", () => {
    expect(ensure(`import { sql as q } from "drizzle-orm";\nexport const x = q\`1\`;`)).toEqual({ reference: "q", edits: [] });
  });

  it("adds an import when the name is free", () => {
    const result = ensure(`import { eq } from "drizzle-orm";\nexport const x = eq;`);
    expect(result?.reference).toBe("sql");
    expect(result?.edits).toHaveLength(1);
  });

  it("refuses a new import when a local binding anywhere in the file has the name", () => {
    expect(ensure(`import { eq } from "drizzle-orm";\nexport function f(sql: string) { return [eq, sql]; }`)).toBeUndefined();
    expect(ensure(`export function f() { try { return 1; } catch (sql) { return sql; } }`)).toBeUndefined();
    expect(ensure(`export const f = ({ sql }: { sql: string }) => sql;`)).toBeUndefined();
  });

  it("refuses to reuse an import that a local binding shadows", () => {
    expect(ensure(`import { sql } from "drizzle-orm";\nexport function f(sql: string) { return sql; }`)).toBeUndefined();
    expect(ensure(`import * as d from "drizzle-orm";\nexport function f() { const d = 1; return d; }`)).toBeUndefined();
  });

  it("property names and type parameters do not shadow values", () => {
    expect(ensure(`import { sql } from "drizzle-orm";\nexport const o = { sql: 1 };\nexport class C { sql = 2; }`)).toEqual({
      reference: "sql",
      edits: [],
    });
  });
});
