import path from "node:path";
import { ESLint as ESLint9 } from "eslint";
import { ESLint as ESLint10 } from "eslint-v10";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { fixturesDir } from "./rule-tester.js";

/**
 * Fixture files linted by both ESLint majors: typed linting on tests/fixtures,
 * package.json through the preset's JSON parser once a rule lints it, and
 * drizzle-kit migrations through the SQL parser (the migration rules).
 */
const FILES = [
  "cross-version/schema.ts",
  "cross-version/queries.ts",
  ...("no-push-in-production" in plugin.rules ? ["cross-version/package.json"] : []),
  "cross-version/drizzle/0000_init.sql",
  "cross-version/drizzle/0001_change.sql",
];

interface Finding {
  file: string;
  line: number;
  column: number;
  ruleId: string | null;
  message: string;
}

interface LintResultLike {
  filePath: string;
  messages: { line: number; column: number; ruleId: string | null; message: string }[];
}

const overrideConfig = [
  {
    name: "fixtures/typescript",
    files: ["**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: fixturesDir },
    },
  },
  // the migration folders of the fixture's drizzle config (cross-version/drizzle.config.ts)
  ...plugin.configsFor(fixturesDir).all,
];

function findings(results: LintResultLike[]): Finding[] {
  return results
    .flatMap((result) =>
      result.messages.map((m) => ({
        file: path.relative(fixturesDir, result.filePath).split(path.sep).join("/"),
        line: m.line,
        column: m.column,
        ruleId: m.ruleId,
        message: m.message,
      })),
    )
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || String(a.ruleId).localeCompare(String(b.ruleId)));
}

async function lintWith(ESLint: typeof ESLint9 | typeof ESLint10): Promise<Finding[]> {
  const eslint = new ESLint({ cwd: fixturesDir, overrideConfigFile: true, overrideConfig: overrideConfig as never });
  return findings((await eslint.lintFiles(FILES)) as LintResultLike[]);
}

describe("ESLint 9 and ESLint 10 report the same findings", () => {
  it("runs on ESLint 9.x and 10.x", () => {
    expect(ESLint9.version).toMatch(/^9\./);
    expect(ESLint10.version).toMatch(/^10\./);
  });

  it("lints the fixture files with typed rules, identically", async () => {
    const v9 = await lintWith(ESLint9);
    const v10 = await lintWith(ESLint10);

    // no parse errors or crashes (ruleId null) on either version
    expect(v9.filter((f) => f.ruleId === null)).toEqual([]);
    // the typed rules really ran: the unindexed foreign keys are found
    expect(v9.filter((f) => f.ruleId === "drizzle-guard/require-foreign-key-index").map((f) => `${f.file}:${f.line}`)).toEqual([
      "cross-version/schema.ts:7",
      "cross-version/schema.ts:20",
    ]);
    if (FILES.includes("cross-version/package.json")) {
      expect(v9.filter((f) => f.file.endsWith("package.json")).map((f) => `${f.line}:${f.ruleId}`)).toEqual([
        "9:drizzle-guard/no-push-in-production",
      ]);
    }
    // the migration rules ran on the SQL, with messages naming the TypeScript schema
    expect(v9.filter((f) => f.file.endsWith(".sql")).map((f) => `${f.file}:${f.line} ${f.ruleId} ${/\(([^()]*:\d+)\)/u.exec(f.message)?.[1]}`)).toEqual([
      "cross-version/drizzle/0001_change.sql:1 drizzle-guard/migration-safe-constraint projects.name in schema.ts:10",
      "cross-version/drizzle/0001_change.sql:2 drizzle-guard/migration-concurrent-index index on tasks.projectId in schema.ts:23",
    ]);
    expect(v10).toEqual(v9);
  });
});
