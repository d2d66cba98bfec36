import path from "node:path";
import { analyzeDrizzleKitPush, type MessageId as CodeMessageId } from "../checks/no-push-in-production/code.js";
import {
  deployFilePushFindings,
  packageJsonPushFindings,
  workflowPushFindings,
  type PushFileMessageId,
  type PushFileOptions,
} from "../checks/no-push-in-production/files.js";
import { surfaceKind } from "../checks/no-push-in-production/surfaces.js";
import { guard } from "../engine/guard.js";
import type { Analyzer, Finding } from "../engine/types.js";
import { DEPLOY_JSON, DEPLOY_TEXT, DEPLOY_YAML, GITHUB_WORKFLOWS, PACKAGE_JSON, type FileLanguage } from "../file-languages.js";
import { analysisContextOf, createRule, reportFindings, type AnalyzerRule } from "./support/create-rule.js";

export type Options = [
  {
    productionScripts?: string[];
    devScripts?: string[];
    allowScripts?: string[];
    allowWorkflows?: string[];
    allowFiles?: string[];
  },
];
export type MessageId = CodeMessageId | PushFileMessageId;

const name = "no-push-in-production";
const defaultOptions: Options = [{ productionScripts: [], devScripts: [], allowScripts: [], allowWorkflows: [], allowFiles: [] }];
const analyze: Analyzer<Options, MessageId> = (context) => analyzeDrizzleKitPush(context);

const nameList = (description: string) => ({ type: "array", items: { type: "string" }, uniqueItems: true, description }) as const;

function fileOptions(options: Options[0]): PushFileOptions {
  return {
    productionScripts: options.productionScripts ?? [],
    devScripts: options.devScripts ?? [],
    allowScripts: options.allowScripts ?? [],
    allowWorkflows: options.allowWorkflows ?? [],
    allowFiles: options.allowFiles ?? [],
  };
}

const rule = createRule<Options, MessageId>({
  name,
  meta: {
    type: "problem",
    docs: {
      description: "Disallow `drizzle-kit push` in production scripts, deploy workflows, Dockerfiles, Procfiles, platform configs and application code",
      recommended: true,
      requiresTypeChecking: true,
    },
    messages: {
      pushInScript:
        'Production-facing script "{{script}}" runs drizzle-kit push: {{chain}}. push applies schema diffs to the live database without migration files; deploy with `drizzle-kit generate` + `migrate`.{{force}}',
      pushInWorkflow:
        'Job "{{job}}" deploys to production ({{reason}}) and runs drizzle-kit push: {{chain}}. push applies schema diffs to the live database without migration files; run generated migrations instead.{{force}}',
      pushInDeployFile:
        "{{surface}} runs drizzle-kit push {{when}}: {{chain}}. push applies schema diffs to the live database without migration files; run generated migrations (`drizzle-kit migrate`) instead.{{force}}",
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
          allowFiles: nameList(
            'Deploy files (Dockerfile, compose, Procfile, platform configs, shell scripts) allowed to run drizzle-kit push: globs of paths relative to the working directory ("docker/bluegreen/Dockerfile") or of file names ("Dockerfile.bluegreen").',
          ),
        },
      },
    ],
  },
  defaultOptions,
  create(context, [options]) {
    const ast = context.sourceCode.ast as unknown as { body?: { type?: string }[] };
    const filename = path.resolve(context.cwd, context.filename);
    const reportAll = (findings: () => Finding<MessageId>[]) => () => reportFindings(context, guard(findings, []));
    if (surfaceKind(filename)) {
      const source = context.sourceCode.text;
      return { Program: reportAll(() => deployFilePushFindings(source, filename, fileOptions(options), context.cwd)) };
    }
    // @eslint/json (`language: "json/json"`) claims package.json with its own tree, rooted at `Document`
    if ((ast as { type?: string }).type === "Document") {
      if (path.basename(filename) !== "package.json") return {};
      return { Document: reportAll(() => packageJsonPushFindings(ast, filename, fileOptions(options))) };
    }
    const first = Array.isArray(ast.body) ? ast.body[0]?.type : undefined;
    if (first === "JSONExpressionStatement") {
      if (path.basename(filename) !== "package.json") return {};
      return { Program: reportAll(() => packageJsonPushFindings(ast, filename, fileOptions(options))) };
    }
    if (first === "YAMLDocument") return { Program: reportAll(() => workflowPushFindings(ast, filename, fileOptions(options))) };
    const analysis = analysisContextOf(context);
    if (!analysis) return {};
    return { Program: reportAll(() => analyze(analysis, [options])) };
  },
});

/**
 * Lints code (the `analyze` part, also run by the transformer), package.json
 * files, GitHub Actions workflows and deploy files (Dockerfiles, compose,
 * Procfiles, platform configs, shell scripts) (`fileLanguages`, set up by
 * the configs; the CLI reads the same files itself).
 */
export default Object.assign(rule, {
  name,
  analyze,
  defaultOptions,
  fileLanguages: [PACKAGE_JSON, GITHUB_WORKFLOWS, DEPLOY_TEXT, DEPLOY_YAML, DEPLOY_JSON] as readonly FileLanguage[],
}) satisfies AnalyzerRule<Options, MessageId>;
