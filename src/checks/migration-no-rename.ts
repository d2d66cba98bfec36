/**
 * Renames of tables and columns in a drizzle-kit migration: the application
 * version still running during the deploy uses the old name.
 */
import type { Finding } from "../engine/types.js";
import { walkMigration, type MigrationFile } from "../engine/migrations/migration.js";
import { displayTable, nodeOf, relationKey } from "../engine/migrations/sql-nodes.js";
import type { RangeVar } from "@pgsql/types";
import { columnSource, tableSource } from "../engine/migrations/schema-source.js";
import { tableKey } from "../engine/migrations/state.js";

export type MessageId = "renameTable" | "renameColumn";

export function checkNoRename(migration: MigrationFile): Finding<MessageId>[] {
  const findings: Finding<MessageId>[] = [];
  walkMigration(migration, (statement, view) => {
    if (statement.acknowledged) return;
    const rename = nodeOf<{ renameType?: string; relation?: RangeVar; subname?: string; newname?: string }>(statement.stmt, "RenameStmt");
    const key = relationKey(rename?.relation);
    if (!rename || !key || !rename.newname || !view.isExistingTable(key)) return;
    const at = { start: statement.start, end: statement.end };
    if (rename.renameType === "OBJECT_TABLE") {
      findings.push({ ...at, messageId: "renameTable", data: { table: displayTable(key), to: `"${rename.newname}"`, source: tableSource(migration, tableKey(rename.relation?.schemaname, rename.newname)) } });
    } else if (rename.renameType === "OBJECT_COLUMN" && rename.subname) {
      findings.push({ ...at, messageId: "renameColumn", data: { table: displayTable(key), column: `"${rename.subname}"`, to: `"${rename.newname}"`, source: columnSource(migration, key, rename.newname) } });
    }
  });
  return findings;
}
