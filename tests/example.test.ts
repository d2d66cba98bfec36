import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";
import { countByRule, examplesDir, lintExample } from "../scripts/example.mjs";
import plugin from "../src/index.js";

/**
 * The example app marks each planted bug with `// BUG(drizzle-guard/<rule>): why`.
 * A marker expects a finding of that rule on the code after it: the following
 * lines indented at least as deep as the marker, up to a blank line. Findings
 * without a marker fail the test (the near misses must stay quiet). Markers
 * of rules the plugin does not have yet are skipped.
 */
interface Expectation {
  rule: string;
  file: string;
  marker: number;
  from: number;
  to: number;
}

const MARKER = /^(\s*)\/\/\s*BUG\((drizzle-guard\/[a-z-]+)\)/;

function markersIn(file: string): Expectation[] {
  const lines = fs.readFileSync(path.join(examplesDir, file), "utf8").split("\n");
  const expectations: Expectation[] = [];
  lines.forEach((line, index) => {
    const match = MARKER.exec(line);
    if (!match) return;
    const indent = match[1]!.length;
    let to = index + 1;
    while (to < lines.length) {
      const next = lines[to]!;
      if (next.trim() === "" || next.search(/\S/) < indent) break;
      to++;
    }
    // 1-based lines; skip the marker's own comment lines
    let from = index + 2;
    while (from <= to && /^\s*\/\//.test(lines[from - 1]!)) from++;
    expectations.push({ rule: match[2]!, file, marker: index + 1, from, to });
  });
  return expectations;
}

/** `package.json` cannot hold comments: its planted bug is listed here. */
function packageJsonExpectations(): Expectation[] {
  const lines = fs.readFileSync(path.join(examplesDir, "package.json"), "utf8").split("\n");
  const deploy = lines.findIndex((line) => line.includes('"deploy":')) + 1;
  // `deploy` runs `npm run db:push`, which runs `drizzle-kit push` against production.
  return [{ rule: "drizzle-guard/no-push-in-production", file: "package.json", marker: deploy, from: deploy, to: deploy }];
}

const sourceFiles = fs
  .readdirSync(path.join(examplesDir, "src"), { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".ts"))
  .map((f) => path.join("src", f).split(path.sep).join("/"))
  .sort();
const expectations = [...sourceFiles.flatMap(markersIn), ...packageJsonExpectations()];
const hasRule = (rule: string) => rule.slice("drizzle-guard/".length) in plugin.rules;

interface Found {
  rule: string | null;
  file: string;
  line: number;
  message: string;
}

describe("examples/ (npm run example)", () => {
  let results: ESLint.LintResult[] = [];
  let found: Found[] = [];

  beforeAll(async () => {
    ({ results } = await lintExample());
    found = results.flatMap((result) =>
      result.messages.map((m) => ({
        rule: m.ruleId,
        file: path.relative(examplesDir, result.filePath).split(path.sep).join("/"),
        line: m.line,
        message: m.message,
      })),
    );
  }, 600_000);

  it("has planted bugs for at least eight rules, spread over the app", () => {
    expect(new Set(expectations.map((e) => e.rule)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(expectations.map((e) => e.file)).size).toBeGreaterThanOrEqual(6);
    for (const e of expectations) expect(e.from, `${e.file}:${e.marker} marks some code`).toBeLessThanOrEqual(e.to);
  });

  it("lints every file with type information (no parse or project errors)", () => {
    expect(found.filter((f) => f.rule === null)).toEqual([]);
    const linted = results.map((r) => path.relative(examplesDir, r.filePath).split(path.sep).join("/"));
    expect(linted).toEqual(expect.arrayContaining(sourceFiles));
  });

  for (const e of expectations) {
    const title = `${e.rule} finds the bug marked at ${e.file}:${e.marker}`;
    it.skipIf(!hasRule(e.rule))(title, () => {
      const hits = found.filter((f) => f.rule === e.rule && f.file === e.file && f.line >= e.from && f.line <= e.to);
      expect(hits, `expected ${e.rule} in ${e.file} lines ${e.from}-${e.to}; found ${JSON.stringify(found)}`).not.toEqual([]);
    });
  }

  it("reports nothing outside the marked bugs", () => {
    const unexpected = found.filter(
      (f) => f.rule !== null && !expectations.some((e) => e.rule === f.rule && e.file === f.file && f.line >= e.from && f.line <= e.to),
    );
    expect(unexpected).toEqual([]);
  });

  it("type-checks (the planted bugs are real code, not type errors)", () => {
    const tsc = path.join(examplesDir, "..", "node_modules", "typescript", "bin", "tsc");
    const result = spawnSync(process.execPath, [tsc, "-p", path.join(examplesDir, "tsconfig.json"), "--noEmit"], { encoding: "utf8" });
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });

  it("summarizes the findings per rule", () => {
    const counts = new Map(countByRule(results));
    for (const rule of new Set(expectations.map((e) => e.rule).filter(hasRule))) expect(counts.get(rule)).toBeGreaterThan(0);
  });
});
