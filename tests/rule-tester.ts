import path from "node:path";
import { RuleTester } from "@typescript-eslint/rule-tester";
import { afterAll, describe, it } from "vitest";

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

export const fixturesDir = path.join(import.meta.dirname, "fixtures");

/**
 * A RuleTester with typed linting on the fixture project (real drizzle-orm
 * types). Test code replaces `file.ts` unless a case sets `filename`.
 */
export function createRuleTester(settings?: Record<string, unknown>): RuleTester {
  return new RuleTester({
    languageOptions: {
      parserOptions: {
        project: "./tsconfig.json",
        tsconfigRootDir: fixturesDir,
      },
    },
    ...(settings ? { settings } : {}),
  });
}

/** Common imports for test cases written in `file.ts`. */
export const HEADER = `import { and, eq, inArray, or, sql } from "drizzle-orm";
import { db, neonDb, proxyDb, prisma, kv, axios } from "./db";
import { users, organizations } from "./schema/users";
import { posts, comments, tags } from "./schema/posts";
`;
