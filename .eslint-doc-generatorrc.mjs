/** @type {import('eslint-doc-generator').GenerateOptions} */
export default {
  configEmoji: [["recommended", "✅"]],
  ignoreConfig: ["all"],
  ruleDocSectionInclude: ["Examples", "Options"],
  // Every doc has "## Options", also rules without options ("This rule has no options."):
  // the Include above requires it, so the generator must not forbid it.
  ruleDocSectionOptions: false,
  ruleDocTitleFormat: "prefix-name",
  ruleListColumns: ["name", "description", "configsError", "hasSuggestions", "requiresTypeChecking", "options"],
  pathRuleDoc: "docs/rules/{name}.md",
  pathRuleList: "README.md",
  urlRuleDoc: "https://github.com/drizzle-guard/eslint-plugin-drizzle-guard/blob/main/docs/rules/{name}.md",
};
