import { checkNoTableRewrite, type MessageId } from "../checks/migration-no-table-rewrite.js";
import { createMigrationRule, postgresVersionDefaults, postgresVersionOf, postgresVersionSchema, type PostgresVersionOptions } from "./support/migration-rule.js";

export type { MessageId };
export type Options = PostgresVersionOptions;

const defaultOptions: Options = postgresVersionDefaults;

export default createMigrationRule<Options, MessageId>({
  name: "migration-no-table-rewrite",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow adding columns that make PostgreSQL rewrite an existing table (volatile defaults, serial, identity and stored generated columns)",
      recommended: true,
    },
    messages: {
      volatileDefault:
        "Adding {{table}}.{{column}}{{source}} with default {{expression}} (VOLATILE) rewrites the whole table under an ACCESS EXCLUSIVE lock: every query waits, once per row. Add the column without a default, set the default in a second statement (it then applies to new rows only), and backfill existing rows in batches in a `drizzle-kit generate --custom` migration.",
      generatedColumn:
        "Adding {{table}}.{{column}}{{source}} as {{kind}} column rewrites the whole table under an ACCESS EXCLUSIVE lock: every query waits. Add a plain column, fill it in batches in a `drizzle-kit generate --custom` migration, then attach the identity/expression in a later step.",
      defaultBeforePg11:
        "On PostgreSQL {{version}}, adding {{table}}.{{column}}{{source}} with a DEFAULT rewrites the whole table under an ACCESS EXCLUSIVE lock (PostgreSQL 11+ stores constant defaults without a rewrite). Add it without a default, then set the default and backfill in batches in a `drizzle-kit generate --custom` migration.",
    },
    schema: postgresVersionSchema,
  },
  defaultOptions,
  check: (migration, options) => checkNoTableRewrite(migration, postgresVersionOf(options)),
});
