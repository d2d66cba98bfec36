/**
 * Back to the source: migration messages name tables, columns, indexes and
 * enums as the TypeScript schema of the project's drizzle config does, in
 * ESLint and in the drizzle-guard CLI, on real `drizzle-kit generate` output.
 */
import fs from "node:fs";
import path from "node:path";
import { Linter } from "eslint";
import { beforeAll, describe, expect, it, vi } from "vitest";
import plugin from "../src/index.js";
import { buildConfigs } from "../src/configs.js";
import { DRIZZLE_MIGRATIONS } from "../src/file-languages.js";
import { migrationFilePatterns, migrationFolders, readConfigFields } from "../src/engine/migrations/config.js";
import { sqlParserReady } from "../src/engine/migrations/pg-parser.js";
import { drizzleConfigFor } from "../src/engine/migrations/schema-source.js";
import { generateMigrations, migrationFile, type Step } from "./migrations/generate.js";
import { runCli } from "./transformer/helpers.js";

const sqlConfig = plugin.configs.all.find((c) => c.name === "drizzle-guard/all/drizzle-migrations");
/** ALTER TYPE … ADD VALUE is reported before PostgreSQL 12 only. */
const RULES = { "drizzle-guard/migration-enum-add-value": ["error", { postgresVersion: 11 }] };

const NOTE = /\(((?:index on )?[\w.]+(?:, [\w.]+)*) in ([^():]+):(\d+)\)/u;

/** Each message as `rule:messageId <schema name> <file>:<line>`, or `rule:messageId -` without a note. */
function notes(file: string): string[] {
  const linter = new Linter({ configType: "flat", cwd: "/" });
  const config = { ...sqlConfig, files: ["**/*.sql"], rules: { ...sqlConfig?.rules, ...RULES } } as unknown as Linter.Config;
  return linter.verify(fs.readFileSync(file, "utf8"), [config], { filename: file }).map((m) => {
    const note = NOTE.exec(m.message);
    return `${m.ruleId?.replace("drizzle-guard/", "") ?? "parse"}:${m.messageId ?? m.message} ${note ? `${note[1]} ${note[2]}:${note[3]}` : "-"}`;
  });
}

/** The 1-based line of the schema text that contains `needle` (for the expected notes). */
function lineOf(schema: string, needle: string): number {
  const index = schema.split("\n").findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`no ${needle} in the schema`);
  return index + 1;
}

const camelInit = `import { integer, pgEnum, pgTable, serial, text } from "drizzle-orm/pg-core";

export const mood = pgEnum("mood", ["ok", "sad"]);

export const userProfiles = pgTable("user_profiles", {
  id: serial("id").primaryKey(),
  firstName: text("first_name"),
  legacyCode: text("legacy_code"),
  age: text("age"),
  currentMood: mood("current_mood"),
});

export const blogPosts = pgTable("blog_posts", {
  id: serial("id").primaryKey(),
  authorId: integer("author_id"),
});
`;

const camelChange = `import { index, integer, pgEnum, pgTable, serial, text } from "drizzle-orm/pg-core";

export const mood = pgEnum("mood", ["ok", "sad", "happy"]);

export const userProfiles = pgTable("user_profiles", {
  id: serial("id").primaryKey(),
  firstName: text("first_name").notNull(),
  age: integer("age"),
  currentMood: mood("current_mood"),
});

export const blogPosts = pgTable(
  "blog_posts",
  {
    id: serial("id").primaryKey(),
    authorId: integer("author_id").references(() => userProfiles.id),
  },
  (t) => [index("blog_posts_author_idx").on(t.authorId)],
);
`;

const camelSteps: Step[] = [
  { name: "init", schema: camelInit },
  { name: "change", schema: camelChange },
];

/** drizzle.config's `casing: "snake_case"`: columns declared without a name get their snake_case key. */
const snakeInit = `import { pgTable, serial, text } from "drizzle-orm/pg-core";

export const teamMembers = pgTable("team_members", {
  id: serial().primaryKey(),
  displayName: text(),
});
`;

const snakeChange = `import { index, pgTable, serial, text, uuid } from "drizzle-orm/pg-core";

export const teamMembers = pgTable(
  "team_members",
  {
    id: serial().primaryKey(),
    displayName: text().notNull(),
    inviteCode: uuid().defaultRandom(),
    homeCity: text().notNull(),
  },
  // unnamed: drizzle-kit names it team_members_home_city_index
  (t) => [index().on(t.homeCity)],
);
`;

let camel: string;
let snake: string;
beforeAll(async () => {
  await sqlParserReady();
  camel = generateMigrations(camelSteps, {
    config: 'export default { dialect: "postgresql", schema: "./src/db/schema.ts", out: "./drizzle" };\n',
    schemaFile: "src/db/schema.ts",
  });
  snake = generateMigrations(
    [
      { name: "init", schema: snakeInit },
      { name: "change", schema: snakeChange },
    ],
    {
      // an array with a glob, as drizzle-kit accepts it
      config: 'export default { dialect: "postgresql", schema: ["./src/db/schema/*.ts"], out: "./drizzle", casing: "snake_case" };\n',
      schemaFile: "src/db/schema/members.ts",
    },
  );
}, 180_000);

describe("messages name the TypeScript schema (ESLint)", () => {
  it("names columns, the table of a dropped column, the index and the enum by their TypeScript names and lines", () => {
    const file = "src/db/schema.ts";
    expect(notes(migrationFile(camel, "change"))).toEqual([
      `migration-enum-add-value:addValueInTransaction mood ${file}:${lineOf(camelChange, "pgEnum(")}`,
      `migration-safe-constraint:setNotNull userProfiles.firstName ${file}:${lineOf(camelChange, "firstName:")}`,
      `migration-no-destructive:typeChange userProfiles.age ${file}:${lineOf(camelChange, "age:")}`,
      `migration-safe-constraint:foreignKeyNotValid blogPosts.authorId ${file}:${lineOf(camelChange, "authorId:")}`,
      `migration-concurrent-index:createIndex index on blogPosts.authorId ${file}:${lineOf(camelChange, "index(")}`,
      // legacy_code is gone from the schema: the table that declared it
      `migration-no-destructive:dropColumn userProfiles ${file}:${lineOf(camelChange, "pgTable(\"user_profiles\"")}`,
    ]);
  });

  it("writes the note after the SQL name", () => {
    const linter = new Linter({ configType: "flat", cwd: "/" });
    const file = migrationFile(camel, "change");
    const messages = linter.verify(fs.readFileSync(file, "utf8"), [{ ...sqlConfig, files: ["**/*.sql"] } as Linter.Config], { filename: file });
    const setNotNull = messages.find((m) => m.messageId === "setNotNull");
    expect(setNotNull?.message).toMatch(/^SET NOT NULL on "user_profiles"\."first_name" \(userProfiles\.firstName in src\/db\/schema\.ts:7\) scans the whole table/u);
  });

  it("applies drizzle.config's casing to columns declared without a name (schema given as an array with a glob)", () => {
    const file = "src/db/schema/members.ts";
    expect(notes(migrationFile(snake, "change"))).toEqual([
      `migration-safe-constraint:setNotNull teamMembers.displayName ${file}:${lineOf(snakeChange, "displayName:")}`,
      `migration-no-table-rewrite:volatileDefault teamMembers.inviteCode ${file}:${lineOf(snakeChange, "inviteCode:")}`,
      `migration-safe-constraint:notNullWithoutDefault teamMembers.homeCity ${file}:${lineOf(snakeChange, "homeCity:")}`,
      `migration-concurrent-index:createIndex index on teamMembers.homeCity ${file}:${lineOf(snakeChange, "index()")}`,
    ]);
  });

  it("rereads the schema when a schema file changes (cached per config while unchanged)", () => {
    const project = fs.mkdtempSync(path.join(camel, "..", "..", "dg-edit-"));
    fs.cpSync(camel.replace(/[\\/]drizzle$/u, ""), project, { recursive: true, filter: (src) => !src.endsWith("node_modules") });
    const file = path.join(project, "drizzle", path.basename(migrationFile(camel, "change")));
    const setNotNull = () => notes(file).find((n) => n.includes("setNotNull"));
    expect(setNotNull()).toBe(`migration-safe-constraint:setNotNull userProfiles.firstName src/db/schema.ts:${lineOf(camelChange, "firstName:")}`);
    const schema = path.join(project, "src/db/schema.ts");
    fs.writeFileSync(schema, `// moved down a line\n${camelChange.replace("userProfiles", "profiles").replace("userProfiles", "profiles")}`);
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(schema, later, later);
    expect(setNotNull()).toBe(`migration-safe-constraint:setNotNull profiles.firstName src/db/schema.ts:${lineOf(camelChange, "firstName:") + 1}`);
  });

  it("drizzle-kit 1.x layout: the config's out is the folder of the migration folders", () => {
    const fixture = path.resolve(import.meta.dirname, "fixtures/migrations-v1");
    const project = fs.mkdtempSync(path.join(camel, "..", "..", "dg-v1-"));
    fs.cpSync(path.join(fixture, "drizzle"), path.join(project, "drizzle"), { recursive: true });
    fs.copyFileSync(path.join(fixture, "schema.after.ts.txt"), path.join(project, "schema.ts"));
    fs.writeFileSync(path.join(project, "drizzle.config.ts"), 'export default { dialect: "postgresql", schema: "./schema.ts", out: "./drizzle" };');
    const change = fs.readdirSync(path.join(project, "drizzle")).sort()[1] as string;
    expect(notes(path.join(project, "drizzle", change, "migration.sql"))).toEqual([
      "migration-safe-constraint:setNotNull users.name schema.ts:2",
      "migration-concurrent-index:createIndex index on users.name schema.ts:2",
    ]);
  });

  it("without a drizzle config (or with a schema it cannot read) messages keep the SQL names only", () => {
    const copy = fs.mkdtempSync(path.join(camel, "..", "..", "dg-no-config-"));
    fs.cpSync(camel, path.join(copy, "drizzle"), { recursive: true });
    const file = path.join(copy, "drizzle", path.basename(migrationFile(camel, "change")));
    const bare = notes(file);
    expect(bare.map((n) => n.split(" ")[1])).toEqual(["-", "-", "-", "-", "-", "-"]);
    expect(bare).toHaveLength(6);
    // a config whose schema is computed, or names a missing file
    for (const config of ['export default { schema: process.env.SCHEMA, out: "./drizzle" };', 'export default { schema: "./missing.ts", out: "./drizzle" };']) {
      fs.writeFileSync(path.join(copy, "drizzle.config.ts"), config);
      expect(notes(file)).toEqual(bare);
    }
  });
});

describe("finding the drizzle config of a migrations folder", () => {
  it("reads the config object's own schema, out and casing (not a nested `migrations.schema`)", () => {
    const text = `import { defineConfig } from "drizzle-kit";
config({ path: ".env.local" });
export default defineConfig({
  schema: ["./a.ts", "./b/*.ts"],
  dialect: "postgresql",
  out: "drizzle",
  casing: "snake_case",
  migrations: { table: "migrations", schema: "public" },
});`;
    expect(readConfigFields(text, "drizzle.config.ts")).toEqual({ schema: ["./a.ts", "./b/*.ts"], out: "drizzle", casing: "snake_case" });
  });

  it("finds a config named by a package.json script's --config, resolving out from the package folder", () => {
    // its own parent: migrationFilePatterns scans the folders below it, which must not be the shared temp folder
    const app = path.join(fs.mkdtempSync(path.join(camel, "..", "..", "dg-config-flag-")), "app");
    fs.mkdirSync(app);
    fs.mkdirSync(path.join(app, "server/db"), { recursive: true });
    fs.mkdirSync(path.join(app, "drizzle"));
    fs.writeFileSync(path.join(app, "server/db/drizzle.config.ts"), 'export default { dialect: "postgresql", schema: "./server/db/schema.ts", out: "drizzle" };');
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ scripts: { "migration:generate": "drizzle-kit generate --config ./server/db/drizzle.config.ts" } }));
    expect(drizzleConfigFor(path.join(app, "drizzle"))).toMatchObject({ file: path.join(app, "server/db/drizzle.config.ts"), base: app });
    // the CLI and the ESLint patterns find that folder too (not server/db/drizzle)
    expect(migrationFolders(app)).toEqual([path.join(app, "drizzle")]);
    expect(migrationFilePatterns(path.dirname(app))).toContain(`${path.basename(app)}/drizzle/**/*.sql`);
    // another folder is not this config's out
    fs.mkdirSync(path.join(app, "other"));
    expect(drizzleConfigFor(path.join(app, "other"))).toBeUndefined();
  });
});

describe("migration files of the flat configs", () => {
  const migrationsConfig = (configs: ReturnType<typeof buildConfigs>) => configs.recommended.find((c) => c.name === "drizzle-guard/recommended/drizzle-migrations");

  it("are not computed from the environment at import: configsFor(root) reads that root's drizzle configs", () => {
    expect(DRIZZLE_MIGRATIONS.files).toEqual(["**/drizzle/**/*.sql"]);
    const root = fs.mkdtempSync(path.join(camel, "..", "..", "dg-root-"));
    fs.writeFileSync(path.join(root, "drizzle.config.ts"), 'export default { dialect: "postgresql", out: "./db/migrations" };');
    expect(migrationsConfig(plugin.configsFor(root))?.files).toEqual(["**/drizzle/**/*.sql", "db/migrations/**/*.sql"]);
  });

  it("configs.recommended reads the working directory when ESLint first reads `files`, and can be overridden", () => {
    const root = fs.mkdtempSync(path.join(camel, "..", "..", "dg-cwd-"));
    fs.writeFileSync(path.join(root, "drizzle.config.ts"), 'export default { dialect: "postgresql", out: "./sql" };');
    const cwd = vi.spyOn(process, "cwd");
    try {
      const built = buildConfigs(plugin);
      expect(cwd).not.toHaveBeenCalled();
      cwd.mockReturnValue(root);
      const config = migrationsConfig(built);
      expect(config?.files).toEqual(["**/drizzle/**/*.sql", "sql/**/*.sql"]);
      expect({ ...config }.files).toEqual(["**/drizzle/**/*.sql", "sql/**/*.sql"]);
      if (config) config.files = ["db/**/*.sql"];
      expect(config?.files).toEqual(["db/**/*.sql"]);
    } finally {
      cwd.mockRestore();
    }
  });
});

describe("drizzle-guard CLI (dist)", () => {
  it("writes the same notes as ESLint", () => {
    const project = camel.replace(/[\\/]drizzle$/u, "");
    fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true }, files: ["index.ts"] }));
    fs.writeFileSync(path.join(project, "index.ts"), "export const x = 1;\n");
    const result = runCli(["-f", "json", "-r", "migration-safe-constraint,migration-concurrent-index"], project);
    const messages = (JSON.parse(result.stdout) as { message: string }[]).map((f) => NOTE.exec(f.message)?.[0]);
    expect(messages).toEqual([
      "(userProfiles.firstName in src/db/schema.ts:7)",
      "(blogPosts.authorId in src/db/schema.ts:16)",
      "(index on blogPosts.authorId in src/db/schema.ts:18)",
    ]);
  });
});
