/**
 * The CLI's side of the migration rules: finds drizzle-kit migration folders
 * (drizzle.config's `out`, default `drizzle/`), reads each migration with the
 * same engine as the ESLint language, and runs the enabled `migration-*`
 * rules' checks. `-- eslint-disable-next-line` / `-- eslint-disable-line` /
 * `-- eslint-disable` (whole file) comments are honoured as in ESLint.
 */
import fs from "node:fs";
import { applyDefault } from "@typescript-eslint/utils/eslint-utils";
import ts from "typescript";
import { migrationFilesIn, migrationFolders } from "../engine/migrations/config.js";
import { readMigration, type MigrationFile } from "../engine/migrations/migration.js";
import { guard } from "../engine/guard.js";
import { rules as registry } from "../rules/index.js";
import type { FileFinding } from "./format.js";
import { ruleCode } from "./codes.js";
import { optionErrors } from "./options.js";
import { ConfigError, formatMessage, RULE_PREFIX, type DrizzleGuardConfig, type Severity } from "./run.js";

interface MigrationRuleLike {
  checkMigration: (migration: MigrationFile, options: readonly unknown[]) => { messageId: string; data?: Record<string, string | number>; start: number; end: number }[];
  defaultOptions: readonly unknown[];
  meta: { messages: Record<string, string>; docs?: { recommended?: boolean }; schema?: unknown };
}

/** The migration rules of the registry, by name. */
export function migrationRules(): Map<string, MigrationRuleLike> {
  const out = new Map<string, MigrationRuleLike>();
  for (const [name, rule] of Object.entries(registry as Record<string, unknown>)) {
    if (typeof (rule as Partial<MigrationRuleLike>).checkMigration === "function") out.set(name, rule as MigrationRuleLike);
  }
  return out;
}

function levelOf(level: unknown): Severity | "off" {
  if (level === "off" || level === 0) return "off";
  if (level === "warn" || level === 1) return "warning";
  return "error";
}

/** Enabled migration rules with their options: the preset, then `rules` entries (validated by resolveConfig for the other rules). */
function enabledRules(config: DrizzleGuardConfig): { name: string; rule: MigrationRuleLike; options: readonly unknown[]; severity: Severity }[] {
  const preset = config.preset ?? "recommended";
  const enabled = new Map<string, { severity: Severity; options: readonly unknown[] }>();
  for (const [name, rule] of migrationRules()) {
    if (preset === "all" || (preset === "recommended" && rule.meta.docs?.recommended === true)) enabled.set(name, { severity: "error", options: [] });
  }
  for (const [key, entry] of Object.entries(config.rules ?? {})) {
    const name = key.startsWith(RULE_PREFIX) ? key.slice(RULE_PREFIX.length) : key;
    const rule = migrationRules().get(name);
    if (!rule) continue;
    const [level, ...options] = Array.isArray(entry) ? entry : [entry];
    const schema = rule.meta.schema;
    const problems = Array.isArray(schema) ? options.flatMap((o, i) => optionErrors(schema[i], o, `options[${i}]`)) : [];
    if (problems.length > 0) throw new ConfigError(`Invalid options for rule "${RULE_PREFIX}${name}": ${problems.join("; ")}.`);
    const severity = levelOf(level);
    if (severity === "off") enabled.delete(name);
    else enabled.set(name, { severity, options });
  }
  return [...enabled].map(([name, { severity, options }]) => {
    const rule = migrationRules().get(name) as MigrationRuleLike;
    return { name, rule, severity, options: applyDefault(rule.defaultOptions as unknown[], options as unknown[]) };
  });
}

const DISABLE = /^\s*eslint-disable(-next-line|-line)?(?:\s+([^\n]*))?$/u;

function suppressedBy(migration: MigrationFile, sourceFile: ts.SourceFile): (rule: string, start: number) => boolean {
  const lineOf = (offset: number) => sourceFile.getLineAndCharacterOfPosition(offset).line;
  const directives = migration.comments.flatMap((comment) => {
    const match = DISABLE.exec(comment.value);
    if (!match) return [];
    const rules = match[2]?.split("--")[0]?.split(",").map((r) => r.trim()).filter(Boolean);
    const line = match[1] === "-next-line" ? lineOf(comment.end) + 1 : match[1] === "-line" ? lineOf(comment.start) : -1;
    return [{ line, rules: rules && rules.length > 0 ? rules : undefined }];
  });
  return (rule, start) =>
    directives.some((d) => (d.line === -1 || d.line === lineOf(start)) && (d.rules === undefined || d.rules.includes(RULE_PREFIX + rule)));
}

/** Lints every drizzle-kit migration found from `cwd`. */
export function lintMigrations(cwd: string, config: DrizzleGuardConfig, only?: ReadonlySet<string>): FileFinding[] {
  const rules = enabledRules(config).filter((r) => !only || only.has(r.name));
  if (rules.length === 0) return [];
  const findings: FileFinding[] = [];
  for (const folder of migrationFolders(cwd)) {
    for (const file of migrationFilesIn(folder)) {
      const text = fs.readFileSync(file, "utf8");
      const migration = readMigration(file, text);
      const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.Unknown);
      if (migration.error) {
        const at = migration.error.offset;
        findings.push({
          rule: "migration-syntax",
          code: "DG1000",
          message: `drizzle-kit migration statement does not parse (PostgreSQL: ${migration.error.message}); drizzle-kit migrate would fail on it`,
          start: at,
          end: at,
          severity: config.severity ?? "error",
          sourceFile,
        });
        continue;
      }
      const suppressed = suppressedBy(migration, sourceFile);
      for (const { name, rule, options, severity } of rules) {
        for (const finding of guard(() => rule.checkMigration(migration, options), [])) {
          if (suppressed(name, finding.start)) continue;
          const template = rule.meta.messages[finding.messageId] ?? finding.messageId;
          findings.push({
            rule: name,
            code: ruleCode(name),
            message: formatMessage(template, finding.data),
            start: finding.start,
            end: finding.end,
            severity: config.severity ?? severity,
            sourceFile,
          });
        }
      }
    }
  }
  return findings.sort((a, b) => a.sourceFile.fileName.localeCompare(b.sourceFile.fileName) || a.start - b.start);
}
