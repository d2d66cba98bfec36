/**
 * Invalid cases of require-foreign-key-index, shared by the RuleTester test and
 * by the test that type-checks every suggestion's output. Each case's code is
 * written to the fixture placeholder `schema-file.ts` (imports are relative to
 * tests/fixtures).
 */
import type { InvalidTestCase } from "@typescript-eslint/rule-tester";
import type { MessageId, Options } from "../src/rules/require-foreign-key-index.js";

export const filename = "schema-file.ts";

type Case = InvalidTestCase<MessageId, Options> & { name: string };

/**
 * `code` with each `[find, replacement]` applied. Every `find` must occur
 * exactly once, so an expected output built this way is still exact.
 */
export function edited(code: string, ...edits: Array<[string, string]>): string {
  let out = code;
  for (const [find, replacement] of edits) {
    const at = out.indexOf(find);
    if (at < 0 || out.indexOf(find, at + 1) >= 0) throw new Error(`"${find}" must occur exactly once`);
    out = out.slice(0, at) + replacement + out.slice(at + find.length);
  }
  return out;
}

/** The suggestion for a table without extra config: a new third argument, and `index` added to the pg-core import. */
export function withNewExtraConfig(code: string, indexName: string, column: string, lastImported = "serial"): string {
  return edited(
    code,
    [`${lastImported} } from "drizzle-orm/pg-core"`, `${lastImported}, index } from "drizzle-orm/pg-core"`],
    ["\n});", `\n}, (table) => [index("${indexName}").on(table.${column})]);`],
  );
}

const noExtra = `import { integer, pgTable, serial } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
export const notes = pgTable("notes", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
});`;

const singleLine = `import { index, integer, pgTable, serial, text } from "drizzle-orm/pg-core";
import { posts } from "./schema/posts";
export const likes = pgTable("likes", {
  id: serial().primaryKey(),
  kind: text().notNull(),
  postId: integer("post_id").notNull().references(() => posts.id, { onDelete: "cascade" }),
}, (tbl) => [index("likes_kind_post_idx").on(tbl.kind, tbl.postId)]);`;

const multiLine = `import { sql } from "drizzle-orm";
import { index, integer, pgTable, serial } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
import { posts } from "./schema/posts";

export const bookmarks = pgTable(
  "bookmarks",
  {
    id: serial("id").primaryKey(),
    userId: integer("user_id").notNull().references(() => users.id),
    postId: integer("post_id").references(() => posts.id),
  },
  (t) => [
    index("bookmarks_post_partial_idx").on(t.postId).where(sql\`\${t.postId} is not null\`),
  ],
);`;
const multiLineAnchor = "is not null`),";

const objectForm = `import { integer, pgTable, serial, text, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
export const drafts = pgTable("drafts", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
  slug: text("slug").notNull(),
}, (t) => ({
  userIdIdx: uniqueIndex("drafts_slug_user_idx").on(t.slug, t.userId),
}));`;

const noParameter = `import { integer, pgTable, serial } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
export const pins = pgTable("pins", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
}, () => []);`;

const aliasedIndex = `import { index as idx, integer, pgTable, serial } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
export const follows = pgTable("follows", {
  id: serial("id").primaryKey(),
  followerId: integer("follower_id").references(() => users.id),
  followeeId: integer("followee_id").references(() => users.id),
}, (t) => [idx("follows_followee_idx").on(t.followeeId)]);`;

const namespaceImport = `import * as p from "drizzle-orm/pg-core";
import { users } from "./schema/users";
const app = p.pgSchema("app");
export const sessions = app.table("sessions", {
  id: p.serial("id").primaryKey(),
  userId: p.integer("user_id").notNull().references(() => users.id),
});`;

const reExported = `import { integer, pgTableCreator, serial } from "./engine-schema/pg";
import { users } from "./schema/users";
const table = pgTableCreator((name) => \`blog_\${name}\`);
export const reactions = table("reactions", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
});`;

export const compositeForeignKey = `import { foreignKey, index, integer, pgTable, serial, unique } from "drizzle-orm/pg-core";
export const owners = pgTable("owners", {
  tenantId: integer("tenant_id").notNull(),
  id: serial("id").notNull(),
}, (t) => [unique().on(t.tenantId, t.id)]);
export const pets = pgTable("pets", {
  id: serial("id").primaryKey(),
  tenantId: integer("tenant_id").notNull(),
  ownerId: integer("owner_id").notNull(),
}, (t) => [
  index("pets_tenant_idx").on(t.tenantId),
  foreignKey({ columns: [t.tenantId, t.ownerId], foreignColumns: [owners.tenantId, owners.id] }).onDelete("cascade"),
]);`;

const expressionIndex = `import { sql } from "drizzle-orm";
import { index, pgTable } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
export const visits = pgTable("visits", (t) => ({
  id: t.serial().primaryKey(),
  userId: t.integer().references(() => users.id),
}), (t) => [index("visits_user_expr_idx").on(sql\`(\${t.userId} + 0)\`)]);`;

const spreadHelper = `import { integer, pgTable, serial } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
const owned = { ownerId: integer("owner_id").notNull().references(() => users.id) };
export const files = pgTable("files", {
  id: serial("id").primaryKey(),
  ...owned,
});`;

/** The same constraint declared twice: `.references()` on the column and `foreignKey()` with drizzle's default name. */
export const duplicateForeignKey = (name: string) => `import { foreignKey, integer, pgTable, serial } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
export const notes = pgTable("notes", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
}, (t) => [foreignKey({ ${name}columns: [t.userId], foreignColumns: [users.id] })]);`;
const duplicateSuggestion = (name: string) =>
  edited(
    duplicateForeignKey(name),
    ["serial } from", "serial, index } from"],
    ["users.id] })]", 'users.id] }), index("notes_user_id_idx").on(t.userId)]'],
  );

const suggestion = (index: string, output: string) => ({ messageId: "addIndex" as const, data: { index }, output });
const users = "users";

export const invalidCases: Case[] = [
  {
    name: "no extra config: the suggestion creates it and imports index",
    filename,
    code: noExtra,
    errors: [
      {
        messageId: "missingIndex",
        line: 5,
        column: 3,
        endLine: 5,
        endColumn: 9,
        data: { table: "notes", columns: "user_id", target: users },
        suggestions: [suggestion("notes_user_id_idx", withNewExtraConfig(noExtra, "notes_user_id_idx", "userId"))],
      },
    ],
  },
  {
    name: "single-line array: appends, reuses the parameter name, the index is the 2nd column elsewhere",
    filename,
    code: singleLine,
    errors: [
      {
        messageId: "missingIndex",
        line: 6,
        data: { table: "likes", columns: "post_id", target: "posts" },
        suggestions: [
          suggestion(
            "likes_post_id_idx",
            edited(singleLine, ["tbl.postId)]);", 'tbl.postId), index("likes_post_id_idx").on(tbl.postId)]);']),
          ),
        ],
      },
    ],
  },
  {
    name: "multi-line array with a trailing comma, partial index only, two foreign keys",
    filename,
    code: multiLine,
    errors: [
      {
        messageId: "missingIndex",
        line: 10,
        data: { table: "bookmarks", columns: "user_id", target: users },
        suggestions: [
          suggestion(
            "bookmarks_user_id_idx",
            edited(multiLine, [multiLineAnchor, `${multiLineAnchor}\n    index("bookmarks_user_id_idx").on(t.userId),`]),
          ),
        ],
      },
      {
        messageId: "missingIndex",
        line: 11,
        data: { table: "bookmarks", columns: "post_id", target: "posts" },
        suggestions: [
          suggestion(
            "bookmarks_post_id_idx",
            edited(multiLine, [multiLineAnchor, `${multiLineAnchor}\n    index("bookmarks_post_id_idx").on(t.postId),`]),
          ),
        ],
      },
    ],
  },
  {
    name: "deprecated object form: adds a property with a free key",
    filename,
    code: objectForm,
    errors: [
      {
        messageId: "missingIndex",
        line: 5,
        data: { table: "drafts", columns: "user_id", target: users },
        suggestions: [
          suggestion(
            "drafts_user_id_idx",
            edited(
              objectForm,
              ["uniqueIndex } from", "uniqueIndex, index } from"],
              ["t.userId),\n}));", 't.userId),\n  userIdIdx_: index("drafts_user_id_idx").on(t.userId),\n}));'],
            ),
          ),
        ],
      },
    ],
  },
  {
    name: "callback without a parameter: the suggestion adds one",
    filename,
    code: noParameter,
    errors: [
      {
        messageId: "missingIndex",
        line: 5,
        data: { table: "pins", columns: "user_id", target: users },
        suggestions: [
          suggestion(
            "pins_user_id_idx",
            edited(
              noParameter,
              ["serial } from", "serial, index } from"],
              ["}, () => []);", '}, (table) => [index("pins_user_id_idx").on(table.userId)]);'],
            ),
          ),
        ],
      },
    ],
  },
  {
    name: "index already imported under an alias",
    filename,
    code: aliasedIndex,
    errors: [
      {
        messageId: "missingIndex",
        line: 5,
        data: { table: "follows", columns: "follower_id", target: users },
        suggestions: [
          suggestion(
            "follows_follower_id_idx",
            edited(aliasedIndex, ["t.followeeId)]);", 't.followeeId), idx("follows_follower_id_idx").on(t.followerId)]);']),
          ),
        ],
      },
    ],
  },
  {
    name: "namespace import of pg-core, pgSchema table",
    filename,
    code: namespaceImport,
    errors: [
      {
        messageId: "missingIndex",
        line: 6,
        data: { table: "app.sessions", columns: "user_id", target: users },
        suggestions: [
          suggestion(
            "sessions_user_id_idx",
            edited(namespaceImport, ["\n});", '\n}, (table) => [p.index("sessions_user_id_idx").on(table.userId)]);']),
          ),
        ],
      },
    ],
  },
  {
    name: "no named import from pg-core (project re-export): adds an import line; pgTableCreator prefix",
    filename,
    code: reExported,
    errors: [
      {
        messageId: "missingIndex",
        line: 6,
        data: { table: "blog_reactions", columns: "user_id", target: users },
        suggestions: [
          suggestion(
            "reactions_user_id_idx",
            edited(
              reExported,
              ['"./schema/users";', '"./schema/users";\nimport { index } from "drizzle-orm/pg-core";'],
              ["\n});", '\n}, (table) => [index("reactions_user_id_idx").on(table.userId)]);'],
            ),
          ),
        ],
      },
    ],
  },
  {
    name: "composite foreignKey(): reported on the call; an index on its first column only does not cover it",
    filename,
    code: compositeForeignKey,
    errors: [
      {
        messageId: "missingIndex",
        line: 12,
        column: 3,
        endLine: 12,
        endColumn: 117,
        data: { table: "pets", columns: "tenant_id, owner_id", target: "owners" },
        suggestions: [
          suggestion(
            "pets_tenant_id_owner_id_idx",
            edited(compositeForeignKey, [
              '.onDelete("cascade"),',
              '.onDelete("cascade"),\n  index("pets_tenant_id_owner_id_idx").on(t.tenantId, t.ownerId),',
            ]),
          ),
        ],
      },
    ],
  },
  {
    name: "expression index and unnamed builders, columns callback",
    filename,
    code: expressionIndex,
    errors: [
      {
        messageId: "missingIndex",
        line: 6,
        data: { table: "visits", columns: "userId", target: users },
        suggestions: [
          suggestion(
            "visits_userId_idx",
            edited(expressionIndex, [" + 0)`)]);", ' + 0)`), index("visits_userId_idx").on(t.userId)]);']),
          ),
        ],
      },
    ],
  },
  {
    name: "spread helper with a foreign key: reported on the spread",
    filename,
    code: spreadHelper,
    errors: [
      {
        messageId: "missingIndex",
        line: 6,
        column: 3,
        endColumn: 11,
        data: { table: "files", columns: "owner_id", target: users },
        suggestions: [suggestion("files_owner_id_idx", withNewExtraConfig(spreadHelper, "files_owner_id_idx", "ownerId"))],
      },
    ],
  },
  {
    name: "destructured callback parameter: reported, but no suggestion",
    filename,
    code: `import { index, integer, pgTable, serial } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
export const votes = pgTable("votes", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
  score: integer("score"),
}, ({ score }) => [index("votes_score_idx").on(score)]);`,
    errors: [{ messageId: "missingIndex", line: 5, data: { table: "votes", columns: "user_id", target: users }, suggestions: [] }],
  },
  {
    name: "a local binding named index: no suggestion rather than a clash",
    filename,
    code: `import { integer, pgTable, serial } from "drizzle-orm/pg-core";
import { users } from "./schema/users";
const index = 1;
export const marks = pgTable("marks", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
});
export const markIndex = index;`,
    errors: [{ messageId: "missingIndex", line: 6, data: { table: "marks", columns: "user_id", target: users }, suggestions: [] }],
  },
  ...["", 'name: "notes_user_id_users_id_fk", '].map(
    (name): Case => ({
      name: `the same foreign key declared twice (.references() and foreignKey() ${name ? "with the default name" : "without a name"}): one constraint, one finding`,
      filename,
      code: duplicateForeignKey(name),
      errors: [
        {
          messageId: "missingIndex",
          line: 5,
          data: { table: "notes", columns: "user_id", target: users },
          suggestions: [suggestion("notes_user_id_idx", duplicateSuggestion(name))],
        },
      ],
    }),
  ),
  {
    name: "two constraints of different names on the same columns: one index covers both, one finding",
    filename,
    code: duplicateForeignKey('name: "notes_owner_fk", '),
    errors: [
      {
        messageId: "missingIndex",
        line: 5,
        data: { table: "notes", columns: "user_id", target: users },
        suggestions: [suggestion("notes_user_id_idx", duplicateSuggestion('name: "notes_owner_fk", '))],
      },
    ],
  },
];
