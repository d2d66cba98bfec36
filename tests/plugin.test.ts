import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { DOCS_BASE_URL } from "../src/rules/support/create-rule.js";
import * as versionModule from "../src/version.js";
import { distEntry, ensureBuilt, repoRoot } from "../scripts/ensure-build.mjs";

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
  name: string;
  version: string;
  exports: Record<string, unknown>;
};
const ruleEntries = Object.entries(plugin.rules) as [string, PluginRule][];

interface PluginRule {
  meta?: {
    type?: string;
    docs?: { url?: string; description?: string; recommended?: boolean };
    messages?: Record<string, string>;
    schema?: unknown;
  };
  create?: unknown;
}

type JsonSchema = Record<string, unknown>;

/**
 * Problems in a rule's JSON schema: objects without `additionalProperties:
 * false`, properties without a `description`. Walks nested schemas.
 */
function schemaProblems(schema: unknown, at = "schema"): string[] {
  if (Array.isArray(schema)) return schema.flatMap((s, i) => schemaProblems(s, `${at}[${i}]`));
  if (!schema || typeof schema !== "object") return [];
  const node = schema as JsonSchema;
  const problems: string[] = [];
  const properties = node.properties as Record<string, JsonSchema> | undefined;
  const isObject = node.type === "object" || (Array.isArray(node.type) && node.type.includes("object")) || !!properties;
  if (isObject && node.additionalProperties !== false) problems.push(`${at}: additionalProperties must be false`);
  for (const [key, property] of Object.entries(properties ?? {})) {
    const description = property && typeof property === "object" ? property.description : undefined;
    if (typeof description !== "string" || description.trim() === "") problems.push(`${at}.properties.${key}: no description`);
    problems.push(...schemaProblems(property, `${at}.properties.${key}`));
  }
  for (const key of ["items", "additionalItems", "anyOf", "oneOf", "allOf", "not", "then", "else"]) {
    if (key in node) problems.push(...schemaProblems(node[key], `${at}.${key}`));
  }
  for (const key of ["definitions", "$defs", "patternProperties"]) {
    const group = node[key] as Record<string, unknown> | undefined;
    for (const [name, sub] of Object.entries(group ?? {})) problems.push(...schemaProblems(sub, `${at}.${key}.${name}`));
  }
  return problems;
}

/** Rule names enabled (any non-"off" severity) across a flat-config array. */
function enabledRules(config: readonly unknown[]): string[] {
  const names = new Set<string>();
  for (const entry of config) {
    const rules = (entry as { rules?: Record<string, unknown> }).rules ?? {};
    for (const [name, setting] of Object.entries(rules)) {
      const severity = Array.isArray(setting) ? setting[0] : setting;
      if (severity !== "off" && severity !== 0) names.add(name);
    }
  }
  return [...names].sort();
}

function filesUnder(dir: string, filter: (file: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).map((f) => path.join(dir, f)).filter(filter);
}

describe("schemaProblems (the checker itself)", () => {
  it("accepts a complete schema and reports each missing piece", () => {
    const good = [{ type: "object", additionalProperties: false, properties: { a: { type: "string", description: "A." } } }];
    expect(schemaProblems(good)).toEqual([]);
    const bad = [
      {
        type: "object",
        properties: {
          a: { type: "string" },
          b: {
            type: "array",
            description: "B.",
            items: { type: "object", properties: { c: { type: "string", description: "C." } } },
          },
        },
      },
    ];
    expect(schemaProblems(bad)).toEqual([
      "schema[0]: additionalProperties must be false",
      "schema[0].properties.a: no description",
      "schema[0].properties.b.items: additionalProperties must be false",
    ]);
  });
});

describe("plugin object", () => {
  it("has the shape { meta: { name, version }, rules, configs: { recommended, all }, configsFor(root) }", () => {
    expect(Object.keys(plugin).sort()).toEqual(["configs", "configsFor", "meta", "rules"]);
    expect(Object.keys(plugin.configsFor(repoRoot)).sort()).toEqual(["all", "recommended"]);
    expect(plugin.meta).toEqual({ name: pkg.name, version: pkg.version });
    expect(Object.keys(plugin.configs).sort()).toEqual(["all", "recommended"]);
    expect(ruleEntries.length).toBeGreaterThan(0);
  });

  it("src/version.ts is in sync with package.json", () => {
    expect(versionModule.name).toBe(pkg.name);
    expect(versionModule.version).toBe(pkg.version);
  });

  it("package exports the plugin and reserves ./transformer", () => {
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining([".", "./transformer"]));
  });

  for (const configName of ["recommended", "all"] as const) {
    it(`configs.${configName} is a flat-config array of named entries that register the plugin`, () => {
      const config = plugin.configs[configName];
      expect(Array.isArray(config)).toBe(true);
      expect(config.length).toBeGreaterThan(0);
      for (const entry of config) {
        expect(typeof entry).toBe("object");
        expect(entry.name).toMatch(/^drizzle-guard\//);
        // flat config has no eslintrc keys
        for (const legacy of ["extends", "env", "parser", "overrides", "parserOptions"]) expect(entry).not.toHaveProperty(legacy);
        if (entry.rules) expect(entry.plugins?.["drizzle-guard"]).toBe(plugin);
        for (const ruleName of Object.keys(entry.rules ?? {})) {
          expect(ruleName).toMatch(/^drizzle-guard\//);
          expect(plugin.rules).toHaveProperty(ruleName.slice("drizzle-guard/".length));
        }
      }
    });
  }

  it("configs.all enables every rule, configs.recommended exactly the recommended ones", () => {
    const all = ruleEntries.map(([name]) => `drizzle-guard/${name}`).sort();
    const recommended = ruleEntries.filter(([, rule]) => rule.meta?.docs?.recommended === true).map(([name]) => `drizzle-guard/${name}`);
    expect(enabledRules(plugin.configs.all)).toEqual(all);
    expect(enabledRules(plugin.configs.recommended)).toEqual(recommended.sort());
  });

  it("registers every rule module in src/rules", () => {
    const modules = fs
      .readdirSync(path.join(repoRoot, "src", "rules"))
      .filter((f) => f.endsWith(".ts") && f !== "index.ts")
      .map((f) => f.replace(/\.ts$/, ""))
      .sort();
    expect(Object.keys(plugin.rules).sort()).toEqual(modules);
  });
});

describe.each(ruleEntries)("rule %s", (ruleName, rule) => {
  it("has meta: type, docs url, description, messages", () => {
    expect(rule.meta?.type).toMatch(/^(problem|suggestion|layout)$/);
    expect(rule.meta?.docs?.url).toBe(`${DOCS_BASE_URL}/${ruleName}.md`);
    expect(rule.meta?.docs?.description).toEqual(expect.any(String));
    expect(rule.meta?.docs?.description?.trim().length).toBeGreaterThan(10);
    expect(Object.keys(rule.meta?.messages ?? {}).length).toBeGreaterThan(0);
    expect(typeof rule.create).toBe("function");
  });

  it("has a schema with additionalProperties: false and a description on every property", () => {
    expect(rule.meta?.schema).toBeDefined();
    expect(schemaProblems(rule.meta?.schema)).toEqual([]);
  });

  it(`has docs/rules/${ruleName}.md with examples and options`, () => {
    const docPath = path.join(repoRoot, "docs", "rules", `${ruleName}.md`);
    expect(fs.existsSync(docPath), `${docPath} exists`).toBe(true);
    const doc = fs.readFileSync(docPath, "utf8");
    expect(doc.split("\n")[0]).toBe(`# drizzle-guard/${ruleName}`);
    expect(doc).toContain("<!-- end auto-generated rule header -->");
    const examples = doc.indexOf("\n## Examples");
    const options = doc.indexOf("\n## Options");
    expect(examples).toBeGreaterThan(0);
    expect(options).toBeGreaterThan(examples);
    const exampleSection = doc.slice(examples, options);
    expect(exampleSection).toContain("❌");
    expect(exampleSection).toContain("✅");
    expect(exampleSection).toContain("```");
    expect(doc).toContain("<!-- begin auto-generated rule options list -->");
    expect(doc).toContain("<!-- end auto-generated rule options list -->");
    expect(doc).toMatch(/^## When not to use it/im);
  });

  it("is exercised by a RuleTester test", () => {
    const self = path.join(repoRoot, "tests", "plugin.test.ts");
    const testFiles = filesUnder(path.join(repoRoot, "tests"), (f) => f.endsWith(".ts") && f !== self && !f.includes(`${path.sep}fixtures${path.sep}`));
    const testing = testFiles.filter((file) => {
      const text = fs.readFileSync(file, "utf8");
      const namesRule = text.includes(`rules/${ruleName}.js`) || new RegExp(`["'\`]${ruleName}["'\`]`).test(text);
      return namesRule && /RuleTester|ruleTester/.test(text);
    });
    expect(testing, `a RuleTester test file that imports src/rules/${ruleName} or runs it`).not.toEqual([]);
  });
});

describe("built package", () => {
  beforeAll(() => ensureBuilt(), 300_000);

  it("dist ESM and CJS entries export the same plugin as src", async () => {
    const esm = ((await import(pathToFileURL(distEntry).href)) as { default: typeof plugin }).default;
    const cjs = createRequire(import.meta.url)(path.join(repoRoot, "dist", "index.cjs")) as typeof plugin;
    for (const built of [esm, cjs]) {
      expect(built.meta).toEqual(plugin.meta);
      expect(Object.keys(built.rules).sort()).toEqual(Object.keys(plugin.rules).sort());
      expect(built.configs.recommended[0]?.plugins?.["drizzle-guard"]).toBe(built);
    }
  });

  it("rule docs and the README rules list are up to date (eslint-doc-generator --check)", () => {
    const bin = path.join(repoRoot, "node_modules", "eslint-doc-generator", "dist", "bin", "eslint-doc-generator.js");
    const result = spawnSync(process.execPath, [bin, "--check"], { cwd: repoRoot, encoding: "utf8" });
    expect(result.error).toBeUndefined();
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
  });
});
