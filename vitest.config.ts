import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The slowest files (they start processes or build many programs), longest
 * first, so that on a fresh clone, without vitest's duration cache, two
 * workers do not end with one long file running alone. Other files keep
 * vitest's order (cached durations, else size).
 */
const SLOW_FIRST = [
  "tests/e2e/pack.test.ts",
  "tests/eslint-modes.test.ts",
  "tests/docs.test.ts",
  "tests/transformer/cli.test.ts",
  "tests/transformer/parity.test.ts",
  "tests/oracle.test.ts",
  "tests/transformer/tspc.test.ts",
  "tests/migrations.test.ts",
  "tests/require-transaction.test.ts",
  "tests/transformer/cli-deploy.test.ts",
  "tests/require-owner-filter.test.ts",
];

class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = SLOW_FIRST.findIndex((slow) => file.moduleId.replaceAll("\\", "/").endsWith(slow));
      return index === -1 ? SLOW_FIRST.length : index;
    };
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

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
    sequence: { sequencer: SlowFirstSequencer },
  },
});
