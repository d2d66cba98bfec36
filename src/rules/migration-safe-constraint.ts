import { checkSafeConstraint, type MessageId } from "../checks/migration-safe-constraint.js";
import { createMigrationRule } from "./support/migration-rule.js";

export type { MessageId };
export type Options = [];

export default createMigrationRule<Options, MessageId>({
  name: "migration-safe-constraint",
  meta: {
    type: "problem",
    docs: {
      description: "Require NOT NULL, foreign key, CHECK and UNIQUE constraints on existing tables to be added without long locks or failures",
      recommended: true,
    },
    messages: {
      notNullWithoutDefault:
        "Adding NOT NULL column {{table}}.{{column}}{{source}} without a default fails as soon as {{table}} has rows. Give it a constant default in the schema (`.default(...)`, no rewrite on PostgreSQL 11+), or add it nullable, backfill it in a `drizzle-kit generate --custom` migration, then make it NOT NULL in a later one.",
      setNotNull:
        "SET NOT NULL on {{table}}.{{column}}{{source}} scans the whole table under an ACCESS EXCLUSIVE lock (every query waits), and fails if a row is NULL. In a `drizzle-kit generate --custom` migration add `CHECK ({{column}} IS NOT NULL) NOT VALID`, VALIDATE it in the next one (SHARE UPDATE EXCLUSIVE, writes go on), then SET NOT NULL (PostgreSQL 12+ uses the valid CHECK and skips the scan).",
      foreignKeyNotValid:
        "Adding foreign key {{constraint}}{{source}} to existing table {{table}} validates every row while holding SHARE ROW EXCLUSIVE locks on {{table}} and {{referenced}}: writes to both wait. Add it with NOT VALID (edit the generated SQL), then `ALTER TABLE … VALIDATE CONSTRAINT {{constraint}}` in a later `drizzle-kit generate --custom` migration (writes go on).",
      checkNotValid:
        "Adding CHECK {{constraint}} to existing table {{table}}{{source}} validates every row under an ACCESS EXCLUSIVE lock (every query waits). Add it with NOT VALID (edit the generated SQL), then `ALTER TABLE … VALIDATE CONSTRAINT {{constraint}}` in a later `drizzle-kit generate --custom` migration.",
      uniqueWithoutIndex:
        "Adding {{kind}} {{constraint}} ({{columns}}){{source}} to existing table {{table}} builds its index under an ACCESS EXCLUSIVE lock (every query waits until it is built). Build the index first with CREATE UNIQUE INDEX CONCURRENTLY as a separate step outside drizzle-kit's migration transaction, then `ADD CONSTRAINT {{constraint}} {{kind}} USING INDEX …`.",
    },
    schema: [],
  },
  defaultOptions: [],
  check: (migration) => checkSafeConstraint(migration),
});
