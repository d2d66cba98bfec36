import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // fixture files named like tests (e.g. for the push rule's test-file exemption) are inputs, not tests
    exclude: ["tests/fixtures/**", "**/node_modules/**"],
    // the engine's guard() rethrows instead of falling back: a "don't know" exit hiding our bug fails the test
    env: { DRIZZLE_GUARD_DEBUG: "1" },
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
    // a worker runs its test files in one module graph: typescript, typescript-eslint and the
    // plugin are loaded once per worker, not once per file (the sources keep no module state)
    isolate: false,
    // ...but typescript-eslint's per-process parser caches are cleared after each file
    setupFiles: ["tests/setup.ts"],
    // typed linting is CPU-bound: one worker per core
    maxWorkers: 2,
  },
});
