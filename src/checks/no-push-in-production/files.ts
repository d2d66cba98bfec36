import path from "node:path";
import type { Finding } from "../../engine/types.js";
import { entry, fromJsonAst, fromYamlAst, toValue } from "./plain.js";
import { ChainResolver, productionScriptsRunningPush, type PushChain } from "./scripts.js";
import { surfacePushFindings } from "./surfaces.js";
import { productionPushSteps } from "./workflow.js";
import { nodeFileSystem, packageInfo, readPackage } from "./workspace.js";

/**
 * The non-code parts of `no-push-in-production`: package.json scripts and
 * GitHub Actions workflows whose production-facing entries reach
 * `drizzle-kit push`. Pure functions of a parsed file (jsonc-eslint-parser or
 * yaml-eslint-parser AST) and its absolute path.
 */

export interface PushFileOptions {
  productionScripts: readonly string[];
  devScripts: readonly string[];
  allowScripts: readonly string[];
  allowWorkflows: readonly string[];
  /** Deploy files (Dockerfile, compose, Procfile, platform configs, shell scripts) not checked: globs of paths or file names. */
  allowFiles: readonly string[];
}

export type PushFileMessageId = "pushInScript" | "pushInWorkflow" | "pushInDeployFile";

const FORCE_NOTE = " --force also accepts data-loss statements without asking.";
const forceData = (chain: PushChain): string => (chain.push.force ? FORCE_NOTE : "");

/** package.json: production-facing scripts whose chain reaches drizzle-kit push. */
export function packageJsonPushFindings(ast: unknown, filename: string, options: PushFileOptions): Finding<PushFileMessageId>[] {
  const tree = fromJsonAst(ast);
  const scriptsNode = entry(tree, "scripts");
  if (scriptsNode?.kind !== "map") return [];
  const pkg = packageInfo(path.dirname(filename), toValue(tree), nodeFileSystem);
  const findings: Finding<PushFileMessageId>[] = [];
  for (const finding of productionScriptsRunningPush(pkg, options, nodeFileSystem)) {
    const value = scriptsNode.entries.filter((e) => e.key === finding.script).pop()?.value;
    if (!value) continue;
    findings.push({
      messageId: "pushInScript",
      data: { script: finding.script, chain: finding.chain.links.join(" → "), force: forceData(finding.chain) },
      start: value.range[0],
      end: value.range[1],
    });
  }
  return findings;
}

/** `.github/workflows/*.yml`: push in production deploy jobs. */
export function workflowPushFindings(ast: unknown, filename: string, options: PushFileOptions): Finding<PushFileMessageId>[] {
  const file = filename.split(path.sep).join("/");
  const marker = file.lastIndexOf("/.github/workflows/");
  if (marker === -1) return [];
  const root = file.slice(0, marker) || "/";
  const body = (ast as { body?: unknown[] }).body ?? [];
  const resolver = new ChainResolver(nodeFileSystem, [...options.allowScripts]);
  const findings: Finding<PushFileMessageId>[] = [];
  for (const document of body) {
    const workflow = fromYamlAst(document);
    if (!workflow) continue;
    const steps = productionPushSteps(workflow, {
      file: file.slice(marker + 1),
      allowWorkflows: [...options.allowWorkflows],
      packageAt: (workingDirectory) => readPackage(path.resolve(root, workingDirectory), nodeFileSystem),
      resolver,
    });
    for (const step of steps) {
      findings.push({
        messageId: "pushInWorkflow",
        data: { job: step.job, reason: step.reason, chain: step.chain.links.join(" → "), force: forceData(step.chain) },
        start: step.range[0],
        end: step.range[1],
      });
    }
  }
  return findings;
}

/**
 * Deploy files (Dockerfile, compose, Procfile, fly.toml, render.yaml,
 * railway.json/toml, vercel.json, nixpacks.toml, app.json, shell scripts):
 * production entries whose command reaches push. `root` is the directory
 * `allowFiles` paths are relative to.
 */
export function deployFilePushFindings(source: string, filename: string, options: PushFileOptions, root: string): Finding<PushFileMessageId>[] {
  return surfacePushFindings(source, filename, options, root).map((finding) => ({
    messageId: "pushInDeployFile",
    data: { surface: finding.surface, when: finding.when, chain: finding.chain.links.join(" → "), force: forceData(finding.chain) },
    start: finding.start,
    end: finding.end,
  }));
}
