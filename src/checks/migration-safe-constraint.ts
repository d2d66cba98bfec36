/**
 * Constraints added to tables that already hold rows, in drizzle-kit
 * migrations: NOT NULL columns without a default, SET NOT NULL, foreign keys
 * and CHECKs validated in the same statement, UNIQUE / PRIMARY KEY constraints
 * that build their index under an ACCESS EXCLUSIVE lock.
 */
import type { ColumnDef, Constraint } from "@pgsql/types";
import type { Finding } from "../engine/types.js";
import { walkExistingTableAlters, type MigrationFile } from "../engine/migrations/migration.js";
import { constraintsOf, nodeOf, stringValue, typeOfTypeName } from "../engine/migrations/sql-nodes.js";
import { columnSource, tableSource } from "../engine/migrations/schema-source.js";

export type MessageId = "notNullWithoutDefault" | "setNotNull" | "foreignKeyNotValid" | "checkNotValid" | "uniqueWithoutIndex";

const SERIAL_TYPES = new Set(["serial", "bigserial", "smallserial", "serial4", "serial8", "serial2"]);

/** The column fills itself on existing rows: a DEFAULT, identity, generated, or serial column. */
function hasImplicitValue(column: ColumnDef): boolean {
  const type = typeOfTypeName(column.typeName);
  if (type && SERIAL_TYPES.has(type.base)) return true;
  return constraintsOf(column).some((c) => c.contype === "CONSTR_DEFAULT" || c.contype === "CONSTR_IDENTITY" || c.contype === "CONSTR_GENERATED");
}

export function checkSafeConstraint(migration: MigrationFile): Finding<MessageId>[] {
  const findings: Finding<MessageId>[] = [];
  walkExistingTableAlters(migration, (alter, at, table) => {
    for (const cmd of alter.cmds) {
      if (cmd.subtype === "AT_AddColumn") {
        const column = nodeOf<ColumnDef>(cmd.def, "ColumnDef");
        if (!column?.colname) continue;
        const notNull = constraintsOf(column).some((c) => c.contype === "CONSTR_NOTNULL" || c.contype === "CONSTR_PRIMARY");
        if (notNull && !hasImplicitValue(column)) {
          findings.push({ ...at, messageId: "notNullWithoutDefault", data: { table, column: `"${column.colname}"`, source: columnSource(migration, alter.table, column.colname) } });
        }
      } else if (cmd.subtype === "AT_SetNotNull" && cmd.name) {
        findings.push({ ...at, messageId: "setNotNull", data: { table, column: `"${cmd.name}"`, source: columnSource(migration, alter.table, cmd.name) } });
      } else if (cmd.subtype === "AT_AddConstraint") {
        const constraint = nodeOf<Constraint>(cmd.def, "Constraint");
        if (!constraint) continue;
        const name = `"${constraint.conname ?? "(unnamed)"}"`;
        // a constraint on one column comes from that column's schema line (`.references()`, `.unique()`)
        const keys = [...(constraint.fk_attrs ?? []), ...(constraint.keys ?? [])].map(stringValue).filter((c) => c !== undefined);
        const source = keys.length === 1 ? columnSource(migration, alter.table, keys[0] as string) : tableSource(migration, alter.table);
        if (constraint.contype === "CONSTR_FOREIGN" && !constraint.skip_validation) {
          const referenced = constraint.pktable?.relname ? `"${constraint.pktable.relname}"` : "the referenced table";
          findings.push({ ...at, messageId: "foreignKeyNotValid", data: { table, constraint: name, referenced, source } });
        } else if (constraint.contype === "CONSTR_CHECK" && !constraint.skip_validation) {
          findings.push({ ...at, messageId: "checkNotValid", data: { table, constraint: name, source } });
        } else if ((constraint.contype === "CONSTR_UNIQUE" || constraint.contype === "CONSTR_PRIMARY") && !constraint.indexname) {
          const columns = (constraint.keys ?? []).map(stringValue).filter((c) => c !== undefined).map((c) => `"${c}"`).join(", ");
          findings.push({
            ...at,
            messageId: "uniqueWithoutIndex",
            data: { table, constraint: name, kind: constraint.contype === "CONSTR_PRIMARY" ? "PRIMARY KEY" : "UNIQUE", columns, source },
          });
        }
      }
    }
  });
  return findings;
}
