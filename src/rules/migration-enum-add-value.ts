import { checkEnumAddValue, type MessageId } from "../checks/migration-enum-add-value.js";
import { createMigrationRule, postgresVersionDefaults, postgresVersionOf, postgresVersionSchema, type PostgresVersionOptions } from "./support/migration-rule.js";

export type { MessageId };
export type Options = PostgresVersionOptions;

const defaultOptions: Options = postgresVersionDefaults;

export default createMigrationRule<Options, MessageId>({
  name: "migration-enum-add-value",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow `ALTER TYPE … ADD VALUE` where it fails inside drizzle-kit's migration transaction",
      recommended: true,
    },
    messages: {
      addValueInTransaction:
        "ALTER TYPE {{type}}{{source}} ADD VALUE '{{value}}' cannot run inside a transaction block on PostgreSQL {{version}} (before 12), and drizzle-kit's migrator runs migrations inside one. Run it as a separate, non-transactional step before `drizzle-kit migrate` (`ADD VALUE IF NOT EXISTS` keeps the migration idempotent), or upgrade to PostgreSQL 12+.",
      newValueUsed:
        "'{{value}}' was added to enum {{type}}{{source}} earlier in this migration: PostgreSQL refuses to use a new enum value in the transaction that added it (\"unsafe use of new value\"), and drizzle-kit's migrator runs all pending migrations in one transaction. Ship the ADD VALUE in an earlier deploy (or run it outside the migrator) before the migration that uses it.",
    },
    schema: postgresVersionSchema,
  },
  defaultOptions,
  check: (migration, options) => checkEnumAddValue(migration, postgresVersionOf(options)),
});
