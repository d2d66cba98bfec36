import path from "node:path";
import { Linter, RuleTester as ESLintRuleTester, type Rule } from "eslint";
import * as jsoncParser from "jsonc-eslint-parser";
import * as yamlParser from "yaml-eslint-parser";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import rule from "../src/rules/no-push-in-production.js";
import { createRuleTester, fixturesDir } from "./rule-tester.js";

ESLintRuleTester.describe = describe;
ESLintRuleTester.it = it;
ESLintRuleTester.itOnly = it.only;

const eslintRule = rule as unknown as Rule.RuleModule;
/** A package.json outside any workspace (the file itself need not exist). */
const packageJson = path.join(fixturesDir, "push", "package.json");
const monorepo = path.join(fixturesDir, "push-monorepo");
/** A workflow outside any repository with a package.json next to `.github/`. */
const workflowFile = path.join(fixturesDir, "push", "standalone", ".github", "workflows", "deploy.yml");
/** A workflow of the fixture monorepo (its root package.json is read from disk). */
const monorepoWorkflow = path.join(monorepo, ".github", "workflows", "deploy.yml");

const scripts = (s: Record<string, string>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name: "app", private: true, ...extra, scripts: s }, null, 2);

/** 1-based line of the first line containing `marker`. */
function lineOf(code: string, marker: string): number {
  const index = code.split("\n").findIndex((l) => l.includes(marker));
  if (index < 0) throw new Error(`marker not found: ${marker}`);
  return index + 1;
}

const json = new ESLintRuleTester({ languageOptions: { parser: jsoncParser } });

const force = " --force also accepts data-loss statements without asking.";

json.run("no-push-in-production (package.json)", eslintRule, {
  valid: [
    { name: "push only in a dev script", filename: packageJson, code: scripts({ "db:push": "drizzle-kit push", dev: "next dev", start: "next start" }) },
    {
      name: "migrations in production",
      filename: packageJson,
      code: scripts({ build: "drizzle-kit generate && next build", start: "drizzle-kit migrate && next start", "db:push": "drizzle-kit push --force" }),
    },
    { name: "dev chain reaching push", filename: packageJson, code: scripts({ dev: "npm run db:push && next dev", "db:push": "drizzle-kit push" }) },
    { name: "git push / prisma db push in deploy", filename: packageJson, code: scripts({ deploy: "git push heroku main", release: "npx prisma db push" }) },
    { name: "echoing the words", filename: packageJson, code: scripts({ deploy: 'echo "never run drizzle-kit push here"' }) },
    {
      name: "devScripts exempts a production-looking name",
      filename: packageJson,
      code: scripts({ "deploy:preview": "drizzle-kit push" }),
      options: [{ devScripts: ["deploy:preview"] }],
    },
    {
      name: "allowScripts exempts a blue/green step and chains through it",
      filename: packageJson,
      code: scripts({ deploy: "npm run db:bluegreen && npm run release", "db:bluegreen": "drizzle-kit push", release: "changeset publish" }),
      options: [{ allowScripts: ["db:bluegreen"] }],
    },
    { name: "not a package.json", filename: path.join(fixturesDir, "push", "tsconfig.json"), code: scripts({ deploy: "drizzle-kit push" }) },
    { name: "no scripts", filename: packageJson, code: `{ "name": "app" }` },
    { name: "cyclic scripts", filename: packageJson, code: scripts({ start: "npm run a", a: "npm run b", b: "npm run a" }) },
    {
      name: "workspace: the filtered package only migrates",
      filename: path.join(monorepo, "package.json"),
      code: scripts({ deploy: "pnpm --filter @shop/db migrate && turbo run build" }),
    },
  ],
  invalid: [
    {
      name: "direct script",
      filename: packageJson,
      code: scripts({ build: "drizzle-kit push && next build" }),
      errors: [{ messageId: "pushInScript", line: 5, column: 14, data: { script: "build", chain: "build → drizzle-kit push", force: "" } }],
    },
    {
      name: "transitive chain deploy → db:push with --force",
      filename: packageJson,
      code: scripts({ "db:push": "drizzle-kit push --force", deploy: "npm run db:push && vercel deploy --prod" }),
      errors: [{ messageId: "pushInScript", line: 6, data: { script: "deploy", chain: "deploy → db:push → drizzle-kit push --force", force } }],
    },
    {
      name: "legacy push:pg through pnpm and yarn",
      filename: packageJson,
      code: scripts({ start: "pnpm migrate && node server.js", migrate: "yarn db", db: "drizzle-kit push:pg" }),
      errors: [{ messageId: "pushInScript", data: { script: "start", chain: "start → migrate → db → drizzle-kit push:pg", force: "" } }],
    },
    {
      name: "bunx and pnpm exec, prod and release names",
      filename: packageJson,
      code: scripts({ "start:prod": "bunx drizzle-kit push && bun run server.ts", "release-db": "pnpm exec drizzle-kit push --force" }),
      errors: [
        { messageId: "pushInScript", line: 5, data: { script: "start:prod", chain: "start:prod → drizzle-kit push", force: "" } },
        { messageId: "pushInScript", line: 6, data: { script: "release-db", chain: "release-db → drizzle-kit push --force", force } },
      ],
    },
    {
      name: "bun run and lifecycle postinstall, vercel-build",
      filename: packageJson,
      code: scripts({ postinstall: "bun run db:sync", "vercel-build": "npx drizzle-kit push && next build", "db:sync": "drizzle-kit push" }),
      errors: [
        { messageId: "pushInScript", line: 5, data: { script: "postinstall", chain: "postinstall → db:sync → drizzle-kit push", force: "" } },
        { messageId: "pushInScript", line: 6, data: { script: "vercel-build", chain: "vercel-build → drizzle-kit push", force: "" } },
      ],
    },
    {
      name: "productionScripts adds a name",
      filename: packageJson,
      code: scripts({ boot: "drizzle-kit push && node server.js" }),
      options: [{ productionScripts: ["boot"] }],
      errors: [{ messageId: "pushInScript", line: 5, data: { script: "boot", chain: "boot → drizzle-kit push", force: "" } }],
    },
    {
      name: "allowScripts for one script leaves the others reported",
      filename: packageJson,
      code: scripts({ "deploy:bluegreen": "drizzle-kit push", deploy: "drizzle-kit push" }),
      options: [{ allowScripts: ["deploy:bluegreen"] }],
      errors: [{ messageId: "pushInScript", line: 6, data: { script: "deploy", chain: "deploy → drizzle-kit push", force: "" } }],
    },
    {
      name: "workspace chain: pnpm -F into packages/db (read from disk)",
      filename: path.join(monorepo, "package.json"),
      code: scripts({ deploy: "pnpm -F @shop/db db:push && turbo run build" }),
      errors: [{ messageId: "pushInScript", line: 5, data: { script: "deploy", chain: "deploy → @shop/db#db:push → drizzle-kit push --force", force } }],
    },
    {
      name: "workspace chain: turbo run into every package",
      filename: path.join(monorepo, "package.json"),
      code: scripts({ "start:prod": "turbo run dev" }),
      errors: [{ messageId: "pushInScript", data: { script: "start:prod", chain: "start:prod → @shop/api#dev → db:sync → drizzle-kit push", force: "" } }],
    },
  ],
});

const yaml = new ESLintRuleTester({ languageOptions: { parser: yamlParser } });

const onMain = `name: Deploy
on:
  push:
    branches: [main]
`;

const deployOnMain = `${onMain}jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: npx drizzle-kit push --force
        env:
          DATABASE_URL: \${{ secrets.DATABASE_URL }}
      - run: npx vercel deploy --prod
`;

const scriptStep = `${onMain}jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: pnpm install
      - name: Schema
        run: pnpm db:push
`;

const productionEnvironment = `on: workflow_dispatch
jobs:
  migrate:
    environment:
      name: production
    runs-on: ubuntu-latest
    steps:
      - run: |
          pnpm install
          pnpm exec drizzle-kit push
`;

yaml.run("no-push-in-production (workflows)", eslintRule, {
  valid: [
    {
      name: "test job with a postgres service",
      filename: workflowFile,
      code: `${onMain}jobs:
  test:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: postgres
    steps:
      - run: npx drizzle-kit push
      - run: npm test
`,
    },
    {
      name: "DATABASE_URL on localhost",
      filename: workflowFile,
      code: `${onMain}jobs:
  e2e:
    runs-on: ubuntu-latest
    env:
      DATABASE_URL: postgres://postgres:postgres@localhost:5432/app
    steps:
      - run: npx drizzle-kit push --force
`,
    },
    {
      name: "environment preview",
      filename: workflowFile,
      code: `${onMain}jobs:
  preview:
    environment: preview
    runs-on: ubuntu-latest
    steps:
      - run: npx drizzle-kit push
`,
    },
    {
      name: "pull requests only",
      filename: workflowFile,
      code: `on:
  pull_request:
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - run: npx drizzle-kit push
`,
    },
    {
      name: "migrations on main",
      filename: workflowFile,
      code: `${onMain}jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: npx drizzle-kit migrate
      - run: git push heroku main
`,
    },
    { name: "allowWorkflows by file name", filename: workflowFile, code: deployOnMain, options: [{ allowWorkflows: ["deploy.yml"] }] },
    { name: "allowWorkflows by file#job", filename: workflowFile, code: deployOnMain, options: [{ allowWorkflows: ["deploy.yml#deploy"] }] },
    {
      name: "a root script that only migrates",
      filename: monorepoWorkflow,
      code: `${onMain}jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: pnpm db:migrate
`,
    },
    { name: "not a workflow file", filename: path.join(fixturesDir, "push", "docker-compose.yml"), code: deployOnMain },
  ],
  invalid: [
    {
      name: "workflow deploying on main",
      filename: workflowFile,
      code: deployOnMain,
      errors: [
        {
          messageId: "pushInWorkflow",
          line: lineOf(deployOnMain, "drizzle-kit push"),
          column: 14,
          data: { job: "deploy", reason: "on push to main", chain: "drizzle-kit push --force", force },
        },
      ],
    },
    {
      name: "through a script of the root package.json (read from disk) into a workspace package",
      filename: monorepoWorkflow,
      code: scriptStep,
      errors: [
        {
          messageId: "pushInWorkflow",
          line: lineOf(scriptStep, "pnpm db:push"),
          data: { job: "release", reason: "on push to main", chain: "db:push → @shop/db#db:push → drizzle-kit push --force", force },
        },
      ],
    },
    {
      name: "environment: production and a multi-line run block",
      filename: workflowFile,
      code: productionEnvironment,
      errors: [
        {
          messageId: "pushInWorkflow",
          line: lineOf(productionEnvironment, "run: |"),
          data: { job: "migrate", reason: "environment: production", chain: "drizzle-kit push", force: "" },
        },
      ],
    },
    {
      name: "release trigger, allowWorkflows naming another job",
      filename: workflowFile,
      code: `on:
  release:
    types: [published]
jobs:
  schema:
    runs-on: ubuntu-latest
    steps:
      - run: bunx drizzle-kit push:pg
`,
      options: [{ allowWorkflows: ["deploy.yml#other"] }],
      errors: [{ messageId: "pushInWorkflow", line: 8, data: { job: "schema", reason: "on release", chain: "drizzle-kit push:pg", force: "" } }],
    },
  ],
});

// ---------------------------------------------------------------------------
// Code (typed)

const ts = createRuleTester();

ts.run("no-push-in-production (code)", rule, {
  valid: [
    {
      name: "execSync of drizzle-kit push guarded by NODE_ENV !== production",
      code: `import { execSync } from "node:child_process";
if (process.env.NODE_ENV !== "production") {
  execSync("npx drizzle-kit push");
}`,
    },
    {
      name: "guarded by === development, === test, a const flag and an early return",
      code: `import { execSync, spawnSync } from "child_process";
const isDev = process.env.NODE_ENV === "development";
export function a() {
  if (process.env.NODE_ENV === "test") execSync("drizzle-kit push");
  if (isDev) spawnSync("npx", ["drizzle-kit", "push"]);
  isDev && execSync("drizzle-kit push --force");
}
export function b() {
  if (process.env.NODE_ENV === "production") return;
  execSync("drizzle-kit push");
}
export function c() {
  if (process.env.NODE_ENV === "production") {
    execSync("drizzle-kit migrate");
  } else {
    execSync("drizzle-kit push");
  }
}`,
    },
    {
      name: "execSync from a module that is not child_process",
      code: `import { execSync } from "./push/shell";
execSync("npx drizzle-kit push");`,
    },
    {
      name: "a local function named execSync",
      code: `function execSync(cmd: string) { return cmd; }
execSync("npx drizzle-kit push");`,
    },
    {
      name: "child_process running other commands",
      code: `import { execSync, spawn } from "node:child_process";
execSync("npx drizzle-kit migrate");
execSync("git push origin main");
spawn("npx", ["drizzle-kit", "generate"]);`,
    },
    {
      name: "a condition that is not a production check",
      code: `import { execSync } from "node:child_process";
if (process.env.NODE_ENV !== "staging") {
  execSync("npx drizzle-kit migrate");
}`,
    },
    {
      name: "pushSchema in a test file",
      filename: "push/seed.test.ts",
      code: `import { pushSchema } from "drizzle-kit/api";
export const push = pushSchema;`,
    },
    {
      name: "execSync in a __tests__ helper",
      filename: "push/__tests__/setup.ts",
      code: `import { execSync } from "node:child_process";
execSync("npx drizzle-kit push --force");`,
    },
    {
      name: "pushSchema used only under a dev guard; other drizzle-kit/api exports",
      code: `import { pushSchema, generateMigration } from "drizzle-kit/api";
export async function devSync(db: never, schema: Record<string, unknown>) {
  if (process.env.NODE_ENV === "development") await pushSchema(schema, db);
  return generateMigration;
}`,
    },
    {
      name: "type-only import",
      code: `import type { pushSchema } from "drizzle-kit/api";
export type Push = typeof pushSchema;`,
    },
  ],
  invalid: [
    {
      name: "execSync(npx drizzle-kit push)",
      code: `import { execSync } from "node:child_process";
execSync("npx drizzle-kit push");`,
      errors: [{ messageId: "pushInCode", line: 2, column: 1, endColumn: 33, data: { callee: "execSync", command: "drizzle-kit push" } }],
    },
    {
      name: "aliased, namespace, require, promisify, spawn argv",
      code: `import { exec as run } from "child_process";
import * as cp from "node:child_process";
import { promisify } from "node:util";
const { spawnSync } = require("child_process");
const sh = promisify(run);
const FORCE = "--force";
export async function boot() {
  run("drizzle-kit push");
  cp.execSync(\`npx drizzle-kit push \${FORCE}\`);
  spawnSync("npx", ["drizzle-kit", "push:pg"]);
  await sh("pnpm exec drizzle-kit push");
}`,
      errors: [
        { messageId: "pushInCode", line: 8, data: { callee: "exec", command: "drizzle-kit push" } },
        { messageId: "pushInCode", line: 9, data: { callee: "execSync", command: "drizzle-kit push --force" } },
        { messageId: "pushInCode", line: 10, data: { callee: "spawnSync", command: "drizzle-kit push:pg" } },
        { messageId: "pushInCode", line: 11, data: { callee: "exec", command: "drizzle-kit push" } },
      ],
    },
    {
      name: "default imports and require() objects",
      code: `import cp from "node:child_process";
import execa from "execa";
const childProcess = require("child_process");
cp.exec("npx drizzle-kit push");
execa("drizzle-kit", ["push"]);
childProcess.spawnSync("drizzle-kit push", { shell: true });
process.env["NODE_ENV"] === "production" || cp.execSync("drizzle-kit push");`,
      errors: [
        { messageId: "pushInCode", line: 4, data: { callee: "exec", command: "drizzle-kit push" } },
        { messageId: "pushInCode", line: 5, data: { callee: "execa", command: "drizzle-kit push" } },
        { messageId: "pushInCode", line: 6, data: { callee: "spawnSync", command: "drizzle-kit push" } },
      ],
    },
    {
      name: "execSync re-exported from child_process by a local module",
      code: `import { execSync } from "./push/child";
execSync("npx drizzle-kit push");`,
      errors: [{ messageId: "pushInCode", line: 2, data: { callee: "execSync", command: "drizzle-kit push" } }],
    },
    {
      name: "execa and its $ template",
      code: `import { execa, $ } from "execa";
await execa("npx", ["drizzle-kit", "push", "--force"]);
await $\`bunx drizzle-kit push\`;
import { $ as bunShell } from "bun";
await bunShell\`drizzle-kit push:pg\`;`,
      errors: [
        { messageId: "pushInCode", line: 2, data: { callee: "execa", command: "drizzle-kit push --force" } },
        { messageId: "pushInCode", line: 3, data: { callee: "$", command: "drizzle-kit push" } },
        { messageId: "pushInCode", line: 5, data: { callee: "$", command: "drizzle-kit push:pg" } },
      ],
    },
    {
      name: "a guard for another environment does not count",
      code: `import { execSync } from "node:child_process";
if (process.env.NODE_ENV !== "development") {
  execSync("npx drizzle-kit push");
}`,
      errors: [{ messageId: "pushInCode", line: 3 }],
    },
    {
      name: "pushSchema import in application code",
      code: `import { pushSchema as push } from "drizzle-kit/api";
import * as schema from "./schema";
import { db } from "./db";
export async function boot() {
  const { apply } = await push(schema, db as never);
  await apply();
}`,
      errors: [{ messageId: "pushSchemaImport", line: 1, column: 10, endColumn: 28, data: { name: "pushSchema", module: "drizzle-kit/api" } }],
    },
    {
      name: "dynamic import and another subpath",
      code: `export async function boot() {
  const { pushSchema } = await import("drizzle-kit/api-postgres");
  return pushSchema;
}`,
      errors: [{ messageId: "pushSchemaImport", line: 2, data: { name: "pushSchema", module: "drizzle-kit/api-postgres" } }],
    },
    {
      name: "pushSchema guarded once, exported in an object literal",
      code: `import { pushSchema } from "drizzle-kit/api";
export async function sync(db: never) {
  if (process.env.NODE_ENV === "development") await pushSchema({}, db);
}
export const tools = { pushSchema };`,
      errors: [{ messageId: "pushSchemaImport", line: 1 }],
    },
    {
      name: "pushSchema with one unguarded use",
      code: `import { pushSchema } from "drizzle-kit/api";
export async function sync(db: never) {
  if (process.env.NODE_ENV !== "production") await pushSchema({}, db);
  await pushSchema({}, db);
}`,
      errors: [{ messageId: "pushSchemaImport", line: 1 }],
    },
  ],
});

// ---------------------------------------------------------------------------
// The presets set the parsers up: no extra config needed.

describe("configs", () => {
  for (const configName of ["recommended", "all"] as const) {
    it(`configs.${configName} lints package.json and workflows with their parsers, code with the code rules`, () => {
      const config = plugin.configs[configName];
      const linter = new Linter({ configType: "flat" });
      const pkgMessages = linter.verify(scripts({ deploy: "drizzle-kit push" }), config as Linter.Config[], "apps/web/package.json");
      expect(pkgMessages.map((m) => [m.ruleId, m.line])).toEqual([["drizzle-guard/no-push-in-production", 5]]);
      const workflowMessages = linter.verify(deployOnMain, config as Linter.Config[], ".github/workflows/deploy.yml");
      expect(workflowMessages.map((m) => [m.ruleId, m.line])).toEqual([["drizzle-guard/no-push-in-production", lineOf(deployOnMain, "drizzle-kit push")]]);

      const code = config.find((c) => c.files?.includes("**/*.{ts,tsx,mts,cts}"));
      expect(code?.rules).toHaveProperty("drizzle-guard/no-push-in-production");
      for (const entry of config.filter((c) => c !== code)) {
        // only rules that lint these files, never the typed code rules: the push rule, or the migration rules on SQL files
        const rules = Object.keys(entry.rules ?? {});
        const sql = (entry.files ?? []).some((f) => String(f).endsWith(".sql"));
        if (sql) expect(rules.every((r) => r.startsWith("drizzle-guard/migration-"))).toBe(true);
        else expect(rules).toEqual(["drizzle-guard/no-push-in-production"]);
        expect(rules.length).toBeGreaterThan(0);
        expect(entry.languageOptions?.parser).toBeDefined();
      }
    });
  }
});
