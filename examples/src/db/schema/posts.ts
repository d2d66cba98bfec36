import { boolean, index, integer, pgTable, serial, text } from "drizzle-orm/pg-core";
import { timestamps } from "./columns.js";
import { organizations } from "./organizations.js";
import { users } from "./users.js";

export const posts = pgTable(
  "posts",
  {
    id: serial("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    // BUG(drizzle-guard/require-foreign-key-index): no index starts with org_id, so
    // listing an organization's posts and deleting an organization scan all posts.
    orgId: integer("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    body: text("body").notNull(),
    published: boolean("published").notNull().default(false),
    ...timestamps,
  },
  (t) => [index("posts_user_id_idx").on(t.userId)],
);

export const comments = pgTable(
  "comments",
  {
    id: serial("id").primaryKey(),
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    authorId: integer("author_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    ...timestamps,
  },
  // OK: one index per foreign key.
  (t) => [index("comments_post_id_idx").on(t.postId), index("comments_author_id_idx").on(t.authorId)],
);
