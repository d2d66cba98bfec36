import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // fixture files named like tests (e.g. for the push rule's test-file exemption) are inputs, not tests
    exclude: ["tests/fixtures/**", "**/node_modules/**"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
    // typed linting is CPU-bound: one worker per core
    maxWorkers: 2,
  },
});
