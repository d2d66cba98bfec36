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
import { indexSource, tableSource } from "../engine/migrations/schema-source.js";

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
      const columns = (index.indexParams ?? []).map((p) => nodeOf<{ name?: string }>(p, "IndexElem")?.name ?? "");
      const source = key ? indexSource(migration, key, index.idxname ?? "", columns) : "";
      if (index.concurrent) {
        if (migration.inTransaction) findings.push({ ...at, messageId: "concurrentlyInTransaction", data: { statement: "CREATE INDEX CONCURRENTLY", index: name, source } });
        return;
      }
      if (key && view.isExistingTable(key)) {
        findings.push({ ...at, messageId: "createIndex", data: { index: name, table: displayTable(key), unique: index.unique ? "UNIQUE " : "", source } });
      }
      return;
    }
    if (drop?.removeType !== "OBJECT_INDEX") return;
    for (const object of drop.objects ?? []) {
      const name = qualifiedName(listItems(object));
      if (!name) continue;
      const indexName = `"${name.name}"`;
      const table = view.tableOfIndex(tableKey(name.schema, name.name));
      const source = table ? tableSource(migration, table) : "";
      if (drop.concurrent) {
        if (migration.inTransaction) findings.push({ ...at, messageId: "concurrentlyInTransaction", data: { statement: "DROP INDEX CONCURRENTLY", index: indexName, source } });
        continue;
      }
      // an index whose table is unknown is reported only when nothing is known about the database
      if (table ? view.isExistingTable(table) : migration.before === undefined) {
        findings.push({ ...at, messageId: "dropIndex", data: { index: indexName, table: table ? displayTable(table) : "its table", source } });
      }
    }
  });
  return findings;
}
