import rule from "../src/rules/no-unsupported-transaction.js";
import { createRuleTester, HEADER } from "./rule-tester.js";

const ruleTester = createRuleTester();
const line = (n: number) => HEADER.split("\n").length - 1 + n;

ruleTester.run("no-unsupported-transaction", rule, {
  valid: [
    { name: "node-postgres supports transactions", code: `${HEADER}await db.transaction(async (tx) => { await tx.select().from(tags); });` },
    { name: "neon-http batch", code: `${HEADER}await neonDb.batch([neonDb.select().from(tags)]);` },
    { name: "non-Drizzle transaction", code: `${HEADER}await prisma.$transaction(async () => 1);` },
  ],
  invalid: [
    {
      name: "neon-http",
      code: `${HEADER}await neonDb.transaction(async (tx) => {\n  await tx.select().from(tags);\n});`,
      errors: [{ messageId: "unsupportedTransaction", line: line(1), data: { driver: "neon-http" } }],
    },
    {
      name: "pg-proxy, through a parameter typed by the driver",
      code: `${HEADER}export async function f(database: typeof proxyDb) {\n  await database.transaction(async () => {});\n}`,
      errors: [{ messageId: "unsupportedTransaction", line: line(2), data: { driver: "pg-proxy" } }],
    },
  ],
});
