import enforceDeleteWithWhere from "./enforce-delete-with-where.js";
import enforceUpdateWithWhere from "./enforce-update-with-where.js";
import migrationConcurrentIndex from "./migration-concurrent-index.js";
import migrationEnumAddValue from "./migration-enum-add-value.js";
import migrationNoDestructive from "./migration-no-destructive.js";
import migrationNoRename from "./migration-no-rename.js";
import migrationNoTableRewrite from "./migration-no-table-rewrite.js";
import migrationSafeConstraint from "./migration-safe-constraint.js";
import noDbInTransaction from "./no-db-in-transaction.js";
import noParallelInTransaction from "./no-parallel-in-transaction.js";
import noPushInProduction from "./no-push-in-production.js";
import noQueryInLoop from "./no-query-in-loop.js";
import noUnsupportedTransaction from "./no-unsupported-transaction.js";
import noUnsafeSqlRaw from "./no-unsafe-sql-raw.js";
import requireTransaction from "./require-transaction.js";
import requireForeignKeyIndex from "./require-foreign-key-index.js";
import requireOwnerFilter from "./require-owner-filter.js";

/**
 * Every rule of the plugin, by name. Engine rules (those with `analyze`) also
 * run in the TypeScript transformer and CLI.
 */
export const rules = {
  "enforce-delete-with-where": enforceDeleteWithWhere,
  "enforce-update-with-where": enforceUpdateWithWhere,
  "migration-concurrent-index": migrationConcurrentIndex,
  "migration-enum-add-value": migrationEnumAddValue,
  "migration-no-destructive": migrationNoDestructive,
  "migration-no-rename": migrationNoRename,
  "migration-no-table-rewrite": migrationNoTableRewrite,
  "migration-safe-constraint": migrationSafeConstraint,
  "no-db-in-transaction": noDbInTransaction,
  "no-parallel-in-transaction": noParallelInTransaction,
  "no-push-in-production": noPushInProduction,
  "no-query-in-loop": noQueryInLoop,
  "no-unsupported-transaction": noUnsupportedTransaction,
  "no-unsafe-sql-raw": noUnsafeSqlRaw,
  "require-transaction": requireTransaction,
  "require-foreign-key-index": requireForeignKeyIndex,
  "require-owner-filter": requireOwnerFilter,
};

export type RuleName = keyof typeof rules;
