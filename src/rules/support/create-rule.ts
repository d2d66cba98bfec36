import type { TSESLint } from "@typescript-eslint/utils";
// the `eslint-utils` entry only: the package root also loads its AST and scope-manager modules (slow to load in a `tsc` build)
import { RuleCreator } from "@typescript-eslint/utils/eslint-utils";
import type ts from "typescript";
import { noteCoverage } from "../../engine/coverage.js";
import { guard } from "../../engine/guard.js";
import { timedFile } from "../../engine/profile.js";
import { readSharedSettings } from "../../engine/settings.js";
import type { AnalysisContext, Analyzer, Finding } from "../../engine/types.js";

export interface DrizzleGuardDocs {
  description: string;
  /** In the `recommended` config. */
  recommended?: boolean;
  /**
   * The options the `recommended` config sets (ESLint and the CLI alike),
   * e.g. `[{ codeRoles: ["application"] }]`. Without: the rule's defaults.
   */
  recommendedOptions?: readonly unknown[];
  /** Needs type information (every engine rule does). */
  requiresTypeChecking?: boolean;
}

export const DOCS_BASE_URL = "https://github.com/drizzle-guard/eslint-plugin-drizzle-guard/blob/main/docs/rules";

/** The one rule creator: sets each rule's docs URL. */
export const createRule = RuleCreator<DrizzleGuardDocs>((name) => `${DOCS_BASE_URL}/${name}.md`);

/** A rule whose logic lives in the engine; `analyze` is what the transformer runs. */
export type AnalyzerRule<Options extends readonly unknown[], MessageIds extends string> = TSESLint.RuleModule<
  MessageIds,
  Options,
  DrizzleGuardDocs
> & {
  name: string;
  analyze: Analyzer<Options, MessageIds>;
  defaultOptions: Options;
};

/** Builds the engine's analysis context from ESLint's parser services; undefined without type information. */
export function analysisContextOf<MessageId extends string, Options extends readonly unknown[]>(
  context: Readonly<TSESLint.RuleContext<MessageId, Options>>,
): AnalysisContext | undefined {
  const services = context.sourceCode.parserServices as
    | { program?: ts.Program | null; esTreeNodeToTSNodeMap?: { get(node: unknown): ts.Node | undefined } }
    | undefined;
  const program = services?.program;
  if (!program || !services?.esTreeNodeToTSNodeMap) return undefined;
  const tsNode = services.esTreeNodeToTSNodeMap.get(context.sourceCode.ast);
  const sourceFile = (tsNode as ts.SourceFile | undefined) ?? program.getSourceFile(context.filename);
  if (!sourceFile || sourceFile.kind === undefined) return undefined;
  noteCoverage(program, sourceFile.getSourceFile());
  return {
    program,
    checker: program.getTypeChecker(),
    sourceFile: sourceFile.getSourceFile(),
    settings: readSharedSettings(context.settings),
  };
}

/** Reports engine findings through ESLint, suggestions included. */
export function reportFindings<MessageId extends string, Options extends readonly unknown[]>(
  context: Readonly<TSESLint.RuleContext<MessageId, Options>>,
  findings: readonly Finding<MessageId>[],
): void {
  const { sourceCode } = context;
  for (const finding of findings) {
    context.report({
      loc: { start: sourceCode.getLocFromIndex(finding.start), end: sourceCode.getLocFromIndex(finding.end) },
      messageId: finding.messageId,
      data: finding.data,
      suggest: finding.suggestions?.map((s) => ({
        messageId: s.messageId,
        data: s.data,
        fix: (fixer: TSESLint.RuleFixer) => s.edits.map((e) => fixer.replaceTextRange([e.start, e.end], e.text)),
      })),
    });
  }
}

/**
 * Runs an analyzer; one that throws yields undefined (no findings) so it never
 * breaks the user's lint run or build. `DRIZZLE_GUARD_DEBUG=1` rethrows instead.
 */
export function safeAnalyze<Options, MessageId extends string>(
  analyze: Analyzer<Options, MessageId>,
  context: AnalysisContext,
  options: Options,
  name = "rule",
): Finding<MessageId>[] | undefined {
  // under DRIZZLE_GUARD_PROFILE=1, timed per rule and per file (see engine/profile.ts)
  return timedFile(context.program, context.sourceFile.fileName, `rule:${name}`, () =>
    guard<Finding<MessageId>[] | undefined>(() => analyze(context, options), undefined),
  );
}

/**
 * Creates a typed rule from an engine analyzer. Without type information the
 * rule quietly does nothing; an analyzer that throws never breaks the lint run.
 */
export function createAnalyzerRule<Options extends readonly unknown[], MessageIds extends string>(config: {
  name: string;
  meta: Omit<TSESLint.RuleMetaData<MessageIds, DrizzleGuardDocs, Options>, "docs"> & { docs: DrizzleGuardDocs };
  defaultOptions: Options;
  analyze: Analyzer<Options, MessageIds>;
}): AnalyzerRule<Options, MessageIds> {
  const rule = createRule<Options, MessageIds>({
    name: config.name,
    meta: { ...config.meta, docs: { requiresTypeChecking: true, ...config.meta.docs } },
    defaultOptions: config.defaultOptions,
    create(context, options) {
      const analysis = analysisContextOf(context);
      if (!analysis) return {};
      return {
        Program() {
          const findings = safeAnalyze(config.analyze, analysis, options, config.name);
          if (findings) reportFindings(context, findings);
        },
      };
    },
  });
  return Object.assign(rule, { name: config.name, analyze: config.analyze, defaultOptions: config.defaultOptions });
}
