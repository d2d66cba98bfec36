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
  /** Glob patterns that do not depend on the project. */
  files: string[];
  /**
   * The patterns for a project root, when they depend on its files (the
   * drizzle configs' `out` folders); replaces `files` in the configs.
   * Called when a config is built for a root or first read, never at import.
   */
  filesIn?: (root: string) => string[];
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
 * A parser for plain-text files (Dockerfile, Procfile, TOML, shell scripts):
 * an empty Program spanning the text. Rules read `sourceCode.text`.
 */
export const plainTextParser = {
  meta: { name: "drizzle-guard/plain-text" },
  parseForESLint(text: string) {
    const lines = text.split(/\r\n|\r|\n/);
    const last = lines[lines.length - 1] ?? "";
    return {
      ast: {
        type: "Program",
        sourceType: "script",
        body: [],
        tokens: [],
        comments: [],
        range: [0, text.length],
        loc: { start: { line: 1, column: 0 }, end: { line: lines.length, column: last.length } },
      },
      visitorKeys: { Program: [] },
    };
  },
};

/**
 * Text deploy files: Dockerfiles, Procfiles, fly/railway/nixpacks TOML, shell
 * scripts under `scripts/`. Other shell scripts (`docker-entrypoint.sh`) are
 * checked through the entry point that runs them, which knows whether it is
 * a production start.
 */
export const DEPLOY_TEXT: FileLanguage = {
  name: "deploy-files",
  files: [
    "**/Dockerfile",
    "**/Dockerfile.*",
    "**/*.Dockerfile",
    "**/*.dockerfile",
    "**/Containerfile",
    "**/Procfile",
    "**/fly.toml",
    "**/fly.*.toml",
    "**/railway.toml",
    "**/nixpacks.toml",
    "**/scripts/*.sh",
  ],
  parser: plainTextParser as unknown as TSESLint.FlatConfig.Parser,
};

/** YAML deploy files: compose files and render.yaml. */
export const DEPLOY_YAML: FileLanguage = {
  name: "deploy-yaml",
  files: ["**/docker-compose*.{yml,yaml}", "**/compose*.{yml,yaml}", "**/render.{yml,yaml}"],
  parser: yamlParser as unknown as TSESLint.FlatConfig.Parser,
};

/** JSON deploy files: railway.json, vercel.json, app.json (Heroku). */
export const DEPLOY_JSON: FileLanguage = {
  name: "deploy-json",
  files: ["**/railway.json", "**/vercel.json", "**/app.json"],
  parser: jsoncParser as unknown as TSESLint.FlatConfig.Parser,
};

/**
 * drizzle-kit migration files, parsed by PostgreSQL's parser: any `drizzle/`
 * folder, and the `out` folders of the drizzle configs found in the project
 * root (read when the config is built for a root, or first read).
 */
export const DRIZZLE_MIGRATIONS: FileLanguage = {
  name: "drizzle-migrations",
  files: ["**/drizzle/**/*.sql"],
  filesIn: migrationFilePatterns,
  parser: migrationParser as unknown as TSESLint.FlatConfig.Parser,
};
