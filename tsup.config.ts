import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "transformer/index": "src/transformer/index.ts",
    cli: "src/transformer/cli.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "node20",
  sourcemap: false,
  splitting: false,
  shims: true,
  external: ["typescript", "eslint", "@typescript-eslint/utils", "yaml-eslint-parser", "jsonc-eslint-parser"],
});
