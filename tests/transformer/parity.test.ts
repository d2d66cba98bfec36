import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ESLint, type Linter } from "eslint";
import ts from "typescript";
import tseslint from "typescript-eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isCodeFile } from "../../src/transformer/run.js";
import { distPlugin, ensureBuilt, repoRoot, runCli } from "./helpers.js";

/**
 * Parity: on the rule fixtures and the example app, the ESLint plugin and the
 * CLI (the transformer's engine adapter) report the same set of (file, line,
 * rule), for every rule that has an engine part. Both use the built package.
 */
interface PluginShape {
  rules: Record<string, { analyze?: unknown }>;
}

const projects = [
  { name: "rule fixtures", dir: path.join(repoRoot, "tests/fixtures") },
  { name: "example app", dir: path.join(repoRoot, "examples") },
].filter((p) => fs.existsSync(path.join(p.dir, "tsconfig.json")));

function projectFiles(tsconfig: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (!parsed) throw new Error(`cannot parse ${tsconfig}`);
  return parsed.fileNames.filter((f) => isCodeFile(f) && !/\.d\.[^/\\]*ts$/u.test(f));
}

describe("ESLint plugin ↔ CLI parity", () => {
  let plugin: PluginShape;
  let engineRuleNames: string[];
  let configDir: string;
  let allConfig: string;

  beforeAll(async () => {
    ensureBuilt();
    plugin = (await import(distPlugin)).default as PluginShape;
    engineRuleNames = Object.entries(plugin.rules)
      .filter(([, rule]) => typeof rule.analyze === "function")
      .map(([name]) => name);
    configDir = fs.mkdtempSync(path.join(os.tmpdir(), "drizzle-guard-parity-"));
    allConfig = path.join(configDir, "all.json");
    fs.writeFileSync(allConfig, JSON.stringify({ preset: "all" }));
  });
  afterAll(() => fs.rmSync(configDir, { recursive: true, force: true }));

  for (const project of projects) {
    it(`${project.name}: same (file, line, rule) set`, async () => {
      const tsconfig = path.join(project.dir, "tsconfig.json");
      const eslint = new ESLint({
        cwd: project.dir,
        overrideConfigFile: true,
        warnIgnored: false,
        overrideConfig: [
          {
            files: ["**/*.{ts,tsx,mts,cts}"],
            languageOptions: {
              parser: tseslint.parser as Linter.Parser,
              parserOptions: { project: tsconfig, tsconfigRootDir: project.dir },
            },
          },
          {
            files: ["**/*.{ts,tsx,mts,cts}"],
            plugins: { "drizzle-guard": plugin as unknown as ESLint.Plugin },
            rules: Object.fromEntries(engineRuleNames.map((name) => [`drizzle-guard/${name}`, "error" as const])),
          },
        ],
      });
      const results = await eslint.lintFiles(projectFiles(tsconfig));
      const unparsable = new Set<string>();
      const fromEslint = new Set<string>();
      for (const result of results) {
        const file = path.relative(project.dir, result.filePath).split(path.sep).join("/");
        for (const message of result.messages) {
          if (message.fatal) unparsable.add(file);
          else if (message.ruleId?.startsWith("drizzle-guard/")) fromEslint.add(`${file}:${message.line}:${message.ruleId}`);
        }
      }

      const cli = runCli(["-p", tsconfig, "--format", "json", "--config", allConfig], project.dir);
      expect(cli.status, cli.stderr).not.toBe(2);
      const rows = JSON.parse(cli.stdout) as { file: string; line: number; rule: string }[];
      // code files only: the CLI also checks deploy files, package.json, workflows and migrations (compared in their own tests)
      const fromCli = new Set(rows.filter((r) => isCodeFile(r.file) && !unparsable.has(r.file)).map((r) => `${r.file}:${r.line}:${r.rule}`));

      expect([...fromCli].sort()).toEqual([...fromEslint].sort());
      // the comparison is not vacuous: the fixtures and the example contain bugs
      expect(fromEslint.size).toBeGreaterThan(0);
    });
  }
});
