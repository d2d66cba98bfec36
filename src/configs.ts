import type { TSESLint } from "@typescript-eslint/utils";
import type { AnalyzerRule } from "./utils/create-rule.js";

type AnyRule = { meta?: { docs?: { recommended?: boolean } } } | AnalyzerRule<readonly unknown[], string>;

/** Files the typed code rules apply to. */
export const CODE_FILES = ["**/*.{ts,tsx,mts,cts}"];

/**
 * Flat-config arrays users spread: `...drizzleGuard.configs.recommended`.
 * Code rules need typed linting (`parserOptions.projectService: true`).
 */
export function buildConfigs(plugin: { rules: Record<string, AnyRule> }): Record<"recommended" | "all", TSESLint.FlatConfig.ConfigArray> {
  const ruleEntries = (filter: (rule: AnyRule) => boolean): Record<string, TSESLint.FlatConfig.RuleEntry> =>
    Object.fromEntries(
      Object.entries(plugin.rules)
        .filter(([, rule]) => filter(rule))
        .map(([ruleName]) => [`drizzle-guard/${ruleName}`, "error" as const]),
    );
  const make = (filter: (rule: AnyRule) => boolean, configName: string): TSESLint.FlatConfig.ConfigArray => [
    {
      name: `drizzle-guard/${configName}`,
      files: CODE_FILES,
      plugins: { "drizzle-guard": plugin as unknown as TSESLint.FlatConfig.Plugin },
      rules: ruleEntries(filter),
    },
  ];
  return {
    recommended: make((rule) => rule.meta?.docs?.recommended === true, "recommended"),
    all: make(() => true, "all"),
  };
}
