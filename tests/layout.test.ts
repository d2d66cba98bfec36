import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";

/**
 * The three tiers: src/engine (shared facts) imports nothing from
 * src/checks (per-rule policy) or src/rules (ESLint meta and options);
 * src/checks imports nothing from src/rules. Every rule has its check.
 */
const srcDir = path.join(import.meta.dirname, "..", "src");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** Relative module specifiers of a file's imports and re-exports, resolved to files under src/. */
export function importedFiles(file: string): string[] {
  const sourceFile = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  const out: string[] = [];
  for (const statement of sourceFile.statements) {
    const specifier =
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
        ? statement.moduleSpecifier.text
        : undefined;
    if (specifier?.startsWith(".")) out.push(path.resolve(path.dirname(file), specifier.replace(/\.js$/, ".ts")));
  }
  return out;
}

const tierOf = (file: string): string => path.relative(srcDir, file).split(path.sep)[0];

describe("layout", () => {
  const files = sourceFiles(srcDir);

  it.each([
    ["engine", ["checks", "rules", "transformer", "index.ts", "configs.ts"]],
    ["checks", ["rules", "transformer", "index.ts", "configs.ts"]],
  ])("%s imports nothing from the tiers above it", (tier, forbidden) => {
    const violations = files
      .filter((file) => tierOf(file) === tier)
      .flatMap((file) => importedFiles(file).filter((target) => forbidden.includes(tierOf(target))).map((target) => `${path.relative(srcDir, file)} → ${path.relative(srcDir, target)}`));
    expect(violations).toEqual([]);
  });

  it("finds an import that crosses a tier (the check can fail)", () => {
    const probe = path.join(srcDir, "engine", "__probe__.ts");
    fs.writeFileSync(probe, 'import rule from "../rules/require-transaction.js";\nexport default rule;\n');
    try {
      expect(importedFiles(probe).map(tierOf)).toEqual(["rules"]);
    } finally {
      fs.rmSync(probe);
    }
  });

  it("every rule has its check in src/checks", () => {
    for (const name of Object.keys(plugin.rules)) {
      const check = [path.join(srcDir, "checks", `${name}.ts`), path.join(srcDir, "checks", name, "index.ts"), path.join(srcDir, "checks", name, "code.ts")];
      expect(check.some((file) => fs.existsSync(file)), name).toBe(true);
    }
  });
});
