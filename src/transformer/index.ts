import ts from "typescript";
import { tsDiagnosticCode } from "./codes.js";
import { formatPrettyLine, type FileFinding } from "./format.js";
import { ConfigError, resolveConfig, RULE_PREFIX, runRules, type DrizzleGuardConfig, type TransformerFinding } from "./run.js";

export { RULE_CODE_ORDER, ruleCode, tsDiagnosticCode } from "./codes.js";
export { ConfigError, resolveConfig, runRules } from "./run.js";
export type { DrizzleGuardConfig, RuleEntry, Severity, TransformerFinding } from "./run.js";
export type { FileFinding } from "./format.js";

/** The subset of ts-patch's `TransformerExtras` the transformer uses. */
export interface TransformerExtras {
  ts?: typeof ts;
  addDiagnostic?: (diagnostic: ts.Diagnostic) => number;
  diagnostics?: readonly ts.Diagnostic[];
}

/** The tsconfig `plugins` entry: ts-patch's own keys plus {@link DrizzleGuardConfig}. */
export interface TransformerPluginConfig extends DrizzleGuardConfig {
  transform?: string;
  [key: string]: unknown;
}

export interface DrizzleGuardTransformerOptions extends DrizzleGuardConfig {
  /** Called once per finding. Default: prints a tsc-style line to stderr. */
  onFinding?: (finding: FileFinding) => void;
}

/**
 * A `before` transformer factory for any host (TypeScript API `program.emit`,
 * ts-loader's `getCustomTransformers`): runs the engine rules on every emitted
 * source file, reports findings to `onFinding`, and leaves the file unchanged.
 * Throws {@link ConfigError} for an invalid config.
 */
export function createDrizzleGuardTransformer(
  program: ts.Program,
  options: DrizzleGuardTransformerOptions = {},
): ts.TransformerFactory<ts.SourceFile> {
  const { onFinding = (f: FileFinding) => process.stderr.write(`${formatPrettyLine(f, process.cwd())}\n`), ...config } = options;
  const resolved = resolveConfig(config);
  const done = new WeakSet<ts.SourceFile>();
  return () => (sourceFile) => {
    // `before` transformers get the program's own tree; look it up in case another transformer ran first.
    const original = program.getSourceFile(sourceFile.fileName) ?? sourceFile;
    if (done.has(original)) return sourceFile;
    done.add(original);
    for (const finding of runRules(program, original, resolved)) {
      try {
        onFinding({ ...finding, sourceFile: original });
      } catch (error) {
        // a failing callback (the user's code, not ours) must not break the build's emit: say so and go on
        process.stderr.write(`[drizzle-guard] onFinding callback failed: ${String(error)}\n`);
      }
    }
    return sourceFile;
  };
}

/** A finding as a TypeScript diagnostic: `[drizzle-guard/rule] message`, code 990000 + DG number. */
export function findingDiagnostic(
  finding: TransformerFinding,
  sourceFile: ts.SourceFile,
  tsInstance: typeof ts = ts,
): ts.Diagnostic {
  return {
    file: sourceFile,
    start: finding.start,
    length: finding.end - finding.start,
    messageText: `[${RULE_PREFIX}${finding.rule}] ${finding.message}`,
    category: finding.severity === "warning" ? tsInstance.DiagnosticCategory.Warning : tsInstance.DiagnosticCategory.Error,
    code: tsDiagnosticCode(finding.rule),
    source: "drizzle-guard",
  };
}

/**
 * ts-patch entry (`"plugins": [{ "transform": "eslint-plugin-drizzle-guard/transformer" }]`).
 * Every finding becomes a diagnostic through `extras.addDiagnostic`; note that
 * tspc fails on any added diagnostic, whatever its category.
 */
export default function drizzleGuardTransformer(
  program: ts.Program,
  config: TransformerPluginConfig = {},
  extras: TransformerExtras = {},
): ts.TransformerFactory<ts.SourceFile> {
  const tsInstance = extras.ts ?? ts;
  const add = (diagnostic: ts.Diagnostic): void => {
    if (extras.addDiagnostic) extras.addDiagnostic(diagnostic);
    else process.stderr.write(`${tsInstance.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}\n`);
  };
  try {
    return createDrizzleGuardTransformer(program, {
      ...config,
      onFinding: (finding) => add(findingDiagnostic(finding, finding.sourceFile, tsInstance)),
    });
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : String(error);
    add({
      file: undefined,
      start: undefined,
      length: undefined,
      messageText: `[drizzle-guard] Invalid transformer config: ${message}`,
      category: tsInstance.DiagnosticCategory.Error,
      code: tsDiagnosticCode(""),
      source: "drizzle-guard",
    });
    return () => (sourceFile) => sourceFile;
  }
}
