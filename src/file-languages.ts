import type { TSESLint } from "@typescript-eslint/utils";
import * as jsoncParser from "jsonc-eslint-parser";
import * as yamlParser from "yaml-eslint-parser";
import { migrationFilePatterns } from "./engine/migrations/config.js";
import * as migrationParser from "./migration-parser.js";

/**
 * Non-code files a rule also lints, with the parser ESLint needs for them.
 * A rule lists these in `fileLanguages`; `buildConfigs` emits one config
 * object per language with the rules that declare it.
 */
export interface FileLanguage {
  /** Suffix of the config object's name (`drizzle-guard/recommended/<name>`). */
  name: string;
  files: string[];
  parser: TSESLint.FlatConfig.Parser;
}

export const PACKAGE_JSON: FileLanguage = {
  name: "package-json",
  files: ["**/package.json"],
  parser: jsoncParser as unknown as TSESLint.FlatConfig.Parser,
};

export const GITHUB_WORKFLOWS: FileLanguage = {
  name: "github-workflows",
  files: [".github/workflows/*.{yml,yaml}"],
  parser: yamlParser as unknown as TSESLint.FlatConfig.Parser,
};

/**
 * drizzle-kit migration files: the `out` folders of the drizzle configs found
 * from the working directory (default `drizzle/`), parsed by PostgreSQL's parser.
 */
export const DRIZZLE_MIGRATIONS: FileLanguage = {
  name: "drizzle-migrations",
  files: migrationFilePatterns(process.cwd()),
  parser: migrationParser as unknown as TSESLint.FlatConfig.Parser,
};
