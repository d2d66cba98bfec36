import ts from "typescript";
import { describe, expect, it } from "vitest";
import { topLevelBindingOf } from "../../src/engine/bindings.js";
import { drizzleImportName } from "../../src/engine/drizzle-symbols.js";
import { isUserSourceFile } from "../../src/engine/ts-utils.js";
import { fixtureProgram, sourceFileOf } from "../program.js";

// every way a name can be bound again in an inner scope, next to names bound once at top level
const SCOPES = `
import { eq, sql as rawSql } from "drizzle-orm";
import * as orm from "drizzle-orm";
import { db } from "./db";
import { posts } from "./schema/posts";
import { users } from "./schema/users";

export const top = 1;
export const session = { id: 1 };
export function helper(value: number) { return value + top; }
export class Repo { run() { return db.select().from(posts); } }
enum Kind { a = 1, b = a + 1 }
namespace Ns { export const inner = top; }

export function shadows(posts: string, ...rest: number[]) {
  const users = posts.length + rest.length;
  return users;
}
export function viaCatch() {
  try { return db.select().from(users).where(eq(users.id, session.id)); } catch (session) { return session; }
}
export function viaFor(ids: number[]) {
  for (const eq of ids) void eq;
  for (let i = 0; i < ids.length; i++) void i;
  return ids.map((top) => top + 1);
}
export function viaVar() {
  if (top) { var hoisted = 1; }
  return hoisted;
}
export const named = function Repo() { return Repo; };
export const klass = class Kind { static k = Kind; };
export function usesArguments() { return arguments.length; }
export function defaults(a = top, b = a) { return a + b; }
export const shorthand = { top, helper, db };
export const where = eq(posts.id, 1);
export const chunk = rawSql\`select 1\`;
export const viaNamespace = orm.eq(users.id, 1);
label: for (const x of [1]) { if (x) break label; }
declare global { const fromGlobal: number; }
export default top;
`;

const program = fixtureProgram({ "__bindings.ts": SCOPES });
const checker = program.getTypeChecker();

function identifiers(file: ts.SourceFile): ts.Identifier[] {
  const out: ts.Identifier[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) out.push(node);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

function find(file: ts.SourceFile, text: string, line: string): ts.Identifier {
  const found = identifiers(file).find((id) => id.text === text && file.text.split("\n")[file.getLineAndCharacterOfPosition(id.getStart()).line]!.includes(line));
  if (!found) throw new Error(`no ${text} on a line with ${line}`);
  return found;
}

describe("top-level bindings (syntax) agree with the checker", () => {
  it("on every identifier of every fixture file: same symbol, or no answer", () => {
    let answered = 0;
    let checked = 0;
    for (const file of program.getSourceFiles()) {
      if (!isUserSourceFile(file)) continue;
      for (const id of identifiers(file)) {
        const binding = topLevelBindingOf(id);
        checked++;
        if (!binding) continue;
        answered++;
        const expected = checker.getSymbolAtLocation(id);
        expect(checker.getSymbolAtLocation(binding.name), `${file.fileName}: ${id.text} at ${id.getStart()}`).toBe(expected);
      }
    }
    // the fast path is taken for most references, not silently never
    expect(answered).toBeGreaterThan(500);
    expect(checked).toBeGreaterThan(answered);
  });

  it("answers for names bound once at top level, and not where an inner scope binds the name again", () => {
    const file = sourceFileOf(program, "__bindings.ts");
    const binding = (text: string, line: string) => topLevelBindingOf(find(file, text, line))?.name.text;
    expect(binding("db", "class Repo")).toBe("db");
    expect(binding("helper", "shorthand")).toBeUndefined(); // a shorthand property name: the property, not the variable
    expect(binding("eq", "where =")).toBeUndefined(); // `for (const eq of ids)` binds it again
    expect(binding("posts", "where =")).toBeUndefined(); // a parameter named posts
    expect(binding("users", "viaNamespace")).toBeUndefined(); // a local const named users
    expect(binding("session", "catch (session)")).toBeUndefined(); // a catch clause named session
    expect(binding("db", "catch (session)")).toBe("db");
    expect(binding("top", "export default")).toBeUndefined(); // a callback parameter named top
    expect(binding("Repo", "class Repo")).toBeUndefined(); // a named function expression Repo
    expect(binding("Kind", "enum Kind")).toBeUndefined(); // a class expression Kind
    expect(binding("rawSql", "chunk")).toBe("rawSql");
    expect(binding("orm", "viaNamespace")).toBe("orm");
    expect(binding("arguments", "usesArguments")).toBeUndefined();
    expect(binding("x", "label:")).toBeUndefined(); // bound by the for statement, not at top level
    expect(binding("label", "break label")).toBeUndefined(); // a label is no value reference
  });

  it("reads drizzle-orm imports from the import binding, and shadowed ones through the checker", () => {
    const file = sourceFileOf(program, "__bindings.ts");
    expect(drizzleImportName(checker, find(file, "rawSql", "chunk"))).toBe("sql");
    expect(drizzleImportName(checker, find(file, "eq", "viaNamespace"))).toBe("eq");
    // `eq` is bound again by a loop variable in this file: the checker resolves the use, still drizzle-orm's eq
    expect(drizzleImportName(checker, find(file, "eq", "where ="))).toBe("eq");
  });
});
