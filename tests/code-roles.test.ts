import path from "node:path";
import { RuleTester } from "@typescript-eslint/rule-tester";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import { codeRole, codeRoleAt } from "../src/engine/code-roles.js";
import plugin from "../src/index.js";
import deleteRule from "../src/rules/enforce-delete-with-where.js";
import requireTransaction from "../src/rules/require-transaction.js";
import { resolveConfig, runRules } from "../src/transformer/index.js";
import { fixtureProgram, sourceFileOf } from "./program.js";
import { fixturesDir } from "./rule-tester.js";

/**
 * Code roles on a small multi-package app (tests/fixtures/roles-app): a
 * `test/` folder, `scripts/seed.ts`, a file run by a package.json "db:*"
 * script, and application code in packages/api with the same mistakes.
 */
const appDir = path.join(fixturesDir, "roles-app");
const RUNTIME_RULES = ["require-transaction", "no-query-in-loop", "enforce-delete-with-where", "enforce-update-with-where", "require-owner-filter"];

interface Found {
  file: string;
  line: number;
  rule: string;
}

async function lintApp(config: "recommended" | "all"): Promise<Found[]> {
  const eslint = new ESLint({
    cwd: appDir,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ["**/*.ts"], languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: appDir } } },
      ...(plugin.configs[config] as never[]),
    ] as never,
  });
  const results = await eslint.lintFiles(["**/*.ts"]);
  return results
    .flatMap((r) => r.messages.map((m) => ({ file: path.relative(appDir, r.filePath).split(path.sep).join("/"), line: m.line, rule: String(m.ruleId).replace("drizzle-guard/", "") })))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
}

function cliFindings(preset: "recommended" | "all"): Found[] {
  const program = fixtureProgram({}, appDir);
  const config = resolveConfig({ preset });
  const out: Found[] = [];
  for (const sourceFile of program.getSourceFiles()) {
    if (sourceFile.isDeclarationFile || sourceFile.fileName.includes("node_modules")) continue;
    for (const f of runRules(program, sourceFile, config)) {
      out.push({ file: path.relative(appDir, sourceFile.fileName).split(path.sep).join("/"), line: sourceFile.getLineAndCharacterOfPosition(f.start).line + 1, rule: f.rule });
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
}

const APPLICATION_FINDINGS: Found[] = [
  { file: "packages/api/src/server.ts", line: 6, rule: "enforce-update-with-where" },
  { file: "packages/api/src/teams.ts", line: 7, rule: "require-transaction" },
  { file: "packages/api/src/teams.ts", line: 25, rule: "enforce-update-with-where" },
  { file: "packages/api/src/teams.ts", line: 31, rule: "enforce-delete-with-where" },
];

describe("code roles", () => {
  it("classifies the app's files: test folder, seed script, package.json script entry, application (the dev entry too)", () => {
    const program = fixtureProgram({}, appDir);
    const role = (f: string) => codeRole(program, path.join(appDir, f));
    expect(role("test/teams.ts")).toBe("test");
    expect(role("scripts/seed.ts")).toBe("script");
    expect(role("packages/db/src/wipe.ts")).toBe("script");
    expect(role("packages/api/src/teams.ts")).toBe("application");
    expect(role("packages/api/src/server.ts")).toBe("application");
    expect(role("packages/db/src/schema.ts")).toBe("application");
  });

  it("settings testFiles / scriptFiles replace the built-in lists", () => {
    const program = fixtureProgram({}, appDir);
    const settings = { testFiles: ["packages/api/**"], scriptFiles: [] };
    const role = (f: string) => codeRole(program, path.join(appDir, f), settings);
    expect(role("packages/api/src/teams.ts")).toBe("test");
    expect(role("test/teams.ts")).toBe("application");
    expect(role("scripts/seed.ts")).toBe("application");
    expect(role("packages/db/src/wipe.ts")).toBe("application");
  });

  it("the built-in globs: tests, seeds, resets that name the database; not reset-password", () => {
    const program = fixtureProgram({}, appDir);
    const role = (f: string) => codeRole(program, path.join(appDir, f));
    expect(role("src/orders.test.ts")).toBe("test");
    expect(role("src/__tests__/orders.ts")).toBe("test");
    expect(role("src/db/seed.ts")).toBe("script");
    expect(role("src/db/reset-db.ts")).toBe("script");
    expect(role("src/lib/backfill-slugs.ts")).toBe("script");
    expect(role("src/app/reset-password/actions.ts")).toBe("application");
    expect(role("src/lib/latest.ts")).toBe("application");
  });

  it("the recommended config is quiet in the test folder and scripts, and reports the same mistakes in application code", async () => {
    expect(await lintApp("recommended")).toEqual(APPLICATION_FINDINGS);
  });

  it("the all config still reports the runtime-behaviour rules in tests and scripts", async () => {
    const all = await lintApp("all");
    const outside = all.filter((f) => !f.file.startsWith("packages/api/")).filter((f) => RUNTIME_RULES.includes(f.rule));
    expect(outside.map((f) => `${f.file}:${f.line} ${f.rule}`)).toEqual([
      "packages/db/src/wipe.ts:6 enforce-delete-with-where",
      "scripts/seed.ts:6 enforce-delete-with-where",
      "scripts/seed.ts:6 require-transaction",
      "scripts/seed.ts:9 enforce-update-with-where",
      "test/teams.ts:6 require-transaction",
      "test/teams.ts:8 enforce-update-with-where",
      "test/teams.ts:12 enforce-delete-with-where",
    ]);
  });

  it("the CLI's recommended preset honours the roles identically", () => {
    const cli = cliFindings("recommended").filter((f) => RUNTIME_RULES.includes(f.rule));
    expect(cli).toEqual(APPLICATION_FINDINGS);
  });

  it("a rule level without options keeps the recommended preset's codeRoles in the CLI (as in ESLint)", () => {
    const config = resolveConfig({ preset: "recommended", rules: { "drizzle-guard/require-transaction": "warn" } });
    expect(config.rules.find((r) => r.name === "require-transaction")?.options).toEqual([expect.objectContaining({ codeRoles: ["application"] })]);
    const all = resolveConfig({ preset: "all" });
    expect(all.rules.find((r) => r.name === "require-transaction")?.options[0]).not.toHaveProperty("codeRoles");
  });
});

/** The codeRoles option itself, typed on the app's files. */
const appTester = new RuleTester({ languageOptions: { parserOptions: { project: "./tsconfig.json", tsconfigRootDir: appDir } } });
const HEAD = `import { db } from "../packages/db/src/client";\nimport { members, teams } from "../packages/db/src/schema";\n`;
const TWO_TABLES = `${HEAD}export async function setUp() {\n  const [team] = await db.insert(teams).values({ name: "t" }).returning();\n  await db.insert(members).values({ teamId: team.id, email: "a@b.c" });\n}\n`;
const CLEANUP = `${HEAD}export async function tearDown() {\n  await db.delete(members);\n}\n`;

appTester.run("require-transaction codeRoles", requireTransaction, {
  valid: [
    { name: "test folder, codeRoles application", filename: "test/teams.ts", code: TWO_TABLES, options: [{ codeRoles: ["application"] }] },
    { name: "seed script, codeRoles application", filename: "scripts/seed.ts", code: TWO_TABLES.replace("../packages", "../packages"), options: [{ codeRoles: ["application"] }] },
  ],
  invalid: [
    { name: "test folder, default options (every role)", filename: "test/teams.ts", code: TWO_TABLES, errors: [{ messageId: "requireTransaction", line: 4 }] },
    {
      name: "test folder, codeRoles includes test",
      filename: "test/teams.ts",
      code: TWO_TABLES,
      options: [{ codeRoles: ["application", "test"] }],
      errors: [{ messageId: "requireTransaction", line: 4 }],
    },
  ],
});

appTester.run("enforce-delete-with-where codeRoles", deleteRule, {
  valid: [{ name: "test cleanup, codeRoles application", filename: "test/teams.ts", code: CLEANUP, options: [{ codeRoles: ["application"] }] }],
  invalid: [
    {
      name: "test cleanup, default options",
      filename: "test/teams.ts",
      code: CLEANUP,
      errors: [{ messageId: "missingWhere", line: 4, suggestions: [{ messageId: "addWhereTrue", output: CLEANUP.replace('schema";\n', 'schema";\nimport { sql } from "drizzle-orm";\n').replace("db.delete(members)", "db.delete(members).where(sql`true`)") }] }],
    },
  ],
});

describe("code roles of code: job", () => {
  const jobs = `import cron from "node-cron";
async function tick() {
  return 1;
}
async function nightly() {
  return 2;
}
async function both() {
  return 3;
}
export function start() {
  setInterval(tick, 1000);
  void tick();
  cron.schedule("0 0 * * *", () => nightly());
  setTimeout(both, 10);
}
export async function handler() {
  return both();
}
export function later(run: () => void) {
  globalThis.setTimeout(() => run(), 10);
}
`;
  const program = fixtureProgram({ "jobs-case.ts": jobs });
  const file = sourceFileOf(program, "jobs-case.ts");
  const roleOf = (text: string, settings = {}) => {
    const at = file.text.indexOf(text);
    let node: import("typescript").Node | undefined;
    const find = (n: import("typescript").Node): void => {
      if (n.getStart() === at && n.getEnd() === at + text.length) node ??= n;
      n.forEachChild(find);
    };
    find(file);
    if (!node) throw new Error(`no node ${text}`);
    return codeRoleAt(program, node, settings);
  };
  it("code only a timer or job scheduler runs is job code; code also run from elsewhere is application code", () => {
    expect(roleOf("return 1;")).toBe("job");
    expect(roleOf("return 2;")).toBe("job");
    expect(roleOf("return 3;")).toBe("application");
    expect(roleOf("return both();")).toBe("application");
  });
  it("setTimeout defers work (not a scheduler by default); the settings' list can name it", () => {
    expect(roleOf("run()")).toBe("application");
    expect(roleOf("run()", { jobSchedulers: ["setTimeout"] })).toBe("job");
    expect(roleOf("return 3;", { jobSchedulers: ["setInterval", "setTimeout"] })).toBe("application");
  });
  it("settings jobSchedulers replaces the list", () => {
    expect(roleOf("return 1;", { jobSchedulers: ["node-cron#schedule"] })).toBe("application");
    expect(roleOf("return 2;", { jobSchedulers: ["node-cron#schedule"] })).toBe("job");
  });
});
