import type { TSESLint } from "@typescript-eslint/utils";
import type { AnalyzerRule } from "./rules/support/create-rule.js";
import type { FileLanguage } from "./file-languages.js";

type AnyRule = ({ meta?: { docs?: { recommended?: boolean; recommendedOptions?: readonly unknown[] } } } | AnalyzerRule<readonly unknown[], string>) & {
  /** Non-code files the rule also lints (package.json, workflows), each with its parser. */
  fileLanguages?: readonly FileLanguage[];
  /** false: the rule lints only its file languages (drizzle-kit migrations), not code. */
  lintsCode?: boolean;
};

/** Extensions of the files the typed code rules apply to (ESLint configs and the transformer/CLI alike). */
export const CODE_EXTENSIONS = ["ts", "tsx", "mts", "cts"] as const;

/** Files the typed code rules apply to. */
export const CODE_FILES = [`**/*.{${CODE_EXTENSIONS.join(",")}}`];

/**
 * A config object's `files` for a file language: for a language whose patterns
 * depend on the project (drizzle configs' `out`), those of `root`; without a
 * root, those of the working directory at the time ESLint (or the user) first
 * reads `files`, not at import.
 */
function withFiles<T extends object>(config: T, language: FileLanguage, root: string | undefined): T & { files: string[] } {
  const { filesIn } = language;
  if (!filesIn) return { ...config, files: language.files };
  if (root !== undefined) return { ...config, files: filesIn(root) };
  let files: string[] | undefined;
  return Object.defineProperty(config, "files", {
    get: () => (files ??= filesIn(process.cwd())),
    set: (value: string[]) => {
      files = value;
    },
    enumerable: true,
    configurable: true,
  }) as T & { files: string[] };
}

/**
 * Flat-config arrays users spread: `...drizzleGuard.configs.recommended`.
 * Code rules need typed linting (`parserOptions.projectService: true`).
 * Rules that also lint other files get one extra config object per file
 * language, which sets the parser for those files and enables only them.
 * `root` is the project folder whose drizzle configs name the migration
 * folders; without it, the working directory when `files` is first read.
 */
export function buildConfigs(plugin: { rules: Record<string, AnyRule> }, root?: string): Record<"recommended" | "all", TSESLint.FlatConfig.ConfigArray> {
  const plugins = { "drizzle-guard": plugin as unknown as TSESLint.FlatConfig.Plugin };
  const make = (filter: (rule: AnyRule) => boolean, configName: "recommended" | "all"): TSESLint.FlatConfig.ConfigArray => {
    // `recommended` sets each rule's recommendedOptions (e.g. `codeRoles: ["application"]`); `all` keeps the defaults
    const ruleEntries = (names: readonly string[]): Record<string, TSESLint.FlatConfig.RuleEntry> =>
      Object.fromEntries(
        names.map((ruleName) => {
          const options = configName === "recommended" ? plugin.rules[ruleName]?.meta?.docs?.recommendedOptions : undefined;
          return [`drizzle-guard/${ruleName}`, options ? (["error", ...options] as TSESLint.FlatConfig.RuleEntry) : ("error" as const)];
        }),
      );
    const selected = Object.entries(plugin.rules).filter(([, rule]) => filter(rule));
    const languages = new Map<string, { language: FileLanguage; rules: string[] }>();
    for (const [ruleName, rule] of selected) {
      for (const language of rule.fileLanguages ?? []) {
        const group = languages.get(language.name) ?? { language, rules: [] };
        group.rules.push(ruleName);
        languages.set(language.name, group);
      }
    }
    return [
      {
        name: `drizzle-guard/${configName}`,
        files: CODE_FILES,
        plugins,
        rules: ruleEntries(selected.filter(([, rule]) => rule.lintsCode !== false).map(([ruleName]) => ruleName)),
      },
      ...[...languages.values()].map(({ language, rules }) =>
        withFiles(
          {
            name: `drizzle-guard/${configName}/${language.name}`,
            languageOptions: { parser: language.parser },
            plugins,
            rules: ruleEntries(rules),
          },
          language,
          root,
        ),
      ),
    ];
  };
  return {
    recommended: make((rule) => rule.meta?.docs?.recommended === true, "recommended"),
    all: make(() => true, "all"),
  };
}
