import json from "@eslint/json";
import { ESLint as ESLint9 } from "eslint";
import { ESLint as ESLint10 } from "eslint-v10";
import { describe, expect, it } from "vitest";
import { fromJsonAst, toValue } from "../src/checks/no-push-in-production/plain.js";
import plugin from "../src/index.js";
import { fixturesDir } from "./rule-tester.js";

/**
 * Users of @eslint/json give every `*.json` file its JSON language
 * (`language: "json/json"`); package.json then reaches the push check as a
 * momoa tree instead of jsonc-eslint-parser's. The finding must not vanish,
 * whichever config comes last and on both ESLint majors.
 */

const jsonConfig = { name: "user/json", files: ["**/*.json"], language: "json/json", plugins: { json } };
const ORDERS = {
  "@eslint/json after the preset": [...plugin.configs.recommended, jsonConfig],
  "@eslint/json before the preset": [jsonConfig, ...plugin.configs.recommended],
  "@eslint/json's recommended rules too": [...plugin.configs.recommended, { ...jsonConfig, rules: json.configs.recommended.rules }],
};

async function lint(ESLint: typeof ESLint9 | typeof ESLint10, config: unknown[]): Promise<string[]> {
  const eslint = new ESLint({ cwd: fixturesDir, overrideConfigFile: true, overrideConfig: config as never });
  const [result] = await eslint.lintFiles(["cross-version/package.json"]);
  return result!.messages.map((m) => `${m.line}:${m.column}:${m.ruleId ?? m.message}`);
}

describe("no-push-in-production on package.json claimed by @eslint/json", () => {
  for (const [label, config] of Object.entries(ORDERS)) {
    it(`${label}: ESLint 9 and 10 report the production script`, async () => {
      // the same line and column as with the preset's jsonc parser
      const expected = ["9:15:drizzle-guard/no-push-in-production"];
      expect(await lint(ESLint9, config)).toEqual(expected);
      expect(await lint(ESLint10, config)).toEqual(expected);
    });
  }

  it("the preset's own parser gives the same finding", async () => {
    expect(await lint(ESLint9, [...plugin.configs.recommended])).toEqual(["9:15:drizzle-guard/no-push-in-production"]);
  });
});

describe("the plain tree of an @eslint/json document", () => {
  it("reads objects, arrays and every scalar as JSON.parse does", () => {
    const text = JSON.stringify({ name: "app", workspaces: ["apps/*", "packages/*"], scripts: { deploy: "drizzle-kit push" }, n: 1.5, ok: true, none: null, nested: [{ a: [] }] });
    const parsed = (json.languages.json as unknown as { parse(file: { body: string }): { ok: boolean; ast: unknown } }).parse({ body: text });
    expect(parsed.ok).toBe(true);
    expect(toValue(fromJsonAst(parsed.ast))).toEqual(JSON.parse(text));
  });
});
