import ts from "typescript";
import { describe, expect, it } from "vitest";
import type { TableModel } from "../../src/engine/schema/model.js";
import { tableDisplayName } from "../../src/engine/schema/model.js";
import { resolveTable, resolveTableSymbol, tablesInFile } from "../../src/engine/schema/resolve.js";
import { walk } from "../../src/engine/ts-utils.js";
import { fixtureProgram, sourceFileOf, watchChecker } from "../program.js";
import { HEADER } from "../rule-tester.js";

/** A compact, comparable view of a table model. */
function summary(t: TableModel) {
  return {
    jsName: t.jsName,
    sqlName: t.sqlName,
    declaredName: t.declaredName,
    pgSchema: t.pgSchema,
    casing: t.casing,
    columns: [...t.columns.values()].map((c) =>
      [c.key, c.sqlName, c.primaryKey && "pk", c.unique && "unique", c.notNull && "notNull", c.references && "references"]
        .filter(Boolean)
        .join(" "),
    ),
    indexes: t.indexes.map((i) => ({
      name: i.name,
      unique: i.unique,
      partial: i.partial,
      columns: i.columns.map((c) => ("key" in c ? c.key : `<${c.expression.getText()}>`)),
    })),
    primaryKey: t.primaryKey,
    uniques: t.uniques,
    foreignKeys: t.foreignKeys.map((fk) => `${fk.origin}: ${fk.columns.join(",")} -> ${fk.targetTable?.getText() ?? "?"}(${fk.targetColumns.join(",")})`),
    extraConfig: t.extraConfig.kind,
    incomplete: [!t.complete.columns && "columns", !t.complete.extra && "extra"].filter(Boolean),
  };
}

/** Finds the expression `text` (first occurrence) in a file. */
function expressionAt(sf: ts.SourceFile, text: string): ts.Expression {
  let found: ts.Expression | undefined;
  walk(sf, (node) => {
    if (found) return false;
    if (ts.isExpression(node) && node.getText(sf) === text) found = node;
  });
  if (!found) throw new Error(`no expression ${text}`);
  return found;
}

const program = fixtureProgram({
  "engine-schema/shapes.ts": `
import { sql } from "drizzle-orm";
import * as p from "drizzle-orm/pg-core";
import { index as ix, integer, pgTable, serial, text, timestamp, unique, primaryKey } from "drizzle-orm/pg-core";
import { accounts } from "../oracle";

const baseColumns = { id: serial().primaryKey(), title: text("title_text").notNull() };
const ownerId = integer("owner_id").references(() => accounts.id, { onDelete: "set null", onUpdate: "cascade" });

// columns object through a variable, shorthand column, legacy primaryKey(a, b), namespace import
export const shorthand = p.pgTable("shorthand", { ...baseColumns, ownerId, "quoted-key": text() }, (table) => [
  p.primaryKey(table.id, table.ownerId),
  p.unique("u").on(table.title).nullsNotDistinct(),
  ix("shorthand_title_idx").on(table["quoted-key"]),
]);

const cols = { id: serial().primaryKey(), label: text() };
export const viaVariable = pgTable("via_variable", cols);

// destructured callback parameter, function-expression extra config
export const destructured = pgTable(
  "destructured",
  { id: serial().primaryKey(), a: integer(), b: integer() },
  function ({ a, b: bee }) {
    return [ix().on(bee, a), primaryKey({ columns: [a, bee] })];
  },
);

// Unreadable shapes: partial models, marked incomplete.
declare function makeColumns(): Record<string, ReturnType<typeof integer>>;
declare const dynamicKey: string;
declare function tenantIndexes(t: unknown): any[];
export const spreadUnknown = pgTable("spread_unknown", { id: serial().primaryKey(), ...makeColumns() });
export const computedKey = pgTable("computed_key", { id: serial().primaryKey(), [dynamicKey]: integer() });
export const spreadExtra = pgTable("spread_extra", { id: serial().primaryKey(), a: integer() }, (t) => [...tenantIndexes(t)]);
export const unknownExtraEntry = pgTable("unknown_extra_entry", { id: serial().primaryKey() }, (t) => [tenantIndexes(t)[0]]);
const extraFn = (t: any) => [ix().on(t.id)];
export const extraByReference = pgTable("extra_by_reference", { id: serial().primaryKey() }, extraFn);
export const indexWithoutOn = pgTable("index_without_on", { id: serial().primaryKey() }, (t) => [(ix("x") as any)]);
declare function columnOf(t: unknown): any;
export const helperIndexColumn = pgTable("helper_index_column", { id: serial().primaryKey(), a: integer() }, (t) => [ix().on(columnOf(t))]);
export const spreadIndexColumns = pgTable("spread_index_columns", { id: serial().primaryKey(), a: integer() }, (t) => [
  ix().on(...([t.a] as [typeof t.a])),
]);
declare const tableName: string;
export const dynamicName = pgTable(tableName, { id: serial().primaryKey() });

// Tables built by functions are not statically known.
function makeTable(name: string) {
  return pgTable(name, { id: serial().primaryKey(), at: timestamp() });
}
export const built = makeTable("built");

// Not tables.
export const notATable = { id: 1 };
export const aMap = new Map<string, number>();
export const sqlFragment = sql\`select 1\`;
`,
  "engine-schema/uses.ts": `
import { pgTable as table, integer } from "./lookalike";
import { accounts as acc, billingInvoices, audit } from "../oracle";
import * as oracle from "../oracle/index";
import * as prefixed from "../oracle/prefixed";
import defaultTable from "./default-table";
import { schema } from "../db";

export const fake = table("fake", { userId: integer("user_id").references(() => acc.id) });
const local = prefixed.projects;
const localTwice = local;
const bundle = { acc, local, renamed: prefixed.notes };

export const refs = [
  acc,
  billingInvoices,
  oracle.auditEvents,
  oracle["invoiceLines"],
  prefixed.tasks,
  local,
  localTwice,
  (oracle.notes as typeof oracle.notes),
  defaultTable,
  schema.posts,
  audit,
  fake,
  oracle.timestamps,
  bundle.acc,
  bundle.local,
  bundle.renamed,
];
`,
});

const oracleFile = (name: string) => sourceFileOf(program, `oracle/${name}`);
const byName = (file: string) => new Map(tablesInFile(program, oracleFile(file)).map((t) => [t.jsName, t]));

describe("table models: oracle fixture forms", () => {
  const core = byName("core.ts");
  const billing = byName("billing.ts");
  const prefixed = byName("prefixed.ts");
  const uses = byName("uses.ts");

  it("lists the tables declared in each file, not aliases or helpers", () => {
    expect([...core.keys()]).toEqual(["accounts", "categories", "profiles", "teams", "memberships", "documents", "threads"]);
    expect([...billing.keys()]).toEqual(["invoices", "invoiceLines", "auditEvents"]);
    expect([...prefixed.keys()]).toEqual(["projects", "tasks", "notes"]);
    expect([...uses.keys()]).toEqual(["timeEntries"]);
    expect(tablesInFile(program, oracleFile("helpers.ts"))).toEqual([]);
    expect(tablesInFile(program, oracleFile("index.ts"))).toEqual([]);
  });

  it("pgTable without extra config, unnamed builders, spread helper from another file", () => {
    expect(summary(core.get("accounts")!)).toEqual({
      jsName: "accounts",
      sqlName: "accounts",
      declaredName: "accounts",
      pgSchema: undefined,
      casing: "none",
      columns: ["id id pk notNull", "email email unique notNull", "createdAt created_at notNull", "updatedAt updatedAt"],
      indexes: [],
      primaryKey: ["id"],
      uniques: [["email"]],
      foreignKeys: [],
      extraConfig: "absent",
      incomplete: [],
    });
    // spread columns report on the spread
    expect(core.get("accounts")!.columns.get("createdAt")!.node.getText()).toBe("...timestamps");
  });

  it("columns callback, self-reference, wrapped index columns", () => {
    const s = summary(core.get("categories")!);
    expect(s.columns).toEqual(["id id pk notNull", "parentId parent_id references", "accountId account_id notNull references", "slug slug notNull"]);
    expect(s.indexes).toEqual([
      { name: "categories_account_idx", unique: false, partial: false, columns: ["accountId"] },
      { name: "categories_slug_idx", unique: true, partial: false, columns: ["slug"] },
    ]);
    expect(s.foreignKeys).toEqual(["column: parentId -> categories(id)", "column: accountId -> accounts(id)"]);
    expect(s.extraConfig).toBe("array");
  });

  it("references actions", () => {
    const ref = core.get("profiles")!.columns.get("accountId")!.references!;
    expect([ref.target?.getText(), ref.onDelete, ref.onUpdate]).toEqual(["accounts.id", "cascade", undefined]);
  });

  it("composite primary key", () => {
    expect(core.get("memberships")!.primaryKey).toEqual(["accountId", "teamId"]);
  });

  it("object extra config: unique constraint, partial, expression, op() and using()", () => {
    const s = summary(core.get("documents")!);
    expect(s.extraConfig).toBe("object");
    expect(s.uniques).toEqual([["authorId", "slug"]]);
    expect(s.indexes).toEqual([
      { name: "documents_category_partial_idx", unique: false, partial: true, columns: ["categoryId"] },
      { name: "documents_editor_expr_idx", unique: false, partial: false, columns: ["editorId", "<sql`lower(${table.slug})`>"] },
      { name: "documents_reviewer_idx", unique: false, partial: false, columns: ["reviewerId"] },
      { name: "documents_team_idx", unique: false, partial: false, columns: ["teamId"] },
    ]);
  });

  it("foreignKey() self-reference resolves to the table itself", () => {
    const threads = core.get("threads")!;
    const fk = threads.foreignKeys.find((f) => f.origin === "foreignKey")!;
    expect(fk.columns).toEqual(["parentId"]);
    expect(resolveTable(program, fk.targetTable!)).toBe(threads);
  });

  it("pgSchema tables (variable and inline), .enableRLS()", () => {
    expect(tableDisplayName(billing.get("invoices")!)).toBe("billing.invoices");
    expect(summary(billing.get("invoices")!).extraConfig).toBe("absent");
    expect(summary(billing.get("invoiceLines")!)).toMatchObject({
      sqlName: "invoice_lines",
      pgSchema: "billing",
      primaryKey: undefined,
      indexes: [
        { name: undefined, unique: true, partial: false, columns: ["invoiceId", "lineNo"] },
        { name: "invoice_lines_account_idx", unique: false, partial: true, columns: ["accountId"] },
      ],
    });
    expect(summary(billing.get("auditEvents")!)).toMatchObject({ jsName: "auditEvents", sqlName: "events", pgSchema: "audit" });
  });

  it("pgTableCreator prefixes (template and concatenation), composite foreignKey()", () => {
    expect([...prefixed.values()].map((t) => `${t.declaredName} -> ${t.sqlName}`)).toEqual([
      "projects -> app_projects",
      "tasks -> app_tasks",
      "notes -> tmp_notes",
    ]);
    expect(prefixed.get("projects")!.uniques).toEqual([["accountId", "id"]]);
    expect(summary(prefixed.get("tasks")!).foreignKeys).toEqual([
      "column: assigneeId -> accounts(id)",
      "foreignKey: projectAccountId,projectId -> projects(accountId,id)",
    ]);
  });

  it("references through aliases resolve to their tables", () => {
    const t = uses.get("timeEntries")!;
    expect(t.foreignKeys.map((fk) => tableDisplayName(resolveTable(program, fk.targetTable!)!))).toEqual([
      "accounts",
      "billing.invoices",
      "app_projects",
    ]);
  });
});

describe("table models: other shapes", () => {
  const sf = sourceFileOf(program, "engine-schema/shapes.ts");
  const tables = new Map(tablesInFile(program, sf).map((t) => [t.jsName, t]));

  it("finds the statically declared tables only", () => {
    expect([...tables.keys()]).toEqual([
      "shorthand",
      "viaVariable",
      "destructured",
      "spreadUnknown",
      "computedKey",
      "spreadExtra",
      "unknownExtraEntry",
      "extraByReference",
      "indexWithoutOn",
      "helperIndexColumn",
      "spreadIndexColumns",
      "dynamicName",
    ]);
  });

  it("namespace import, spread of a local object, shorthand column, quoted keys, legacy primaryKey(a, b)", () => {
    expect(summary(tables.get("shorthand")!)).toEqual({
      jsName: "shorthand",
      sqlName: "shorthand",
      declaredName: "shorthand",
      pgSchema: undefined,
      casing: "none",
      columns: ["id id pk notNull", "title title_text notNull", "ownerId owner_id references", "quoted-key quoted-key"],
      indexes: [{ name: "shorthand_title_idx", unique: false, partial: false, columns: ["quoted-key"] }],
      primaryKey: ["id", "ownerId"],
      uniques: [["title"]],
      foreignKeys: ["column: ownerId -> accounts(id)"],
      extraConfig: "array",
      incomplete: [],
    });
    const ref = tables.get("shorthand")!.columns.get("ownerId")!.references!;
    expect([ref.onDelete, ref.onUpdate]).toEqual(["set null", "cascade"]);
  });

  it("columns object held in a variable", () => {
    expect(summary(tables.get("viaVariable")!).columns).toEqual(["id id pk notNull", "label label"]);
  });

  it("destructured extra-config parameter (with renaming)", () => {
    const s = summary(tables.get("destructured")!);
    expect(s.indexes).toEqual([{ name: undefined, unique: false, partial: false, columns: ["b", "a"] }]);
    expect(s.primaryKey).toEqual(["a", "b"]);
    expect(tables.get("destructured")!.extraConfig).toMatchObject({ kind: "array", paramName: undefined });
  });

  it.each([
    ["spreadUnknown", ["columns"]],
    ["computedKey", ["columns"]],
    ["spreadExtra", ["extra"]],
    ["unknownExtraEntry", ["extra"]],
    ["extraByReference", ["extra"]],
    ["indexWithoutOn", ["extra"]],
    ["helperIndexColumn", ["extra"]],
    ["spreadIndexColumns", ["extra"]],
  ])("%s is marked incomplete", (name, incomplete) => {
    const s = summary(tables.get(name)!);
    expect(s.incomplete).toEqual(incomplete);
  });

  it("keeps what it could read of an incomplete table", () => {
    expect(summary(tables.get("spreadUnknown")!).columns).toEqual(["id id pk notNull"]);
    expect(tables.get("extraByReference")!.extraConfig.kind).toBe("other");
  });

  it("a dynamic table name gives no SQL name", () => {
    const t = tables.get("dynamicName")!;
    expect([t.declaredName, t.sqlName, tableDisplayName(t)]).toEqual([undefined, undefined, "dynamicName"]);
  });

  it("tables built by functions, plain objects, maps and SQL are not table models", () => {
    for (const name of ["built", "notATable", "aMap", "sqlFragment"]) {
      expect(resolveTable(program, expressionAt(sf, name)), name).toBeUndefined();
    }
  });
});

describe("resolveTable across files", () => {
  const sf = sourceFileOf(program, "engine-schema/uses.ts");
  const refs = (() => {
    let arr: ts.ArrayLiteralExpression | undefined;
    walk(sf, (node) => {
      if (ts.isVariableDeclaration(node) && node.name.getText() === "refs") arr = node.initializer as ts.ArrayLiteralExpression;
    });
    return arr!.elements;
  })();

  it("aliased, barrel, namespace, element access, local aliases, assertions, default exports, schema objects", () => {
    expect(refs.map((r) => [r.getText(), resolveTable(program, r) && tableDisplayName(resolveTable(program, r)!)])).toEqual([
      ["acc", "accounts"],
      ["billingInvoices", "billing.invoices"],
      ["oracle.auditEvents", "audit.events"],
      ['oracle["invoiceLines"]', "billing.invoice_lines"],
      ["prefixed.tasks", "app_tasks"],
      ["local", "app_projects"],
      ["localTwice", "app_projects"],
      ["(oracle.notes as typeof oracle.notes)", "tmp_notes"],
      ["defaultTable", "default_table"],
      ["schema.posts", "posts"],
      ["audit", undefined],
      ["fake", undefined],
      ["oracle.timestamps", undefined],
      ["bundle.acc", "accounts"],
      ["bundle.local", "app_projects"],
      ["bundle.renamed", "tmp_notes"],
    ]);
  });

  it("returns the same model object for every path to a table (computed once)", () => {
    const accounts = byName("core.ts").get("accounts");
    expect(resolveTable(program, refs[0]!)).toBe(accounts);
    expect(resolveTable(program, refs[5]!)).toBe(resolveTable(program, refs[6]!));
    expect(tablesInFile(program, oracleFile("core.ts"))).toBe(tablesInFile(program, oracleFile("core.ts")));
  });

  it("a pgTable look-alike from another module is not a table", () => {
    expect(tablesInFile(program, sf)).toEqual([]);
  });

  it("default-exported tables are listed in their file", () => {
    expect(tablesInFile(program, sourceFileOf(program, "engine-schema/default-table.ts")).map((t) => t.sqlName)).toEqual(["default_table"]);
  });
});

describe("never throws", () => {
  it("on every expression of broken and unusual code", () => {
    const broken = fixtureProgram({
      "engine-schema/broken.ts": `
import { pgTable, pgTableCreator, pgSchema, integer, index, foreignKey } from "drizzle-orm/pg-core";
// @ts-nocheck
export const a = pgTable();
export const b = pgTable("b");
export const c = pgTable("c", 42, 43);
export const d = pgTable(...([] as any[]));
export const e = pgTableCreator()("e", {});
export const f = pgTableCreator((n) => { const x = n; return x; })("f", { id: integer() });
export const g = pgSchema().table("g", { id: integer().references() });
export const h = pgTable("h", { id: integer().references(() => {}) }, (t) => [index().on(), foreignKey({}), foreignKey({ columns: t })]);
export const i = pgTable("i", () => 1, (t) => ({ ...t }));
export const j = pgTable("j", { get x() { return integer(); }, y() {} }, (t) => t);
export const k = pgTable("k", { ...k });
const l1 = l2; const l2 = l1;
export const m = pgTable("m", { ...l1 });
export const n = undefined as any as typeof import("../oracle").accounts;
`,
    });
    const sf = sourceFileOf(broken, "engine-schema/broken.ts");
    expect(() => tablesInFile(broken, sf)).not.toThrow();
    let count = 0;
    walk(sf, (node) => {
      if (ts.isExpression(node)) {
        expect(() => resolveTable(broken, node)).not.toThrow();
        count++;
      }
    });
    expect(count).toBeGreaterThan(100);
    const f = tablesInFile(broken, sf).find((t) => t.jsName === "f");
    expect(f?.sqlName).toBe("f");
  });
});

describe("resolveTable through a member of a declared type", () => {
  const code = `${HEADER}
type One = { table: typeof posts };
type Either = { table: typeof posts | typeof comments; kind: "a" | "b" };
const byConst = { table: posts };
export function members(one: One, either: Either, both: One | { table: typeof comments }) {
  return [one.table, either.table, both.table, byConst.table, either.kind === "a" ? either.table : undefined];
}
`;

  it("reads the member from the declaration without typing the receiver, with the answer the checker's symbol gives", () => {
    const memberProgram = fixtureProgram({ "file.ts": code });
    const file = sourceFileOf(memberProgram, "file.ts");
    const checker = memberProgram.getTypeChecker();
    const accesses: ts.PropertyAccessExpression[] = [];
    walk(file, (node) => {
      if (ts.isPropertyAccessExpression(node) && node.name.text === "table") accesses.push(node);
    });
    const asked: string[] = [];
    const restore = watchChecker(checker, "getSymbolAtLocation", (node) => {
      if (node.getText() === "table") asked.push(node.parent.getText());
    });
    const declared = accesses.map((a) => resolveTable(memberProgram, a)?.jsName);
    restore();
    // `byConst` has no declared type: its member is found by the checker (cheap: an object literal of identifiers)
    expect(asked).toEqual(["byConst.table"]);
    const bySymbol = accesses.map((a) => resolveTableSymbol(memberProgram, checker.getSymbolAtLocation(a.name))?.jsName);
    expect(accesses.map((a, i) => [a.getText(), declared[i]])).toEqual([
      ["one.table", undefined],
      ["either.table", undefined],
      ["both.table", undefined],
      ["byConst.table", "posts"],
      ["either.table", undefined],
    ]);
    expect(declared).toEqual(bySymbol);
  });
});

describe("resolveTable of a call that is no table function", () => {
  it("answers a method of a query chain (`.as(…)`) and of an array without typing its receiver, and still reads `pgSchema(…).table(…)`", () => {
    const callProgram = fixtureProgram({
      "calls.ts": `${HEADER}
import { pgSchema, serial } from "drizzle-orm/pg-core";
export const sub = db.select().from(posts).where(eq(posts.id, 1)).as("sub");
export const found = [posts].find((t) => t === posts);
export const billingTasks = pgSchema("billing").table("tasks", { id: serial("id").primaryKey() });
`,
    });
    const file = sourceFileOf(callProgram, "calls.ts");
    const initializers = file.statements.flatMap((s) => (ts.isVariableStatement(s) ? s.declarationList.declarations.map((d) => d.initializer!) : []));
    const asked: string[] = [];
    const restore = watchChecker(callProgram.getTypeChecker(), "getSymbolAtLocation", (node) => {
      if (["as", "find"].includes(node.getText())) asked.push(node.getText());
    });
    const models = initializers.map((init) => resolveTable(callProgram, init)?.sqlName);
    restore();
    expect([models, asked]).toEqual([[undefined, undefined, "tasks"], []]);
  });
});

describe("an index on an `sql` expression", () => {
  it("is read from drizzle-orm's `sql` binding without typing the template, and a user's own `sql` tag is typed", () => {
    const sqlProgram = fixtureProgram({
      "sql-index.ts": `import { sql as drizzleSql } from "drizzle-orm";
import { index, pgTable, serial, text } from "drizzle-orm/pg-core";
const sql = (strings: TemplateStringsArray, ...values: unknown[]) => strings.join(String(values.length));
export const byDrizzle = pgTable("by_drizzle", { id: serial().primaryKey(), email: text() }, (t) => [index("lower_email").on(drizzleSql\`lower(\${t.email})\`)]);
export const byOwnTag = pgTable("by_own_tag", { id: serial().primaryKey(), email: text() }, (t) => [index("own_tag").on(sql\`lower(\${t.email})\` as never)]);
`,
    });
    const file = sourceFileOf(sqlProgram, "sql-index.ts");
    const initializers = file.statements.flatMap((s) => (ts.isVariableStatement(s) && s.modifiers?.length ? s.declarationList.declarations.map((d) => d.initializer!) : []));
    const typed: string[] = [];
    const restore = watchChecker(sqlProgram.getTypeChecker(), "getTypeAtLocation", (node) => typed.push(node.getText()));
    const [byDrizzle, byOwnTag] = initializers.map((i) => resolveTable(sqlProgram, i)!);
    restore();
    expect(summary(byDrizzle!).indexes).toEqual([{ name: "lower_email", unique: false, partial: false, columns: ["<drizzleSql`lower(${t.email})`>"] }]);
    expect([byDrizzle!.complete.extra, byOwnTag!.complete.extra]).toEqual([true, false]);
    expect(typed).toEqual(["sql`lower(${t.email})` as never"]);
  });
});
