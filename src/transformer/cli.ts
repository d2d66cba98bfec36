import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import ts from "typescript";
import { fileCoverage, formatCoverage, unresolvedImports, type FileCoverage, type UnresolvedImport } from "../engine/coverage.js";
import { version } from "../version.js";
import { analyzeDeployFiles } from "./deploy-files.js";
import { lintMigrations, migrationRules } from "./migrations.js";
import { formatJson, formatPretty, formatSarif, type FileFinding } from "./format.js";
import {
  ConfigError,
  engineRules,
  resolveConfig,
  RULE_PREFIX,
  runRules,
  type DrizzleGuardConfig,
  type ResolvedConfig,
  type RuleEntry,
} from "./run.js";

const USAGE = `Usage: drizzle-guard [-p tsconfig.json] [--format pretty|json|sarif] [--rule name ...] [--config file.json] [--coverage]

Runs the drizzle-guard engine rules on every file of a TypeScript project, and
no-push-in-production on the package.json files, GitHub workflows and deploy
files (Dockerfile, compose, Procfile, fly.toml, render.yaml, railway, vercel.json,
nixpacks.toml, app.json, scripts/*.sh) under the current directory, and the
migration-* rules on the drizzle-kit migrations found from the project's
folder (each drizzle.config's "out", default drizzle/).

Options:
  -p, --project <path>   tsconfig.json, or a directory containing one (default: nearest tsconfig.json)
  -f, --format <format>  pretty (tsc-style, default), json or sarif (SARIF 2.1.0)
  -r, --rule <name>      run only this rule (repeatable, or comma-separated)
  -c, --config <file>    JSON file { "preset", "rules", "settings", "severity" }
                         (default: the drizzle-guard "plugins" entry of the tsconfig, if any)
      --coverage         also print, per file, the Drizzle queries analysed and the query-like calls
                         skipped because their database's type is \`any\` (to stderr), with the likely cause
  -h, --help             show this help
  -v, --version          show the version

Exit codes: 0 no errors, 1 error findings, 2 usage or configuration error.
`;

const USAGE_HINT = "Run `drizzle-guard --help` for the options.";

class UsageError extends Error {}

export interface Io {
  cwd: string;
  out: (text: string) => void;
  err: (text: string) => void;
}

function readConfigFile(file: string, cwd: string): DrizzleGuardConfig {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(full, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read config file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`Config file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new UsageError(`Config file ${file} must contain an object.`);
  return parsed as DrizzleGuardConfig;
}

/** `--rule a --rule b,c`: only these rules, keeping their options from the config file. */
function onlyRules(config: DrizzleGuardConfig, names: string[]): DrizzleGuardConfig {
  const engine = engineRules();
  const rules: Record<string, RuleEntry> = {};
  for (const raw of names) {
    const name = raw.startsWith(RULE_PREFIX) ? raw.slice(RULE_PREFIX.length) : raw;
    if (!engine.has(name) && !migrationRules().has(name)) throw new UsageError(`Unknown rule "${raw}" (or a rule that only runs in ESLint).`);
    const entry = config.rules?.[name] ?? config.rules?.[RULE_PREFIX + name];
    const [level, ...options] = Array.isArray(entry) ? (entry as unknown[]) : [entry];
    const enabled = level === "warn" || level === 1 ? level : "error";
    rules[name] = [enabled, ...options];
  }
  return { ...config, preset: "none", rules };
}

function findProject(project: string | undefined, cwd: string): string {
  if (project === undefined) {
    const found = ts.findConfigFile(cwd, (file) => ts.sys.fileExists(file));
    if (!found) throw new UsageError("No tsconfig.json found; pass -p <tsconfig.json>.");
    return found;
  }
  const full = path.resolve(cwd, project);
  if (ts.sys.directoryExists(full)) {
    const inDir = path.join(full, "tsconfig.json");
    if (!ts.sys.fileExists(inDir)) throw new UsageError(`No tsconfig.json in ${project}.`);
    return inDir;
  }
  if (!ts.sys.fileExists(full)) throw new UsageError(`Cannot find ${project}.`);
  return full;
}

const NO_INPUTS = 18003;

function diagnosticText(diagnostic: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
}

/** Parses a tsconfig and, recursively, its project references. */
function parseProjects(configPath: string): ts.ParsedCommandLine[] {
  const seen = new Set<string>();
  const out: ts.ParsedCommandLine[] = [];
  const visit = (file: string): void => {
    const key = path.resolve(file);
    if (seen.has(key)) return;
    seen.add(key);
    let fatal: ts.Diagnostic | undefined;
    const parsed = ts.getParsedCommandLineOfConfigFile(key, undefined, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        fatal = d;
      },
    });
    if (!parsed || fatal) throw new UsageError(`Cannot read ${file}: ${fatal ? diagnosticText(fatal) : "unknown error"}`);
    const errors = parsed.errors.filter((d) => d.category === ts.DiagnosticCategory.Error && d.code !== NO_INPUTS);
    if (errors.length > 0) throw new UsageError(`${file}: ${errors.map(diagnosticText).join("\n")}`);
    out.push(parsed);
    for (const ref of parsed.projectReferences ?? []) visit(ts.resolveProjectReferencePath(ref));
  };
  visit(configPath);
  return out;
}

/** The transformer's own `plugins` entry in the tsconfig, so tspc and the CLI share one config. */
function pluginEntryConfig(parsed: ts.ParsedCommandLine | undefined): DrizzleGuardConfig | undefined {
  const plugins = parsed?.options.plugins as unknown;
  if (!Array.isArray(plugins)) return undefined;
  const entry = (plugins as unknown[]).find(
    (p): p is DrizzleGuardConfig & { transform: string } =>
      typeof p === "object" && p !== null && typeof (p as { transform?: unknown }).transform === "string" && (p as { transform: string }).transform.includes("drizzle-guard"),
  );
  return entry;
}

interface Coverage {
  files: FileCoverage[];
  unresolved: UnresolvedImport[];
}

function analyzeProjects(projects: ts.ParsedCommandLine[], resolved: ResolvedConfig, coverage?: Coverage): FileFinding[] {
  const findings: FileFinding[] = [];
  const done = new Set<string>();
  for (const parsed of projects) {
    if (parsed.fileNames.length === 0) continue;
    const program = ts.createProgram({
      rootNames: parsed.fileNames,
      options: { ...parsed.options, noEmit: true },
      projectReferences: parsed.projectReferences,
    });
    for (const fileName of program.getRootFileNames()) {
      const sourceFile = program.getSourceFile(fileName);
      if (!sourceFile || sourceFile.isDeclarationFile || done.has(sourceFile.fileName)) continue;
      if (/[\\/]node_modules[\\/]/u.test(sourceFile.fileName) || program.isSourceFileFromExternalLibrary(sourceFile)) continue;
      done.add(sourceFile.fileName);
      for (const finding of runRules(program, sourceFile, resolved)) findings.push({ ...finding, sourceFile });
      coverage?.files.push(fileCoverage(program, sourceFile));
    }
    if (coverage) for (const u of unresolvedImports(program)) if (!coverage.unresolved.some((seen) => seen.module === u.module)) coverage.unresolved.push(u);
  }
  return findings;
}

export function main(argv: string[], io: Io): number {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        project: { type: "string", short: "p" },
        format: { type: "string", short: "f", default: "pretty" },
        rule: { type: "string", short: "r", multiple: true },
        config: { type: "string", short: "c" },
        coverage: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    });
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    if (values.version) {
      io.out(`${version}\n`);
      return 0;
    }
    if (positionals.length > 0) {
      throw new UsageError(`Unexpected argument "${positionals[0]}" (repeat --rule or separate rule names with commas).`);
    }
    const format = values.format;
    if (format !== "pretty" && format !== "json" && format !== "sarif") throw new UsageError(`Unknown format "${format}".`);
    const fileConfig = values.config ? readConfigFile(values.config, io.cwd) : undefined;
    const projects = parseProjects(findProject(values.project, io.cwd));
    let config: DrizzleGuardConfig = fileConfig ?? pluginEntryConfig(projects[0]) ?? {};
    const ruleNames = (values.rule ?? []).flatMap((r) => r.split(",")).map((r) => r.trim()).filter(Boolean);
    if (ruleNames.length > 0) config = onlyRules(config, ruleNames);
    const resolved = resolveConfig(config);
    const coverage: Coverage | undefined = values.coverage ? { files: [], unresolved: [] } : undefined;
    const tsconfig = findProject(values.project, io.cwd);
    const findings = [
      ...analyzeProjects(projects, resolved, coverage),
      ...analyzeDeployFiles(resolved, io.cwd),
      ...lintMigrations(path.dirname(tsconfig), config),
    ];
    if (format === "json") io.out(formatJson(findings, io.cwd));
    else if (format === "sarif") io.out(formatSarif(findings, resolved.rules, io.cwd));
    else io.out(formatPretty(findings, io.cwd));
    if (coverage) io.err(formatCoverage(coverage.files, coverage.unresolved));
    return findings.some((f) => f.severity === "error") ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      // the message and one hint, not the whole usage text
      io.err(`drizzle-guard: ${(error as Error).message}\n${USAGE_HINT}\n`);
      return 2;
    }
    io.err(`drizzle-guard: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    return 2;
  }
}
