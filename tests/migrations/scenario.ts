import type { Step } from "./generate.js";

const header = `import { sql } from "drizzle-orm";
import { check, index, integer, pgEnum, pgTable, serial, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
`;

/** Before/after schema pairs: each step is the schema after it; drizzle-kit generates the difference. */
export const steps: Step[] = [
  {
    name: "init",
    schema: `${header}
export const status = pgEnum("status", ["a", "b"]);
export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  name: text("name"),
  email: varchar("email", { length: 100 }),
  age: text("age"),
  legacy: text("legacy"),
  bio: text("bio"),
  nickname: text("nickname").notNull().default(""),
});
export const posts = pgTable("posts", { id: serial("id").primaryKey(), userId: integer("user_id").references(() => users.id), st: status("st") }, (t) => [
  index("posts_user_idx").on(t.userId),
]);
`,
  },
  {
    name: "change",
    schema: `${header}
export const status = pgEnum("status", ["a", "b", "c"]);
export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  name: text("name").notNull(),
  email: varchar("email", { length: 200 }).unique(),
  age: integer("age"),
  legacy: text("legacy"),
  bio: text("bio"),
  nickname: text("nickname").notNull().default(""),
  token: uuid("token").defaultRandom(),
  createdAt: timestamp("created_at").defaultNow().notNull(),
  plan: text("plan").notNull().default("free"),
  code: text("code").notNull(),
}, (t) => [index("users_name_idx").on(t.name), check("age_pos", sql\`\${t.age} > 0\`)]);
export const posts = pgTable("posts", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
  st: status("st"),
  authorId: integer("author_id").references(() => users.id),
}, (t) => [index("posts_author_idx").on(t.authorId)]);
export const tags = pgTable("tags", { id: serial("id").primaryKey(), postId: integer("post_id").references(() => posts.id) }, (t) => [
  index("tags_post_idx").on(t.postId),
]);
`,
  },
  {
    name: "drop",
    schema: `${header}
export const status = pgEnum("status", ["a", "b", "c", "d"]);
export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  name: text("name").notNull(),
  email: varchar("email", { length: 200 }).unique(),
  age: integer("age"),
  bio: text("bio"),
  nickname: text("nickname").default(""),
  token: uuid("token").defaultRandom(),
  createdAt: timestamp("created_at").defaultNow().notNull(),
  plan: text("plan").notNull().default("free"),
  code: text("code").notNull(),
}, (t) => [index("users_name_idx").on(t.name), index("users_plan_idx").on(t.plan).concurrently(), check("age_pos", sql\`\${t.age} > 0\`)]);
export const posts = pgTable("posts", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
  st: status("st").default("d"),
  authorId: integer("author_id").references(() => users.id),
  seq: serial("seq"),
  num: integer("num").generatedAlwaysAsIdentity(),
}, (t) => [index("posts_author_idx").on(t.authorId)]);
`,
  },
  {
    name: "ack",
    schema: `${header}
export const status = pgEnum("status", ["a", "b", "c", "d"]);
export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  name: text("name").notNull(),
  email: varchar("email", { length: 200 }).unique(),
  age: integer("age"),
  nickname: text("nickname").default(""),
  token: uuid("token").defaultRandom(),
  createdAt: timestamp("created_at").defaultNow().notNull(),
  plan: text("plan").notNull().default("free"),
  code: text("code").notNull(),
}, (t) => [index("users_name_idx").on(t.name), index("users_plan_idx").on(t.plan).concurrently(), check("age_pos", sql\`\${t.age} > 0\`)]);
export const posts = pgTable("posts", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
  st: status("st").default("d"),
  authorId: integer("author_id").references(() => users.id),
  seq: serial("seq"),
  num: integer("num").generatedAlwaysAsIdentity(),
}, (t) => [index("posts_author_idx").on(t.authorId)]);
`,
  },
  {
    name: "rename",
    custom: `ALTER TABLE "users" RENAME COLUMN "name" TO "full_name";--> statement-breakpoint
ALTER TABLE "posts" RENAME TO "articles";--> statement-breakpoint
CREATE TABLE "drafts" ("id" serial PRIMARY KEY NOT NULL, "title" text);--> statement-breakpoint
ALTER TABLE "drafts" RENAME COLUMN "title" TO "heading";`,
  },
];
