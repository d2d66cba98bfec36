/**
 * Statements of a drizzle-kit migration that lose data or cannot be rolled
 * back cleanly: DROP TABLE, DROP COLUMN, TRUNCATE, a column type change that
 * rewrites the table or can fail, DROP NOT NULL. A statement whose chunk has a
 * `-- drizzle-guard: destructive-ok <reason>` comment is acknowledged.
 */
import type { ColumnDef, Node } from "@pgsql/types";
import type { Finding } from "../engine/types.js";
import { walkMigration, type MigrationFile } from "../engine/migrations/migration.js";
import { tableKey } from "../engine/migrations/state.js";
import { columnSource, tableSource } from "../engine/migrations/schema-source.js";
import {
  alterTableCommands,
  displayTable,
  listItems,
  nodeOf,
  parseTypeText,
  qualifiedName,
  relationKey,
  typeOfTypeName,
  typeText,
  type SqlType,
} from "../engine/migrations/sql-nodes.js";

export type MessageId = "dropTable" | "dropColumn" | "truncate" | "typeChange" | "dropNotNull";

/**
 * Type changes PostgreSQL makes without rewriting the table or checking rows
 * (binary-coercible widenings): varchar(n) → varchar(m ≥ n) / varchar / text,
 * text ↔ unbounded varchar, numeric(p,s) → numeric(p' ≥ p, s) / numeric.
 */
export function isSafeWidening(from: SqlType | undefined, to: SqlType): boolean {
  const unboundedText = (t: SqlType) => t.base === "text" || (t.base === "varchar" && t.mods.length === 0);
  if (from === undefined) return unboundedText(to) || (to.base === "numeric" && to.mods.length === 0);
  if (from.array !== to.array) return false;
  if (from.base === to.base && from.mods.join() === to.mods.join()) return true;
  if ((from.base === "varchar" || from.base === "text") && unboundedText(to)) return true;
  if (from.base === "varchar" && to.base === "varchar") return to.mods.length === 0 || (to.mods[0] ?? 0) >= (from.mods[0] ?? Infinity);
  if (from.base === "numeric" && to.base === "numeric") {
    if (to.mods.length === 0) return true;
    return from.mods.length > 0 && (to.mods[0] ?? 0) >= (from.mods[0] ?? 0) && (to.mods[1] ?? 0) === (from.mods[1] ?? 0);
  }
  return false;
}

export function checkNoDestructive(migration: MigrationFile): Finding<MessageId>[] {
  const findings: Finding<MessageId>[] = [];
  walkMigration(migration, (statement, view) => {
    if (statement.acknowledged) return;
    const at = { start: statement.start, end: statement.end };
    const stmt: Node = statement.stmt;
    const drop = nodeOf<{ objects?: unknown[]; removeType?: string }>(stmt, "DropStmt");
    if (drop?.removeType === "OBJECT_TABLE") {
      for (const object of drop.objects ?? []) {
        const name = qualifiedName(listItems(object));
        if (!name) continue;
        const key = tableKey(name.schema, name.name);
        if (view.isExistingTable(key)) findings.push({ ...at, messageId: "dropTable", data: { table: displayTable(key), source: tableSource(migration, key) } });
      }
      return;
    }
    const truncate = nodeOf<{ relations?: unknown[] }>(stmt, "TruncateStmt");
    if (truncate) {
      const tables = (truncate.relations ?? []).map((r) => relationKey(nodeOf(r, "RangeVar"))).filter((k): k is string => k !== undefined);
      const source = tables.length === 1 ? tableSource(migration, tables[0] as string) : "";
      findings.push({ ...at, messageId: "truncate", data: { table: tables.map(displayTable).join(", "), source } });
      return;
    }
    const alter = alterTableCommands(stmt);
    if (!alter || !view.isExistingTable(alter.table)) return;
    const table = displayTable(alter.table);
    const columnExisted = (name: string) => (migration.before ? migration.before.tables.get(alter.table)?.columns.has(name) === true : true);
    for (const cmd of alter.cmds) {
      if (!cmd.name || !columnExisted(cmd.name)) continue;
      const column = `"${cmd.name}"`;
      const source = columnSource(migration, alter.table, cmd.name);
      if (cmd.subtype === "AT_DropColumn") {
        findings.push({ ...at, messageId: "dropColumn", data: { table, column, source } });
      } else if (cmd.subtype === "AT_DropNotNull") {
        findings.push({ ...at, messageId: "dropNotNull", data: { table, column, source } });
      } else if (cmd.subtype === "AT_AlterColumnType") {
        const to = typeOfTypeName(nodeOf<ColumnDef>(cmd.def, "ColumnDef")?.typeName);
        if (!to) continue;
        const old = view.column(alter.table, cmd.name)?.type;
        const from = old ? parseTypeText(old) : undefined;
        if (isSafeWidening(from, to)) continue;
        findings.push({ ...at, messageId: "typeChange", data: { table, column, source, from: from ? typeText(from) : "its current type", to: typeText(to) } });
      }
    }
  });
  return findings;
}
