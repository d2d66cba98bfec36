import rule from "../src/rules/no-db-in-transaction.js";
import { createRuleTester, HEADER } from "./rule-tester.js";

const ruleTester = createRuleTester();
const H = `${HEADER}import { createOrganization, addAuthor } from "./tx/helpers";
`;
const line = (n: number) => H.split("\n").length - 1 + n;

ruleTester.run("no-db-in-transaction", rule, {
  valid: [
    { name: "queries through tx", code: `${H}await db.transaction(async (tx) => {\n  await tx.insert(tags).values({ name: "a" });\n  await tx.query.posts.findMany();\n});` },
    { name: "db after the transaction", code: `${H}await db.transaction(async (tx) => {\n  await tx.insert(tags).values({ name: "a" });\n});\nawait db.select().from(tags);` },
    { name: "helper given tx", code: `${H}await db.transaction(async (tx) => {\n  await addAuthor(tx as never, "a@b.c");\n});` },
    { name: "outer tx inside a nested savepoint", code: `${H}await db.transaction(async (tx) => {\n  await tx.transaction(async (sp) => {\n    await sp.insert(tags).values({ name: "a" });\n  });\n});` },
    { name: "non-Drizzle transaction method", code: `${H}await prisma.$transaction(async () => {\n  await db.select().from(tags);\n});` },
    { name: "a callback defined but not run in the transaction", code: `${H}await db.transaction(async (tx) => {\n  const later = () => db.select().from(tags);\n  await tx.insert(tags).values({ name: "a" });\n  return later;\n});` },
  ],
  invalid: [
    {
      name: "outer db inside the callback",
      code: `${H}await db.transaction(async (tx) => {\n  await tx.insert(tags).values({ name: "a" });\n  await db.delete(comments).where(eq(comments.id, 1));\n});`,
      errors: [
        {
          messageId: "dbInTransaction",
          line: line(3),
          data: { db: "db", tx: "tx" },
          suggestions: [
            {
              messageId: "useTransaction",
              data: { tx: "tx" },
              output: `${H}await db.transaction(async (tx) => {\n  await tx.insert(tags).values({ name: "a" });\n  await tx.delete(comments).where(eq(comments.id, 1));\n});`,
            },
          ],
        },
      ],
    },
    {
      name: "relational query on db inside the callback",
      code: `${H}export async function f() {\n  return db.transaction(async (trx) => {\n    const p = await db.query.posts.findFirst();\n    return p;\n  });\n}`,
      errors: [
        {
          messageId: "dbInTransaction",
          line: line(3),
          suggestions: [
            {
              messageId: "useTransaction",
              output: `${H}export async function f() {\n  return db.transaction(async (trx) => {\n    const p = await trx.query.posts.findFirst();\n    return p;\n  });\n}`,
            },
          ],
        },
      ],
    },
    {
      name: "helper on the shared db inside the callback",
      code: `${H}await db.transaction(async (tx) => {\n  await createOrganization("acme");\n});`,
      errors: [{ messageId: "helperEscapesTransaction", line: line(2), suggestions: [] }],
    },
  ],
});
