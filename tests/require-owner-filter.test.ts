import fs from "node:fs";
import path from "node:path";
import type { RunTests } from "@typescript-eslint/rule-tester";
import { describe } from "vitest";
import rule, { type MessageId, type Options } from "../src/rules/require-owner-filter.js";
import { createRuleTester, HEADER } from "./rule-tester.js";
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

type Invalid = { name: string; code: string; marker: string; table: string; column?: string; verb: string; options?: unknown[] };

/** One invalid case whose single error sits on the line holding `marker`. */
function invalid({ name, code, marker, table, column = "userId", verb, options }: Invalid) {
  return {
    name,
    code,
    ...(options ? { options: options as never } : {}),
    errors: [{ messageId: "missingOwnerFilter" as const, line: lineOf(code, marker), data: { table, column, verb } }],
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
        { messageId: "missingOwnerFilter", line: lineOf(incorrectDoc, "db.select()"), data: { table: "posts", column: "userId", verb: "read" } },
        { messageId: "missingOwnerFilter", line: lineOf(incorrectDoc, "db.delete"), data: { table: "posts", column: "userId", verb: "delete" } },
        { messageId: "missingOwnerFilter", line: lineOf(incorrectDoc, "findMany"), data: { table: "posts", column: "userId", verb: "read" } },
        { messageId: "missingOwnerFilter", line: lineOf(incorrectDoc, "$count"), data: { table: "posts", column: "userId", verb: "count" } },
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
          data: { table: "posts", column: "userId", verb: "read" },
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
      code: fn(`  await db.select().from(comments).where(eq(comments.postId, id));`),
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
        { messageId: "missingOwnerFilter", line: lineOf(unfilteredThenUpdate, "db.select"), data: { table: "posts", column: "userId", verb: "read" } },
        { messageId: "missingOwnerFilter", line: lineOf(unfilteredThenUpdate, "db.update"), data: { table: "posts", column: "userId", verb: "update" } },
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
