// Kept in sync with package.json by tests/plugin.test.ts.
export const name = "eslint-plugin-drizzle-guard";
export const version = "0.1.0";
