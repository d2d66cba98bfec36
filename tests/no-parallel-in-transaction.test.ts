import rule from "../src/rules/no-parallel-in-transaction.js";
import { createRuleTester, HEADER } from "./rule-tester.js";

const ruleTester = createRuleTester();
const line = (n: number) => HEADER.split("\n").length - 1 + n;

ruleTester.run("no-parallel-in-transaction", rule, {
  valid: [
    { name: "sequential awaits", code: `${HEADER}await db.transaction(async (tx) => {\n  await tx.insert(tags).values({ name: "a" });\n  await tx.insert(tags).values({ name: "b" });\n});` },
    { name: "parallel queries on the pool", code: `${HEADER}await Promise.all([db.select().from(tags), db.select().from(posts)]);` },
    { name: "one tx query and a fetch", code: `${HEADER}await db.transaction(async (tx) => {\n  await Promise.all([tx.select().from(tags), fetch("https://example.com")]);\n});` },
    { name: "non-Drizzle promises", code: `${HEADER}await Promise.all([kv.get("a"), axios.get("/b")]);` },
  ],
  invalid: [
    {
      name: "two queries on the same tx",
      code: `${HEADER}await db.transaction(async (tx) => {\n  await Promise.all([\n    tx.insert(tags).values({ name: "a" }),\n    tx.update(users).set({ name: "b" }).where(eq(users.id, 1)),\n  ]);\n});`,
      errors: [{ messageId: "parallelInTransaction", line: line(2), data: { tx: "tx" } }],
    },
    {
      name: "a mapped query per element",
      code: `${HEADER}export async function f(names: string[]) {\n  await db.transaction(async (tx) => {\n    await Promise.allSettled(names.map((name) => tx.insert(tags).values({ name })));\n  });\n}`,
      errors: [{ messageId: "parallelInTransaction", line: line(3) }],
    },
  ],
});
