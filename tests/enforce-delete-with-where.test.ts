import type { RunTests } from "@typescript-eslint/rule-tester";
import { describe } from "vitest";
import rule, { type MessageId, type Options } from "../src/rules/enforce-delete-with-where.js";
import { createRuleTester, HEADER } from "./rule-tester.js";
import { itTypeChecks } from "./typecheck-cases.js";
import { LOOKALIKES, whereTrue } from "./where-guard-helpers.js";

const ruleTester = createRuleTester();

const cases: RunTests<MessageId, Options> = {
  valid: [
    {
      name: "a where helper that returns a condition on every path (Dokploy's settingsWhere)",
      code: `${HEADER}import { isNull } from "drizzle-orm";
const settingsWhere = (userId: number | null) => (userId ? eq(posts.userId, userId) : isNull(posts.userId));
async function scoped(userId: number) {
  return and(eq(posts.userId, userId), eq(posts.published, true));
}
export async function run(userId: number | null) {
  await db.delete(posts).where(settingsWhere(userId));
  await db.delete(posts).where(await scoped(1));
}`,
    },
    {
      name: "delete with a where condition",
      code: `${HEADER}export async function run(id: number) {
  await db.delete(posts).where(eq(posts.id, id));
  await db.delete(comments).where(and(eq(comments.postId, id), eq(comments.authorId, 1))).returning();
}`,
    },
    {
      name: "where after returning, and where on a transaction",
      code: `${HEADER}export async function run(id: number) {
  await db.transaction(async (tx) => {
    await tx.delete(comments).where(eq(comments.id, id));
  });
}`,
    },
    {
      name: "intentional whole-table delete is written .where(sql`true`)",
      code: `${HEADER}export async function purge() {
  await db.delete(tags).where(sql\`true\`);
}`,
    },
    {
      name: "Map#delete, Set#delete, URLSearchParams#delete (drizzle-orm#1819, #1584)",
      code: `${HEADER}const fileIdUrls = new Map<string, string>();
const seen = new Set<number>();
export function clear(params: URLSearchParams, id: string) {
  fileIdUrls.delete(id);
  seen.delete(1);
  params.delete("page");
}`,
    },
    {
      name: "a Map named db is not a Drizzle database",
      code: `const db = new Map<string, number>();
export function clear() {
  db.delete("key");
}`,
    },
    {
      name: "KV stores, axios and Prisma-like clients (drizzle-orm#1617, #1875)",
      code: `${HEADER}${LOOKALIKES}export async function run(key: string) {
  await kv.delete(key);
  await axios.delete(\`/users/\${key}\`);
  await prisma.post.delete({ where: { id: 1 } });
  await env.KV_STORE.delete(key);
  await accounts.patch({ id: key }).delete(["name"]).go({ ignoreOwnership: true });
}`,
    },
    {
      name: "Express routers and repository classes (drizzle-orm#1890, #2446, #1581)",
      code: `${HEADER}${LOOKALIKES}router.delete("/posts/:id", (_req, _res) => {});
export async function remove(id: number) {
  await WebsiteRepository.delete(id);
  await notDrizzleDb.delete(posts);
}`,
    },
    {
      name: "a receiver typed any is never reported",
      code: `${HEADER}declare const anyDb: any;
export async function run() {
  await anyDb.delete(posts);
}`,
    },
    {
      name: "an update is not a delete",
      code: `${HEADER}export async function run() {
  await db.update(users).set({ name: "x" });
}`,
    },
    {
      name: "split chain: where added to the stored builder",
      code: `${HEADER}export async function run(id: number) {
  const q = db.delete(posts);
  await q.where(eq(posts.id, id));
}`,
    },
    {
      name: "$dynamic(): where added conditionally",
      code: `${HEADER}export async function run(id?: number) {
  let q = db.delete(posts).$dynamic();
  if (id !== undefined) q = q.where(eq(posts.id, id));
  await q;
}`,
    },
    {
      name: "$dynamic(): the builder escapes to a helper that may add a where",
      code: `${HEADER}import type { PgDelete } from "drizzle-orm/pg-core";
function withId<T extends PgDelete>(qb: T, id: number) {
  return qb.where(eq(posts.id, id));
}
export async function run(id: number) {
  await withId(db.delete(posts).$dynamic(), id);
  const q = db.delete(comments).$dynamic();
  await withId(q, id);
}`,
    },
    {
      name: "a builder factory: the caller adds the where",
      code: `${HEADER}function base() {
  return db.delete(posts);
}
export async function run(id: number) {
  await base().where(eq(posts.id, id));
}`,
    },
    {
      name: "builders that never run: toSQL(), exported builder",
      code: `${HEADER}export const purgeAll = db.delete(tags);
export function preview() {
  return db.delete(posts).toSQL();
}`,
    },
    {
      name: "and(...conds) with a non-empty literal, an unconditional push, or a length check",
      code: `${HEADER}import type { SQL } from "drizzle-orm";
export async function run(id: number, extra: boolean) {
  const fixed = [eq(posts.id, id)];
  await db.delete(posts).where(and(...fixed));
  const conds: SQL[] = [];
  conds.push(eq(posts.userId, id));
  if (extra) conds.push(eq(posts.published, true));
  await db.delete(posts).where(and(...conds));
  const guarded: SQL[] = [];
  if (extra) guarded.push(eq(posts.published, false));
  if (guarded.length === 0) return;
  await db.delete(posts).where(or(...guarded));
  await db.delete(posts).where(and(eq(posts.id, id), ...guarded));
}`,
    },
    {
      name: "and(...conds) with conds of unknown length (a parameter)",
      code: `${HEADER}import type { SQL } from "drizzle-orm";
export async function run(conds: SQL[]) {
  await db.delete(posts).where(and(...conds));
}`,
    },
    {
      name: "a local and() that is not drizzle-orm's",
      code: `import { sql, type SQL } from "drizzle-orm";
import { db } from "./db";
import { posts } from "./schema/posts";
const and = (...xs: SQL[]): SQL => (xs.length ? sql.join(xs, sql\` and \`) : sql\`false\`);
export async function run(flag: boolean) {
  const conds: SQL[] = [];
  if (flag) conds.push(sql\`true\`);
  await db.delete(posts).where(and(...conds));
}`,
    },
  ],
  invalid: [
    {
      name: "awaited delete without where: suggestion adds .where(sql`true`)",
      code: `${HEADER}export async function purge() {
  await db.delete(posts);
}`,
      errors: [
        {
          messageId: "missingWhere",
          line: 6,
          data: { query: "db.delete", table: "posts" },
          suggestions: [
            {
              messageId: "addWhereTrue",
              output: `${HEADER}export async function purge() {
  await db.delete(posts).where(sql\`true\`);
}`,
            },
          ],
        },
      ],
    },
    {
      name: "transaction delete without where; sql import is added (extending the drizzle-orm import)",
      code: `import { eq } from "drizzle-orm";
import { db } from "./db";
import { comments } from "./schema/posts";
export async function run(id: number) {
  await db.transaction(async (tx) => {
    await tx.delete(comments);
    await tx.delete(comments).where(eq(comments.id, id));
  });
}`,
      errors: [
        {
          messageId: "missingWhere",
          line: 6,
          data: { query: "tx.delete", table: "comments" },
          suggestions: [
            {
              messageId: "addWhereTrue",
              output: `import { eq, sql } from "drizzle-orm";
import { db } from "./db";
import { comments } from "./schema/posts";
export async function run(id: number) {
  await db.transaction(async (tx) => {
    await tx.delete(comments).where(sql\`true\`);
    await tx.delete(comments).where(eq(comments.id, id));
  });
}`,
            },
          ],
        },
      ],
    },
    {
      name: "no drizzle-orm import: the suggestion adds one",
      code: `import { db } from "./db";
import { tags } from "./schema/posts";
export const purge = async () => {
  await db.delete(tags);
};`,
      errors: [
        {
          messageId: "missingWhere",
          line: 4,
          suggestions: [
            {
              messageId: "addWhereTrue",
              output: `import { db } from "./db";
import { tags } from "./schema/posts";
import { sql } from "drizzle-orm";
export const purge = async () => {
  await db.delete(tags).where(sql\`true\`);
};`,
            },
          ],
        },
      ],
    },
    {
      name: ".returning() chain: the where goes before returning",
      code: `${HEADER}export async function purge() {
  const rows = await db.delete(posts).returning({ id: posts.id });
  return rows;
}`,
      errors: [
        {
          messageId: "missingWhere",
          line: 6,
          suggestions: [
            {
              messageId: "addWhereTrue",
              output: `${HEADER}export async function purge() {
  const rows = await db.delete(posts).where(sql\`true\`).returning({ id: posts.id });
  return rows;
}`,
            },
          ],
        },
      ],
    },
    (() => {
      const code = `${HEADER}export async function run() {
  const q = db.delete(posts);
  await q;
  const r = db.delete(comments);
  return await r.returning();
}`;
      return {
        name: "split chain that runs without where (awaited, and through returning())",
        code,
        errors: [
          { messageId: "missingWhere" as const, line: 6, data: { query: "db.delete", table: "posts" }, suggestions: [whereTrue(code, "db.delete(posts)")] },
          { messageId: "missingWhere" as const, line: 8, data: { query: "db.delete", table: "comments" }, suggestions: [whereTrue(code, "db.delete(comments)")] },
        ],
      };
    })(),
    (() => {
      const code = `${HEADER}export async function run() {
  const q = db.delete(posts).$dynamic();
  await q.execute();
}`;
      return {
        name: "$dynamic() builder that never gets a where",
        code,
        errors: [{ messageId: "missingWhere" as const, line: 6, suggestions: [whereTrue(code, "db.delete(posts)")] }],
      };
    })(),
    (() => {
      const code = `${HEADER}export async function run(id: number) {
  await neonDb.batch([neonDb.delete(posts), neonDb.select().from(users).where(eq(users.id, id))]);
}`;
      return {
        name: "db.batch([db.delete(t)]) runs the delete",
        code,
        errors: [
          {
            messageId: "missingWhere" as const,
            line: 6,
            data: { query: "neonDb.delete", table: "posts" },
            suggestions: [whereTrue(code, "neonDb.delete(posts)")],
          },
        ],
      };
    })(),
    (() => {
      const code = `${HEADER}export async function purgeTags() {
  return db.delete(tags);
}
export const purgeComments = () => db.transaction((tx) => tx.delete(comments));
export function purgePosts(): Promise<unknown> {
  return db.delete(posts);
}`;
      return {
        name: "returned from an async function, a transaction callback, or a function declared to return a Promise",
        code,
        errors: [
          { messageId: "missingWhere" as const, line: 6, data: { query: "db.delete", table: "tags" }, suggestions: [whereTrue(code, "db.delete(tags)")] },
          { messageId: "missingWhere" as const, line: 8, data: { query: "tx.delete", table: "comments" }, suggestions: [whereTrue(code, "tx.delete(comments)")] },
          { messageId: "missingWhere" as const, line: 10, data: { query: "db.delete", table: "posts" }, suggestions: [whereTrue(code, "db.delete(posts)")] },
        ],
      };
    })(),
    (() => {
      const code = `${HEADER}export async function run() {
  const p = db.delete(posts).prepare("purge_posts");
  await p.execute();
  db.delete(tags).then(() => {});
}`;
      return {
        name: "prepared and .then()-ed deletes run",
        code,
        errors: [
          { messageId: "missingWhere" as const, line: 6, suggestions: [whereTrue(code, "db.delete(posts)")] },
          { messageId: "missingWhere" as const, line: 8, suggestions: [whereTrue(code, "db.delete(tags)")] },
        ],
      };
    })(),
    {
      name: ".where(helper()) where the helper may return undefined, and where it returns nothing",
      code: `${HEADER}const maybe = (id?: number) => (id ? eq(posts.id, id) : undefined);
const nothing = () => undefined;
export async function run(id?: number) {
  await db.delete(posts).where(maybe(id));
  await db.delete(posts).where(nothing());
}`,
      errors: [{ messageId: "whereMatchesAll", line: 9, data: { condition: "nothing()", query: "db.delete", table: "posts" } }],
    },
    {
      name: ".where(undefined) deletes every row",
      code: `${HEADER}export async function run() {
  await db.delete(posts).where(undefined);
}`,
      errors: [{ messageId: "whereMatchesAll", line: 6, data: { condition: "undefined", query: "db.delete", table: "posts" } }],
    },
    {
      name: "and(...conds) / or(...conds) with conds that may be empty, and and() with nothing",
      code: `${HEADER}import type { SQL } from "drizzle-orm";
export async function run(userId?: number, published?: boolean) {
  const conds: SQL[] = [];
  if (userId !== undefined) conds.push(eq(posts.userId, userId));
  if (published !== undefined) conds.push(eq(posts.published, published));
  await db.delete(posts).where(and(...conds));
  await db.delete(posts).where(or(...conds, ...[]));
  await db.delete(tags).where(and());
}`,
      errors: [
        { messageId: "whereMatchesAll", line: 10, data: { condition: "and(...conds)", query: "db.delete", table: "posts" } },
        { messageId: "whereMatchesAll", line: 11, data: { condition: "or(...conds, ...[])", query: "db.delete", table: "posts" } },
        { messageId: "whereMatchesAll", line: 12, data: { condition: "and()", query: "db.delete", table: "tags" } },
      ],
    },
  ],
};

ruleTester.run("enforce-delete-with-where", rule, cases);

describe("enforce-delete-with-where test cases", () => itTypeChecks(cases));
