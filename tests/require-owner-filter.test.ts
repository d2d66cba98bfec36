import fs from "node:fs";
import path from "node:path";
import type { RunTests } from "@typescript-eslint/rule-tester";
import { describe } from "vitest";
import rule, { type MessageId, type Options } from "../src/rules/require-owner-filter.js";
import { createRuleTester, fixturesDir, HEADER, isolated } from "./rule-tester.js";
import { itTypeChecks } from "./typecheck-cases.js";

const H = `${HEADER}import { ne, not, type SQL } from "drizzle-orm";
import * as postSchema from "./schema/posts";
import * as barrel from "./schema";
`;

/** The 1-based line of the first line of `code` that contains `marker`. */
function lineOf(code: string, marker: string): number {
  const index = code.split("\n").findIndex((l) => l.includes(marker));
  if (index < 0) throw new Error(`marker not found: ${marker}`);
  return index + 1;
}

/** A function body around `body`, with `me` (the signed-in user) and `id` in scope. */
const fn = (body: string) => `${H}export async function handler(me: number, id: number, isAdmin: boolean) {\n${body}\n}\n`;

/** The message data of a missing-owner-filter report on `table` checked by `column` (no helper callers involved). */
function ownerData(table: string, column: string, verb: string, tried?: string) {
  const read = verb === "read" || verb === "count";
  return {
    table,
    column,
    verb,
    tried:
      tried ??
      (read
        ? "no owner filter, no ownership check on the result in this function"
        : `no owner filter, no earlier owner-filtered read of ${table} in this function that decides whether it runs`),
    principal: column
      .split(" or ")
      .map((c) => `${table}.${c}`)
      .join(" or "),
  };
}

type Invalid = {
  name: string;
  code: string;
  marker: string;
  table: string;
  column?: string;
  verb: string;
  options?: unknown[];
  tried?: string;
  extra?: string;
  settings?: Record<string, unknown>;
};

/** One invalid case whose single error sits on the line holding `marker` (and, with `extra`, a second one of the same verb on its line). */
function invalid({ name, code, marker, table, column = "userId", verb, options, tried, extra, settings }: Invalid) {
  return {
    name,
    code,
    ...(options ? { options: options as never } : {}),
    ...(settings ? { settings } : {}),
    errors: [
      { messageId: "missingOwnerFilter" as const, line: lineOf(code, marker), data: ownerData(table, column, verb, tried) },
      ...(extra ? [{ messageId: "missingOwnerFilter" as const, line: lineOf(code, extra) }] : []),
    ],
  };
}

const ruleTester = createRuleTester();

/** The first ```ts block after `heading` in the rule's doc. */
function docExample(heading: string): string {
  const doc = fs.readFileSync(path.join(import.meta.dirname, "..", "docs", "rules", "require-owner-filter.md"), "utf8");
  const block = /```ts\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf(heading)));
  if (!block?.[1]) throw new Error(`no example after ${heading}`);
  return block[1];
}
const incorrectDoc = docExample("❌ Incorrect");

ruleTester.run("require-owner-filter", rule, {
  valid: [
    { name: "eq on the owner column", code: fn(`  await db.select().from(posts).where(eq(posts.userId, me));`) },
    {
      name: "owner filter and an id filter",
      code: fn(`  await db.select().from(posts).where(and(eq(posts.id, id), eq(posts.userId, me)));`),
    },
    { name: "reversed eq operands", code: fn(`  await db.delete(posts).where(eq(me as never, posts.userId));`) },
    { name: "inArray on the owner column", code: fn(`  await db.select().from(posts).where(inArray(posts.userId, [me, 2]));`) },
    {
      name: "owner filter combined with or",
      code: fn(`  await db.select().from(posts).where(or(eq(posts.userId, me), eq(posts.published, true)));`),
    },
    {
      name: "through a local variable",
      code: fn(`  const mine = eq(posts.userId, me);\n  await db.update(posts).set({ title: "t" }).where(and(mine, eq(posts.id, id)));`),
    },
    {
      name: "through a spread array",
      code: fn(`  const conds = [eq(posts.id, id), eq(posts.userId, me)];\n  await db.select().from(posts).where(and(...conds));`),
    },
    {
      name: "through push onto an array",
      code: fn(
        `  const conds: SQL[] = [eq(posts.id, id)];\n  if (!isAdmin) conds.push(eq(posts.userId, me));\n  await db.select().from(posts).where(and(...conds));`,
      ),
    },
    {
      name: "through a reassigned let",
      code: fn(`  let where = eq(posts.id, id);\n  where = and(where, eq(posts.userId, me))!;\n  await db.delete(posts).where(where);`),
    },
    {
      name: "conditional filter",
      code: fn(`  await db.select().from(posts).where(isAdmin ? undefined : eq(posts.userId, me));`),
    },
    {
      name: "helper function in the same file",
      code: `${H}function ownedBy(user: number) {\n  return eq(posts.userId, user);\n}\nconst byId = (postId: number) => eq(posts.id, postId);\nexport async function f(me: number, id: number) {\n  return db.select().from(posts).where(and(byId(id), ownedBy(me)));\n}\n`,
    },
    {
      name: "helper taking the table as a parameter (column read from its type)",
      code: `${H}function ownedBy(t: typeof posts, user: number) {\n  return eq(t.userId, user);\n}\nexport async function f(me: number) {\n  return db.select().from(posts).where(ownedBy(posts, me));\n}\n`,
    },
    {
      name: "helper over a prefixed table with unnamed columns (type names differ from SQL names)",
      code: `${H}import { integer, pgTableCreator, serial } from "drizzle-orm/pg-core";\nconst table = pgTableCreator((n) => \`app_\${n}\`);\nexport const notes = table("notes", { id: serial().primaryKey(), userId: integer().notNull() });\nfunction ownedBy(t: typeof notes, user: number) {\n  return eq(t.userId, user);\n}\nexport async function f(me: number) {\n  return db.select().from(notes).where(ownedBy(notes, me));\n}\n`,
    },
    { name: "sql template interpolating the column", code: fn("  await db.select().from(posts).where(sql`${posts.userId} = ${me}`);") },
    { name: "sql template naming the column in SQL", code: fn("  await db.select().from(posts).where(sql`user_id = ${me} and id = ${id}`);") },
    {
      name: "namespace import of the table",
      code: fn(`  await db.select().from(postSchema.posts).where(eq(postSchema.posts.userId, me));`),
    },
    {
      name: "barrel namespace import and a local alias",
      code: fn(`  const p = barrel.posts;\n  await db.delete(p).where(eq(barrel.posts.userId, me));`),
    },
    {
      name: "relational callback form",
      code: fn(`  await db.query.posts.findMany({ where: (t, { eq }) => eq(t.userId, me) });`),
    },
    {
      name: "relational callback with the operators object and and()",
      code: fn(`  await db.query.posts.findFirst({ where: (t, ops) => ops.and(ops.eq(t.id, id), ops.eq(t.userId, me)) });`),
    },
    {
      name: "relational callback with renamed and destructured bindings",
      code: fn(`  await db.query.posts.findFirst({ where: ({ userId }, { eq: same }) => same(userId, me) });`),
    },
    {
      name: "relational where built outside (shorthand)",
      code: fn(`  const where = eq(posts.userId, me);\n  await db.query.posts.findMany({ where });`),
    },
    {
      name: "v1 object where",
      code: fn(`  await db.query.posts.findFirst({ where: { id, userId: me } } as never);`),
    },
    {
      name: "v1 object where with OR and operators",
      code: fn(`  await db.query.posts.findMany({ where: { OR: [{ userId: { in: [me] } }, { published: true }] } } as never);`),
    },
    { name: "$count with an owner filter", code: fn(`  await db.$count(posts, eq(posts.userId, me));`) },
    {
      name: "owner filter through a joined column equated to it",
      code: fn(`  await db.select().from(posts).innerJoin(users, eq(posts.userId, users.id)).where(eq(users.id, me));`),
    },
    {
      name: "scoped through the owner column of a joined parent table",
      code: fn(`  await db.select().from(comments).innerJoin(posts, eq(comments.postId, posts.id)).where(eq(posts.userId, me));`),
      options: [{ ownerColumns: ["userId", "authorId"] }],
    },
    {
      name: "inside a transaction",
      code: fn(`  await db.transaction(async (tx) => {\n    await tx.update(posts).set({ title: "t" }).where(and(eq(posts.id, id), eq(posts.userId, me)));\n  });`),
    },
    {
      name: "where that cannot be resolved: a parameter of type SQL",
      code: `${H}export async function list(filter: SQL) {\n  return db.select().from(posts).where(filter);\n}\n`,
    },
    {
      name: "where that cannot be resolved: a helper passed the array",
      code: `${H}declare function addScope(conds: SQL[]): void;\nexport async function list(id: number) {\n  const conds: SQL[] = [eq(posts.id, id)];\n  addScope(conds);\n  return db.select().from(posts).where(and(...conds));\n}\n`,
    },
    {
      name: "relational config held in a variable",
      code: `${H}export async function list(config: Parameters<typeof db.query.posts.findMany>[0]) {\n  return db.query.posts.findMany(config);\n}\n`,
    },
    { name: "table without an owner column", code: fn(`  await db.select().from(tags);\n  await db.delete(users).where(eq(users.id, me));`) },
    {
      name: "only the from table is checked, not joined ones",
      code: fn(`  await db.select().from(users).leftJoin(posts, eq(posts.userId, users.id)).where(eq(users.id, me));`),
    },
    { name: "insert into an owned table", code: fn(`  await db.insert(posts).values({ userId: me, title: "t" });`) },
    {
      name: "nested with is not checked",
      code: fn(`  await db.query.users.findFirst({ where: eq(users.id, me), with: { posts: true } });`),
    },
    {
      name: "subqueries get their scope from the outer query",
      code: fn(
        `  const sq = db.select().from(posts).as("sq");\n  await db.select().from(sq);\n  await db.select().from(users).where(inArray(users.id, db.select({ id: posts.userId }).from(posts)));`,
      ),
    },
    {
      name: "returned subquery and $dynamic builder get their where elsewhere",
      code: `${H}export function base() {\n  return db.select().from(posts).$dynamic();\n}\nexport function sub() {\n  return db.select().from(posts).as("sq");\n}\n`,
    },
    {
      name: "a non-async helper returning a bare builder: the caller adds the where",
      code: `${H}export function allPosts() {\n  return db.select().from(posts);\n}\nexport const mine = (me: number) => allPosts().where(eq(posts.userId, me));\n`,
    },
    {
      name: "owner filter in an inner join condition",
      code: fn(`  await db.select().from(posts).innerJoin(users, and(eq(users.id, posts.userId), eq(users.id, me)));`),
    },
    {
      name: "a builder stored for later is not checked",
      code: fn(`  const q = db.select().from(posts);\n  return q.where(eq(posts.userId, me));`),
    },
    {
      name: "Prisma, KV and Map look-alikes",
      code: fn(`  await prisma.post.findMany();\n  await prisma.post.delete({ where: { id } });\n  await kv.delete("k");\n  new Map<string, number>().delete("k");`),
    },
    { name: "the doc's correct example", code: docExample("✅ Correct") },
    {
      name: "database typed any",
      code: `${H}export async function f(anyDb: any) {\n  await anyDb.select().from(posts);\n  await anyDb.delete(posts);\n}\n`,
    },
  ],
  invalid: [
    {
      name: "the doc's incorrect example",
      code: incorrectDoc,
      errors: [
        { messageId: "missingOwnerFilter", line: lineOf(incorrectDoc, "db.select()"), data: ownerData("posts", "userId", "read") },
        { messageId: "missingOwnerFilter", line: lineOf(incorrectDoc, "db.delete"), data: ownerData("posts", "userId", "delete") },
        { messageId: "missingOwnerFilter", line: lineOf(incorrectDoc, "findMany"), data: ownerData("posts", "userId", "read") },
        { messageId: "missingOwnerFilter", line: lineOf(incorrectDoc, "$count"), data: ownerData("posts", "userId", "count") },
        { messageId: "missingOwnerFilter", line: lineOf(incorrectDoc, "db.update"), data: ownerData("posts", "userId", "update") },
      ],
    },
    invalid({ name: "select without where", code: fn(`  await db.select().from(posts);`), marker: "from(posts)", table: "posts", verb: "read" }),
    invalid({
      name: "select filtering by id only (IDOR)",
      code: fn(`  return db.select().from(posts).where(eq(posts.id, id));`),
      marker: "from(posts)",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "update by id only",
      code: fn(`  await db.update(posts).set({ title: "t" }).where(eq(posts.id, id));`),
      marker: "db.update",
      table: "posts",
      verb: "update",
    }),
    invalid({
      name: "delete by id only, in a transaction",
      code: fn(`  await db.transaction(async (tx) => {\n    await tx.delete(posts).where(eq(posts.id, id));\n  });`),
      marker: "tx.delete",
      table: "posts",
      verb: "delete",
    }),
    invalid({ name: "findMany without config", code: fn(`  await db.query.posts.findMany();`), marker: "findMany", table: "posts", verb: "read" }),
    invalid({
      name: "findFirst by id",
      code: fn(`  await db.query.posts.findFirst({ where: eq(posts.id, id) });`),
      marker: "findFirst",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "findFirst callback by id",
      code: fn(`  await db.query.posts.findFirst({ where: (t, { eq }) => eq(t.id, id) });`),
      marker: "findFirst",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "findFirst v1 object where by id",
      code: fn(`  await db.query.posts.findFirst({ where: { id } } as never);`),
      marker: "findFirst",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "$count without the owner",
      code: fn(`  return db.$count(posts, eq(posts.published, true));`),
      marker: "$count",
      table: "posts",
      verb: "count",
    }),
    invalid({ name: "$count of the whole table", code: fn(`  return db.$count(posts);`), marker: "$count", table: "posts", verb: "count" }),
    invalid({
      name: "ne and not(eq) are not owner filters",
      code: fn(`  await db.select().from(posts).where(or(ne(posts.userId, me), not(eq(posts.userId, me))));`),
      marker: "from(posts)",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "variable and helper that do not mention the owner",
      code: `${H}const byId = (postId: number) => eq(posts.id, postId);\nexport async function f(id: number) {\n  const cond = byId(id);\n  return db.select().from(postSchema.posts).where(cond);\n}\n`,
      marker: "from(postSchema.posts)",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "joined column not equated to the owner",
      code: fn(`  await db.select().from(posts).innerJoin(users, eq(posts.userId, users.id)).where(eq(users.email, "a@b.c"));`),
      marker: "from(posts)",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "helper over a prefixed table filtering by id only",
      code: `${H}import { integer, pgTableCreator, serial } from "drizzle-orm/pg-core";\nconst table = pgTableCreator((n) => \`app_\${n}\`);\nexport const notes = table("notes", { id: serial().primaryKey(), userId: integer().notNull() });\nfunction byId(t: typeof notes, id: number) {\n  return eq(t.id, id);\n}\nexport async function f(id: number) {\n  return db.select().from(notes).where(byId(notes, id));\n}\n`,
      marker: "from(notes)",
      table: "app_notes",
      verb: "read",
    }),
    invalid({
      name: "compared value typed any",
      code: `${H}export async function handler(req: any) {\n  return db.select().from(posts).where(eq(posts.id, req.params.id));\n}\n`,
      marker: "from(posts)",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "awaited through a variable",
      code: fn(`  const q = db.select().from(posts).where(eq(posts.id, id));\n  const rows = await q;\n  return rows;`),
      marker: "from(posts)",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "returned from an async function",
      code: `${H}export async function allPosts() {\n  return db.select().from(posts);\n}\n`,
      marker: "from(posts)",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "returned with its final where from a plain function",
      code: `${H}export const postById = (id: number) => db.select().from(posts).where(eq(posts.id, id));\n`,
      marker: "from(posts)",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "owner column only in a left join condition",
      code: fn(`  await db.select().from(posts).leftJoin(users, and(eq(users.id, posts.userId), eq(users.id, me)));`),
      marker: "from(posts)",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "joined parent table not filtered by its owner",
      code: fn(`  await db.select().from(comments).innerJoin(posts, eq(comments.postId, posts.id)).where(eq(posts.published, true));`),
      options: [{ ownerColumns: ["userId", "authorId"] }],
      marker: "from(comments)",
      table: "comments",
      column: "authorId",
      verb: "read",
    }),
    invalid({
      name: "prepared statement",
      code: fn(`  return db.select().from(posts).where(eq(posts.id, sql.placeholder("id"))).prepare("post_by_id");`),
      marker: "from(posts)",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "batched delete",
      code: fn(`  await neonDb.batch([neonDb.delete(posts).where(eq(posts.id, id))]);`),
      marker: "neonDb.delete",
      table: "posts",
      verb: "delete",
    }),
    invalid({
      name: "ownerColumns option: comments owned by authorId",
      code: fn(`  await db.delete(comments).where(eq(comments.id, id));\n  await db.delete(posts).where(eq(posts.id, id));`),
      options: [{ ownerColumns: ["authorId"] }],
      marker: "db.delete(comments)",
      table: "comments",
      column: "authorId",
      verb: "delete",
    }),
    invalid({
      name: "ownerColumns matched by SQL name, ignoring case and _",
      code: fn(`  await db.select().from(comments);`),
      options: [{ ownerColumns: ["AUTHOR_ID"] }],
      marker: "from(comments)",
      table: "comments",
      column: "authorId",
      verb: "read",
    }),
    invalid({
      name: "ignoreTables leaves other tables checked",
      code: fn(`  await db.select().from(posts);\n  await db.select().from(comments);`),
      options: [{ ownerColumns: ["userId", "authorId"], ignoreTables: ["posts"] }],
      marker: "from(comments)",
      table: "comments",
      column: "authorId",
      verb: "read",
    }),
    {
      name: "error range covers the query up to its table",
      code: fn(`  await db.select({ id: posts.id }).from(posts).where(eq(posts.title, "x"));`),
      errors: [
        {
          messageId: "missingOwnerFilter",
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 48,
          data: ownerData("posts", "userId", "read"),
        },
      ],
    },
  ],
});

createRuleTester({ "drizzle-guard": { ownerColumns: ["authorId"], ignoreTables: ["tags"] } }).run("require-owner-filter (settings)", rule, {
  valid: [
    { name: "posts is not owned under these settings", code: fn(`  await db.select().from(posts);`) },
    { name: "filter by the configured owner", code: fn(`  await db.select().from(comments).where(eq(comments.authorId, me));`) },
    {
      name: "rule options win over settings",
      code: fn(`  await db.select().from(comments);`),
      options: [{ ignoreTables: ["comments"] }],
    },
  ],
  invalid: [
    invalid({
      name: "ownerColumns from settings",
      // (not by postId: posts has no owner column under these settings, so its comments are a shared parent's rows)
      code: fn(`  await db.select().from(comments).where(eq(comments.id, id));`),
      marker: "from(comments)",
      table: "comments",
      column: "authorId",
      verb: "read",
    }),
    invalid({
      name: "rule ownerColumns override settings",
      code: fn(`  await db.select().from(comments);\n  await db.select().from(posts);`),
      options: [{ ownerColumns: ["userId"] }],
      marker: "from(posts)",
      table: "posts",
      verb: "read",
    }),
  ],
});

// A builder returned where it runs as written (a Promise-typed function, a sync transaction callback) is checked.
createRuleTester().run("require-owner-filter (runs in the caller)", rule, {
  valid: [
    {
      name: "Promise-typed function returning an owner-filtered select",
      code: `${H}export function mine(me: number): Promise<unknown> {\n  return db.select().from(posts).where(eq(posts.userId, me));\n}\n`,
    },
  ],
  invalid: [
    invalid({
      name: "Promise-typed function returning an unfiltered select",
      code: `${H}export function all(): Promise<unknown> {\n  return db.select().from(posts);\n}\n`,
      marker: "db.select()",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "sync transaction callback returning an unfiltered delete",
      code: `${H}export async function wipe(id: number) {\n  await db.transaction((tx) => tx.delete(posts).where(eq(posts.id, id)));\n}\n`,
      marker: "tx.delete",
      table: "posts",
      verb: "delete",
    }),
  ],
});

// Shapes met in real apps (see docs: "What counts as scoped"): tenant columns,
// check first then act, ids read from scoped rows, and secret-key lookups.
const S = `${H}import { apiKeys, invoices, memberships, oauthCodes, sessions } from "./owner-filter/schema";
import { scopedDb } from "./owner-filter/db";
`;
/** A request handler with the signed-in user `me`, their organization `org`, and a requested `id`. */
const scoped = (body: string) => `${S}export async function handler(me: number, org: string, id: number, secret: string) {\n${body}\n}\n`;

const unfilteredThenUpdate = scoped(
  `  const [post] = await db.select().from(posts).where(eq(posts.title, "x")).limit(1);\n  if (!post) return;\n  await db.update(posts).set({ published: true }).where(eq(posts.id, post.id));`,
);

const scopingCases: RunTests<MessageId, Options> = {
  valid: [
    // 1. tenant scoping
    {
      name: "membership removed by id within the current organization (scope column)",
      code: scoped(`  await db.delete(memberships).where(and(eq(memberships.id, id), eq(memberships.orgId, org)));`),
    },
    { name: "inArray on a scope column", code: scoped(`  await db.select().from(memberships).where(inArray(memberships.orgId, [org]));`) },
    {
      name: "scope column matched by its SQL name (team_id)",
      code: scoped(`  await db.update(invoices).set({ paid: true }).where(and(eq(invoices.id, id), eq(invoices.team, org)));`),
    },
    {
      name: "scope column in a relational where",
      code: scoped(`  await scopedDb.query.memberships.findFirst({ where: (t, { and, eq }) => and(eq(t.id, id), eq(t.orgId, org)) });`),
    },
    {
      name: "scope column of an inner-joined parent table",
      code: scoped(
        `  await db.select().from(apiKeys).innerJoin(memberships, eq(memberships.userId, apiKeys.userId)).where(eq(memberships.orgId, org));`,
      ),
    },
    {
      name: "scopeColumns option",
      code: scoped(`  await db.select().from(oauthCodes).where(eq(oauthCodes.clientId, secret));`),
      options: [{ scopeColumns: ["client_id"] }],
    },
    // 2. check first, then act
    {
      name: "owner-filtered select, then delete by id (check then act)",
      code: scoped(
        `  const [existing] = await db.select().from(posts).where(and(eq(posts.id, id), eq(posts.userId, me))).limit(1);\n  if (!existing) throw new Error("not found");\n  await db.delete(posts).where(eq(posts.id, id));`,
      ),
    },
    {
      name: "relational check, then update and read inside a transaction",
      code: scoped(
        `  const post = await db.query.posts.findFirst({ where: and(eq(posts.id, id), eq(posts.userId, me)) });\n  if (!post) throw new Error("not found");\n  await db.transaction(async (tx) => {\n    await tx.update(posts).set({ title: "t" }).where(eq(posts.id, id));\n    return tx.select().from(posts).where(eq(posts.id, id));\n  });`,
      ),
    },
    {
      name: "team-scoped check, then act on the same table",
      code: scoped(
        `  const found = await db.$count(memberships, and(eq(memberships.id, id), eq(memberships.orgId, org)));\n  if (found === 0) throw new Error("not found");\n  await db.update(memberships).set({ role: "admin" }).where(eq(memberships.id, id));`,
      ),
    },
    // 3. ids read from scoped rows
    {
      name: "id of a row just read with an owner filter",
      code: scoped(
        `  const [latest] = await db.select({ id: posts.id }).from(posts).where(eq(posts.userId, me)).limit(1);\n  if (!latest) return;\n  await db.update(posts).set({ published: true }).where(eq(posts.id, latest.id));`,
      ),
    },
    {
      name: "ids of team-scoped rows, through a variable and map",
      code: scoped(
        `  const rows = await db.select().from(memberships).where(eq(memberships.orgId, org));\n  const members = rows;\n  await db.delete(memberships).where(inArray(memberships.id, members.map((m) => m.id)));`,
      ),
    },
    {
      name: "ids of the current user's rows of another table, through a variable and map",
      code: scoped(
        `  const rows = await db.select({ id: posts.id }).from(posts).where(eq(posts.userId, me));\n  const mine = rows;\n  return db.select().from(comments).where(inArray(comments.postId, mine.map((p) => p.id)));`,
      ),
      options: [{ ownerColumns: ["userId", "authorId"] }],
    },
    {
      name: "a foreign key read from the current user's own row",
      code: scoped(
        `  const mine = (await db.select().from(posts).where(and(eq(posts.id, id), eq(posts.userId, me))))[0];\n  if (!mine) return;\n  return db.query.comments.findMany({ where: eq(comments.postId, mine.id) });`,
      ),
      options: [{ ownerColumns: ["userId", "authorId"] }],
    },
    {
      name: "id of a row found by a secret key",
      code: scoped(
        `  const [{ id: codeId } = { id: 0 }] = await db.select().from(oauthCodes).where(eq(oauthCodes.code, secret));\n  await db.delete(oauthCodes).where(eq(oauthCodes.id, codeId));`,
      ),
    },
    // 4. secret-key lookups
    {
      name: "api key looked up by its hash (column .unique())",
      code: scoped(`  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, secret)).limit(1);\n  return row?.userId;`),
    },
    { name: "OAuth code by a single-column uniqueIndex", code: scoped(`  return scopedDb.query.oauthCodes.findFirst({ where: eq(oauthCodes.code, secret) });`) },
    {
      name: "a value read from the row of a secret-key lookup",
      code: scoped(
        `  const [session] = await db.select().from(sessions).where(eq(sessions.token, secret));\n  if (!session) throw new Error("signed out");\n  return db.select().from(posts).where(eq(posts.id, session.currentPostId));`,
      ),
    },
    {
      name: "session by a token unique through unique().on()",
      code: scoped(`  await db.delete(sessions).where(eq(sessions.token, secret));`),
    },
  ],
  invalid: [
    // 1. scope columns of another table do not scope
    invalid({
      name: "scope column of a left-joined table (its condition filters nothing)",
      code: scoped(
        `  await db.select().from(posts).leftJoin(memberships, and(eq(memberships.userId, posts.userId), eq(memberships.orgId, org))).where(eq(posts.id, id));`,
      ),
      marker: "from(posts)",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "scope column of another table in the where",
      code: scoped(`  await db.delete(apiKeys).where(and(eq(apiKeys.id, id), eq(memberships.orgId, org)));`),
      marker: "db.delete",
      table: "api_keys",
      verb: "delete",
    }),
    invalid({
      name: "scopeColumns: [] turns tenant scoping off",
      code: scoped(`  await db.delete(memberships).where(and(eq(memberships.id, id), eq(memberships.orgId, org)));`),
      options: [{ scopeColumns: [] }],
      marker: "db.delete",
      table: "memberships",
      verb: "delete",
    }),
    {
      name: "the message names the table's tenant columns next to its owner columns",
      code: scoped(`  await db.delete(memberships).where(eq(memberships.id, id));`),
      errors: [
        {
          messageId: "missingOwnerFilter",
          line: lineOf(scoped(`  await db.delete(memberships).where(eq(memberships.id, id));`), "db.delete(memberships)"),
          data: { ...ownerData("memberships", "userId", "delete"), principal: "memberships.userId or memberships.orgId" },
        },
      ],
    },
    // 2. the check must be a scoped read of the same table, awaited before the act
    invalid({
      name: "earlier scoped read of a different table",
      code: scoped(
        `  const [membership] = await db.select().from(memberships).where(and(eq(memberships.userId, me), eq(memberships.orgId, org)));\n  if (!membership) throw new Error("forbidden");\n  await db.delete(posts).where(eq(posts.id, id));`,
      ),
      marker: "db.delete",
      table: "posts",
      verb: "delete",
    }),
    invalid({
      name: "check run in parallel with the act",
      code: scoped(
        `  await Promise.all([\n    db.select().from(posts).where(and(eq(posts.id, id), eq(posts.userId, me))),\n    db.delete(posts).where(eq(posts.id, id)),\n  ]);`,
      ),
      marker: "db.delete",
      table: "posts",
      verb: "delete",
    }),
    invalid({
      name: "check after the act",
      code: scoped(
        `  await db.delete(posts).where(eq(posts.id, id));\n  await db.select().from(posts).where(and(eq(posts.id, id), eq(posts.userId, me)));`,
      ),
      marker: "db.delete",
      table: "posts",
      verb: "delete",
    }),
    invalid({
      name: "check in the other branch of an if",
      code: scoped(
        `  if (id > 0) {\n    await db.select().from(posts).where(and(eq(posts.id, id), eq(posts.userId, me)));\n  } else {\n    await db.delete(posts).where(eq(posts.id, id));\n  }`,
      ),
      marker: "db.delete",
      table: "posts",
      verb: "delete",
    }),
    invalid({
      name: "an earlier owner-filtered write is no check",
      code: scoped(
        `  await db.update(posts).set({ title: "t" }).where(and(eq(posts.id, id), eq(posts.userId, me)));\n  await db.delete(posts).where(eq(posts.id, id));`,
      ),
      marker: "db.delete",
      table: "posts",
      verb: "delete",
    }),
    invalid({
      name: "check in another function",
      code: `${S}export async function check(me: number, id: number) {\n  return db.select().from(posts).where(and(eq(posts.id, id), eq(posts.userId, me)));\n}\nexport async function remove(id: number) {\n  await db.delete(posts).where(eq(posts.id, id));\n}\n`,
      marker: "db.delete",
      table: "posts",
      verb: "delete",
    }),
    // 3. ids must come from a scoped read
    {
      name: "id from an unfiltered earlier query",
      code: unfilteredThenUpdate,
      errors: [
        { messageId: "missingOwnerFilter", line: lineOf(unfilteredThenUpdate, "db.select"), data: ownerData("posts", "userId", "read") },
        { messageId: "missingOwnerFilter", line: lineOf(unfilteredThenUpdate, "db.update"), data: ownerData("posts", "userId", "update") },
      ],
    },
    invalid({
      name: "id from a scoped query that is only built, not run",
      code: scoped(
        `  const q = db.select().from(posts).where(eq(posts.userId, me));\n  await db.delete(posts).where(inArray(posts.id, q));`,
      ),
      marker: "db.delete",
      table: "posts",
      verb: "delete",
    }),
    // 4. only a single unique, non-primary-key column is a secret
    invalid({
      name: "equality on a non-unique column",
      code: scoped(`  return db.select().from(oauthCodes).where(eq(oauthCodes.clientId, secret));`),
      marker: "from(oauthCodes)",
      table: "oauth_codes",
      verb: "read",
    }),
    invalid({
      name: "equality on a column unique only together with another",
      code: scoped(`  await db.delete(apiKeys).where(eq(apiKeys.label, secret));`),
      marker: "db.delete",
      table: "api_keys",
      verb: "delete",
    }),
    invalid({
      name: "the primary key is no secret",
      code: scoped(`  await db.delete(sessions).where(eq(sessions.id, secret));`),
      marker: "db.delete",
      table: "sessions",
      verb: "delete",
    }),
    invalid({
      name: "a secret key compared with ne",
      code: scoped(`  await db.delete(apiKeys).where(ne(apiKeys.keyHash, secret));`),
      marker: "db.delete",
      table: "api_keys",
      verb: "delete",
    }),
  ],
};

createRuleTester().run("require-owner-filter (scoping)", rule, scopingCases);
describe("require-owner-filter scoping cases", () => itTypeChecks(scopingCases));

createRuleTester({ "drizzle-guard": { scopeColumns: ["clientId"] } }).run("require-owner-filter (scopeColumns setting)", rule, {
  valid: [
    { name: "scope column from settings", code: scoped(`  await db.select().from(oauthCodes).where(eq(oauthCodes.clientId, secret));`) },
  ],
  invalid: [
    invalid({
      name: "settings replace the default scope columns",
      code: scoped(`  await db.delete(memberships).where(and(eq(memberships.id, id), eq(memberships.orgId, org)));`),
      marker: "db.delete",
      table: "memberships",
      verb: "delete",
    }),
  ],
});

// Where authorization happens (issue #15): ownership checked on the result, in
// the function or in every caller of a helper; a check first that gates the
// act; admin and webhook code; audit columns; scope-only and public tables.
const A = `${H}import { auth, notFound, redirect, isAdmin, stripe, type StripeEvent } from "./owner-filter/services";
import { getPostRow } from "./owner-filter/helpers";
import { orders } from "./owner-filter/schema";
import { adminProcedure, protectedProcedure, router, staffProcedure } from "./owner-filter/trpc";
`;

const helperCallers = (first: string, second: string) => `${A}async function getPost(id: number) {
  const [post] = await db.select().from(posts).where(eq(posts.id, id));
  return post ?? null;
}
export async function GET(id: number) {
  const session = await auth();
  if (!session) return redirect("/login");
  const post = await getPost(id);
${first}
  return post;
}
export async function PATCH(id: number) {
  const session = await auth();
  if (!session) throw new Error("signed out");
  const post = await getPost(id);
${second}
  return post;
}
`;
const checkInCaller = `  if (!post || post.userId !== session.user.id) return notFound();`;
const oneCallerUnchecked = helperCallers(checkInCaller, "  // no ownership check");
const noCallerChecks = helperCallers("  // no ownership check", "  // no ownership check");
const crossFileUnchecked = `${A}export async function page(id: number) {\n  const post = await getPostRow(id);\n  return post?.title;\n}\n`;
const auditSchema = `${H}import { integer, pgTable, serial, text } from "drizzle-orm/pg-core";
export const notes = pgTable("notes", {
  id: serial("id").primaryKey(),
  createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
  body: text("body").notNull(),
});
export async function all() {
  return db.select().from(notes);
}
`;

/** A cursor page: the cursor row (any user's post, by id) only feeds a compared value into a query filtered by the owner. */
const cursorPage = (afterCursor: string, cursorQuery = "query(gt(posts.title, cursor.title))") => `${A}import { gt } from "drizzle-orm";
export async function pageOfPosts(me: number, after: number | null) {
  const query = (cond?: SQL) =>
    db.select().from(posts).where(cond ? and(cond, eq(posts.userId, me)) : eq(posts.userId, me)).limit(10);
  if (after) {
    const [cursor] = await db.select().from(posts).where(eq(posts.id, after)).limit(1);
    if (!cursor) throw new Error("cursor not found");
    const rows = await ${cursorQuery};
${afterCursor}
  }
  return { rows: await query(), cursor: null };
}
`;
const cursorReturned = cursorPage("    return { rows, cursor };");
const cursorUnscoped = cursorPage("    return { rows, cursor: null };", "db.select().from(posts).where(gt(posts.title, cursor.title))");

/** A storage class behind an interface, its method called only from admin-checked code (and, with `extra`, from one more place). */
const storageClass = (extra = "") => `${A}interface PostStore {
  deletePost(id: number): Promise<void>;
}
class DbPostStore implements PostStore {
  async deletePost(id: number) {
    await db.delete(posts).where(eq(posts.id, id));
  }
}
const store: PostStore = new DbPostStore();
const direct = new DbPostStore();
export async function purge(id: number) {
  const session = await auth();
  if (session?.user.role !== "admin") return notFound();
  await store.deletePost(id);
  await direct.deletePost(id + 1);
}
${extra}`;
const storageUnchecked = storageClass("export async function remove(id: number) {\n  await store.deletePost(id);\n}\n");

const helperRows = (filter: string) => `${A}async function findPost(id: number, me: number) {
  const [row] = await db.select().from(posts).where(${filter});
  return row ?? null;
}
export async function publish(id: number, me: number) {
  const found = await findPost(id, me);
  if (!found) return;
  await db.update(posts).set({ published: true }).where(eq(posts.id, found.id));
}
`;
const helperRowsUnscoped = helperRows("eq(posts.id, id)");

const whereCases: RunTests<MessageId, Options> = {
  valid: [
    // 1. post-fetch ownership checks
    {
      name: "ownership checked after the fetch, in the same function",
      code: `${A}export async function GET(id: number) {\n  const session = await auth();\n  const [post] = await db.select().from(posts).where(eq(posts.id, id));\n  if (!post) return notFound();\n  if (post.userId !== session?.user.id) throw new Error("forbidden");\n  return post;\n}\n`,
    },
    {
      name: "post-fetch check through optional chaining and a relational read, exiting with a never-typed call",
      code: `${A}export async function GET(id: number, me: number) {\n  const post = await db.query.posts.findFirst({ where: eq(posts.id, id) });\n  if (post?.userId !== me) notFound();\n  return post;\n}\n`,
    },
    {
      name: "post-fetch check nested under a visibility condition",
      code: `${A}export async function GET(id: number, me: number) {\n  const [post] = await db.select().from(posts).where(eq(posts.id, id));\n  if (!post) return null;\n  if (!post.published) {\n    if (me !== post.userId) return notFound();\n  }\n  return post;\n}\n`,
    },
    { name: "a helper's row checked at every call site", code: helperCallers(checkInCaller, "  if (post?.userId !== session.user.id) throw new Error(\"forbidden\");") },
    {
      name: "caller of a helper in another file that checks the row",
      code: `${A}export async function page(id: number, me: number) {\n  const post = await getPostRow(id);\n  if (!post) redirect("/");\n  if (post.userId != me) redirect("/");\n  return post.title;\n}\n`,
    },
    {
      name: "a write helper called only after the caller checked the row of the same table",
      code: `${A}async function deletePostById(id: number) {\n  await db.delete(posts).where(eq(posts.id, id));\n}\nexport async function DELETE(id: number, me: number) {\n  const post = await getPostRow(id);\n  if (post?.userId !== me) return new Response("forbidden", { status: 403 });\n  await deletePostById(id);\n  return new Response(null);\n}\n`,
    },
    {
      name: "a write helper on child rows, called after the caller checked the parent row",
      code: `${A}async function deleteComments(postId: number) {\n  await db.delete(comments).where(eq(comments.postId, postId));\n}\nexport async function DELETE(id: number, me: number) {\n  const post = await getPostRow(id);\n  if (!post || post.userId !== me) throw new Error("forbidden");\n  await deleteComments(id);\n}\n`,
      options: [{ ownerColumns: ["userId", "authorId"] }],
    },
    {
      name: "the caller checked the row in the function around the callback that calls the helper",
      code: `${A}async function deletePostById(id: number) {\n  await db.delete(posts).where(eq(posts.id, id));\n}\nexport async function DELETE(ids: number[], me: number) {\n  const post = await getPostRow(ids[0] ?? 0);\n  if (post?.userId !== me) return;\n  await Promise.all(ids.map((id) => deletePostById(id)));\n}\n`,
    },
    {
      name: "a uniqueness check: the row found by an attribute is only tested for existence",
      code: fn(`  const taken = await db.query.posts.findFirst({ where: and(eq(posts.title, "t"), ne(posts.id, id)) });\n  if (taken) throw new Error("title taken");`),
    },
    {
      name: "a pagination cursor read whose row only feeds the filter of an owner-filtered query (through a local query function)",
      code: cursorPage("    return { rows, cursor: null };"),
    },
    {
      name: "a cursor row destructured into a value compared in an owner-filtered relational where",
      code: `${A}import { lt } from "drizzle-orm";\nexport async function older(me: number, before: number) {\n  const cursor = await db.query.posts.findFirst({ where: eq(posts.id, before) });\n  if (!cursor) return [];\n  const { title } = cursor;\n  return db.query.posts.findMany({ where: and(eq(posts.userId, me), lt(posts.title, title)) });\n}\n`,
    },
    // 2. check first, then act: gating
    {
      name: "the scoped read decides whether the delete runs (if (row) ...)",
      code: fn(`  const [mine] = await db.select().from(posts).where(and(eq(posts.id, id), eq(posts.userId, me)));\n  if (mine) {\n    await db.delete(posts).where(eq(posts.id, id));\n  }`),
    },
    {
      name: "a scoped count compared before acting",
      code: fn(`  const owned = await db.$count(posts, and(eq(posts.id, id), eq(posts.userId, me)));\n  if (owned === 0) throw new Error("not found");\n  await db.update(posts).set({ title: "t" }).where(eq(posts.id, id));`),
    },
    // 3. admin and system code
    {
      name: "tRPC procedure whose middleware throws for non-admins",
      code: `${A}export const adminRouter = router({\n  remove: adminProcedure.mutation(async () => {\n    await db.delete(posts).where(eq(posts.id, 1));\n  }),\n  list: staffProcedure.query(() => db.select().from(posts)),\n});\n`,
    },
    {
      name: "function that exits unless the user is an admin",
      code: `${A}export async function purge(id: number) {\n  const session = await auth();\n  if (!session || !isAdmin(session.user)) throw new Error("forbidden");\n  await db.delete(posts).where(eq(posts.id, id));\n}\n`,
    },
    {
      name: "admin role compared with a literal",
      code: `${A}export async function purge(id: number) {\n  const session = await auth();\n  if (session?.user.role !== "admin") return notFound();\n  await db.delete(posts).where(eq(posts.id, id));\n}\n`,
    },
    {
      name: "signature-verified webhook, and a helper called only from it",
      code: `${A}async function unpublish(event: StripeEvent) {\n  await db.update(posts).set({ published: false }).where(eq(posts.id, event.data.object.id));\n}\nexport async function POST(req: Request) {\n  const event = stripe.webhooks.constructEvent(await req.text(), req.headers.get("stripe-signature") ?? "", "whsec");\n  await db.update(posts).set({ title: "paid" }).where(eq(posts.id, event.data.object.id));\n  await unpublish(event);\n  return new Response(null);\n}\n`,
    },
    {
      name: "a class method called (through the class and through the interface it implements) only from admin-checked code",
      code: storageClass(),
    },
    {
      name: "an id read from a row this code just inserted (insert ... returning)",
      code: fn(`  const [created] = await db.insert(posts).values({ userId: me, title: "t" }).returning();\n  await db.update(posts).set({ published: true }).where(eq(posts.id, created.id));`),
    },
    {
      name: "an id read from a row returned by a helper whose query is owner-filtered",
      code: helperRows("and(eq(posts.id, id), eq(posts.userId, me))"),
    },
    {
      name: "ids of the elements of owner-filtered rows, in an array callback and a for-of loop",
      code: fn(`  const mine = await db.select().from(posts).where(eq(posts.userId, me));\n  await Promise.all(mine.map(async (post) => {\n    await db.update(posts).set({ published: true }).where(eq(posts.id, post.id));\n  }));\n  for (const post of mine) await db.update(posts).set({ title: "t" }).where(eq(posts.id, post.id));`),
    },
    {
      name: "a write helper called with an id read from an owner-filtered row",
      code: `${A}async function setTitle(postId: number, title: string) {\n  await db.update(posts).set({ title }).where(eq(posts.id, postId));\n}\nexport async function rename(me: number) {\n  const [mine] = await db.select().from(posts).where(eq(posts.userId, me)).limit(1);\n  if (mine) await setTitle(mine.id, "t");\n}\n`,
    },
    {
      name: "ownership or another permission checked through a const before use",
      code: `${A}export async function edit(id: number, me: number, isModerator: boolean) {\n  const [post] = await db.select().from(posts).where(eq(posts.id, id));\n  if (!post) return notFound();\n  const canEdit = post.userId === me || isModerator;\n  if (!canEdit) throw new Error("forbidden");\n  return post;\n}\n`,
    },
    // 4. audit columns: not owners
    {
      name: "an audit column (nullable, set null) does not make its table owned",
      code: `${H}import { notes } from "./owner-filter/audit";\nexport async function all() {\n  return db.select().from(notes);\n}\n`,
      options: [{ ownerColumns: ["userId", "createdBy"] }],
    },
    {
      name: "a non-null owner column with cascade is no audit column",
      code: `${H}import { integer, pgTable, serial } from "drizzle-orm/pg-core";\nexport const lists = pgTable("lists", {\n  id: serial("id").primaryKey(),\n  createdBy: integer("created_by").notNull().references(() => users.id, { onDelete: "cascade" }),\n});\n`,
      options: [{ ownerColumns: ["createdBy"] }],
    },
    // 5. scope-only tables
    {
      name: "scope-only table is not checked without the option",
      code: fn(`  await db.select().from(orders).where(eq(orders.id, id));`).replace(H, A),
      options: [{ scopeColumns: ["storeId"] }],
    },
    {
      name: "scope-only table filtered by its scope column",
      code: fn(`  await db.select().from(orders).where(and(eq(orders.id, id), eq(orders.storeId, me)));`).replace(H, A),
      options: [{ scopeColumns: ["storeId"], checkScopeOnlyTables: true }],
    },
    // 6. public reads
    {
      name: "publicTables: reads of a public table",
      code: fn(`  await db.select().from(posts).where(eq(posts.published, true));`),
      options: [{ publicTables: ["posts"] }],
    },
    {
      name: "a function marked public with a reason",
      code: `${A}// drizzle-guard-public: the public post page shows any published post\nexport async function publicPost(id: number) {\n  return db.query.posts.findFirst({ where: and(eq(posts.id, id), eq(posts.published, true)) });\n}\n`,
    },
  ],
  invalid: [
    // 1. post-fetch checks that do not count
    {
      name: "one caller of a helper does not check the row: reported on that call",
      code: oneCallerUnchecked,
      errors: [
        {
          messageId: "uncheckedCallSite",
          line: lineOf(oneCallerUnchecked, "// no ownership check") - 1,
          data: { helper: "getPost", table: "posts", column: "userId", verb: "read", checked: 1, total: 2, principal: "posts.userId" },
        },
      ],
    },
    invalid({
      name: "no caller checks: reported on the query, naming the callers",
      code: noCallerChecks,
      marker: "from(posts)",
      table: "posts",
      verb: "read",
      tried: "no owner filter, no ownership check on the result in this function or in any of `getPost`'s 2 callers",
    }),
    // counts every caller of the fixture helper in the program: alone, or other cases' callers count too
    isolated({
      name: "a caller in another file that does not check the helper's row",
      code: crossFileUnchecked,
      errors: [
        {
          messageId: "uncheckedCallSite",
          line: lineOf(crossFileUnchecked, "getPostRow(id)"),
          data: { helper: "getPostRow", table: "posts", column: "userId", verb: "read", checked: 1, total: 2, principal: "posts.userId" },
        },
      ],
    }),
    invalid({
      name: "a write helper on child rows whose caller checked another table's row",
      code: `${A}async function deleteComments(postId: number) {\n  await db.delete(comments).where(eq(comments.postId, postId));\n}\nexport async function DELETE(id: number, me: number) {\n  const [m] = await db.select().from(users).where(eq(users.id, me));\n  if (!m || m.id !== me) throw new Error("forbidden");\n  await deleteComments(id);\n}\n`,
      options: [{ ownerColumns: ["userId", "authorId"] }],
      marker: "db.delete(comments)",
      table: "comments",
      column: "authorId",
      verb: "delete",
      tried: "no owner filter, no earlier owner-filtered read of comments in this function that decides whether it runs or in `deleteComments`'s caller",
    }),
    invalid({
      name: "a lookup by primary key tested only for existence is still checked",
      code: fn(`  const found = await db.query.posts.findFirst({ where: eq(posts.id, id) });\n  if (!found) throw new Error("not found");`),
      marker: "findFirst",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "comparison with a literal is no ownership check",
      code: `${A}export async function GET(id: number) {\n  const [post] = await db.select().from(posts).where(eq(posts.id, id));\n  if (post?.userId !== 0) throw new Error("x");\n  return post;\n}\n`,
      marker: "from(posts)",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "a mismatch that does not exit is no check",
      code: `${A}export async function GET(id: number, me: number) {\n  const [post] = await db.select().from(posts).where(eq(posts.id, id));\n  if (post?.userId !== me) console.warn("not yours");\n  return post;\n}\n`,
      marker: "from(posts)",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "a post-fetch check does not cover a write",
      code: fn(`  const [post] = await db.delete(posts).where(eq(posts.id, id)).returning();\n  if (post?.userId !== me) throw new Error("too late");`),
      marker: "db.delete",
      table: "posts",
      verb: "delete",
    }),
    invalid({
      name: "a row found by an attribute and also handed back in a { row } shorthand is no uniqueness check",
      code: fn(`  const taken = await db.query.posts.findFirst({ where: eq(posts.title, "t") });\n  if (taken) throw new Error("title taken");\n  return { taken };`),
      marker: "findFirst",
      table: "posts",
      verb: "read",
    }),
    invalid({
      name: "a cursor row that is also returned to the caller",
      code: cursorReturned,
      marker: "eq(posts.id, after)",
      table: "posts",
      verb: "read",
    }),
    {
      name: "a cursor row feeding the filter of a query that is not owner-filtered: both reported",
      code: cursorUnscoped,
      errors: [
        { messageId: "missingOwnerFilter", line: lineOf(cursorUnscoped, "eq(posts.id, after)"), data: ownerData("posts", "userId", "read") },
        { messageId: "missingOwnerFilter", line: lineOf(cursorUnscoped, "gt(posts.title, cursor.title)"), data: ownerData("posts", "userId", "read") },
      ],
    },
    invalid({
      name: "a cursor row whose field is also used outside a filter",
      code: `${A}import { lt } from "drizzle-orm";\nexport async function older(me: number, before: number) {\n  const cursor = await db.query.posts.findFirst({ where: eq(posts.id, before) });\n  if (!cursor) return [];\n  const rows = await db.query.posts.findMany({ where: and(eq(posts.userId, me), lt(posts.title, cursor.title)) });\n  return { rows, label: cursor.title };\n}\n`,
      marker: "eq(posts.id, before)",
      table: "posts",
      verb: "read",
    }),
    // 2. a scoped read that gates nothing
    invalid({
      name: "scoped read whose result nothing depends on, then delete",
      code: fn(`  await db.select().from(posts).where(and(eq(posts.id, id), eq(posts.userId, me)));\n  await db.delete(posts).where(eq(posts.id, id));`),
      marker: "db.delete",
      table: "posts",
      verb: "delete",
    }),
    invalid({
      name: "scoped row read into a variable that is never tested",
      code: fn(`  const [mine] = await db.select().from(posts).where(and(eq(posts.id, id), eq(posts.userId, me)));\n  await db.delete(posts).where(eq(posts.id, id));\n  return mine;`),
      marker: "db.delete",
      table: "posts",
      verb: "delete",
    }),
    // 3. guards that are not admin guards
    invalid({
      name: "tRPC procedure that only requires sign-in",
      code: `${A}export const postRouter = router({\n  remove: protectedProcedure.mutation(async () => {\n    await db.delete(posts).where(eq(posts.id, 1));\n  }),\n});\n`,
      marker: "db.delete",
      table: "posts",
      verb: "delete",
    }),
    invalid({
      name: "an isAdmin check that does not exit",
      code: `${A}export async function purge(id: number) {\n  const session = await auth();\n  if (session && isAdmin(session.user)) console.info("admin");\n  await db.delete(posts).where(eq(posts.id, id));\n}\n`,
      marker: "db.delete",
      table: "posts",
      verb: "delete",
    }),
    invalid({
      name: "a webhook handler that does not verify the signature",
      code: `${A}export async function POST(req: Request) {\n  const event = JSON.parse(await req.text()) as StripeEvent;\n  await db.update(posts).set({ title: "paid" }).where(eq(posts.id, event.data.object.id));\n  return new Response(null);\n}\n`,
      marker: "db.update",
      table: "posts",
      verb: "update",
    }),
    {
      name: "a class method also called through its interface from code without a check: reported on that call",
      code: storageUnchecked,
      errors: [
        {
          messageId: "uncheckedCallSite",
          line: lineOf(storageUnchecked, "export async function remove") + 1,
          data: { helper: "DbPostStore.deletePost", table: "posts", column: "userId", verb: "delete", checked: 2, total: 3, principal: "posts.userId" },
        },
      ],
    },
    invalid({
      name: "an insert before an update by the requested id proves nothing about that id",
      code: fn(`  await db.insert(posts).values({ userId: me, title: "t" });\n  await db.update(posts).set({ published: true }).where(eq(posts.id, id));`),
      marker: "db.update",
      table: "posts",
      verb: "update",
    }),
    {
      name: "an id read from a row returned by a helper that does not filter by owner",
      code: helperRowsUnscoped,
      errors: [
        { messageId: "missingOwnerFilter", line: lineOf(helperRowsUnscoped, "db.select()") },
        { messageId: "missingOwnerFilter", line: lineOf(helperRowsUnscoped, "db.update(posts)") },
      ],
    },
    invalid({
      name: "ids of the elements of rows that are not owner-filtered",
      code: fn(`  const all = await db.select().from(tags);\n  for (const tag of all) await db.update(posts).set({ title: "t" }).where(eq(posts.id, tag.id));`),
      marker: "db.update",
      table: "posts",
      verb: "update",
    }),
    invalid({
      name: "a write helper called with the requested id",
      code: `${A}async function setTitle(postId: number, title: string) {\n  await db.update(posts).set({ title }).where(eq(posts.id, postId));\n}\nexport async function rename(me: number, id: number) {\n  const [mine] = await db.select().from(posts).where(eq(posts.userId, me)).limit(1);\n  if (mine) await setTitle(id, mine.title);\n}\n`,
      marker: "db.update",
      table: "posts",
      verb: "update",
      tried: "no owner filter, no earlier owner-filtered read of posts in this function that decides whether it runs or in `setTitle`'s caller",
    }),
    invalid({
      name: "the message says why callers were not tried: the helper is used as a value",
      code: `${A}async function getPost(id: number) {\n  const [row] = await db.select().from(posts).where(eq(posts.id, id));\n  return row;\n}\nexport const handlers = { getPost };\n`,
      marker: "db.select()",
      table: "posts",
      verb: "read",
      tried: "no owner filter, no ownership check on the result in this function; `getPost` is also used as a value, so its callers are unknown",
    }),
    invalid({
      name: "the message says why callers were not tried: the helper transforms the rows",
      code: `${A}async function titles(id: number) {\n  const rows = await db.select().from(posts).where(eq(posts.id, id));\n  return rows.map((r) => r.title);\n}\nexport async function page(id: number) {\n  return (await titles(id)).join(", ");\n}\n`,
      marker: "db.select()",
      table: "posts",
      verb: "read",
      tried: "no owner filter, no ownership check on the result in this function; `titles` does not return the rows as read, so its callers were not tried",
    }),
    invalid({
      name: "a permission const that does not compare the owner is no ownership check",
      code: `${A}export async function edit(id: number, isModerator: boolean) {\n  const [post] = await db.select().from(posts).where(eq(posts.id, id));\n  if (!post) return notFound();\n  const canEdit = post.published === true || isModerator;\n  if (!canEdit) throw new Error("forbidden");\n  return post;\n}\n`,
      marker: "db.select()",
      table: "posts",
      verb: "read",
    }),
    // 4. audit column warning, on the schema
    {
      name: "audit column configured as owner: one warning on the column, none on queries",
      code: auditSchema,
      options: [{ ownerColumns: ["userId", "createdBy"] }],
      errors: [{ messageId: "auditOwnerColumn", line: lineOf(auditSchema, "createdBy:"), data: { table: "notes", column: "createdBy" } }],
    },
    // 5. scope-only tables with the option
    invalid({
      name: "scope-only table read by id with checkScopeOnlyTables",
      code: fn(`  await db.select().from(orders).where(eq(orders.id, id));`).replace(H, A),
      options: [{ scopeColumns: ["storeId"], checkScopeOnlyTables: true }],
      marker: "from(orders)",
      table: "orders",
      column: "storeId",
      verb: "read",
    }),
    // 6. public reads stay reads
    invalid({
      name: "publicTables does not cover deletes",
      code: fn(`  await db.delete(posts).where(eq(posts.id, id));`),
      options: [{ publicTables: ["posts"] }],
      marker: "db.delete",
      table: "posts",
      verb: "delete",
    }),
    invalid({
      name: "a public marker without a reason is ignored",
      code: `${A}// drizzle-guard-public:\nexport async function publicPost(id: number) {\n  return db.query.posts.findFirst({ where: eq(posts.id, id) });\n}\n`,
      marker: "findFirst",
      table: "posts",
      verb: "read",
    }),
  ],
};

createRuleTester().run("require-owner-filter (where authorization happens)", rule, whereCases);
describe("require-owner-filter authorization cases", () => itTypeChecks(whereCases));

describe("require-owner-filter: call sites by code role", () => {
  const helpersFile = path.join(fixturesDir, "owner-filter", "drafts.ts");
  const helpersCode = fs.readFileSync(helpersFile, "utf8");
  const testCaller = path.join(fixturesDir, "owner-filter", "__tests__", "draft-row.test.ts");
  const testCallerCode = fs.readFileSync(testCaller, "utf8");
  createRuleTester().run("require-owner-filter", rule, {
    valid: [
      {
        name: "codeRoles [application]: a helper whose only caller is a test file needs no check there",
        filename: path.relative(fixturesDir, helpersFile),
        code: helpersCode,
        options: [{ codeRoles: ["application"] }],
      },
      {
        name: "codeRoles [application]: nothing is reported in the test file itself",
        filename: path.relative(fixturesDir, testCaller),
        code: testCallerCode,
        options: [{ codeRoles: ["application"] }],
      },
    ],
    invalid: [
      {
        name: "without codeRoles the test file's unchecked call keeps the helper's query reported",
        filename: path.relative(fixturesDir, helpersFile),
        code: helpersCode,
        errors: [{ messageId: "missingOwnerFilter", line: 8 }],
      },
    ],
  });
});

// rows grouped under a shared parent (#15: listing a public contest's entries)
const P = `${H}import { contests, entries, goals, leagues, rounds, steps } from "./owner-filter/contests";\n`;
const inContest = (body: string) => `${P}export async function handler(me: number, id: number) {\n${body}\n}\n`;

/** A goal read with an owner filter by `goalId`, then (after `between`) its steps by `stepsBy`. */
const gatedGoal = (between: string, stepsBy = "goalId", read = "and(eq(goals.id, goalId), eq(goals.userId, me))") =>
  `${P}export async function getGoal(me: number, input: { goalId: number; otherId: number }) {
  const { goalId, otherId } = input;
  const found = await db.select().from(goals).where(${read}).limit(1);
${between}
  const goalSteps = await db.select().from(steps).where(eq(steps.goalId, ${stepsBy}));
  return { goal: found[0], goalSteps, otherId };
}
`;

/** A job reading every post, scheduled by `schedule` (code after the function). */
const job = (schedule: string, head = "") => `${H}${head}async function sendDigest() {
  const all = await db.select().from(posts);
  return all.length;
}
${schedule}
`;

const parentCases: RunTests<MessageId, Options> = {
  valid: [
    {
      name: "rows listed by a foreign key to a parent that has no owner or tenant column",
      code: inContest(`  return db.select().from(entries).where(eq(entries.contestId, id));`),
    },
    {
      name: "rows listed by a shared parent and another condition (and)",
      code: inContest(`  return db.select().from(entries).where(and(eq(entries.contestId, id), eq(entries.score, 0)));`),
    },
    {
      name: "a relational read of the rows of a shared parent",
      code: `${P}import { drizzle } from "drizzle-orm/node-postgres";\nconst contestDb = drizzle(process.env.DATABASE_URL!, { schema: { contests, entries } });\nexport async function handler(id: number) {\n  return contestDb.query.entries.findMany({ where: eq(entries.contestId, id) });\n}\n`,
    },
    // a key value proven by an owner-filtered read that gates
    {
      name: "a key compared in an owner-filtered read whose emptiness exits, then used to select another table's rows",
      code: gatedGoal(`  if (found.length === 0) throw new Error("not found");`),
    },
    {
      name: "a proven key passed through a property path to a helper that selects by it",
      code: `${P}async function stepsOf(goalId: number) {\n  return db.select().from(steps).where(eq(steps.goalId, goalId));\n}\nexport async function getGoal(me: number, input: { goalId: number }) {\n  const [goal] = await db.select().from(goals).where(and(eq(goals.userId, me), eq(goals.id, input.goalId)));\n  if (!goal) return null;\n  return stepsOf(input.goalId);\n}\n`,
    },
    // code only a scheduler runs (the "job" code role)
    {
      name: "a function passed to setInterval and run once by the function that schedules it",
      code: job(`export function startDigest() {\n  setInterval(sendDigest, 60_000);\n  void sendDigest();\n}`),
    },
    {
      name: "a job scheduled and first run at the module's top level",
      code: job(`setInterval(sendDigest, 60_000);\nvoid sendDigest();`),
    },
    {
      name: "called from a setInterval callback through another project function",
      code: job(`async function runJobs() {\n  await sendDigest();\n}\nexport function start() {\n  setInterval(() => {\n    void runJobs();\n  }, 1000);\n}`),
    },
    {
      name: "setTimeout is a scheduler when the settings' list names it",
      code: job(`export function start() {\n  setTimeout(sendDigest, 1000);\n}`),
      settings: { "drizzle-guard": { jobSchedulers: ["setInterval", "setTimeout"] } },
    },
    {
      name: "a query in a callback inside a job (rows.map in a setInterval callback)",
      code: `${H}export function start(ids: number[]) {\n  setInterval(async () => {\n    await Promise.all(ids.map((id) => db.update(posts).set({ published: false }).where(eq(posts.id, id))));\n  }, 1000);\n}\n`,
    },
    {
      name: "a node-cron job through the default import",
      code: job(`export function start() {\n  cron.schedule("0 * * * *", sendDigest);\n}`, `import cron from "node-cron";\n`),
    },
    {
      name: "a node-cron job through a named import, with the scheduler list from the settings",
      code: job(`schedule("0 * * * *", async () => {\n  await sendDigest();\n});`, `import { schedule } from "node-cron";\n`),
      settings: { "drizzle-guard": { jobSchedulers: ["node-cron#schedule"] } },
    },
  ],
  invalid: [
    invalid({
      name: "rows listed by an owned parent (posts has userId) are still reported",
      code: inContest(`  return db.select().from(comments).where(eq(comments.postId, id));`),
      marker: "from(comments)",
      table: "comments",
      column: "authorId",
      verb: "read",
      options: [{ ownerColumns: ["userId", "authorId"] }],
    }),
    invalid({
      name: "rows listed by a parent with a tenant column are still reported",
      code: inContest(`  return db.select().from(entries).where(eq(entries.leagueId, id));`),
      marker: "from(entries)",
      table: "entries",
      verb: "read",
    }),
    invalid({
      name: "a parent without owner column that belongs to an owned table (rounds of a team's league) is not shared",
      code: inContest(`  return db.select().from(entries).where(eq(entries.roundId, id));`),
      marker: "from(entries)",
      table: "entries",
      verb: "read",
    }),
    invalid({
      name: "a foreign key to the users table (what owner columns reference) is no shared parent",
      code: inContest(`  return db.select().from(entries).where(eq(entries.refereeId, id));`),
      marker: "from(entries)",
      table: "entries",
      verb: "read",
    }),
    invalid({
      name: "a filter on a column that declares no foreign key",
      code: inContest(`  return db.select().from(entries).where(eq(entries.seasonId, id));`),
      marker: "from(entries)",
      table: "entries",
      verb: "read",
    }),
    invalid({
      name: "a read of one row by its own id",
      code: inContest(`  return db.select().from(entries).where(eq(entries.id, id));`),
      marker: "from(entries)",
      table: "entries",
      verb: "read",
    }),
    invalid({
      name: "a read with no filter at all",
      code: inContest(`  return db.select().from(entries);`),
      marker: "from(entries)",
      table: "entries",
      verb: "read",
    }),
    invalid({
      name: "the shared parent is one alternative of an or: other rows are listed too",
      code: inContest(`  return db.select().from(entries).where(or(eq(entries.contestId, id), eq(entries.score, 0)));`),
      marker: "from(entries)",
      table: "entries",
      verb: "read",
    }),
    invalid({
      name: "the owner-filtered read of the key decides nothing (no exit): the later query is reported",
      code: gatedGoal(`  console.log(found.length);`),
      marker: "from(steps)",
      table: "steps",
      verb: "read",
    }),
    invalid({
      name: "the later query compares another value than the proven key",
      code: gatedGoal(`  if (found.length === 0) throw new Error("not found");`, "otherId"),
      marker: "from(steps)",
      table: "steps",
      verb: "read",
    }),
    invalid({
      name: "the read that compares the key is not owner-filtered: both are reported",
      code: gatedGoal(`  if (found.length === 0) throw new Error("not found");`, "goalId", "eq(goals.id, goalId)"),
      marker: "from(goals)",
      table: "goals",
      verb: "read",
      extra: "from(steps)",
    }),
    invalid({
      name: "a let reassigned between the check and the query is no proven key",
      code: `${P}export async function getGoal(me: number, input: { goalId: number; otherId: number }) {\n  let goalId = input.goalId;\n  const [goal] = await db.select().from(goals).where(and(eq(goals.id, goalId), eq(goals.userId, me)));\n  if (!goal) return null;\n  goalId = input.otherId;\n  return db.select().from(steps).where(eq(steps.goalId, goalId));\n}\n`,
      marker: "from(steps)",
      table: "steps",
      verb: "read",
    }),
    invalid({
      name: "a job function also called from a request handler is not job-only",
      code: job(`export function startDigest() {\n  setInterval(sendDigest, 60_000);\n}\nexport async function GET() {\n  return Response.json(await sendDigest());\n}`),
      marker: "from(posts)",
      table: "posts",
      verb: "read",
      tried: "no owner filter, no ownership check on the result in this function; `sendDigest` is also used as a value, so its callers are unknown",
    }),
    invalid({
      name: "a project function named setInterval is not the timer",
      code: job(`function setInterval(task: () => unknown, ms: number) {\n  return [task, ms];\n}\nexport function startDigest() {\n  setInterval(sendDigest, 60_000);\n}`),
      marker: "from(posts)",
      table: "posts",
      verb: "read",
      tried: "no owner filter, no ownership check on the result in this function; `sendDigest` is also used as a value, so its callers are unknown",
    }),
    invalid({
      name: "timers are not schedulers when the settings' list leaves them out",
      code: job(`export function startDigest() {\n  setInterval(sendDigest, 60_000);\n}`),
      settings: { "drizzle-guard": { jobSchedulers: ["node-cron#schedule"] } },
      marker: "from(posts)",
      table: "posts",
      verb: "read",
      tried: "no owner filter, no ownership check on the result in this function; `sendDigest` is also used as a value, so its callers are unknown",
    }),
    invalid({
      name: "setTimeout defers work of the request that calls it (not a scheduler by default)",
      code: `${H}export async function POST(id: number) {\n  setTimeout(async () => {\n    await db.update(posts).set({ published: false }).where(eq(posts.id, id));\n  }, 0);\n}\n`,
      marker: "db.update",
      table: "posts",
      verb: "update",
    }),
    invalid({
      name: "codeRoles naming job: job code is checked",
      code: job(`export function startDigest() {\n  setInterval(sendDigest, 60_000);\n}`),
      options: [{ codeRoles: ["application", "job"] }],
      marker: "from(posts)",
      table: "posts",
      verb: "read",
      tried: "no owner filter, no ownership check on the result in this function; `sendDigest` is also used as a value, so its callers are unknown",
    }),
    invalid({
      name: "a write of the rows of a shared parent changes other users' rows",
      code: inContest(`  await db.delete(entries).where(eq(entries.contestId, id));`),
      marker: "db.delete",
      table: "entries",
      verb: "delete",
    }),
  ],
};

createRuleTester().run("require-owner-filter (shared parents, proven keys, scheduled jobs)", rule, parentCases);
describe("require-owner-filter shared-parent cases", () => itTypeChecks(parentCases));
