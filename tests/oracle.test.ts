/**
 * The oracle: Postgres itself decides which foreign keys have no covering
 * index. The fixture schemas in tests/fixtures/oracle are loaded at runtime,
 * turned into DDL by drizzle-kit, applied to PGlite, and the catalog's answer
 * must equal the rule's findings on the same files, exactly.
 */
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { generateDrizzleJson, generateMigration } from "drizzle-kit/api";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSharedSettings } from "../src/engine/settings.js";
import { tablesInFile } from "../src/engine/schema/resolve.js";
import type { TableModel } from "../src/engine/schema/model.js";
import type { Finding } from "../src/engine/types.js";
import rule from "../src/rules/require-foreign-key-index.js";
import { lint, lintConfig } from "./lint-harness.js";
import { fixtureProgram } from "./program.js";
import { fixturesDir } from "./rule-tester.js";

/** Every foreign key, with whether a covering index exists under the rule's semantics. */
const FOREIGN_KEYS_SQL = `
select n.nspname as schema,
       c.relname as "table",
       array(
         select a.attname
         from unnest(con.conkey) with ordinality as k(attnum, ord)
         join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
         order by k.ord
       ) as columns,
       tn.nspname as target_schema,
       t.relname as target_table,
       exists (
         select 1
         from pg_index i
         where i.indrelid = con.conrelid
           and i.indpred is null      -- not partial
           and i.indexprs is null     -- no expression columns
           and i.indnkeyatts >= cardinality(con.conkey)
           -- the first N key columns are, as a set, exactly the FK's N columns
           and (select array_agg(x order by x)
                from unnest((string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(con.conkey)]) as x)
             = (select array_agg(x order by x) from unnest(con.conkey) as x)
       ) as covered
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_class t on t.oid = con.confrelid
join pg_namespace tn on tn.oid = t.relnamespace
where con.contype = 'f'
order by 1, 2, 3`;

interface CatalogForeignKey {
  schema: string;
  table: string;
  columns: string[];
  target_schema: string;
  target_table: string;
  covered: boolean;
}

/** `schema.table(col, col)`, with `public.` left out, as the rule's messages name tables. */
function label(schema: string | undefined, table: string, columns: string[]): string {
  return `${schema && schema !== "public" ? `${schema}.` : ""}${table}(${columns.join(", ")})`;
}

const oracleDir = path.join(fixturesDir, "oracle");
const program = fixtureProgram();
const oracleFiles = program.getSourceFiles().filter((sf) => path.dirname(sf.fileName) === oracleDir);

function analyze(sourceFile: ts.SourceFile, settings: Record<string, unknown> = {}): Finding[] {
  const context = { program, checker: program.getTypeChecker(), sourceFile, settings: readSharedSettings(settings) };
  return rule.analyze(context, [{ ignore: [] }]);
}

function findingLabel(f: Finding): string {
  return `${f.data?.table}(${f.data?.columns})`;
}

function modelForeignKeys(table: TableModel): string[] {
  return table.foreignKeys.map((fk) =>
    label(table.pgSchema, table.sqlName ?? "?", fk.columns.map((k) => table.columns.get(k)?.sqlName ?? `?${k}`)),
  );
}

describe("oracle: require-foreign-key-index agrees with Postgres", () => {
  let pg: PGlite | undefined;
  let catalog: CatalogForeignKey[] = [];

  beforeAll(async () => {
    // loaded at runtime (the fixture project has its own tsconfig): every table, schema and helper the barrel exports
    const oracleSchema = (await import(path.join(oracleDir, "index.ts"))) as Record<string, unknown>;
    const statements = await generateMigration(generateDrizzleJson({}), generateDrizzleJson(oracleSchema));
    pg = new PGlite();
    for (const statement of statements) await pg.exec(statement);
    catalog = (await pg.query<CatalogForeignKey>(FOREIGN_KEYS_SQL)).rows;
  });

  afterAll(async () => {
    await pg?.close();
  });

  it("loads a non-trivial schema (the test can fail)", () => {
    expect(oracleFiles.map((sf) => path.basename(sf.fileName)).sort()).toEqual([
      "billing.ts",
      "core.ts",
      "helpers.ts",
      "index.ts",
      "prefixed.ts",
      "uses.ts",
    ]);
    expect(catalog.filter((fk) => !fk.covered).length).toBeGreaterThanOrEqual(5);
    expect(catalog.filter((fk) => fk.covered).length).toBeGreaterThanOrEqual(5);
    expect(catalog.some((fk) => fk.columns.length > 1 && fk.covered)).toBe(true);
    expect(catalog.some((fk) => fk.columns.length > 1 && !fk.covered)).toBe(true);
    expect(new Set(catalog.map((fk) => fk.schema))).toEqual(new Set(["public", "billing", "audit"]));
  });

  it("models every table Postgres has, completely", () => {
    const tables = oracleFiles.flatMap((sf) => tablesInFile(program, sf));
    const incomplete = tables.filter((t) => !t.complete.columns || !t.complete.extra).map((t) => t.jsName);
    expect(incomplete).toEqual([]);
    const pgTables = new Set(catalog.map((fk) => label(fk.schema, fk.table, [])));
    const modelTables = new Set(tables.filter((t) => t.foreignKeys.length > 0).map((t) => label(t.pgSchema, t.sqlName ?? "?", [])));
    expect(modelTables).toEqual(pgTables);
  });

  it("finds exactly the foreign keys Postgres has", () => {
    const tables = oracleFiles.flatMap((sf) => tablesInFile(program, sf));
    const fromModel = tables.flatMap(modelForeignKeys).sort();
    const fromCatalog = catalog.map((fk) => label(fk.schema, fk.table, fk.columns)).sort();
    expect(fromModel).toEqual(fromCatalog);
  });

  it("reports exactly the foreign keys that Postgres says have no covering index", () => {
    const reported = oracleFiles.flatMap((sf) => analyze(sf)).map(findingLabel).sort();
    const uncovered = catalog.filter((fk) => !fk.covered).map((fk) => label(fk.schema, fk.table, fk.columns)).sort();
    expect(reported).toEqual(uncovered);
  });

  it("names the referenced table as Postgres does", () => {
    const reported = oracleFiles.flatMap((sf) => analyze(sf)).map((f) => `${findingLabel(f)} -> ${f.data?.target}`);
    const expected = catalog
      .filter((fk) => !fk.covered)
      .map((fk) => `${label(fk.schema, fk.table, fk.columns)} -> ${label(fk.target_schema, fk.target_table, []).slice(0, -2)}`);
    expect(reported.sort()).toEqual(expected.sort());
    // self-references, aliased, namespace and barrel imports all resolve to a table
    expect(reported).toEqual(
      expect.arrayContaining([
        "threads(parent_id) -> threads",
        "categories(parent_id) -> categories",
        "time_entries(account_id, project_id) -> app_projects",
        "time_entries(invoice_id) -> billing.invoices",
      ]),
    );
  });
  it("ESLint with typed linting, file by file, reports the same foreign keys", () => {
    const config = lintConfig(
      { kind: "typed" },
      { "drizzle-guard/require-foreign-key-index": "error" },
      { rules: { "require-foreign-key-index": rule } },
    );
    const reported = oracleFiles.flatMap((sf) =>
      lint(sf.text, sf.fileName, config).messages.map((m) => {
        const match = /^Foreign key (\S+) \((.*?)\) →/.exec(m.message);
        return match ? `${match[1]}(${match[2]})` : m.message;
      }),
    );
    const uncovered = catalog.filter((fk) => !fk.covered).map((fk) => label(fk.schema, fk.table, fk.columns));
    expect(reported.sort()).toEqual(uncovered.sort());
  });
});

describe("Drizzle v1 forms (drizzle-orm 0.45 cannot run them: checked against an explicit list)", () => {
  const sf = program.getSourceFile(path.join(fixturesDir, "oracle-v1", "tables.ts"))!;

  it("models pgTable.withRLS, snakeCase.table and camelCase.table", () => {
    const tables = tablesInFile(program, sf);
    expect(tables.map((t) => `${t.jsName}:${t.sqlName}:${t.casing}`)).toEqual([
      "secrets:secrets:none",
      "auditLog:audit_log:snake_case",
      "sessions:sessions:camelCase",
    ]);
    expect(tables.flatMap(modelForeignKeys).sort()).toEqual(
      [
        "audit_log(actor_account_id)",
        "audit_log(target_account_id)",
        "secrets(accountId)",
        "sessions(device)",
        "sessions(ownerAccountId)",
      ].sort(),
    );
    expect(tables.every((t) => t.complete.columns && t.complete.extra)).toBe(true);
  });

  it("reports the uncovered ones", () => {
    expect(analyze(sf).map((f) => `${findingLabel(f)} -> ${f.data?.target}`)).toEqual([
      "secrets(accountId) -> accounts",
      "audit_log(actor_account_id) -> accounts",
      "sessions(ownerAccountId) -> accounts",
    ]);
  });
});
