import { clearCaches } from "@typescript-eslint/parser";
import { afterAll } from "vitest";

// With `isolate: false` a worker runs several test files in one module graph.
// typescript-eslint keeps one project service (created with the first file's
// options) and its watch programs per process: each test file starts from a
// clean parser state, as it would in a process of its own.
afterAll(() => {
  clearCaches();
});
