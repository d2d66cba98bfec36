import path from "node:path";
import * as tsParser from "@typescript-eslint/parser";
import { Linter } from "eslint";
import type ts from "typescript";
import plugin from "../src/index.js";
import { fixturesDir } from "./program.js";

/**
 * Lints with ESLint's Linter and EVERY rule of the plugin (iterating
 * `plugin.rules`, so rules added later are included). Rule crashes surface as
 * thrown errors: `DRIZZLE_GUARD_DEBUG` makes `createAnalyzerRule` rethrow
 * analyzer errors instead of swallowing them.
 */
process.env.DRIZZLE_GUARD_DEBUG = "1";

export type LintRules = Record<string, { meta?: unknown; create: unknown }>;

export const CODE_GLOB = "**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}";

/** `drizzle-guard/<name>: "error"` for every rule in `rules`. */
export function allRulesOn(rules: LintRules = plugin.rules as unknown as LintRules): Linter.RulesRecord {
  return Object.fromEntries(Object.keys(rules).map((name) => [`drizzle-guard/${name}`, "error"]));
}

export type ParserSetup =
  /** typescript-eslint with the fixture tsconfig: full type information */
  | { kind: "typed"; tsconfigRootDir?: string }
  /** typescript-eslint without a project: no type information */
  | { kind: "untyped" }
  /** typescript-eslint's project service with a default project (no tsconfig on disk) */
  | { kind: "default-project"; tsconfigRootDir: string }
  /** ESLint's default parser (espree) */
  | { kind: "espree" }
  /** typescript-eslint with a program built by the test (files in memory, see program.ts); the linted code must be its text of the file */
  | { kind: "program"; program: ts.Program };

function languageOptions(setup: ParserSetup): Linter.LanguageOptions {
  switch (setup.kind) {
    case "typed":
      return {
        parser: tsParser,
        parserOptions: {
          project: "./tsconfig.json",
          tsconfigRootDir: setup.tsconfigRootDir ?? fixturesDir,
          ecmaFeatures: { jsx: true },
          // The code linted here is in memory, not the placeholder file on disk. With CI=true,
          // typescript-eslint infers a "single run" and builds its program from disk once,
          // so the types would be the placeholder's; RuleTester disables the inference too.
          disallowAutomaticSingleRunInference: true,
        },
      };
    case "untyped":
      return { parser: tsParser, parserOptions: { ecmaFeatures: { jsx: true } } };
    case "default-project":
      return {
        parser: tsParser,
        parserOptions: {
          projectService: { allowDefaultProject: ["*.ts", "*.js"] },
          tsconfigRootDir: setup.tsconfigRootDir,
          disallowAutomaticSingleRunInference: true,
        },
      };
    case "program":
      return { parser: tsParser, parserOptions: { programs: [setup.program], ecmaFeatures: { jsx: true } } };
    case "espree":
      return { sourceType: "module", ecmaVersion: "latest", parserOptions: { ecmaFeatures: { jsx: true } } };
  }
}

/**
 * Flat config: the plugin's own `all` config (which may bring parsers for
 * package.json / workflows), then every rule on code files with the parser setup.
 */
export function lintConfig(
  setup: ParserSetup,
  rules: Linter.RulesRecord = allRulesOn(),
  pluginObject: unknown = plugin,
): Linter.Config[] {
  return [
    ...(pluginObject === plugin ? (plugin.configs.all as unknown as Linter.Config[]) : []),
    {
      files: [CODE_GLOB],
      languageOptions: languageOptions(setup),
      plugins: { "drizzle-guard": pluginObject as never },
      rules,
    },
  ];
}

export interface LintOutcome {
  messages: Linter.LintMessage[];
  fatal: Linter.LintMessage[];
  /** Messages of drizzle-guard rules. */
  findings: Linter.LintMessage[];
}

/** Lints `code` as `filename` (absolute, or relative to `cwd`). Rule crashes throw. */
export function lint(code: string, filename: string, config: Linter.Config[], cwd = fixturesDir): LintOutcome {
  const linter = new Linter({ configType: "flat", cwd });
  const messages = linter.verify(code, config, path.resolve(cwd, filename));
  return {
    messages,
    fatal: messages.filter((m) => m.fatal),
    findings: messages.filter((m) => m.ruleId?.startsWith("drizzle-guard/")),
  };
}

/** Applies one suggestion's fix to `code`. */
export function applyFix(code: string, fix: { range: [number, number]; text: string }): string {
  return code.slice(0, fix.range[0]) + fix.text + code.slice(fix.range[1]);
}

export { plugin, fixturesDir };
