// The consumer setup from the README: typed linting through the
// typescript-eslint parser and the project service, plus the preset.
// The plugin is imported from the BUILT package (`npm run build`).
import tseslint from "typescript-eslint";
import drizzleGuard from "../dist/index.js";

export default [
  { ignores: ["dist/"] },
  {
    files: ["**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  ...drizzleGuard.configs.recommended,
  {
    // require-owner-filter is not in `recommended`: which columns name an owner
    // or a tenant is project-specific, so it is enabled with them spelled out.
    files: ["**/*.ts"],
    rules: {
      "drizzle-guard/require-owner-filter": ["error", { ownerColumns: ["userId"], scopeColumns: ["orgId"] }],
    },
  },
];
