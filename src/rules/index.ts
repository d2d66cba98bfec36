import enforceDeleteWithWhere from "./enforce-delete-with-where.js";
import enforceUpdateWithWhere from "./enforce-update-with-where.js";
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
