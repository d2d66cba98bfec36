import path from "node:path";
import type { TSESLint } from "@typescript-eslint/utils";
import { analyzeDrizzleKitPush } from "../analyzers/drizzle-kit-push.js";
import { entry, fromJsonAst, fromYamlAst, toValue, type Range } from "../analyzers/push/plain.js";
import { ChainResolver, productionScriptsRunningPush, type PushChain } from "../analyzers/push/scripts.js";
import { productionPushSteps } from "../analyzers/push/workflow.js";
import { nodeFileSystem, packageInfo, readPackage } from "../analyzers/push/workspace.js";
import type { Analyzer } from "../analyzers/types.js";
import { analysisContextOf, createRule, reportFindings, type AnalyzerRule } from "../utils/create-rule.js";
import { GITHUB_WORKFLOWS, PACKAGE_JSON, type FileLanguage } from "../utils/file-languages.js";

export type Options = [
  {
    productionScripts?: string[];
    devScripts?: string[];
    allowScripts?: string[];
    allowWorkflows?: string[];
  },
];
export type MessageId = "pushInScript" | "pushInWorkflow" | "pushInCode" | "pushSchemaImport";

const name = "no-push-in-production";
const defaultOptions: Options = [{ productionScripts: [], devScripts: [], allowScripts: [], allowWorkflows: [] }];
const analyze: Analyzer<Options> = (context) => analyzeDrizzleKitPush(context);

const nameList = (description: string) => ({ type: "array", items: { type: "string" }, uniqueItems: true, description }) as const;

const FORCE_NOTE = " --force also accepts data-loss statements without asking.";
const forceData = (chain: PushChain): string => (chain.push.force ? FORCE_NOTE : "");

type Context = Readonly<TSESLint.RuleContext<MessageId, Options>>;

function report(context: Context, range: Range, messageId: MessageId, data: Record<string, string>): void {
  const { sourceCode } = context;
  context.report({ loc: { start: sourceCode.getLocFromIndex(range[0]), end: sourceCode.getLocFromIndex(range[1]) }, messageId, data });
}

function absoluteFilename(context: Context): string {
  return path.resolve(context.cwd, context.filename);
}

/** package.json: production-facing scripts whose chain reaches drizzle-kit push. */
function lintPackageJson(context: Context, options: Options[0]): void {
  const tree = fromJsonAst(context.sourceCode.ast);
  const scriptsNode = entry(tree, "scripts");
  if (scriptsNode?.kind !== "map") return;
  const pkg = packageInfo(path.dirname(absoluteFilename(context)), toValue(tree), nodeFileSystem);
  const policy = {
    productionScripts: options.productionScripts ?? [],
    devScripts: options.devScripts ?? [],
    allowScripts: options.allowScripts ?? [],
  };
  for (const finding of productionScriptsRunningPush(pkg, policy, nodeFileSystem)) {
    const value = scriptsNode.entries.filter((e) => e.key === finding.script).pop()?.value;
    if (!value) continue;
    report(context, value.range, "pushInScript", {
      script: finding.script,
      chain: finding.chain.links.join(" → "),
      force: forceData(finding.chain),
    });
  }
}

/** `.github/workflows/*.yml`: push in production deploy jobs. */
function lintWorkflow(context: Context, options: Options[0]): void {
  const file = absoluteFilename(context).split(path.sep).join("/");
  const marker = file.lastIndexOf("/.github/workflows/");
  if (marker === -1) return;
  const root = file.slice(0, marker) || "/";
  const body = (context.sourceCode.ast as unknown as { body?: unknown[] }).body ?? [];
  const resolver = new ChainResolver(nodeFileSystem, options.allowScripts ?? []);
  for (const document of body) {
    const workflow = fromYamlAst(document);
    if (!workflow) continue;
    const findings = productionPushSteps(workflow, {
      file: file.slice(marker + 1),
      allowWorkflows: options.allowWorkflows ?? [],
      packageAt: (workingDirectory) => readPackage(path.resolve(root, workingDirectory), nodeFileSystem),
      resolver,
    });
    for (const finding of findings) {
      report(context, finding.range, "pushInWorkflow", {
        job: finding.job,
        reason: finding.reason,
        chain: finding.chain.links.join(" → "),
        force: forceData(finding.chain),
      });
    }
  }
}

const rule = createRule<Options, MessageId>({
  name,
  meta: {
    type: "problem",
    docs: {
      description: "Disallow `drizzle-kit push` in production scripts, deploy workflows and application code",
      recommended: true,
      requiresTypeChecking: true,
    },
    messages: {
      pushInScript:
        'Production-facing script "{{script}}" runs drizzle-kit push: {{chain}}. push applies schema diffs to the live database without migration files; deploy with `drizzle-kit generate` + `migrate`.{{force}}',
      pushInWorkflow:
        'Job "{{job}}" deploys to production ({{reason}}) and runs drizzle-kit push: {{chain}}. push applies schema diffs to the live database without migration files; run generated migrations instead.{{force}}',
      pushInCode:
        "{{callee}}() runs `{{command}}` at run time: push applies schema diffs to the live database without migration files. Guard it with a non-production check or run generated migrations.",
      pushSchemaImport:
        '`{{name}}` from "{{module}}" pushes schema diffs to the live database without migration files. Use `migrate()` from drizzle-orm\'s migrator in production code, or keep this in tests and dev tooling.',
    },
    schema: [
      {
        type: "object",
        additionalProperties: false,
        properties: {
          productionScripts: nameList("More package.json script names that run in production (`*` wildcards allowed)."),
          devScripts: nameList(
            "Script names that never run in production, although their name looks production-facing (`*` wildcards allowed).",
          ),
          allowScripts: nameList(
            "Scripts allowed to run drizzle-kit push (e.g. a blue/green step): not reported, and chains through them are not followed.",
          ),
          allowWorkflows: nameList(
            'Workflows allowed to run drizzle-kit push: file names ("bluegreen.yml"), paths (".github/workflows/bluegreen.yml"), or "file#job".',
          ),
        },
      },
    ],
  },
  defaultOptions,
  create(context, [options]) {
    const ast = context.sourceCode.ast as unknown as { body?: { type?: string }[] };
    const first = ast.body?.[0]?.type;
    if (first === "JSONExpressionStatement") {
      if (path.basename(context.filename) !== "package.json") return {};
      return { Program: () => guarded(() => lintPackageJson(context, options)) };
    }
    if (first === "YAMLDocument") return { Program: () => guarded(() => lintWorkflow(context, options)) };
    const analysis = analysisContextOf(context as never);
    if (!analysis) return {};
    return {
      Program: () => guarded(() => reportFindings(context as never, analyze(analysis, [options]))),
    };
  },
});

/** Never break the lint run on unusual input. */
function guarded(run: () => void): void {
  try {
    run();
  } catch (error) {
    if (process.env.DRIZZLE_GUARD_DEBUG) throw error;
  }
}

/**
 * Lints code (the `analyze` part, also run by the transformer), package.json
 * files and GitHub Actions workflows (`fileLanguages`, set up by the configs).
 */
export default Object.assign(rule, {
  name,
  analyze,
  defaultOptions,
  fileLanguages: [PACKAGE_JSON, GITHUB_WORKFLOWS] as readonly FileLanguage[],
}) satisfies AnalyzerRule<Options, MessageId>;
