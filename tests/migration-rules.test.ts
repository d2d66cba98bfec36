/**
 * RuleTester cases for the migration rules on SQL outside drizzle-kit's layout
 * (no journal: every table the file does not create counts as existing, and
 * the file is not taken to run in a transaction). The same rules on real
 * drizzle-kit output, with snapshots, are in migrations.test.ts.
 */
import path from "node:path";
import { RuleTester } from "@typescript-eslint/rule-tester";
import { afterAll, beforeAll, describe, it } from "vitest";
import * as migrationParser from "../src/migration-parser.js";
import { sqlParserReady } from "../src/engine/migrations/pg-parser.js";
import concurrentIndex from "../src/rules/migration-concurrent-index.js";
import enumAddValue from "../src/rules/migration-enum-add-value.js";
import noDestructive from "../src/rules/migration-no-destructive.js";
import noRename from "../src/rules/migration-no-rename.js";
import noTableRewrite from "../src/rules/migration-no-table-rewrite.js";
import safeConstraint from "../src/rules/migration-safe-constraint.js";

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

beforeAll(() => sqlParserReady());

const filename = path.join(import.meta.dirname, "fixtures", "loose-migrations", "custom.sql");
const ruleTester = new RuleTester({ languageOptions: { parser: migrationParser as never } });
const sql = (code: string) => ({ code, filename });

ruleTester.run("migration-no-destructive", noDestructive, {
  valid: [
    sql('CREATE TABLE "t" ("id" integer, "x" text);--> statement-breakpoint\nALTER TABLE "t" DROP COLUMN "x";--> statement-breakpoint\nDROP TABLE "t";'),
    sql('ALTER TABLE "users" ALTER COLUMN "email" SET DATA TYPE text;'),
    sql('-- drizzle-guard: destructive-ok replaced by profiles.bio in 0007\nALTER TABLE "users" DROP COLUMN "bio";'),
  ],
  invalid: [
    { ...sql('DROP TABLE "tags" CASCADE;'), errors: [{ messageId: "dropTable", line: 1 }] },
    { ...sql('\nALTER TABLE "users" DROP COLUMN "bio";'), errors: [{ messageId: "dropColumn", line: 2 }] },
    { ...sql('TRUNCATE "users";'), errors: [{ messageId: "truncate" }] },
    { ...sql('ALTER TABLE "users" ALTER COLUMN "age" SET DATA TYPE integer USING "age"::integer;'), errors: [{ messageId: "typeChange" }] },
    { ...sql('ALTER TABLE "users" ALTER COLUMN "name" DROP NOT NULL;'), errors: [{ messageId: "dropNotNull" }] },
    { ...sql('-- drizzle-guard: destructive-ok\nALTER TABLE "users" DROP COLUMN "bio";'), errors: [{ messageId: "dropColumn", line: 2 }] },
  ],
});

ruleTester.run("migration-no-rename", noRename, {
  valid: [sql('CREATE TABLE "d" ("title" text);--> statement-breakpoint\nALTER TABLE "d" RENAME COLUMN "title" TO "heading";')],
  invalid: [
    { ...sql('ALTER TABLE "users" RENAME COLUMN "name" TO "full_name";'), errors: [{ messageId: "renameColumn" }] },
    { ...sql('ALTER TABLE "posts" RENAME TO "articles";'), errors: [{ messageId: "renameTable" }] },
  ],
});

ruleTester.run("migration-concurrent-index", concurrentIndex, {
  valid: [
    sql('CREATE TABLE "t" ("id" integer);--> statement-breakpoint\nCREATE INDEX "t_idx" ON "t" ("id");'),
    // outside drizzle-kit's layout nothing says the file runs in a transaction
    sql('CREATE INDEX CONCURRENTLY "u_idx" ON "users" ("name");'),
  ],
  invalid: [
    { ...sql('CREATE UNIQUE INDEX "u_idx" ON "users" USING btree ("email");'), errors: [{ messageId: "createIndex", line: 1 }] },
    { ...sql('DROP INDEX "posts_user_idx";'), errors: [{ messageId: "dropIndex" }] },
  ],
});

ruleTester.run("migration-safe-constraint", safeConstraint, {
  valid: [
    sql(`ALTER TABLE "users" ADD COLUMN "plan" text DEFAULT 'free' NOT NULL;`),
    sql('ALTER TABLE "posts" ADD COLUMN "seq" serial NOT NULL;'),
    sql('ALTER TABLE "posts" ADD CONSTRAINT "fk" FOREIGN KEY ("a") REFERENCES "users"("id") NOT VALID;'),
    sql('ALTER TABLE "users" ADD CONSTRAINT "c" CHECK ("age" > 0) NOT VALID;'),
    sql('ALTER TABLE "users" ADD CONSTRAINT "u" UNIQUE USING INDEX "u_idx";'),
  ],
  invalid: [
    { ...sql('ALTER TABLE "users" ADD COLUMN "code" text NOT NULL;'), errors: [{ messageId: "notNullWithoutDefault" }] },
    { ...sql('ALTER TABLE "users" ALTER COLUMN "name" SET NOT NULL;'), errors: [{ messageId: "setNotNull" }] },
    { ...sql('ALTER TABLE "posts" ADD CONSTRAINT "fk" FOREIGN KEY ("a") REFERENCES "users"("id");'), errors: [{ messageId: "foreignKeyNotValid" }] },
    { ...sql('ALTER TABLE "users" ADD CONSTRAINT "c" CHECK ("age" > 0);'), errors: [{ messageId: "checkNotValid" }] },
    { ...sql('ALTER TABLE "users" ADD CONSTRAINT "u" UNIQUE("email");'), errors: [{ messageId: "uniqueWithoutIndex" }] },
  ],
});

ruleTester.run("migration-no-table-rewrite", noTableRewrite, {
  valid: [sql('ALTER TABLE "users" ADD COLUMN "created_at" timestamp DEFAULT now() NOT NULL;'), sql('ALTER TABLE "users" ADD COLUMN "token" uuid;')],
  invalid: [
    { ...sql('ALTER TABLE "users" ADD COLUMN "token" uuid DEFAULT gen_random_uuid();'), errors: [{ messageId: "volatileDefault" }] },
    { ...sql('ALTER TABLE "posts" ADD COLUMN "n" integer GENERATED ALWAYS AS IDENTITY;'), errors: [{ messageId: "generatedColumn" }] },
    {
      ...sql(`ALTER TABLE "users" ADD COLUMN "plan" text DEFAULT 'free';`),
      options: [{ postgresVersion: 10 }],
      errors: [{ messageId: "defaultBeforePg11" }],
    },
  ],
});

// enum values: only in drizzle-kit layouts (the migrator's transaction); covered on real output in migrations.test.ts
ruleTester.run("migration-enum-add-value", enumAddValue, {
  valid: [sql(`ALTER TYPE "public"."status" ADD VALUE 'd';--> statement-breakpoint\nALTER TABLE "posts" ALTER COLUMN "st" SET DEFAULT 'd';`)],
  invalid: [],
});
