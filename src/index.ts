import type { TSESLint } from "@typescript-eslint/utils";
import { rules } from "./rules/index.js";
import { buildConfigs } from "./configs.js";
import { name, version } from "./version.js";

const plugin = {
  meta: { name, version },
  rules,
  configs: {} as Record<"recommended" | "all", TSESLint.FlatConfig.ConfigArray>,
  /**
   * The configs for a project root: the migration rules lint the `out` folders
   * of the drizzle configs found there (`configsFor(import.meta.dirname).recommended`).
   * `configs` finds them from the working directory when ESLint reads them.
   */
  configsFor: (root: string): Record<"recommended" | "all", TSESLint.FlatConfig.ConfigArray> => buildConfigs(plugin, root),
};

plugin.configs = buildConfigs(plugin);

export default plugin;
