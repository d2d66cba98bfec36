import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CLEAN_QUERIES_TS,
  CLEAN_SCHEMA_TS,
  COMPILER_OPTIONS,
  DB_TS,
  QUERIES_TS,
  SCHEMA_TS,
  distTransformer,
  ensureBuilt,
  removeProject,
  repoRoot,
  run,
  tempProject,
} from "./helpers.js";

/** ts-patch end to end: the built CJS transformer loaded by `tspc` from a tsconfig `plugins` entry. */
const tspc = path.join(repoRoot, "node_modules/ts-patch/bin/tspc.js");

function project(files: { schema: string; queries: string }, plugin: Record<string, unknown> = {}): string {
  return tempProject({
    "tsconfig.json": JSON.stringify(
      { compilerOptions: { ...COMPILER_OPTIONS, plugins: [{ transform: distTransformer, ...plugin }] }, include: ["src"] },
      null,
      2,
    ),
    "src/db.ts": DB_TS,
    "src/schema.ts": files.schema,
    "src/queries.ts": files.queries,
  });
}

const drizzleLines = (stdout: string): string[] => stdout.split("\n").filter((l) => l.includes("[drizzle-guard/"));

describe("ts-patch (tspc) end to end", () => {
  const dirs: string[] = [];
  const make = (...args: Parameters<typeof project>): string => {
    const dir = project(...args);
    dirs.push(dir);
    return dir;
  };

  beforeAll(() => {
    ensureBuilt();
  }, 300_000);
  afterAll(() => dirs.forEach(removeProject));

  it("fails the build with one diagnostic per finding, and still emits the unchanged JavaScript", () => {
    const dir = make({ schema: SCHEMA_TS, queries: QUERIES_TS });
    const result = run(process.execPath, [tspc, "-p", "tsconfig.json", "--pretty", "false"], dir);
    expect(result.status, result.stderr).not.toBe(0);
    expect(drizzleLines(result.stdout)).toEqual([
      expect.stringMatching(/^src\/queries\.ts\(6,9\): error TS991010: \[drizzle-guard\/enforce-update-with-where\] db\.update\(authors\) /),
      expect.stringMatching(/^src\/schema\.ts\(10,3\): error TS991001: \[drizzle-guard\/require-foreign-key-index\] Foreign key books/),
    ]);
    const emitted = fs.readFileSync(path.join(dir, "out/queries.js"), "utf8");
    expect(emitted).toContain('await db.update(authors).set({ name: "x" });');
  });

  it("passes a clean project", () => {
    const dir = make({ schema: CLEAN_SCHEMA_TS, queries: CLEAN_QUERIES_TS });
    const result = run(process.execPath, [tspc, "-p", "tsconfig.json", "--pretty", "false"], dir);
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });

  it("reads rules from the plugins entry", () => {
    const dir = make({ schema: SCHEMA_TS, queries: QUERIES_TS }, { rules: { "drizzle-guard/require-foreign-key-index": "off" } });
    const result = run(process.execPath, [tspc, "-p", "tsconfig.json", "--pretty", "false"], dir);
    expect(drizzleLines(result.stdout)).toEqual([expect.stringContaining("[drizzle-guard/enforce-update-with-where]")]);
    expect(result.status).not.toBe(0);
  });

  it("runs no transformer with --noEmit (use the CLI instead)", () => {
    const dir = make({ schema: SCHEMA_TS, queries: QUERIES_TS });
    const result = run(process.execPath, [tspc, "-p", "tsconfig.json", "--pretty", "false", "--noEmit"], dir);
    expect(drizzleLines(result.stdout)).toEqual([]);
    expect(result.status).toBe(0);
  });
});
