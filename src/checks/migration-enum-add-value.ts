/**
 * `ALTER TYPE … ADD VALUE` in drizzle-kit migrations, which the migrator runs
 * inside one transaction: before PostgreSQL 12 the statement fails there, and
 * on every version the new value cannot be used in the same transaction.
 */
import type { Finding } from "../engine/types.js";
import { walkMigration, type MigrationFile } from "../engine/migrations/migration.js";
import { tableKey } from "../engine/migrations/state.js";
import type { Node, RangeVar, TypeName } from "@pgsql/types";
import type { DbState } from "../engine/migrations/state.js";
import { displayTable, nodeOf, parseTypeText, qualifiedName, relationKey, stringValue } from "../engine/migrations/sql-nodes.js";
import { enumSource } from "../engine/migrations/schema-source.js";

export type MessageId = "addValueInTransaction" | "newValueUsed";

export interface CheckOptions {
  postgresVersion: number;
}

/** String constants of a statement (`'c'` in `SET DEFAULT 'c'`, `UPDATE … = 'c'`). */
function stringConstants(node: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) stringConstants(item, out);
  } else if (node && typeof node === "object") {
    const constant = nodeOf<{ sval?: { sval?: string } }>(node, "A_Const");
    if (typeof constant?.sval?.sval === "string") out.add(constant.sval.sval);
    for (const value of Object.values(node)) stringConstants(value, out);
  }
  return out;
}

/** The statement names the enum type, or writes to a table with a column of that type. */
function touchesEnum(stmt: Node, enumKey: string, state: DbState): boolean {
  const enumName = enumKey.slice(enumKey.indexOf(".") + 1);
  const names = new Set<string>();
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(collect);
    else if (node && typeof node === "object") {
      const type = nodeOf<TypeName>(node, "TypeName");
      const last = type?.names?.map(stringValue).at(-1);
      if (last) names.add(last);
      Object.values(node).forEach(collect);
    }
  };
  collect(stmt);
  if (names.has(enumName)) return true;
  const body = Object.values(stmt)[0] as { relation?: RangeVar } | undefined;
  const table = state.tables.get(relationKey(body?.relation) ?? "");
  return table !== undefined && [...table.columns.values()].some((c) => parseTypeText(c.type).base === enumName);
}

export function checkEnumAddValue(migration: MigrationFile, options: CheckOptions): Finding<MessageId>[] {
  const findings: Finding<MessageId>[] = [];
  if (!migration.inTransaction) return findings;
  const added: { key: string; value: string }[] = [];
  walkMigration(migration, (statement, view) => {
    const at = { start: statement.start, end: statement.end };
    const alter = nodeOf<{ typeName?: unknown[]; newVal?: string; oldVal?: string }>(statement.stmt, "AlterEnumStmt");
    const name = qualifiedName(alter?.typeName);
    if (alter && name && alter.newVal !== undefined && alter.oldVal === undefined) {
      const key = tableKey(name.schema, name.name);
      added.push({ key, value: alter.newVal });
      if (options.postgresVersion < 12) {
        findings.push({ ...at, messageId: "addValueInTransaction", data: { type: displayTable(key), value: alter.newVal, version: options.postgresVersion, source: enumSource(migration, key) } });
      }
      return;
    }
    if (added.length === 0) return;
    const constants = stringConstants(statement.stmt);
    const used = added.find((a) => constants.has(a.value) && touchesEnum(statement.stmt, a.key, view.current));
    if (used) findings.push({ ...at, messageId: "newValueUsed", data: { type: displayTable(used.key), value: used.value, source: enumSource(migration, used.key) } });
  });
  return findings;
}
