/**
 * Index builds and drops on tables that already hold rows, in drizzle-kit
 * migrations: without CONCURRENTLY they block writes (CREATE) or all access
 * (DROP); with CONCURRENTLY they fail inside drizzle-kit's migration transaction.
 */
import type { IndexStmt } from "@pgsql/types";
import type { Finding } from "../engine/types.js";
import { walkMigration, type MigrationFile } from "../engine/migrations/migration.js";
import { tableKey } from "../engine/migrations/state.js";
import { displayTable, listItems, nodeOf, qualifiedName, relationKey } from "../engine/migrations/sql-nodes.js";

export type MessageId = "createIndex" | "dropIndex" | "concurrentlyInTransaction";

export function checkConcurrentIndex(migration: MigrationFile): Finding<MessageId>[] {
  const findings: Finding<MessageId>[] = [];
  walkMigration(migration, (statement, view) => {
    const at = { start: statement.start, end: statement.end };
    const index = nodeOf<IndexStmt>(statement.stmt, "IndexStmt");
    const drop = nodeOf<{ objects?: unknown[]; removeType?: string; concurrent?: boolean }>(statement.stmt, "DropStmt");
    if (index) {
      const key = relationKey(index.relation);
      const name = `"${index.idxname ?? "(unnamed)"}"`;
      if (index.concurrent) {
        if (migration.inTransaction) findings.push({ ...at, messageId: "concurrentlyInTransaction", data: { statement: "CREATE INDEX CONCURRENTLY", index: name } });
        return;
      }
      if (key && view.isExistingTable(key)) {
        findings.push({ ...at, messageId: "createIndex", data: { index: name, table: displayTable(key), unique: index.unique ? "UNIQUE " : "" } });
      }
      return;
    }
    if (drop?.removeType !== "OBJECT_INDEX") return;
    for (const object of drop.objects ?? []) {
      const name = qualifiedName(listItems(object));
      if (!name) continue;
      const indexName = `"${name.name}"`;
      if (drop.concurrent) {
        if (migration.inTransaction) findings.push({ ...at, messageId: "concurrentlyInTransaction", data: { statement: "DROP INDEX CONCURRENTLY", index: indexName } });
        continue;
      }
      const table = view.tableOfIndex(tableKey(name.schema, name.name));
      // an index whose table is unknown is reported only when nothing is known about the database
      if (table ? view.isExistingTable(table) : migration.before === undefined) {
        findings.push({ ...at, messageId: "dropIndex", data: { index: indexName, table: table ? displayTable(table) : "its table" } });
      }
    }
  });
  return findings;
}
