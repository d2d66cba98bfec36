import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate, repoRoot } from "../bench/generate.mjs";

/**
 * ESLint's own modes with the BUILT plugin on a small generated typed project
 * (bench/generate.mjs): `--concurrency` (ESLint ≥ 9.34) and `--cache` give the
 * same findings as a plain run. (`--concurrency auto` is not run: ESLint
 * starts no worker threads for fewer than 51 files, so on this project it is
 * the plain run again.)
 */

const eslintBin = path.join(repoRoot, "node_modules/eslint/bin/eslint.js");
const dir = path.join(repoRoot, "tests/.tmp", `eslint-modes-${process.pid}`);
const cacheFile = path.join(dir, ".cache/eslintcache");

type Finding = string; // "file:line:column ruleId"

function eslint(...args: string[]): Finding[] {
  const run = spawnSync(process.execPath, [eslintBin, "-f", "json", ...args, "src"], {
    cwd: dir,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  // 0: no problems, 1: problems found; anything else is a crash or a config error
  expect([0, 1], run.stderr).toContain(run.status);
  const results = JSON.parse(run.stdout) as Array<{ filePath: string; messages: Array<{ line: number; column: number; ruleId: string | null; fatal?: boolean; message: string }> }>;
  const fatal = results.flatMap((r) => r.messages.filter((m) => m.fatal || !m.ruleId).map((m) => `${r.filePath}: ${m.message}`));
  expect(fatal).toEqual([]);
  return results
    .flatMap((r) => r.messages.map((m) => `${path.relative(dir, r.filePath).split(path.sep).join("/")}:${m.line}:${m.column} ${m.ruleId}`))
    .sort();
}

let plain: Finding[];

beforeAll(() => {
  if (!fs.existsSync(path.join(repoRoot, "dist/index.js"))) execFileSync("npm", ["run", "build"], { cwd: repoRoot, stdio: "ignore" });
  generate({ dir, tables: 6, files: 4 });
  plain = eslint();
}, 300_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("ESLint modes give the same findings", () => {
  it("the plain run has findings of several rules", () => {
    const rules = new Set(plain.map((f) => f.split(" ")[1]));
    expect(rules.size).toBeGreaterThanOrEqual(2);
  });

  it("the installed ESLint supports --concurrency", () => {
    const [major, minor] = (JSON.parse(fs.readFileSync(path.join(repoRoot, "node_modules/eslint/package.json"), "utf8")) as { version: string }).version
      .split(".")
      .map(Number);
    expect(major > 9 || (major === 9 && minor >= 34)).toBe(true);
  });

  it("--concurrency 2 (worker threads, each with its own TypeScript program)", () => {
    expect(eslint("--concurrency", "2")).toEqual(plain);
  });

  it("--cache: the first run and the cached run", () => {
    fs.rmSync(cacheFile, { force: true });
    expect(eslint("--cache", "--cache-location", cacheFile)).toEqual(plain);
    expect(fs.existsSync(cacheFile)).toBe(true);
    expect(eslint("--cache", "--cache-location", cacheFile)).toEqual(plain);
  });
});
