import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CLEAN_QUERIES_TS,
  CLEAN_SCHEMA_TS,
  COMPILER_OPTIONS,
  DB_TS,
  QUERIES_TS,
  SCHEMA_TS,
  ensureBuilt,
  removeProject,
  runCli,
  runCliHere,
  cliReady,
  tempProject,
} from "./helpers.js";

const TSCONFIG = JSON.stringify({ compilerOptions: COMPILER_OPTIONS, include: ["src"] }, null, 2);

const UPDATE = {
  file: "src/queries.ts",
  line: 6,
  column: 9,
  endLine: 6,
  endColumn: 27,
  rule: "drizzle-guard/enforce-update-with-where",
  code: "DG1010",
  severity: "error",
};
const FK = { file: "src/schema.ts", line: 10, column: 3, rule: "drizzle-guard/require-foreign-key-index", code: "DG1001", severity: "error" };

describe("drizzle-guard CLI", () => {
  let buggy: string;
  let clean: string;

  beforeAll(async () => {
    ensureBuilt();
    await cliReady();
    buggy = tempProject({ "tsconfig.json": TSCONFIG, "src/db.ts": DB_TS, "src/schema.ts": SCHEMA_TS, "src/queries.ts": QUERIES_TS });
    clean = tempProject({
      "tsconfig.json": TSCONFIG,
      "src/db.ts": DB_TS,
      "src/schema.ts": CLEAN_SCHEMA_TS,
      "src/queries.ts": CLEAN_QUERIES_TS,
      "config/drizzle-guard.json": JSON.stringify({ rules: { "enforce-update-with-where": "warn" } }),
    });
    fs.writeFileSync(path.join(buggy, "warn.json"), JSON.stringify({ rules: { "require-foreign-key-index": "warn", "drizzle-guard/enforce-update-with-where": ["warn"] } }));
    fs.writeFileSync(path.join(buggy, "off.json"), JSON.stringify({ rules: { "require-foreign-key-index": "off" } }));
    fs.writeFileSync(path.join(buggy, "broken.json"), "{ rules: ");
    fs.writeFileSync(
      path.join(buggy, "tsconfig.plugin.json"),
      JSON.stringify({
        extends: "./tsconfig.json",
        compilerOptions: {
          plugins: [{ transform: "eslint-plugin-drizzle-guard/transformer", rules: { "require-foreign-key-index": "off" } }],
        },
      }),
    );
    fs.writeFileSync(path.join(buggy, "unknown-rule.json"), JSON.stringify({ rules: { "no-such-rule": "error" } }));
  });
  afterAll(() => [buggy, clean].forEach(removeProject));

  it("prints tsc-style lines relative to the cwd and exits 1", () => {
    const result = runCli(["-p", "tsconfig.json"], buggy);
    expect(result.status, result.stderr).toBe(1);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^src\/queries\.ts\(6,9\): error DG1010: \[drizzle-guard\/enforce-update-with-where\] db\.update\(authors\) runs without/),
      expect.stringMatching(/^src\/schema\.ts\(10,3\): error DG1001: \[drizzle-guard\/require-foreign-key-index\] Foreign key books \(author_id\) → authors/),
      "",
      "Found 2 problems in 2 files.",
    ]);
  });

  it("--format json prints 1-based positions and paths relative to the cwd", () => {
    // run from src/: paths are relative to the cwd, the project found through -p
    const result = runCliHere(["-p", "..", "--format", "json"], path.join(buggy, "src"));
    expect(result.status).toBe(1);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(rows).toEqual([
      { ...UPDATE, file: "queries.ts", message: expect.stringContaining("db.update(authors) runs without `.where(...)`") },
      { ...FK, file: "schema.ts", endLine: 10, endColumn: expect.any(Number), message: expect.stringContaining("Foreign key books") },
    ]);
    for (const row of rows) expect(Object.keys(row)).toEqual(expect.arrayContaining(["file", "line", "column", "endLine", "endColumn", "rule", "message"]));
  });

  it("--format sarif prints a SARIF 2.1.0 log", () => {
    const result = runCliHere(["--format", "sarif"], buggy);
    expect(result.status).toBe(1);
    const log = JSON.parse(result.stdout);
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toContain("sarif-2.1.0");
    const [runLog] = log.runs;
    expect(runLog.tool.driver.name).toBe("drizzle-guard");
    const ruleIds = runLog.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ruleIds).toContain("drizzle-guard/enforce-update-with-where");
    const rule = runLog.tool.driver.rules.find((r: { id: string }) => r.id === "drizzle-guard/enforce-update-with-where");
    expect(rule.shortDescription.text).toMatch(/update/);
    expect(rule.helpUri).toMatch(/docs\/rules\/enforce-update-with-where\.md$/);
    expect(runLog.results).toHaveLength(2);
    const [update] = runLog.results;
    expect(update).toMatchObject({
      ruleId: "drizzle-guard/enforce-update-with-where",
      ruleIndex: ruleIds.indexOf("drizzle-guard/enforce-update-with-where"),
      level: "error",
      message: { text: expect.stringContaining("db.update(authors)") },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "src/queries.ts" },
            region: { startLine: 6, startColumn: 9, endLine: 6, endColumn: 27 },
          },
        },
      ],
    });
  });

  it("--rule runs only the named rules", () => {
    const some = runCliHere(["--format", "json", "--rule", "drizzle-guard/require-foreign-key-index,no-unsafe-sql-raw"], buggy);
    expect(JSON.parse(some.stdout).map((r: { rule: string }) => r.rule)).toEqual([FK.rule]);
    // a rule outside the recommended set runs when named; --rule keeps the config file's options and level
    const warned = runCliHere(["--format", "json", "--config", "warn.json", "--rule", "enforce-update-with-where"], buggy);
    expect(JSON.parse(warned.stdout)).toEqual([expect.objectContaining({ rule: UPDATE.rule, severity: "warning" })]);
    expect(warned.status).toBe(0);
  });

  it("--config sets levels: off drops findings, warnings alone exit 0", () => {
    const off = runCliHere(["--format", "json", "--config", "off.json"], buggy);
    expect(JSON.parse(off.stdout).map((r: { rule: string }) => r.rule)).toEqual([UPDATE.rule]);
    expect(off.status).toBe(1);
    const warn = runCliHere(["--config", "warn.json"], buggy);
    expect(warn.stdout).toMatch(/^src\/queries\.ts\(6,9\): warning DG1010: /);
    expect(warn.status).toBe(0);
  });

  it("defaults to the config of the tsconfig's drizzle-guard plugins entry; --config wins", () => {
    const fromPlugin = runCliHere(["-p", "tsconfig.plugin.json", "--format", "json"], buggy);
    expect(JSON.parse(fromPlugin.stdout).map((r: { rule: string }) => r.rule)).toEqual([UPDATE.rule]);
    const fromFile = runCliHere(["-p", "tsconfig.plugin.json", "--format", "json", "--config", "warn.json"], buggy);
    expect(JSON.parse(fromFile.stdout).map((r: { severity: string }) => r.severity)).toEqual(["warning", "warning"]);
  });

  it("exits 0 with no output on a clean project (absolute -p)", () => {
    const pretty = runCliHere(["-p", clean, "--config", "config/drizzle-guard.json"], clean);
    expect(pretty.stdout).toBe("");
    expect(pretty.status).toBe(0);
  });

  it("exits 2 on usage and configuration errors", () => {
    const cases: string[][] = [
      ["--format", "xml"],
      ["-p", "missing/tsconfig.json"],
      ["--rule", "no-such-rule"],
      ["--config", "missing.json"],
      ["--config", "broken.json"],
      ["--config", "unknown-rule.json"],
      ["--unknown-flag"],
      ["src/queries.ts"],
    ];
    for (const args of cases) {
      const result = runCliHere(args, buggy);
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stdout, args.join(" ")).toBe("");
      expect(result.stderr, args.join(" ")).toMatch(/^drizzle-guard: /);
      // the message and one hint line, not the whole usage text
      expect(result.stderr.trimEnd().split("\n").at(-1), args.join(" ")).toBe("Run `drizzle-guard --help` for the options.");
      expect(result.stderr, args.join(" ")).not.toContain("Usage:");
    }
    expect(runCli(["--help"], buggy)).toMatchObject({ status: 0, stdout: expect.stringContaining("Usage: drizzle-guard") });
  });
});
