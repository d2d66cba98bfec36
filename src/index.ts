import type { TSESLint } from "@typescript-eslint/utils";
import { rules } from "./rules/index.js";
import { buildConfigs } from "./configs.js";
import { name, version } from "./version.js";

const plugin = {
  meta: { name, version },
  rules,
  configs: {} as Record<"recommended" | "all", TSESLint.FlatConfig.ConfigArray>,
};

plugin.configs = buildConfigs(plugin);

export default plugin;
