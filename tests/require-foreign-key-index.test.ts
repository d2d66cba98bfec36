import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import rule from "../src/rules/require-foreign-key-index.js";
import { compositeForeignKey, edited, filename, invalidCases, withNewExtraConfig } from "./require-foreign-key-index.cases.js";
import { createRuleTester } from "./rule-tester.js";

const ruleTester = createRuleTester();

/** Tables whose only foreign key is notes.user_id → users, to exercise `ignore`. */
const notesTable = `import { integer, pgTable, serial } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
export const notes = pgTable("app_notes", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
});`;

ruleTester.run("require-foreign-key-index", rule, {
  valid: [
    {
      name: "index on the foreign key column (the suggested fix)",
      filename,
      code: withNewExtraConfig(notesTable, "notes_user_id_idx", "userId"),
    },
    {
      name: "one-to-one: the foreign key is the primary key",
      filename,
      code: `import { integer, pgTable, text } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
export const settings = pgTable("settings", {
  userId: integer("user_id").primaryKey().references(() => users.id, { onDelete: "cascade" }),
  theme: text("theme"),
});`,
    },
    {
      name: "leading column of a composite primary key (legacy and object forms)",
      filename,
      code: `import { integer, pgTable, primaryKey } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
import { posts } from "./schema/posts";
export const likes = pgTable("likes", {
  userId: integer("user_id").notNull().references(() => users.id),
  postId: integer("post_id").notNull(),
}, (t) => [primaryKey({ columns: [t.userId, t.postId] })]);
export const stars = pgTable("stars", {
  postId: integer("post_id").notNull().references(() => posts.id),
  userId: integer("user_id").notNull(),
}, (t) => ({ pk: primaryKey(t.postId, t.userId) }));`,
    },
    {
      name: "column-level unique, unique().on() and uniqueIndex() leading columns",
      filename,
      code: `import { integer, pgTable, serial, text, unique, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
export const avatars = pgTable("avatars", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").unique().references(() => users.id),
});
export const handles = pgTable("handles", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
  handle: text("handle").notNull(),
}, (t) => [unique("handles_user_handle").on(t.userId, t.handle).nullsNotDistinct()]);
export const slots = pgTable("slots", {
  id: serial("id").primaryKey(),
  position: integer("position").notNull(),
  userId: integer("user_id").references(() => users.id),
}, (t) => [uniqueIndex().on(t.userId, t.position)]);`,
    },
    {
      name: "leading column of a composite index, wrapped in desc().nullsLast() / op()",
      filename,
      code: `import { index, integer, pgTable, serial, timestamp } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
import { posts } from "./schema/posts";
export const events = pgTable("events", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
  postId: integer("post_id").references(() => posts.id),
  at: timestamp("at").notNull(),
}, (table) => [
  index("events_user_at_idx").on(table.userId.desc().nullsLast(), table.at),
  index("events_post_idx").using("btree", table.postId.op("int4_ops")),
]);`,
    },
    {
      name: "composite foreign key covered by an index with the same columns in another order",
      filename,
      code: edited(compositeForeignKey, [
        'index("pets_tenant_idx").on(t.tenantId)',
        'index("pets_owner_tenant_idx").on(t.ownerId, t.tenantId)',
      ]),
    },
    {
      name: "incomplete table: spread of an unknown object",
      filename,
      code: `import { integer, pgTable, serial } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
declare function auditColumns(): Record<string, ReturnType<typeof integer>>;
export const records = pgTable("records", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
  ...auditColumns(),
});`,
    },
    {
      name: "incomplete table: computed column key",
      filename,
      code: `import { integer, pgTable, serial } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
declare const ownerKey: "ownerId";
export const records = pgTable("records", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
  [ownerKey]: integer("owner_id"),
});`,
    },
    {
      name: "incomplete extra config: indexes from a helper may cover the key",
      filename,
      code: `import { type AnyPgColumn, index, integer, pgTable, serial } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
const fkIndexes = (...cols: AnyPgColumn[]) => cols.map((c) => index().on(c));
export const records = pgTable("records", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
}, (t) => [...fkIndexes(t.userId)]);`,
    },
    {
      name: "incomplete extra config: an index column picked by a helper",
      filename,
      code: `import { type AnyPgColumn, index, integer, pgTable, serial } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
const owner = (t: { userId: AnyPgColumn }) => t.userId;
export const records = pgTable("records", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
}, (t) => [index("records_owner_idx").on(owner(t))]);`,
    },
    {
      name: "a pgTable look-alike from another module",
      filename,
      code: `import { index, integer, pgTable, serial } from "./engine-schema/lookalike";
import { users } from "./schema/users";
export const notes = pgTable("notes", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
}, (t) => [index("x").on(t.id)]);`,
    },
    {
      name: "a table built inside a function is not a top-level declaration",
      filename,
      code: `import { integer, pgTable, serial } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
export function makeNotes(name: string) {
  return pgTable(name, {
    id: serial("id").primaryKey(),
    userId: integer("user_id").references(() => users.id),
  });
}`,
    },
    {
      name: "a file that only imports tables",
      filename,
      code: `import { posts } from "./schema/posts";
import * as schema from "./schema";
export const all = [posts, schema.comments];`,
    },
    { name: "ignore by SQL table name", filename, code: notesTable, options: [{ ignore: ["app_notes"] }] },
    { name: "ignore by JS table name", filename, code: notesTable, options: [{ ignore: ["notes"] }] },
    { name: "ignore table.column by SQL column name", filename, code: notesTable, options: [{ ignore: ["app_notes.user_id"] }] },
    { name: "ignore table.column by property key", filename, code: notesTable, options: [{ ignore: ["notes.userId"] }] },
    {
      name: 'settings["drizzle-guard"].ignore',
      filename,
      code: notesTable,
      settings: { "drizzle-guard": { ignore: ["app_notes.user_id"] } },
    },
  ],
  invalid: [
    ...invalidCases,
    {
      name: "ignore entries for other tables or columns do not hide the finding",
      filename,
      code: notesTable,
      options: [{ ignore: ["notes.id", "users", "app_note", "user_id"] }],
      settings: { "drizzle-guard": { ignore: "app_notes" } },
      errors: [
        {
          messageId: "missingIndex",
          line: 5,
          data: { table: "app_notes", columns: "user_id", target: "users" },
          suggestions: [
            { messageId: "addIndex", data: { index: "app_notes_user_id_idx" }, output: withNewExtraConfig(notesTable, "app_notes_user_id_idx", "userId") },
          ],
        },
      ],
    },
  ],
});

describe("require-foreign-key-index options schema", () => {
  const lint = (options: unknown) =>
    new Linter({ configType: "flat" }).verify("const x = 1;", [
      {
        plugins: { "drizzle-guard": { rules: { "require-foreign-key-index": rule as never } } },
        rules: { "drizzle-guard/require-foreign-key-index": ["error", options] },
      },
    ]);

  it("accepts a list of names", () => {
    expect(lint({ ignore: ["a", "a.b"] })).toEqual([]);
    expect(lint({})).toEqual([]);
  });

  it.each([
    ["a string", { ignore: "users" }, /Value "users" should be array/],
    ["non-string items", { ignore: [1] }, /Value 1 should be string/],
    ["duplicate items", { ignore: ["a", "a"] }, /should NOT have duplicate items/],
    ["unknown properties", { ignoreTables: ["a"] }, /Unexpected property "ignoreTables"/],
    ["a non-object", ["a"], /should be object/],
  ])("rejects %s", (_, options, message) => {
    expect(() => lint(options)).toThrow(/Key "drizzle-guard\/require-foreign-key-index"/);
    expect(() => lint(options)).toThrow(message);
  });

  it("describes every option", () => {
    const schema = rule.meta.schema as unknown as Array<{ additionalProperties: boolean; properties: Record<string, { description?: string }> }>;
    expect(schema[0]!.additionalProperties).toBe(false);
    for (const property of Object.values(schema[0]!.properties)) expect(property.description).toBeTruthy();
  });
});
