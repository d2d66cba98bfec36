import requireForeignKeyIndex from "./require-foreign-key-index.js";

/**
 * Every rule of the plugin, by name. Engine rules (those with `analyze`) also
 * run in the TypeScript transformer and CLI.
 */
export const rules = {
  "require-foreign-key-index": requireForeignKeyIndex,
};

export type RuleName = keyof typeof rules;
