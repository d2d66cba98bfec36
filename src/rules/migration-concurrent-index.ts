import { checkConcurrentIndex, type MessageId } from "../checks/migration-concurrent-index.js";
import { createMigrationRule } from "./support/migration-rule.js";

export type { MessageId };
export type Options = [];

const OUTSIDE =
  "drizzle-kit's migrator runs migrations inside a transaction, where CONCURRENTLY fails: run the CONCURRENTLY statement as a separate, non-transactional step (a script with its own connection, before `drizzle-kit migrate`), and keep this migration idempotent with IF [NOT] EXISTS.";

export default createMigrationRule<Options, MessageId>({
  name: "migration-concurrent-index",
  meta: {
    type: "problem",
    docs: {
      description: "Require building and dropping indexes of existing tables concurrently, outside drizzle-kit's migration transaction",
      recommended: true,
    },
    messages: {
      createIndex: `CREATE {{unique}}INDEX {{index}} on existing table {{table}}{{source}} takes a SHARE lock for the whole build: inserts, updates and deletes on {{table}} wait until it finishes. Build it with CREATE {{unique}}INDEX CONCURRENTLY instead. ${OUTSIDE}`,
      dropIndex: `DROP INDEX {{index}} takes an ACCESS EXCLUSIVE lock on {{table}}{{source}}: every query on it waits (behind any long-running one). Use DROP INDEX CONCURRENTLY instead. ${OUTSIDE}`,
      concurrentlyInTransaction: `{{statement}} {{index}}{{source}} fails here: drizzle-kit's migrator runs every migration inside a transaction ("cannot run inside a transaction block"). Run it as a separate, non-transactional step (a script with its own connection, before \`drizzle-kit migrate\`) and keep only an idempotent IF [NOT] EXISTS form in the migration.`,
    },
    schema: [],
  },
  defaultOptions: [],
  check: (migration) => checkConcurrentIndex(migration),
});
