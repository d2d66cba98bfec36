import rule from "../src/rules/require-foreign-key-index.js";
import { createRuleTester } from "./rule-tester.js";

const ruleTester = createRuleTester();
const filename = "schema-file.ts";

ruleTester.run("require-foreign-key-index", rule, {
  valid: [
    {
      name: "index on the foreign key column",
      filename,
      code: `import { index, integer, pgTable, serial } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
export const notes = pgTable("notes", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
}, (t) => [index("notes_user_id_idx").on(t.userId)]);`,
    },
  ],
  invalid: [
    {
      name: "no extra config: suggestion creates it",
      filename,
      code: `import { integer, pgTable, serial } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
export const notes = pgTable("notes", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
});`,
      errors: [
        {
          messageId: "missingIndex",
          line: 5,
          data: { table: "notes", columns: "user_id", target: "users" },
          suggestions: [
            {
              messageId: "addIndex",
              data: { index: "notes_user_id_idx" },
              output: `import { integer, pgTable, serial, index } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
export const notes = pgTable("notes", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
}, (table) => [index("notes_user_id_idx").on(table.userId)]);`,
            },
          ],
        },
      ],
    },
  ],
});
