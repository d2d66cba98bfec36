import { applyDefault } from "@typescript-eslint/utils/eslint-utils";
import type ts from "typescript";
import { readSharedSettings } from "../engine/settings.js";
import { CODE_EXTENSIONS } from "../configs.js";
import type { AnalysisContext, Finding, SharedSettings } from "../engine/types.js";
import { rules as registry } from "../rules/index.js";
import { safeAnalyze } from "../rules/support/create-rule.js";
import { ruleCode } from "./codes.js";
import { directiveFilter } from "./directives.js";
import { optionErrors } from "./options.js";
import { guard } from "../engine/guard.js";

/**
 * The adaptation core shared by the ts-patch transformer, the API factory and
 * the CLI: runs the engine rules' `analyze` on a source file, the way the
 * ESLint plugin does. No rule logic lives here.
 */

export const RULE_PREFIX = "drizzle-guard/";

export type Severity = "error" | "warning";
/** ESLint rule levels. */
export type RuleLevel = "off" | "warn" | "error" | 0 | 1 | 2;
/** A rule entry as in ESLint's flat config: a level, or `[level, ...options]`. */
export type RuleEntry = RuleLevel | readonly [RuleLevel, ...unknown[]];

export interface DrizzleGuardConfig {
  /** Rules enabled before `rules` applies: "recommended" (default), "all" or "none". */
  preset?: "recommended" | "all" | "none";
  /** Rule entries by name, with or without the `drizzle-guard/` prefix, same options as in ESLint. */
  rules?: Record<string, RuleEntry>;
  /** Shared settings: `{ ownerColumns, ... }` or ESLint's `{ "drizzle-guard": { ... } }`. */
  settings?: Record<string, unknown>;
  /** Overrides the severity of every finding. */
  severity?: Severity;
}

/** The parts of an engine rule the transformer uses. */
export interface EngineRule {
  analyze: (context: AnalysisContext, options: readonly unknown[]) => Finding[];
  defaultOptions: readonly unknown[];
  meta: {
    messages: Record<string, string>;
    docs?: { description?: string; url?: string; recommended?: boolean; recommendedOptions?: readonly unknown[] };
    /** The options' JSON schema: one schema per option (ESLint's array form), or one for the whole list. */
    schema?: unknown;
  };
}

export interface EnabledRule {
  /** Registry name, without prefix. */
  name: string;
  rule: EngineRule;
  options: readonly unknown[];
  severity: Severity;
}

export interface ResolvedConfig {
  resolved: true;
  rules: EnabledRule[];
  settings: SharedSettings;
  severity?: Severity;
}

/** A finding as the transformer and CLI report it. Offsets are in `sourceFile.text`. */
export interface TransformerFinding {
  /** Rule name without prefix. */
  rule: string;
  /** Stable code, e.g. `DG1001`. */
  code: string;
  message: string;
  start: number;
  end: number;
  severity: Severity;
}

/** What is wrong with a rule's options under its schema, as ESLint would check them. */
function optionsErrors(schema: unknown, options: readonly unknown[]): string[] {
  if (!Array.isArray(schema)) return optionErrors(schema, options, "options");
  if (options.length > schema.length) return [`it takes at most ${schema.length} option${schema.length === 1 ? "" : "s"} (got ${options.length})`];
  return options.flatMap((option, i) => optionErrors(schema[i], option, `options[${i}]`));
}

/** An invalid configuration (unknown rule, bad level, options its schema refuses). */
export class ConfigError extends Error {
  override name = "ConfigError";
}

function isEngineRule(rule: unknown): rule is EngineRule {
  const r = rule as Partial<EngineRule> | undefined;
  return typeof r?.analyze === "function" && Array.isArray(r.defaultOptions) && typeof r.meta?.messages === "object";
}

/** Every rule of the registry that the transformer can run (those with `analyze`), by name. */
export function engineRules(): Map<string, EngineRule> {
  const out = new Map<string, EngineRule>();
  for (const [name, rule] of Object.entries(registry as Record<string, unknown>)) {
    if (isEngineRule(rule)) out.set(name, rule);
  }
  return out;
}

function severityOf(level: unknown, ruleName: string): Severity | "off" {
  switch (level) {
    case "off":
    case 0:
      return "off";
    case "warn":
    case 1:
      return "warning";
    case "error":
    case 2:
      return "error";
    default:
      throw new ConfigError(`Invalid level ${JSON.stringify(level)} for rule "${ruleName}": use "off", "warn" or "error".`);
  }
}

/**
 * Resolves a config: the preset's rules at "error" (like the plugin's flat
 * configs), then each `rules` entry, options merged onto the rule's
 * `defaultOptions` the way typescript-eslint does. Entries of other plugins are
 * ignored; entries of drizzle-guard rules that have no engine part are ignored.
 * Throws {@link ConfigError} for unknown drizzle-guard rules, invalid levels, or
 * options that the rule's schema refuses.
 */
export function resolveConfig(config: DrizzleGuardConfig = {}): ResolvedConfig {
  const engine = engineRules();
  const known = new Set(Object.keys(registry));
  const preset = config.preset ?? "recommended";
  if (!["recommended", "all", "none"].includes(preset)) {
    throw new ConfigError(`Invalid preset ${JSON.stringify(preset)}: use "recommended", "all" or "none".`);
  }
  const entries = new Map<string, { severity: Severity; userOptions: readonly unknown[] }>();
  for (const [name, rule] of engine) {
    if (preset === "all" || (preset === "recommended" && rule.meta.docs?.recommended === true)) {
      // like the plugin's flat configs: `recommended` sets the rule's recommendedOptions (codeRoles)
      entries.set(name, { severity: "error", userOptions: preset === "recommended" ? (rule.meta.docs?.recommendedOptions ?? []) : [] });
    }
  }
  if (config.severity !== undefined && config.severity !== "error" && config.severity !== "warning") {
    throw new ConfigError(`Invalid severity ${JSON.stringify(config.severity)}: use "error" or "warning".`);
  }
  if (config.rules !== undefined && (typeof config.rules !== "object" || config.rules === null || Array.isArray(config.rules))) {
    throw new ConfigError("`rules` must be an object of rule entries.");
  }
  for (const [key, entry] of Object.entries(config.rules ?? {})) {
    if (key.includes("/") && !key.startsWith(RULE_PREFIX)) continue; // another plugin's rule
    const name = key.startsWith(RULE_PREFIX) ? key.slice(RULE_PREFIX.length) : key;
    if (!known.has(name)) throw new ConfigError(`Unknown rule "${key}".`);
    const [level, ...userOptions] = Array.isArray(entry) ? entry : [entry];
    const severity = severityOf(level, key);
    const rule = engine.get(name);
    if (!rule) continue; // ESLint-only rule
    const problems = optionsErrors(rule.meta.schema, userOptions);
    if (problems.length > 0) throw new ConfigError(`Invalid options for rule "${RULE_PREFIX}${name}": ${problems.join("; ")}.`);
    if (severity === "off") entries.delete(name);
    // a level without options keeps the preset's options, as in ESLint's flat config
    else entries.set(name, { severity, userOptions: userOptions.length > 0 ? userOptions : (entries.get(name)?.userOptions ?? []) });
  }
  const rawSettings = config.settings ?? {};
  const settings = readSharedSettings(
    rawSettings && typeof rawSettings === "object" && "drizzle-guard" in rawSettings ? rawSettings : { "drizzle-guard": rawSettings },
  );
  const rules: EnabledRule[] = [...entries].map(([name, { severity, userOptions }]) => {
    const rule = engine.get(name) as EngineRule;
    return { name, rule, severity, options: applyDefault(rule.defaultOptions, userOptions) };
  });
  return { resolved: true, rules, settings, ...(config.severity ? { severity: config.severity } : {}) };
}

/** ESLint's message interpolation: `{{ name }}` placeholders, unknown ones left as they are. */
export function formatMessage(template: string, data: Record<string, unknown> | undefined): string {
  if (!data) return template;
  return template.replace(/\{\{([^{}]+)\}\}/gu, (whole, key: string) => {
    const name = key.trim();
    return name in data ? String(data[name]) : whole;
  });
}

/** Files the plugin's configs lint (CODE_EXTENSIONS, shared with the ESLint configs). */
export function isCodeFile(fileName: string): boolean {
  return CODE_EXTENSIONS.some((ext) => fileName.endsWith(`.${ext}`));
}

/**
 * Runs every enabled engine rule on one (non-declaration) file. Never throws
 * for a valid config: a rule that throws contributes nothing. Findings suppressed by `eslint-disable` comments are dropped.
 */
export function runRules(
  program: ts.Program,
  sourceFile: ts.SourceFile,
  config: DrizzleGuardConfig | ResolvedConfig = {},
): TransformerFinding[] {
  const resolved = "resolved" in config ? config : resolveConfig(config);
  if (sourceFile.isDeclarationFile || !isCodeFile(sourceFile.fileName)) return [];
  const context: AnalysisContext = { program, checker: program.getTypeChecker(), sourceFile, settings: resolved.settings };
  const suppressed = guard<((ruleId: string, start: number) => boolean) | undefined>(() => directiveFilter(sourceFile), undefined);
  if (!suppressed) return [];
  const findings: TransformerFinding[] = [];
  for (const { name, rule, options, severity } of resolved.rules) {
    for (const finding of safeAnalyze(rule.analyze, context, options, name) ?? []) {
      const template = rule.meta.messages[finding.messageId];
      if (template === undefined) continue;
      const start = Math.max(0, Math.min(finding.start, sourceFile.text.length));
      const end = Math.max(start, Math.min(finding.end, sourceFile.text.length));
      if (suppressed(RULE_PREFIX + name, start)) continue;
      findings.push({
        rule: name,
        code: ruleCode(name),
        message: formatMessage(template, finding.data),
        start,
        end,
        severity: resolved.severity ?? severity,
      });
    }
  }
  return findings.sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule));
}
