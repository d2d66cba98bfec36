// The repository lints itself: typescript-eslint's strict type-checked rules
// and this plugin's own recommended config (from dist/, which `npm install` builds).
import tseslint from "typescript-eslint";
import drizzleGuard from "./dist/index.js";

const code = ["src/**/*.ts", "tests/**/*.ts"];

export default tseslint.config(
  {
    // fixtures are inputs with deliberate mistakes; dist and generated projects are build output
    ignores: ["dist/**", "dist-tsc/**", "tests/fixtures/**", "tests/.tmp/**", "bench/**", "scripts/**", "examples/**", "**/*.{js,mjs,cjs}"],
  },
  {
    files: code,
    extends: [...tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // the TypeScript AST's types say `parent`, `declarations`, ... are always set; the engine checks anyway (broken and synthetic trees)
      "@typescript-eslint/no-unnecessary-condition": "off",
      // `!` after index and Map look-ups the code has just established (~90 sites; noUncheckedIndexedAccess is off)
      "@typescript-eslint/no-non-null-assertion": "off",
      // the same `!`s are "unnecessary" only because noUncheckedIndexedAccess is off: they document a possible miss
      "@typescript-eslint/no-unnecessary-type-assertion": "off",
      // one-line arrows that return a void call (`(x) => out.push(x)`, `() => void run()`) are the house style
      "@typescript-eslint/no-confusing-void-expression": "off",
      // `isTypeOnly` and `RuleModule.defaultOptions` are the APIs that work across the supported TypeScript 5.4-6.0 and ESLint 9/10
      "@typescript-eslint/no-deprecated": "off",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true, allowNullish: true, allowRegExp: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["tests/**/*.ts"],
    rules: {
      // tests read untyped JSON (CLI JSON and SARIF output, package.json, dynamic imports of dist/)
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // tests wrap checker methods (`const original = checker.getTypeAtLocation`) to count or fail calls
      "@typescript-eslint/unbound-method": "off",
    },
  },
  // this plugin's own recommended config, on our code (and on package.json / workflows, as users get it)
  ...drizzleGuard.configs.recommended.map((config) =>
    config.files?.some((f) => f.startsWith("**/*.{ts")) ? { ...config, files: code } : config,
  ),
);
