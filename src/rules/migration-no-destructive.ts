import { checkNoDestructive, type MessageId } from "../checks/migration-no-destructive.js";
import { createMigrationRule } from "./support/migration-rule.js";

export type { MessageId };
export type Options = [];

const ACK = "If this is intended, have a backup and a rollback migration ready, then acknowledge it with `-- drizzle-guard: destructive-ok <reason>` in this statement's chunk.";

export default createMigrationRule<Options, MessageId>({
  name: "migration-no-destructive",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow unacknowledged data-losing statements (DROP TABLE, DROP COLUMN, TRUNCATE, rewriting type changes, DROP NOT NULL) in drizzle-kit migrations",
      recommended: true,
    },
    messages: {
      dropTable: `DROP TABLE {{table}}{{source}} deletes the table and its rows for good (ACCESS EXCLUSIVE lock), and the application version still running during the deploy fails on it. Contract in two steps: first deploy code that no longer uses the table, then drop it in a later migration. ${ACK}`,
      dropColumn: `DROP COLUMN {{table}}.{{column}}{{source}} deletes the column's data for good, and the application version still running during the deploy (which selects it) fails. Contract in two steps: remove the column from the code and deploy, then generate the DROP COLUMN in a later migration. ${ACK}`,
      truncate: `TRUNCATE {{table}}{{source}} deletes every row (ACCESS EXCLUSIVE lock) and cannot be undone after the migration commits. Move data clean-up out of schema migrations (or into a reviewed \`drizzle-kit generate --custom\` migration). ${ACK}`,
      typeChange: `Changing {{table}}.{{column}}{{source}} from {{from}} to {{to}} takes an ACCESS EXCLUSIVE lock and rewrites the table (every read and write waits), and fails if a value does not cast (or at once, when there is no automatic cast and no USING clause). Expand/contract instead: add a new column, backfill it in batches in a \`drizzle-kit generate --custom\` migration, switch the code, then drop the old column later. ${ACK}`,
      dropNotNull: `DROP NOT NULL on {{table}}.{{column}}{{source}} is hard to reverse: once NULLs are written, the rollback's SET NOT NULL fails, and code that reads the column as non-null breaks. Make the code handle NULL first, and keep a backfill ready for the rollback. ${ACK}`,
    },
    schema: [],
  },
  defaultOptions: [],
  check: (migration) => checkNoDestructive(migration),
});
