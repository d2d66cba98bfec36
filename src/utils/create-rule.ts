import type { TSESLint } from "@typescript-eslint/utils";
// the `eslint-utils` entry only: the package root also loads its AST and scope-manager modules (slow to load in a `tsc` build)
import { RuleCreator } from "@typescript-eslint/utils/eslint-utils";
import type ts from "typescript";
import { readSharedSettings } from "../analyzers/settings.js";
import type { AnalysisContext, Analyzer, Finding } from "../analyzers/types.js";

export interface DrizzleGuardDocs {
  description: string;
  /** In the `recommended` config. */
  recommended?: boolean;
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
  analyze: Analyzer<Options>;
  defaultOptions: Options;
};

/** Builds the engine's analysis context from ESLint's parser services; undefined without type information. */
export function analysisContextOf(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): AnalysisContext | undefined {
  const services = context.sourceCode.parserServices as
    | { program?: ts.Program | null; esTreeNodeToTSNodeMap?: { get(node: unknown): ts.Node | undefined } }
    | undefined;
  const program = services?.program;
  if (!program || !services?.esTreeNodeToTSNodeMap) return undefined;
  const tsNode = services.esTreeNodeToTSNodeMap.get(context.sourceCode.ast);
  const sourceFile = (tsNode as ts.SourceFile | undefined) ?? program.getSourceFile(context.filename);
  if (!sourceFile || sourceFile.kind === undefined) return undefined;
  return {
    program,
    checker: program.getTypeChecker(),
    sourceFile: sourceFile.getSourceFile(),
    settings: readSharedSettings(context.settings),
  };
}

/** Reports engine findings through ESLint, suggestions included. */
export function reportFindings(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  findings: readonly Finding[],
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
export function safeAnalyze<Options>(analyze: Analyzer<Options>, context: AnalysisContext, options: Options): Finding[] | undefined {
  try {
    return analyze(context, options);
  } catch (error) {
    if (process.env.DRIZZLE_GUARD_DEBUG) throw error;
    return undefined;
  }
}

/**
 * Creates a typed rule from an engine analyzer. Without type information the
 * rule quietly does nothing; an analyzer that throws never breaks the lint run.
 */
export function createAnalyzerRule<Options extends readonly unknown[], MessageIds extends string>(config: {
  name: string;
  meta: Omit<TSESLint.RuleMetaData<MessageIds, DrizzleGuardDocs, Options>, "docs"> & { docs: DrizzleGuardDocs };
  defaultOptions: Options;
  analyze: Analyzer<Options>;
}): AnalyzerRule<Options, MessageIds> {
  const rule = createRule<Options, MessageIds>({
    name: config.name,
    meta: { ...config.meta, docs: { requiresTypeChecking: true, ...config.meta.docs } },
    defaultOptions: config.defaultOptions,
    create(context, options) {
      const analysis = analysisContextOf(context as never);
      if (!analysis) return {};
      return {
        Program() {
          const findings = safeAnalyze(config.analyze, analysis, options);
          if (findings) reportFindings(context as never, findings);
        },
      };
    },
  });
  return Object.assign(rule, { name: config.name, analyze: config.analyze, defaultOptions: config.defaultOptions });
}
