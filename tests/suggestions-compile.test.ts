import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { allRulesOn, applyFix, fixturesDir, lint, lintConfig, plugin } from "./lint-harness.js";
import { fixtureProgram } from "./program.js";
import * as ruleTesterModule from "./rule-tester.js";

/**
 * Every suggestion compiles: for every rule with suggestions (iterating
 * `plugin.rules`), lint known-invalid inputs, apply each suggestion, and
 * type-check the result with the fixture tsconfig: no new diagnostic.
 *
 * Inputs: the snippets below, plus the `invalid` cases of the rules' own
 * RuleTester files, harvested statically (their code/filename/options when
 * those are literals or module constants) — new rules are picked up as their
 * tests are written.
 */

interface Case {
  rule: string;
  name: string;
  code: string;
  /** relative to tests/fixtures; an existing placeholder file */
  filename: string;
  options?: unknown[];
}

const { HEADER } = ruleTesterModule;
const H2 = HEADER.replace(/"\.\//g, '"../'); // HEADER for files one directory down

/** Known-invalid snippets per rule, written for this test (tricky import and formatting shapes). */
const SNIPPETS: Record<string, Array<Omit<Case, "rule">>> = {
  "require-foreign-key-index": [
    {
      name: "no extra config, aliased pg-core imports",
      filename: "schema-file.ts",
      code: `import { integer as int, pgTable as table, serial } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
export const notes = table("notes", { id: serial("id").primaryKey(), userId: int("user_id").references(() => users.id) });`,
    },
    {
      name: "namespace import, object extra config",
      filename: "schema-file.ts",
      code: `import * as p from "drizzle-orm/pg-core";
import { users } from "./schema/users";
export const notes = p.pgTable("notes", {
  id: p.serial("id").primaryKey(),
  userId: p.integer("user_id").notNull().references(() => users.id),
  editorId: p.integer("editor_id").references(() => users.id),
}, (t) => ({ userIdx: p.index("notes_user_idx").on(t.userId) }));`,
    },
    {
      name: "array extra config with a trailing comma, local binding named index",
      filename: "schema-file.ts",
      code: `import { integer, pgTable, serial, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
const index = 1;
export const notes = pgTable(
  "notes",
  { id: serial("id").primaryKey(), userId: integer("user_id").references(() => users.id), slug: integer("slug") },
  (t) => [
    uniqueIndex("notes_slug_idx").on(t.slug),
  ],
);
export const shadow = index;`,
    },
  ],
  "enforce-delete-with-where": [
    {
      name: "delete without where, sql not imported",
      filename: "file.ts",
      code: `import { db } from "./db";
import { tags } from "./schema/posts";
export async function purge() {
  await db.delete(tags);
}`,
    },
    {
      name: "delete in a transaction with returning, sql imported under an alias",
      filename: "file.ts",
      code: `import { sql as q } from "drizzle-orm";
import { db } from "./db";
import { comments } from "./schema/posts";
export async function purge() {
  const x = q\`1\`;
  return db.transaction(async (tx) => tx.delete(comments).returning({ id: comments.id }));
}`,
    },
    {
      name: "local variable named sql shadows nothing imported",
      filename: "file.ts",
      code: `import { db } from "./db";
import { tags } from "./schema/posts";
export async function purge(sql: string) {
  await db.delete(tags);
  return sql;
}`,
    },
  ],
  "enforce-update-with-where": [
    {
      name: "update without where, sql not imported",
      filename: "file.ts",
      code: `import { db } from "./db";
import { posts } from "./schema/posts";
export async function unpublishAll() {
  await db.update(posts).set({ published: false });
}`,
    },
    {
      name: "sql imported, but shadowed by a parameter where the suggestion would use it",
      filename: "file.ts",
      code: `import { sql } from "drizzle-orm";
import { db } from "./db";
import { tags } from "./schema/posts";
export const everything = sql\`true\`;
export async function renameAll(sql: string) {
  await db.update(tags).set({ name: sql });
}`,
    },
    {
      name: "update with returning in a subdirectory file",
      filename: "adversarial/large.ts",
      code: `${H2}export async function renameAll() {
  return db.update(tags).set({ name: "x" }).returning();
}`,
    },
  ],
  "no-db-in-transaction": [
    {
      name: "db inside tx, renamed parameter, nested arrow",
      filename: "file.ts",
      code: `${HEADER}export async function f() {
  await db.transaction(async (trx) => {
    await trx.insert(tags).values({ name: "a" });
    const rows = await Promise.resolve().then(() => db.select().from(tags));
    return rows;
  });
}`,
    },
  ],
  "no-unsafe-sql-raw": [
    {
      name: "sql.raw of a template with values",
      filename: "file.ts",
      code: `${HEADER}export async function find(id: string, name: string) {
  return db.execute(sql.raw(\`select * from posts where id = \${id} and title = '\${name}'\`));
}`,
    },
    {
      name: "sql.raw of an identifier and a concatenation, sql aliased",
      filename: "file.ts",
      code: `import { sql as s } from "drizzle-orm";
import { db } from "./db";
export async function sorted(column: string, dir: string) {
  await db.execute(s\`select * from posts order by \${s.raw(column)}\`);
  return db.execute(s.raw("select * from posts order by " + column + " " + dir));
}`,
    },
    {
      name: "db.execute of a runtime string",
      filename: "file.ts",
      code: `import { db } from "./db";
export async function run(query: string, id: number) {
  await db.execute(\`select * from posts where id = \${id}\`);
  return db.execute(query);
}`,
    },
  ],
};

// ---- harvesting RuleTester invalid cases from the rules' own test files ----

type Scope = Map<string, ts.Expression>;

/** Evaluates string-ish/JSON-ish literal expressions; undefined when not static. */
function evaluate(node: ts.Expression, scope: Scope, depth = 0): unknown {
  if (depth > 20) return undefined;
  const e = node;
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (e.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (e.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (e.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) return evaluate(e.expression, scope, depth + 1);
  if (ts.isTemplateExpression(e)) {
    let text = e.head.text;
    for (const span of e.templateSpans) {
      const value = evaluate(span.expression, scope, depth + 1);
      if (typeof value !== "string" && typeof value !== "number") return undefined;
      text += String(value) + span.literal.text;
    }
    return text;
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const l = evaluate(e.left, scope, depth + 1);
    const r = evaluate(e.right, scope, depth + 1);
    return typeof l === "string" || typeof r === "string" ? String(l) + String(r) : undefined;
  }
  if (ts.isIdentifier(e)) {
    const local = scope.get(e.text);
    if (local) return evaluate(local, scope, depth + 1);
    const exported = (ruleTesterModule as Record<string, unknown>)[e.text];
    return typeof exported === "string" ? exported : undefined;
  }
  if (ts.isArrayLiteralExpression(e)) {
    const items = e.elements.map((x) => evaluate(x, scope, depth + 1));
    return items.includes(undefined) ? undefined : items;
  }
  if (ts.isObjectLiteralExpression(e)) {
    const out: Record<string, unknown> = {};
    for (const p of e.properties) {
      if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) return undefined;
      const value = evaluate(p.initializer, scope, depth + 1);
      if (value === undefined) return undefined;
      out[p.name.text] = value;
    }
    return out;
  }
  return undefined;
}

function property(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of obj.properties)
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name) return p.initializer;
  return undefined;
}

/** `<x>.run("rule-name", rule, { invalid: [...] })` calls of a RuleTester test file. */
function harvest(file: string): Case[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const scope: Scope = new Map();
  for (const statement of source.statements)
    if (ts.isVariableStatement(statement) && statement.declarationList.flags & ts.NodeFlags.Const)
      for (const d of statement.declarationList.declarations)
        if (ts.isIdentifier(d.name) && d.initializer) scope.set(d.name.text, d.initializer);
  const cases: Case[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === "run" &&
      node.arguments.length === 3 &&
      ts.isStringLiteral(node.arguments[0]) &&
      ts.isObjectLiteralExpression(node.arguments[2])
    ) {
      const rule = node.arguments[0].text;
      const invalid = property(node.arguments[2], "invalid");
      if (invalid && ts.isArrayLiteralExpression(invalid)) {
        invalid.elements.forEach((element, i) => {
          if (!ts.isObjectLiteralExpression(element)) return;
          const codeNode = property(element, "code");
          const code = codeNode && evaluate(codeNode, scope);
          if (typeof code !== "string") return;
          const filenameNode = property(element, "filename");
          const filename = filenameNode ? evaluate(filenameNode, scope) : "file.ts";
          if (typeof filename !== "string" || !fs.existsSync(path.join(fixturesDir, filename))) return;
          const optionsNode = property(element, "options");
          const options = optionsNode ? evaluate(optionsNode, scope) : undefined;
          if (optionsNode && !Array.isArray(options)) return;
          const nameNode = property(element, "name");
          const name = (nameNode && evaluate(nameNode, scope)) || `invalid #${i}`;
          cases.push({ rule, name: `${path.basename(file)}: ${typeof name === "string" ? name : JSON.stringify(name)}`, code, filename, options: options as unknown[] | undefined });
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return cases;
}

// ---- the test ----

const rulesWithSuggestions = Object.entries(plugin.rules)
  .filter(([, rule]) => (rule.meta as { hasSuggestions?: boolean }).hasSuggestions)
  .map(([name]) => name);

interface Variant {
  rule: string;
  caseName: string;
  suggestion: string;
  /** virtual file names in the fixture program */
  original: string;
  fixed: string;
}

const failures = new Map<string, string[]>();
const offered = new Map<string, number>();

beforeAll(() => {
  const testsDir = import.meta.dirname;
  const harvested = fs
    .readdirSync(testsDir)
    .filter((f) => f.endsWith(".test.ts"))
    .flatMap((f) => harvest(path.join(testsDir, f)))
    .filter((c) => rulesWithSuggestions.includes(c.rule));
  const cases: Case[] = [
    ...Object.entries(SNIPPETS).flatMap(([rule, list]) => list.map((c) => ({ rule, ...c }))),
    ...harvested,
  ].filter((c) => c.rule in plugin.rules);

  const overrides: Record<string, string> = {};
  const variants: Variant[] = [];
  cases.forEach((c, i) => {
    const rules = allRulesOn();
    if (c.options) rules[`drizzle-guard/${c.rule}`] = ["error", ...c.options] as never;
    const outcome = lint(c.code, c.filename, lintConfig({ kind: "typed" }, rules));
    if (outcome.fatal.length) return; // not parseable as a standalone file: nothing to check
    const dir = path.dirname(c.filename);
    const ext = path.extname(c.filename);
    // `export {}` keeps every virtual file a module (script-level declarations would collide)
    const original = path.join(dir, `__suggest_${i}_original${ext}`);
    overrides[original] = `${c.code}\nexport {};\n`;
    outcome.findings.forEach((message, m) => {
      const rule = message.ruleId!.slice("drizzle-guard/".length);
      message.suggestions?.forEach((suggestion, s) => {
        offered.set(rule, (offered.get(rule) ?? 0) + 1);
        const fixed = path.join(dir, `__suggest_${i}_${m}_${s}${ext}`);
        overrides[fixed] = `${applyFix(c.code, suggestion.fix)}\nexport {};\n`;
        variants.push({ rule, caseName: `${c.rule} / ${c.name}`, suggestion: suggestion.desc, original, fixed });
      });
    });
  });

  const program = fixtureProgram(overrides);
  const diagnostics = (file: string) => {
    const sf = program.getSourceFile(path.join(fixturesDir, file))!;
    return ts
      .getPreEmitDiagnostics(program, sf)
      .map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
  };
  for (const v of variants) {
    const before = diagnostics(v.original);
    const after = diagnostics(v.fixed);
    const added = after.filter((d) => {
      const k = before.indexOf(d);
      if (k < 0) return true;
      before.splice(k, 1);
      return false;
    });
    if (added.length) {
      const list = failures.get(v.rule) ?? [];
      list.push(`${v.caseName} — "${v.suggestion}":\n${overrides[v.fixed]}\n${added.join("\n")}`);
      failures.set(v.rule, list);
    }
  }
}, 600_000);

describe("every suggestion compiles", () => {
  it("there are rules with suggestions", () => {
    expect(rulesWithSuggestions.length).toBeGreaterThan(0);
  });

  for (const rule of rulesWithSuggestions) {
    it(`${rule}: suggestions are offered on the inputs`, () => {
      // a rule with suggestions but no input that triggers one: add snippets to SNIPPETS
      expect(offered.get(rule) ?? 0).toBeGreaterThan(0);
    });
    it(`${rule}: every applied suggestion parses and type-checks`, () => {
      expect(failures.get(rule) ?? []).toEqual([]);
    });
  }
});
