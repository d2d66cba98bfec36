import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Linter, Rule } from "eslint";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { CODE_GLOB, fixturesDir, lint, lintConfig, plugin } from "./lint-harness.js";
import { SharedPrograms } from "./program.js";

/**
 * The docs' examples are tests: in every docs/rules/<rule>.md, each fenced
 * block of the "Examples" section sits under a "❌ Incorrect" or a
 * "✅ Correct" line. Each block is linted with its rule alone (typed, on the
 * fixture project, as tests/fixtures/docs/example-<line>.ts, one program
 * for the ❌ blocks of a doc and one for its ✅ blocks): a ❌ block must get at
 * least one finding of the rule, a ✅ block none. The names a block uses but
 * does not declare come from tests/fixtures/docs/context.ts, and a block must
 * not use a name that neither declares (else a ✅ block would pass vacuously:
 * the rules are quiet on unknown types).
 */

const docsDir = path.join(import.meta.dirname, "..", "docs", "rules");
const docsFixtures = path.join(fixturesDir, "docs");
const contextFile = path.join(docsFixtures, "context.ts");

type Kind = "incorrect" | "correct";
interface Example {
  kind: Kind;
  lang: string;
  code: string;
  /** 1-based line of the block in the doc. */
  line: number;
}

/** The fenced blocks of the "## Examples" section, each with the marker line above it. */
function examples(doc: string): Example[] {
  const lines = doc.split("\n");
  const out: Example[] = [];
  let inExamples = false;
  let kind: Kind | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("## ")) {
      inExamples = line === "## Examples";
      kind = undefined;
      continue;
    }
    if (!inExamples) continue;
    if (line.startsWith("❌ Incorrect")) kind = "incorrect";
    else if (line.startsWith("✅ Correct")) kind = "correct";
    else if (line.startsWith("```")) {
      const lang = line.slice(3).trim();
      const start = i;
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith("```"); i++) body.push(lines[i]!);
      if (!kind) throw new Error(`a block at line ${start + 1} is under no ❌/✅ marker`);
      out.push({ kind, lang, code: `${body.join("\n")}\n`, line: start + 1 });
    }
  }
  return out;
}

/** Names a block declares at top level (imports, variables, functions, classes). */
function declaredNames(code: string): Set<string> {
  const file = ts.createSourceFile("block.ts", code, ts.ScriptTarget.Latest, true);
  const names = new Set<string>();
  const bind = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bind(el.name);
  };
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      else if (bindings) for (const el of bindings.elements) names.add(el.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) bind(decl.name);
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
      names.add(statement.name.text);
    }
  }
  return names;
}

const contextExports = (() => {
  const file = ts.createSourceFile(contextFile, fs.readFileSync(contextFile, "utf8"), ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  for (const statement of file.statements) {
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const el of statement.exportClause.elements) if (!el.isTypeOnly) names.push(el.name.text);
    } else if (exported && ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) if (ts.isIdentifier(decl.name)) names.push(decl.name.text);
    } else if (exported && ts.isFunctionDeclaration(statement) && statement.name) {
      names.push(statement.name.text);
    }
  }
  return [...new Set(names)];
})();

/** The block as a module of the fixture project: its own `./db`, `./schema`, `./users` imports and every name it does not declare come from the context. */
function asFixture(code: string): string {
  const own = code.replace(/from "\.\/(db|schema|users)"/g, 'from "./context"');
  const declared = declaredNames(own);
  const missing = contextExports.filter((name) => !declared.has(name));
  const typeOnly = declared.has("SQL") ? "" : ", type SQL";
  return `import { ${missing.join(", ")}${typeOnly} } from "./context";\n${own}`;
}

/** The fixture-project file a TypeScript block is linted as. */
function exampleFile(block: Example): string {
  return `docs/example-${String(block.line)}.ts`;
}

/** A rule that records the names and modules the checker cannot resolve in the linted file. */
const unresolved: string[] = [];
const resolveCheck: Rule.RuleModule = {
  meta: { type: "problem", schema: [] },
  create(context) {
    const services = context.sourceCode.parserServices as { program?: ts.Program } | undefined;
    const program = services?.program;
    const file = program?.getSourceFile(context.filename);
    if (!program || !file) {
      unresolved.push("(no program)");
      return {};
    }
    // 2304/2552: cannot find name; 2307: cannot find module; 2305/2724: no such export
    for (const d of program.getSemanticDiagnostics(file)) {
      if ([2304, 2552, 2307, 2305, 2724].includes(d.code)) unresolved.push(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    }
    return {};
  },
};

/** Blocks that are not TypeScript are linted as the file their rule reads, with the plugin's own config for it. */
const NON_CODE: Record<string, string> = { json: "package.json", yaml: ".github/workflows/deploy.yml" };

const docs = fs.readdirSync(docsDir).filter((f) => f.endsWith(".md"));

/**
 * The file a non-TypeScript block stands for: named in its first comment line
 * (`# Dockerfile`, `# .github/workflows/deploy.yml`, after a shebang), else by
 * its language. SQL blocks are migrations in a drizzle-kit `out` folder.
 */
function fileOf(block: Example): string | undefined {
  if (block.lang === "sql") {
    // a block named `-- scripts/x.sql` is SQL run outside drizzle-kit's migrator: a file in the folder but not in the journal
    const script = /^--\s*[\w./-]*?([\w-]+\.sql)\b/.exec(block.code)?.[1];
    return script ? `drizzle/${script}` : "drizzle/0001_example.sql";
  }
  const named = /^(?:#!.*\n)?#\s*([\w./-]+\.?[\w-]*)(?::|\s|$)/.exec(block.code)?.[1];
  if (named && /^(\.github\/|Dockerfile|Procfile|fly\.toml|[\w.-]+\.(?:ya?ml|toml|json|sh|Dockerfile))/.test(named)) return named;
  if (block.lang === "sql") return "drizzle/0001_example.sql";
  return NON_CODE[block.lang];
}

/**
 * A drizzle-kit 0.x migrations folder whose migration 0000 creates the tables
 * the SQL examples assume (tests/fixtures/docs/before.sql) and whose journal
 * lists 0001_example: the example runs in the migrator's transaction, on that state.
 */
function migrationProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drizzle-guard-docs-sql-"));
  fs.mkdirSync(path.join(dir, "drizzle", "meta"), { recursive: true });
  fs.copyFileSync(path.join(docsFixtures, "before.sql"), path.join(dir, "drizzle", "0000_before.sql"));
  const entries = ["0000_before", "0001_example"].map((tag, idx) => ({ idx, version: "7", when: 1_700_000_000_000 + idx, tag, breakpoints: true }));
  fs.writeFileSync(path.join(dir, "drizzle", "meta", "_journal.json"), JSON.stringify({ version: "7", dialect: "postgresql", entries }));
  return dir;
}

/** Non-TypeScript blocks of one kind are files of one project: a Dockerfile's ENTRYPOINT finds the script another block shows. */
function projectOf(blocks: readonly Example[], kind: Kind): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `drizzle-guard-docs-${kind}-`));
  for (const block of blocks) {
    const file = block.kind === kind && block.lang !== "ts" ? fileOf(block) : undefined;
    if (!file || block.lang === "sql") continue;
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), block.code);
  }
  return dir;
}

it("every rule has a doc with examples", () => {
  expect(docs.map((f) => f.replace(/\.md$/, "")).sort()).toEqual(Object.keys(plugin.rules).sort());
});

describe.each(docs)("docs/rules/%s", (doc) => {
  const rule = doc.replace(/\.md$/, "");
  const ruleId = `drizzle-guard/${rule}`;
  const blocks = examples(fs.readFileSync(path.join(docsDir, doc), "utf8"));
  const projects = { incorrect: projectOf(blocks, "incorrect"), correct: projectOf(blocks, "correct") };
  // the TypeScript blocks of one kind are files of one program (docs/example-<line>.ts), type-checked once
  const programs = { incorrect: new SharedPrograms(), correct: new SharedPrograms() };
  for (const b of blocks) if (b.lang === "ts") programs[b.kind].add(path.join(fixturesDir, exampleFile(b)), asFixture(b.code));
  const programOf = (block: Example): ts.Program => {
    const program = programs[block.kind].find(path.join(fixturesDir, exampleFile(block)), asFixture(block.code));
    if (!program) throw new Error(`no program for the block at line ${String(block.line)}`);
    return program;
  };
  afterAll(() => {
    for (const dir of Object.values(projects)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("has ❌ and ✅ examples", () => {
    expect(blocks.some((b) => b.kind === "incorrect")).toBe(true);
    expect(blocks.some((b) => b.kind === "correct")).toBe(true);
  });

  for (const block of blocks) {
    const title = `${block.kind === "incorrect" ? "❌" : "✅"} ${block.lang} block at line ${block.line}`;
    it(title, () => {
      let findings: Linter.LintMessage[];
      if (block.lang === "ts") {
        unresolved.length = 0;
        const config: Linter.Config[] = [
          // a copy of the plugin: its `all` config (every rule) stays out, only this rule runs
          ...lintConfig({ kind: "program", program: programOf(block) }, { [ruleId]: "error" }, { ...plugin }),
          { files: [CODE_GLOB], plugins: { "docs-check": { rules: { resolve: resolveCheck } } }, rules: { "docs-check/resolve": "error" } },
        ];
        const file = exampleFile(block);
        const outcome = lint(asFixture(block.code), file, config);
        expect(outcome.fatal.map((m) => m.message)).toEqual([]);
        expect(unresolved).toEqual([]);
        findings = outcome.findings;
      } else {
        const filename = fileOf(block);
        if (!filename) throw new Error(`no way to lint a ${block.lang} block`);
        const cwd = block.lang === "sql" ? migrationProject() : projects[block.kind];
        const outcome = lint(block.code, filename, lintConfig({ kind: "typed" }, { [ruleId]: "error" }), cwd);
        expect(outcome.fatal.map((m) => m.message)).toEqual([]);
        findings = outcome.findings;
      }
      const ofRule = findings.filter((m) => m.ruleId === ruleId);
      // a script that another ❌ block runs (a Dockerfile's ENTRYPOINT) is reported at that entry point
      const file = block.lang === "ts" ? undefined : fileOf(block);
      const runByAnother = !!file && blocks.some((b) => b !== block && b.kind === block.kind && b.code.includes(path.basename(file)));
      if (block.kind === "incorrect" && !runByAnother) expect(ofRule.length, "a ❌ example gets a finding").toBeGreaterThan(0);
      else if (block.kind === "incorrect") expect(ofRule).toEqual([]);
      else expect(ofRule.map((m) => `${m.line}: ${m.message}`)).toEqual([]);
    });
  }
});
