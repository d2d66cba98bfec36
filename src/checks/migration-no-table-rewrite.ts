/**
 * Columns added to tables that already hold rows in a way that makes
 * PostgreSQL rewrite the whole table under an ACCESS EXCLUSIVE lock: a volatile
 * default (gen_random_uuid(), random(), clock_timestamp(), a serial's
 * nextval), a stored generated or identity column, or any default before PostgreSQL 11.
 */
import type { ColumnDef } from "@pgsql/types";
import type { Finding } from "../engine/types.js";
import { walkExistingTableAlters, type MigrationFile } from "../engine/migrations/migration.js";
import { constraintsOf, nodeOf, stringValue, typeOfTypeName } from "../engine/migrations/sql-nodes.js";
import { columnSource } from "../engine/migrations/schema-source.js";

export type MessageId = "volatileDefault" | "generatedColumn" | "defaultBeforePg11";

export interface CheckOptions {
  postgresVersion: number;
}

/**
 * Functions PostgreSQL marks VOLATILE (pg_proc.provolatile = 'v') that appear
 * as column defaults; tests check each against pg_proc. Other functions are
 * not reported (now(), CURRENT_TIMESTAMP and txid_current() are STABLE: evaluated once, no rewrite).
 */
export const VOLATILE_FUNCTIONS: readonly string[] = [
  "gen_random_uuid",
  "uuid_generate_v4",
  "uuid_generate_v1",
  "uuid_generate_v1mc",
  "random",
  "clock_timestamp",
  "timeofday",
  "nextval",
  "uuidv7",
  "uuidv4",
];

const SERIAL_TYPES = new Set(["serial", "bigserial", "smallserial", "serial4", "serial8", "serial2"]);

/** Names of the functions a default expression calls. */
function calledFunctions(expr: unknown, out: string[] = []): string[] {
  if (Array.isArray(expr)) {
    for (const item of expr) calledFunctions(item, out);
  } else if (expr && typeof expr === "object") {
    const call = nodeOf<{ funcname?: unknown[] }>(expr, "FuncCall");
    const name = call?.funcname?.map(stringValue).at(-1);
    if (name) out.push(name.toLowerCase());
    for (const value of Object.values(expr)) calledFunctions(value, out);
  }
  return out;
}

export function checkNoTableRewrite(migration: MigrationFile, options: CheckOptions): Finding<MessageId>[] {
  const findings: Finding<MessageId>[] = [];
  walkExistingTableAlters(migration, (alter, at, table) => {
    for (const cmd of alter.cmds) {
      if (cmd.subtype !== "AT_AddColumn") continue;
      const column = nodeOf<ColumnDef>(cmd.def, "ColumnDef");
      if (!column?.colname) continue;
      const name = `"${column.colname}"`;
      const source = columnSource(migration, alter.table, column.colname);
      const constraints = constraintsOf(column);
      const type = typeOfTypeName(column.typeName);
      const generated = constraints.find((c) => c.contype === "CONSTR_IDENTITY" || c.contype === "CONSTR_GENERATED");
      if (generated) {
        findings.push({ ...at, messageId: "generatedColumn", data: { table, column: name, source, kind: generated.contype === "CONSTR_IDENTITY" ? "an identity" : "a stored generated" } });
        continue;
      }
      const defaultExpr = constraints.find((c) => c.contype === "CONSTR_DEFAULT")?.raw_expr;
      const volatile = calledFunctions(defaultExpr).find((f) => VOLATILE_FUNCTIONS.includes(f));
      if (type && SERIAL_TYPES.has(type.base)) {
        findings.push({ ...at, messageId: "volatileDefault", data: { table, column: name, source, expression: `${type.base} (nextval())` } });
      } else if (volatile) {
        findings.push({ ...at, messageId: "volatileDefault", data: { table, column: name, source, expression: `${volatile}()` } });
      } else if (defaultExpr && options.postgresVersion < 11) {
        findings.push({ ...at, messageId: "defaultBeforePg11", data: { table, column: name, source, version: options.postgresVersion } });
      }
    }
  });
  return findings;
}
