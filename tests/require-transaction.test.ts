import rule from "../src/rules/require-transaction.js";
import { createRuleTester, HEADER } from "./rule-tester.js";

// whether a table is an append-only log depends on every write to it in the program: a program per case
const ruleTester = createRuleTester(undefined, { isolate: true });
const H = `${HEADER}import { createOrganization, addAuthor, findPost } from "./tx/helpers";
async function logEvent(body: string) {
  await db.insert(tags).values({ name: body });
}
`;
const line = (n: number) => H.split("\n").length - 1 + n;

ruleTester.run("require-transaction", rule, {
  valid: [
    { name: "same table twice", code: `${H}export async function f() {\n  await db.insert(tags).values({ name: "a" });\n  await db.insert(tags).values({ name: "b" });\n}` },
    {
      name: "writes in exclusive if/else branches",
      code: `${H}export async function f(x: boolean) {\n  if (x) {\n    await db.insert(tags).values({ name: "a" });\n  } else {\n    await db.delete(comments).where(eq(comments.id, 1));\n  }\n}`,
    },
    {
      name: "early return makes the writes exclusive",
      code: `${H}export async function f(x: boolean) {\n  if (x) {\n    await db.insert(tags).values({ name: "a" });\n    return;\n  }\n  await db.delete(comments).where(eq(comments.id, 1));\n}`,
    },
    {
      name: "switch cases with break",
      code: `${H}export async function f(k: string) {\n  switch (k) {\n    case "a":\n      await db.insert(tags).values({ name: "a" });\n      break;\n    default:\n      await db.delete(comments).where(eq(comments.id, 1));\n  }\n}`,
    },
    { name: "a write then a read", code: `${H}export async function f() {\n  await db.insert(tags).values({ name: "a" });\n  await db.select().from(posts);\n  await findPost(1);\n}` },
    {
      name: "db.batch",
      code: `${H}export async function f() {\n  await db.batch([db.insert(tags).values({ name: "a" }), db.delete(comments).where(eq(comments.id, 1))] as never);\n}`,
    },
    {
      name: "writes inside a transaction through tx (and a helper given tx)",
      code: `${H}export async function f() {\n  await db.transaction(async (tx) => {\n    await tx.insert(tags).values({ name: "a" });\n    await tx.delete(comments).where(eq(comments.id, 1));\n    await addAuthor(tx as never, "a@b.c");\n  });\n}`,
    },
    {
      name: "non-Drizzle clients with a transaction method",
      code: `${H}export async function f() {\n  await prisma.post.delete({ where: { id: 1 } });\n  await prisma.post.update({ where: { id: 1 } });\n  await kv.delete("a");\n}`,
    },
    {
      name: "writes in two separate functions",
      code: `${H}export async function a() { await db.insert(tags).values({ name: "a" }); }\nexport async function b() { await db.delete(comments).where(eq(comments.id, 1)); }`,
    },
    {
      name: "a builder that is never run",
      code: `${H}export async function f() {\n  const q = db.insert(tags).values({ name: "a" });\n  await db.delete(comments).where(eq(comments.id, 1));\n  return q.toSQL();\n}`,
    },
    {
      name: "database typed any",
      code: `${H}export async function f(anyDb: any) {\n  await anyDb.insert(tags).values({ name: "a" });\n  await anyDb.delete(comments);\n}`,
    },
    {
      name: "sibling ifs with complementary conditions",
      code: `${H}export async function f(user: { id: number; name: string | null }) {\n  if (user.name) {\n    await db.update(users).set({ name: null }).where(eq(users.id, user.id));\n  }\n  if (!user.name) {\n    await db.insert(tags).values({ name: "welcome" });\n  }\n}`,
    },
    {
      name: "sibling ifs: === and !==",
      code: `${H}export async function f(kind: string) {\n  if (kind === "a") await db.insert(tags).values({ name: "a" });\n  if (kind !== "a") await db.delete(comments).where(eq(comments.id, 1));\n}`,
    },
    {
      name: "a best-effort write in a try whose catch logs and carries on (Sim's credit purchase, a per-member sync)",
      code: `${H}export async function f(id: number, ids: number[]) {\n  await db.update(users).set({ name: "x" }).where(eq(users.id, id));\n  try {\n    await db.delete(comments).where(eq(comments.id, id));\n  } catch (error) {\n    console.error("best effort", error);\n  }\n  for (const each of ids) {\n    try {\n      await db.update(posts).set({ title: "t" }).where(eq(posts.id, each));\n    } catch (error) {\n      if (error instanceof Error) console.error(error.message);\n    }\n  }\n}`,
    },
    {
      name: "a detached best-effort write (helper().catch) does not count",
      code: `${H}export async function f(id: number) {\n  await db.update(users).set({ name: "x" }).where(eq(users.id, id));\n  logEvent("rename").catch((error) => console.error(error));\n  void logEvent("again");\n}`,
    },
    {
      name: "ignoreTables: audit-log writes need not be atomic",
      options: [{ ignoreTables: ["tags"] }],
      code: `${H}export async function f(id: number) {\n  await db.update(users).set({ name: "x" }).where(eq(users.id, id));\n  await logEvent("rename");\n}`,
    },
  ],
  invalid: [
    {
      name: "sibling ifs with unrelated conditions",
      // tags is the fixture's append-only log (only ever inserted into): reported with reportLogTables
      options: [{ reportLogTables: true }],
      code: `${H}export async function f(a: boolean, b: boolean) {\n  if (a) {\n    await db.update(users).set({ name: null }).where(eq(users.id, 1));\n  }\n  if (!b) {\n    await db.insert(tags).values({ name: "welcome" });\n  }\n}`,
      errors: [{ messageId: "requireTransactionWithLog", line: line(3), data: { tables: "users, tags", logTables: "tags" } }],
    },
    {
      name: "an awaited helper write still counts; ignoreTables names another table",
      options: [{ ignoreTables: ["comments"], reportLogTables: true }],
      code: `${H}export async function f(id: number) {\n  await db.update(users).set({ name: "x" }).where(eq(users.id, id));\n  await logEvent("rename");\n}`,
      errors: [{ messageId: "requireTransactionWithLog", line: line(2), data: { tables: "users, tags", logTables: "tags" } }],
    },
    {
      name: "two writes inside one try whose catch carries on still pair",
      code: `${H}export async function f(id: number) {\n  try {\n    await db.update(users).set({ name: "x" }).where(eq(users.id, id));\n    await db.delete(comments).where(eq(comments.id, id));\n  } catch (error) {\n    console.error(error);\n  }\n}`,
      errors: [{ messageId: "requireTransaction", line: line(3), data: { tables: "users, comments" } }],
    },
    {
      name: "a catch that returns an error or rethrows makes the write part of the operation",
      code: `${H}export async function f(id: number) {\n  await db.update(users).set({ name: "x" }).where(eq(users.id, id));\n  try {\n    await db.delete(comments).where(eq(comments.id, id));\n  } catch {\n    return { error: "could not delete" };\n  }\n  return { ok: true };\n}\nexport async function g(id: number) {\n  await db.update(users).set({ name: "x" }).where(eq(users.id, id));\n  try {\n    await db.delete(comments).where(eq(comments.id, id));\n  } catch (error) {\n    if (!(error instanceof TypeError)) throw error;\n  }\n}`,
      errors: [
        { messageId: "requireTransaction", line: line(2), data: { tables: "users, comments" } },
        { messageId: "requireTransaction", line: line(11), data: { tables: "users, comments" } },
      ],
    },
    {
      name: "insert organization then membership, no transaction",
      code: `${H}export async function f(userId: number) {\n  const [org] = await db.insert(organizations).values({ name: "acme" }).returning();\n  await db.update(users).set({ name: org.name }).where(eq(users.id, userId));\n}`,
      errors: [{ messageId: "requireTransaction", line: line(2), data: { tables: "organizations, users" } }],
    },
    {
      name: "delete messages then the chat (arrow handler)",
      code: `${H}export const remove = async (postId: number) => {\n  await db.delete(comments).where(eq(comments.postId, postId));\n  await db.delete(posts).where(eq(posts.id, postId));\n};`,
      errors: [{ messageId: "requireTransaction", line: line(2), data: { tables: "comments, posts" } }],
    },
    {
      name: "parallel writes in Promise.all",
      options: [{ reportLogTables: true }],
      code: `${H}export async function f() {\n  await Promise.all([\n    db.insert(tags).values({ name: "a" }),\n    db.delete(comments).where(eq(comments.id, 1)),\n  ]);\n}`,
      errors: [{ messageId: "requireTransactionWithLog", line: line(3), data: { tables: "tags, comments", logTables: "tags" } }],
    },
    {
      name: "a write through a helper in another file, then a direct write",
      code: `${H}export async function f(userId: number) {\n  const org = await createOrganization("acme");\n  await db.update(users).set({ name: org.name }).where(eq(users.id, userId));\n}`,
      errors: [{ messageId: "requireTransaction", line: line(2), data: { tables: "organizations, users" } }],
    },
    {
      name: "a helper that takes the database, called with db",
      code: `${H}export async function f() {\n  await addAuthor(db, "a@b.c");\n  await db.insert(tags).values({ name: "a" });\n}`,
      errors: [{ messageId: "requireTransaction", line: line(2), data: { tables: "users, tags" } }],
    },
    {
      name: "write after a conditional write on the same path",
      options: [{ reportLogTables: true }],
      code: `${H}export async function f(x: boolean) {\n  if (x) {\n    await db.insert(tags).values({ name: "a" });\n  }\n  await db.delete(comments).where(eq(comments.id, 1));\n}`,
      errors: [{ messageId: "requireTransactionWithLog", line: line(3), data: { tables: "tags, comments", logTables: "tags" } }],
    },
    {
      name: "route handler callback",
      options: [{ reportLogTables: true }],
      code: `${H}declare const app: { post(path: string, handler: (req: unknown) => Promise<void>): void };\napp.post("/orgs", async () => {\n  await db.insert(organizations).values({ name: "x" });\n  await db.insert(tags).values({ name: "y" });\n});`,
      errors: [{ messageId: "requireTransactionWithLog", line: line(3), data: { tables: "organizations, tags", logTables: "tags" } }],
    },
    {
      name: "maxDepth 0 ignores helpers",
      options: [{ maxDepth: 0, reportLogTables: true }],
      code: `${H}export async function f() {\n  await db.insert(organizations).values({ name: "x" });\n  await createOrganization("acme");\n  await db.insert(tags).values({ name: "y" });\n}`,
      errors: [{ messageId: "requireTransactionWithLog", line: line(2), data: { tables: "organizations, tags", logTables: "tags" } }],
    },
  ],
});

/**
 * Append-only log tables: a table the program only ever inserts into (here
 * `tags`, written by `logEvent`). One business table plus logs is not reported
 * by default; `reportLogTables: true` reports it and names the log.
 */
ruleTester.run("require-transaction log tables", rule, {
  valid: [
    {
      name: "one business table plus the log table",
      code: `${H}export async function f(id: number) {\n  await db.update(users).set({ name: "x" }).where(eq(users.id, id));\n  await logEvent("rename");\n}`,
    },
    {
      name: "a delete of a business table plus a direct log insert",
      code: `${H}export async function f(id: number) {\n  await db.delete(comments).where(eq(comments.id, id));\n  await db.insert(tags).values({ name: "comment deleted" });\n}`,
    },
  ],
  invalid: [
    {
      name: "reportLogTables: the message names the log table",
      options: [{ reportLogTables: true }],
      code: `${H}export async function f(id: number) {\n  await db.update(users).set({ name: "x" }).where(eq(users.id, id));\n  await logEvent("rename");\n}`,
      errors: [{ messageId: "requireTransactionWithLog", line: line(2), data: { tables: "users, tags", logTables: "tags" } }],
    },
    {
      name: "an upsert anywhere in the program makes the table a business table",
      code: `${H}export async function f(id: number) {\n  await db.update(users).set({ name: "x" }).where(eq(users.id, id));\n  await logEvent("rename");\n}\nexport async function g() {\n  await db.insert(tags).values({ name: "a" }).onConflictDoUpdate({ target: tags.id, set: { name: "b" } });\n}`,
      errors: [{ messageId: "requireTransaction", line: line(2), data: { tables: "users, tags" } }],
    },
    {
      name: "a raw UPDATE of the table anywhere in the program makes it a business table",
      code: `${H}export async function f(id: number) {\n  await db.update(users).set({ name: "x" }).where(eq(users.id, id));\n  await logEvent("rename");\n}\nexport async function g() {\n  await db.execute(sql\`update tags set name = 'x'\`);\n}`,
      errors: [{ messageId: "requireTransaction", line: line(2), data: { tables: "users, tags" } }],
    },
    {
      name: "a delete of the table in application code makes it a business table",
      code: `${H}export async function f(id: number) {\n  await db.update(users).set({ name: "x" }).where(eq(users.id, id));\n  await logEvent("rename");\n}\nexport async function g(id: number) {\n  await db.delete(tags).where(eq(tags.id, id));\n}`,
      errors: [{ messageId: "requireTransaction", line: line(2), data: { tables: "users, tags" } }],
    },
    {
      name: "two business tables plus a log: reported without naming the log",
      code: `${H}export async function f(id: number) {\n  await db.update(users).set({ name: "x" }).where(eq(users.id, id));\n  await db.delete(comments).where(eq(comments.authorId, id));\n  await logEvent("rename");\n}`,
      errors: [{ messageId: "requireTransaction", line: line(2), data: { tables: "users, comments, tags" } }],
    },
  ],
});
