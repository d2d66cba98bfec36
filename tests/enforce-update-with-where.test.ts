import type { RunTests } from "@typescript-eslint/rule-tester";
import { describe } from "vitest";
import rule, { type MessageId, type Options } from "../src/rules/enforce-update-with-where.js";
import { createRuleTester, HEADER } from "./rule-tester.js";
import { itTypeChecks } from "./typecheck-cases.js";
import { LOOKALIKES, whereTrue } from "./where-guard-helpers.js";

const ruleTester = createRuleTester();

const cases: RunTests<MessageId, Options> = {
  valid: [
    {
      name: "update with a where condition, with returning()",
      code: `${HEADER}export async function rename(id: number, name: string) {
  await db.update(users).set({ name }).where(eq(users.id, id));
  return db.update(users).set({ name }).where(eq(users.id, id)).returning();
}`,
    },
    {
      name: ".from() before .where() (drizzle-orm#5612)",
      code: `${HEADER}export async function publish(userId: number) {
  await db
    .update(posts)
    .set({ published: true })
    .from(users)
    .where(and(eq(posts.userId, users.id), eq(users.id, userId)));
}`,
    },
    {
      name: "intentional whole-table update is written .where(sql`true`)",
      code: `${HEADER}export async function unpublishAll() {
  await db.update(posts).set({ published: false }).where(sql\`true\`);
}`,
    },
    {
      name: "Prisma-like clients, ElectroDB-like entities, repositories, routers, non-Drizzle objects",
      code: `${HEADER}${LOOKALIKES}router.put("/users/:id", (_req, _res) => {});
export async function run(id: number) {
  await prisma.post.update({ where: { id }, data: { title: "x" } });
  await accounts.update({ id: String(id) }).set({ name: "x" }).go();
  await new WebsiteRepository().update(id, { name: "x" });
  await notDrizzleDb.update(users).set({ name: "x" });
}`,
    },
    {
      name: "a receiver typed any is never reported",
      code: `${HEADER}declare const anyDb: any;
export async function run() {
  await anyDb.update(users).set({ name: "x" });
}`,
    },
    {
      name: "a delete is not an update",
      code: `${HEADER}export async function run() {
  await db.delete(tags).where(sql\`true\`);
  await db.insert(tags).values({ name: "x" });
}`,
    },
    {
      name: "split chain and $dynamic(): a where may be added",
      code: `${HEADER}export async function run(id?: number) {
  const q = db.update(users).set({ name: "x" });
  await q.where(eq(users.id, 1));
  let d = db.update(posts).set({ published: true }).$dynamic();
  if (id !== undefined) d = d.where(eq(posts.id, id));
  await d;
}`,
    },
  ],
  invalid: [
    (() => {
      const code = `${HEADER}export async function rename(name: string) {
  await db.update(users).set({ name });
}`;
      return {
        name: "awaited update without where: the suggestion goes after set()",
        code,
        errors: [
          {
            messageId: "missingWhere" as const,
            line: 6,
            data: { query: "db.update", table: "users" },
            suggestions: [whereTrue(code, "set({ name })")],
          },
        ],
      };
    })(),
    (() => {
      const code = `${HEADER}export async function run() {
  await db.transaction(async (tx) => {
    const rows = await tx
      .update(posts)
      .set({ published: true })
      .returning({ id: posts.id });
    return rows;
  });
}`;
      return {
        name: "transaction update with returning()",
        code,
        errors: [
          {
            messageId: "missingWhere" as const,
            line: 7,
            data: { query: "tx.update", table: "posts" },
            suggestions: [whereTrue(code, "set({ published: true })")],
          },
        ],
      };
    })(),
    (() => {
      const code = `${HEADER}export async function run() {
  const q = db.update(posts).set({ published: false }).$dynamic();
  await q;
  await neonDb.batch([neonDb.update(users).set({ name: null })]);
}`;
      return {
        name: "$dynamic() without a where, and db.batch([...])",
        code,
        errors: [
          { messageId: "missingWhere" as const, line: 6, suggestions: [whereTrue(code, "set({ published: false })")] },
          {
            messageId: "missingWhere" as const,
            line: 8,
            data: { query: "neonDb.update", table: "users" },
            suggestions: [whereTrue(code, "set({ name: null })")],
          },
        ],
      };
    })(),
    {
      name: ".where(undefined) and and(...conds) with conds that may be empty",
      code: `${HEADER}import type { SQL } from "drizzle-orm";
export async function run(userId?: number) {
  const conds: SQL[] = [];
  if (userId !== undefined) conds.push(eq(posts.userId, userId));
  await db.update(posts).set({ published: true }).where(and(...conds));
  await db.update(posts).set({ published: true }).where(void 0);
}`,
      errors: [
        { messageId: "whereMatchesAll", line: 9, data: { condition: "and(...conds)", query: "db.update", table: "posts" } },
        { messageId: "whereMatchesAll", line: 10, data: { condition: "void 0", query: "db.update", table: "posts" } },
      ],
    },
  ],
};

ruleTester.run("enforce-update-with-where", rule, cases);

describe("enforce-update-with-where test cases", () => itTypeChecks(cases));
