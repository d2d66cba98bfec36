import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createAnalyzerRule } from "../src/rules/support/create-rule.js";
import { fixturesDir, lint, lintConfig, plugin, type LintOutcome } from "./lint-harness.js";

/**
 * No rule ever throws: every rule of the plugin (iterating `plugin.rules`)
 * runs over adversarial inputs; a crash is a thrown error from Linter.verify
 * (DRIZZLE_GUARD_DEBUG=1, set by the harness, makes analyzer errors rethrow).
 */

const adversarialDir = path.join(fixturesDir, "adversarial");
const read = (file: string) => fs.readFileSync(path.join(adversarialDir, file), "utf8");
const ruleNames = Object.keys(plugin.rules);

function expectClean(outcome: LintOutcome): void {
  expect(outcome.fatal, outcome.fatal.map((m) => m.message).join("\n")).toEqual([]);
}

describe("the harness can fail", () => {
  it("a throwing analyzer surfaces as an exception", () => {
    const exploding = createAnalyzerRule<[], "boom">({
      name: "exploding",
      meta: { type: "problem", docs: { description: "throws" }, messages: { boom: "boom" }, schema: [] },
      defaultOptions: [],
      analyze: () => {
        throw new Error("analyzer exploded");
      },
    });
    const fakePlugin = { rules: { exploding } };
    const config = lintConfig({ kind: "typed" }, { "drizzle-guard/exploding": "error" }, fakePlugin);
    expect(() => lint(read("syntax.ts"), "adversarial/syntax.ts", config)).toThrow(/analyzer exploded/);
  });

  it("the plugin has rules to run", () => {
    expect(ruleNames.length).toBeGreaterThan(0);
  });
});

describe("typed linting over adversarial shapes", () => {
  const typed = lintConfig({ kind: "typed" });
  const files = fs.readdirSync(adversarialDir).filter((f) => /\.tsx?$/.test(f) && f !== "large.ts");

  it("covers the adversarial fixtures", () => {
    expect(files).toEqual(
      expect.arrayContaining(["tables.ts", "circular-a.ts", "circular-b.ts", "any-db.ts", "syntax.ts", "component.tsx"]),
    );
  });

  for (const file of files) {
    it(`${file}: no rule throws`, () => {
      expectClean(lint(read(file), `adversarial/${file}`, typed));
    });
  }

  it("databases typed `any`: nothing is reported", () => {
    const outcome = lint(read("any-db.ts"), "adversarial/any-db.ts", typed);
    expectClean(outcome);
    expect(outcome.findings).toEqual([]);
  });

  it("the typed path really runs (an unindexed FK in a function-built table file is seen)", () => {
    // Guards against a vacuous "no throw": with type information the engine
    // does report on ordinary code in the same adversarial setup.
    const code = `${read("tables.ts")}
export const plainFk = pgTable("plain_fk", { id: serial("id").primaryKey(), userId: integer("user_id").references(() => users.id) });
`;
    const outcome = lint(code, "adversarial/tables.ts", typed);
    expectClean(outcome);
    expect(outcome.findings.some((m) => m.ruleId === "drizzle-guard/require-foreign-key-index" && m.line === code.split("\n").length - 1)).toBe(true);
  });

  it("a large file (500 generated queries)", () => {
    const code = largeFile(500, 10);
    const outcome = lint(code, "adversarial/large.ts", typed);
    expectClean(outcome);
    // each generated table has an unindexed FK: proves the typed rules ran over the file
    const fk = outcome.findings.filter((m) => m.ruleId === "drizzle-guard/require-foreign-key-index");
    expect(fk).toHaveLength(10);
  });

  // 40-100 s on a shared 2-core machine: only with DRIZZLE_GUARD_SLOW_TESTS=1 (`npm run test:slow`)
  it.runIf(process.env.DRIZZLE_GUARD_SLOW_TESTS === "1")("a very large file (5,000 generated queries)", () => {
    const code = largeFile(5000, 40);
    const outcome = lint(code, "adversarial/large.ts", typed);
    expectClean(outcome);
    const fk = outcome.findings.filter((m) => m.ruleId === "drizzle-guard/require-foreign-key-index");
    expect(fk).toHaveLength(40);
  }, 300_000);
});

describe("no type information: rules quietly report nothing", () => {
  const jsFile = read("plain.js");
  const tsFiles = ["syntax.ts", "any-db.ts", "tables.ts", "circular-a.ts", "component.tsx"];

  it("JavaScript linted with espree", () => {
    const outcome = lint(jsFile, "adversarial/plain.js", lintConfig({ kind: "espree" }));
    expectClean(outcome);
    expect(outcome.findings).toEqual([]);
  });

  it("JavaScript linted with the typescript-eslint parser, no project", () => {
    const outcome = lint(jsFile, "adversarial/plain.js", lintConfig({ kind: "untyped" }));
    expectClean(outcome);
    expect(outcome.findings).toEqual([]);
  });

  for (const file of tsFiles) {
    it(`${file} without a tsconfig (parser without project)`, () => {
      const outcome = lint(read(file), `adversarial/${file}`, lintConfig({ kind: "untyped" }));
      expectClean(outcome);
      expect(outcome.findings).toEqual([]);
    });
  }

  // A project with no tsconfig and no node_modules: the project service's
  // default project cannot resolve drizzle-orm, so every Drizzle type is an error type.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "drizzle-guard-robustness-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  for (const file of ["syntax.ts", "plain.js"]) {
    it(`${file} in a directory without tsconfig (default project, unresolved imports)`, () => {
      const target = file.replace(/^/, "loose-");
      fs.writeFileSync(path.join(tmp, target), read(file));
      const outcome = lint(read(file), target, lintConfig({ kind: "default-project", tsconfigRootDir: tmp }), tmp);
      expectClean(outcome);
      expect(outcome.findings).toEqual([]);
    });
  }
});

describe("rules that lint other file types", () => {
  // Config objects of the plugin that bring their own parser (package.json, workflows).
  const configs = (plugin.configs.all as Array<{ files?: unknown[]; languageOptions?: { parser?: unknown }; rules?: object }>)
    .filter((c) => c.languageOptions?.parser && c.rules && Object.keys(c.rules).length > 0);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "drizzle-guard-robustness-files-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  fs.mkdirSync(path.join(tmp, ".github/workflows"), { recursive: true });
  fs.writeFileSync(path.join(tmp, "package.json"), PACKAGE_JSONS[PACKAGE_JSONS.length - 1]);

  const patterns = (c: { files?: unknown[] }) => (c.files ?? []).flat().map(String).join(" ");
  const inputsFor = (c: { files?: unknown[] }): Array<{ filename: string; texts: string[]; sql?: boolean }> => {
    const out: Array<{ filename: string; texts: string[]; sql?: boolean }> = [];
    const p = patterns(c);
    if (p.includes("package.json")) out.push({ filename: "package.json", texts: PACKAGE_JSONS });
    if (p.includes("workflows")) out.push({ filename: ".github/workflows/deploy.yml", texts: WORKFLOWS });
    if (p.includes("docker-compose")) out.push({ filename: "docker-compose.yml", texts: WORKFLOWS });
    if (p.includes("vercel.json")) out.push({ filename: "vercel.json", texts: PACKAGE_JSONS });
    if (p.includes("Dockerfile")) for (const filename of ["Dockerfile", "Procfile", "fly.toml", "scripts/deploy.sh"]) out.push({ filename, texts: DEPLOY_TEXTS });
    if (p.includes(".sql")) out.push({ filename: "drizzle/0001_broken.sql", texts: MIGRATION_TEXTS, sql: true });
    return out;
  };

  it.runIf(configs.length > 0)("every such config gets adversarial inputs", () => {
    for (const c of configs) expect(inputsFor(c).length, patterns(c)).toBeGreaterThan(0);
  });

  for (const c of configs) {
    for (const { filename, texts, sql } of inputsFor(c)) {
      texts.forEach((text, i) => {
        it(`${filename} #${i}: no rule throws`, () => {
          fs.mkdirSync(path.dirname(path.join(tmp, filename)), { recursive: true });
          const outcome = lint(text, filename, plugin.configs.all as never, tmp);
          // SQL that PostgreSQL's parser rejects is one clear parsing error, never a crash
          if (sql) expect(outcome.fatal.every((m) => m.message.startsWith("Parsing error")) && outcome.fatal.length <= 1, outcome.fatal.map((m) => m.message).join("\n")).toBe(true);
          else expectClean(outcome);
        });
      });
    }
  }
});

/** A generated file with `queries` queries over the fixture tables and `tables` tables with unindexed FKs. */
function largeFile(queries: number, tables: number): string {
  const out = [
    `import { and, eq, inArray, sql } from "drizzle-orm";`,
    `import { integer, pgTable, serial, text } from "drizzle-orm/pg-core";`,
    `import { db } from "../db";`,
    `import { users } from "../schema/users";`,
    `import { posts, comments, tags } from "../schema/posts";`,
    "",
  ];
  for (let t = 0; t < tables; t++) {
    out.push(
      `export const big${t} = pgTable("big_${t}", { id: serial("id").primaryKey(), userId: integer("user_id").references(() => users.id), note: text("note") });`,
    );
  }
  const patterns = [
    (i: number) => `await db.select().from(posts).where(and(eq(posts.id, ids[0] ?? ${i}), eq(posts.userId, userId)));`,
    (i: number) => `for (const id of ids) await db.select().from(posts).where(eq(posts.id, id + ${i}));`,
    () => `await db.delete(comments);`,
    () => `await db.update(posts).set({ title: input });`,
    (i: number) => `await db.insert(tags).values({ name: "t${i}" });`,
    () => `await db.execute(sql.raw(input));`,
    (i: number) =>
      `await db.transaction(async (tx) => { await tx.delete(tags).where(eq(tags.id, ${i})); await db.delete(tags).where(eq(tags.id, ${i})); });`,
    () => `await db.query.posts.findMany({ where: eq(posts.userId, userId) });`,
    () => `await db.$count(posts, inArray(posts.id, ids));`,
    () => `await Promise.all(ids.map((id) => db.select().from(users).where(eq(users.id, id))));`,
  ];
  const perFunction = 10;
  for (let f = 0; f * perFunction < queries; f++) {
    out.push(`export async function q${f}(ids: number[], userId: number, input: string) {`);
    for (let k = 0; k < perFunction && f * perFunction + k < queries; k++) {
      const i = f * perFunction + k;
      out.push(`  ${patterns[i % patterns.length](i)}`);
    }
    out.push("}");
  }
  return out.join("\n") + "\n";
}

/** Deploy files (Dockerfile, Procfile, TOML, shell) that are broken or odd. */
const DEPLOY_TEXTS = [
  "",
  "FROM node:20\nCMD [\"sh\", \"-c\", \"npx drizzle-kit push",
  "ENTRYPOINT [unterminated\nRUN $(( \nCMD ' \\\n",
  "web: npm run db:push -- --force &&\nrelease: '\n[deploy]\nrelease_command = \"drizzle-kit push",
  "#!/bin/sh\nif [ \"$NODE_ENV\" = production ]; then\n  npx drizzle-kit push <<EOF\n",
  "\u0000\uFFFF\u2028 drizzle-kit push",
];

/** Migration SQL that does not parse, or is odd. */
const MIGRATION_TEXTS = [
  "",
  "CREATE TABLE (;",
  "--> statement-breakpoint\n--> statement-breakpoint",
  'ALTER TABLE "x" ADD COLUMN "y" integer NOT NULL;--> statement-breakpoint\nDROP TABLE',
  "DO $$ BEGIN",
  "\u0000",
];

const PACKAGE_JSONS = [
  `{}`,
  `[]`,
  `null`,
  `"just a string"`,
  `{ "scripts": null }`,
  `{ "scripts": [] }`,
  `{ "scripts": "drizzle-kit push" }`,
  `{ "scripts": { "a": 1, "b": null, "c": ["drizzle-kit push"], "d": { "e": "drizzle-kit push" }, "": "" } }`,
  `{ "scripts": { "deploy": "npm run deploy" } }`,
  `{ "scripts": { "deploy": "npm run a", "a": "npm run b", "b": "npm run a && drizzle-kit push" } }`,
  `{ "scripts": { "deploy": "${Array.from({ length: 200 }, (_, i) => `npm run s${i}`).join(" && ")}", ${Array.from({ length: 200 }, (_, i) => `"s${i}": "npm run s${i + 1}"`).join(", ")}, "s200": "drizzle-kit push --force" } }`,
  `{ "scripts": { "deploy": "\\"drizzle-kit\\" 'push' | tee log; FOO=\\"a b\\" npx --yes drizzle-kit@latest push:pg --config=./x.ts || exit 1" } }`,
  `{ "scripts": { "release": "pnpm -F @x/db db:push && turbo run db:push --filter=... && pnpm --filter \\"./packages/**\\" push", "prod": "yarn workspace x push && bun run --cwd . push" } }`,
  `{ "scripts": { "déploy": "drizzle-kit push 🚀", "deploy": "\\u0064rizzle-kit push" }, "workspaces": { "packages": 5 } }`,
  `// comments are allowed by jsonc
{ "scripts": { /* c */ "deploy": "drizzle-kit push", "deploy": "echo dup" }, "workspaces": ["packages/*", 7, null] }`,
  `{ "name": "app", "scripts": { "build": "tsc", "db:push": "drizzle-kit push", "deploy": "npm run build && npm run db:push" } }`,
];

const WORKFLOWS = [
  ``,
  `---\n`,
  `null`,
  `- a\n- b\n`,
  `on: push\n`,
  `on: [push, release]\njobs: 5\n`,
  `on:\n  push:\n    branches: [main]\njobs:\n  a: null\n  b: []\n  c:\n    steps: not-a-list\n  d:\n    steps:\n      - null\n      - "run: drizzle-kit push"\n      - run: 42\n`,
  `defaults: &defaults\n  runs-on: ubuntu-latest\n  environment: production\non:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    <<: *defaults\n    steps:\n      - &step\n        run: npx drizzle-kit push --force\n      - *step\n`,
  `on:\n  push:\n    tags: ["v*"]\n  release:\n    types: [published]\njobs:\n  deploy:\n    runs-on: \${{ matrix.os }}\n    environment:\n      name: \${{ github.ref == 'refs/heads/main' && 'production' || 'preview' }}\n    strategy:\n      matrix:\n        os: [ubuntu-latest]\n    if: \${{ github.event_name == 'push' }}\n    env:\n      DATABASE_URL: \${{ secrets.DATABASE_URL }}\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n          npm ci\n          npm run db:push -- --force\n          echo "done" \\\n            && drizzle-kit push\n        shell: bash\n`,
  `on: push\njobs:\n  test:\n    services:\n      postgres:\n        image: postgres:16\n    env:\n      DATABASE_URL: postgres://localhost:5432/test\n    steps:\n      - run: pnpm exec drizzle-kit push\n---\non: push\njobs: {}\n`,
  `on:\n  push:\n    branches: main\njobs:\n  "weird key":\n    environment: production\n    steps:\n      - name: push\n        run: >-\n          bunx drizzle-kit\n          push\n      - run: npm run deploy\n      - run: npm run does-not-exist\n`,
];
