import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "transformer/index": "src/transformer/index.ts",
    cli: "src/transformer/bin.ts",
    // synchronous fallback of the SQL parser (src/engine/migrations/pg-parser.ts), loaded by path
    "pg-parse-worker": "src/engine/migrations/pg-parse-worker.mjs",
  },
  format: ["esm", "cjs"],
  dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
  clean: true,
  target: "node20",
  sourcemap: false,
  splitting: false,
  // `require("eslint-plugin-drizzle-guard")` returns the plugin itself, not `{ default }`.
  footer: ({ format }) =>
    format === "cjs"
      ? { js: 'if (module.exports && module.exports.default && Object.keys(module.exports).length === 1) module.exports = module.exports.default;' }
      : {},
  shims: true,
  external: ["typescript", "eslint", "@typescript-eslint/utils", "yaml-eslint-parser", "jsonc-eslint-parser"],
});
