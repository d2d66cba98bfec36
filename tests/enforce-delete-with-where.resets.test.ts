import type { RunTests } from "@typescript-eslint/rule-tester";
import { describe } from "vitest";
import rule, { type MessageId, type Options } from "../src/rules/enforce-delete-with-where.js";
import { createRuleTester, HEADER } from "./rule-tester.js";
import { itTypeChecks } from "./typecheck-cases.js";
import { whereTrue } from "./where-guard-helpers.js";

/** Deliberate resets: not reported by default, reported with `reportResets: true`. */
const ruleTester = createRuleTester();

const RESET_DB = `${HEADER}export async function resetDb() {
  await db.delete(comments);
  await db.delete(posts);
  await db.delete(tags);
}`;

const RESET_LOOP = `${HEADER}export async function resetDb() {
  for (const table of [comments, posts, tags]) {
    await db.delete(table);
  }
}`;

const RESET_MAP = `${HEADER}export async function resetDb() {
  await Promise.all([comments, tags].map((table) => db.delete(table)));
}`;

const REFILL = `${HEADER}export async function seedTags() {
  await db.delete(tags);
  await db.insert(tags).values([{ name: "a" }, { name: "b" }]);
}`;

const REFILL_AFTER_LOG = `${HEADER}export async function seedTags(names: string[]) {
  await db.delete(tags);
  console.log(\`inserting \${names.length} tags\`);
  await db.insert(tags).values(names.map((name) => ({ name })));
}`;

const cases: RunTests<MessageId, Options> = {
  valid: [
    { name: "a function that empties three tables (resetDb)", code: RESET_DB },
    { name: "a loop over tables that empties each", code: RESET_LOOP },
    { name: "an iteration over tables that empties each", code: RESET_MAP },
    { name: "a delete followed by a refill of the same table (a seed)", code: REFILL },
    { name: "a log line between the delete and the refill", code: REFILL_AFTER_LOG },
    {
      name: "a refill inside a transaction",
      code: `${HEADER}export async function seedTags() {
  await db.transaction(async (tx) => {
    await tx.delete(tags);
    await tx.insert(tags).values({ name: "a" });
  });
}`,
    },
  ],
  invalid: [
    {
      name: "reportResets: the reset function is reported",
      code: RESET_DB,
      options: [{ reportResets: true }],
      errors: [
        { messageId: "missingWhere", line: 6, suggestions: [whereTrue(RESET_DB, "db.delete(comments)")] },
        { messageId: "missingWhere", line: 7, suggestions: [whereTrue(RESET_DB, "db.delete(posts)")] },
        { messageId: "missingWhere", line: 8, suggestions: [whereTrue(RESET_DB, "db.delete(tags)")] },
      ],
    },
    {
      name: "reportResets: the loop over tables is reported",
      code: RESET_LOOP,
      options: [{ reportResets: true }],
      errors: [{ messageId: "missingWhere", line: 7, suggestions: [whereTrue(RESET_LOOP, "db.delete(table)")] }],
    },
    {
      name: "reportResets: the refill is reported",
      code: REFILL,
      options: [{ reportResets: true }],
      errors: [{ messageId: "missingWhere", line: 6, suggestions: [whereTrue(REFILL, "db.delete(tags)")] }],
    },
    (() => {
      const code = `${HEADER}export async function removeTag(id: number) {
  await db.delete(tags);
  await db.insert(comments).values({ postId: id, authorId: 1, body: "tag removed" });
}`;
      return {
        name: "a delete followed by an insert into another table is no refill",
        code,
        errors: [{ messageId: "missingWhere" as const, line: 6, suggestions: [whereTrue(code, "db.delete(tags)")] }],
      };
    })(),
    (() => {
      const code = `${HEADER}export async function replaceTags(names: string[]) {
  await db.delete(tags);
  await db.select().from(posts);
  await db.insert(tags).values(names.map((name) => ({ name })));
}`;
      return {
        name: "the refill must be the next query (a read in between)",
        code,
        errors: [{ messageId: "missingWhere" as const, line: 6, suggestions: [whereTrue(code, "db.delete(tags)")] }],
      };
    })(),
    (() => {
      const code = `${HEADER}export async function removeAccount(id: number) {
  await db.delete(comments);
  await db.delete(posts).where(eq(posts.userId, id));
  await db.delete(tags);
}`;
      return {
        name: "two forgotten wheres in one function are not a reset (three tables needed)",
        code,
        errors: [
          { messageId: "missingWhere" as const, line: 6, suggestions: [whereTrue(code, "db.delete(comments)")] },
          { messageId: "missingWhere" as const, line: 8, suggestions: [whereTrue(code, "db.delete(tags)")] },
        ],
      };
    })(),
    (() => {
      const code = `${HEADER}export async function cleanup(table: typeof tags) {
  await db.delete(table);
}`;
      return {
        name: "a table parameter is no loop over tables",
        code,
        errors: [{ messageId: "missingWhere" as const, line: 6, suggestions: [whereTrue(code, "db.delete(table)")] }],
      };
    })(),
  ],
};

ruleTester.run("enforce-delete-with-where resets", rule, cases);

describe("enforce-delete-with-where reset cases", () => itTypeChecks(cases));
