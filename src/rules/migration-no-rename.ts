import { checkNoRename, type MessageId } from "../checks/migration-no-rename.js";
import { createMigrationRule } from "./support/migration-rule.js";

export type { MessageId };
export type Options = [];

const EXPAND_CONTRACT =
  "Expand/contract instead: add the new one (drizzle-kit generate), copy the data in a `drizzle-kit generate --custom` migration, switch the code to it, and drop the old one in a later migration. If every running instance is stopped during the migration, acknowledge it with `-- drizzle-guard: destructive-ok <reason>`.";

export default createMigrationRule<Options, MessageId>({
  name: "migration-no-rename",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow renaming tables and columns in drizzle-kit migrations (not backward compatible with the running code)",
      recommended: true,
    },
    messages: {
      renameTable: `Renaming table {{table}} to {{to}}{{source}} breaks the application version still running during the deploy: its queries name {{table}}. ${EXPAND_CONTRACT}`,
      renameColumn: `Renaming {{table}}.{{column}} to {{to}}{{source}} breaks the application version still running during the deploy: its queries name {{column}}. ${EXPAND_CONTRACT}`,
    },
    schema: [],
  },
  defaultOptions: [],
  check: (migration) => checkNoRename(migration),
});
