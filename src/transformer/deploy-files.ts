import fs from "node:fs";
import path from "node:path";
import { parseJSON } from "jsonc-eslint-parser";
import { globSync } from "tinyglobby";
import ts from "typescript";
import { parseYAML } from "yaml-eslint-parser";
import {
  deployFilePushFindings,
  packageJsonPushFindings,
  workflowPushFindings,
  type PushFileOptions,
} from "../checks/no-push-in-production/files.js";
import { surfaceKind } from "../checks/no-push-in-production/surfaces.js";
import { guard, guardInput } from "../engine/guard.js";
import type { Finding } from "../engine/types.js";
import { DEPLOY_JSON, DEPLOY_TEXT, DEPLOY_YAML, GITHUB_WORKFLOWS, PACKAGE_JSON } from "../file-languages.js";
import { ruleCode } from "./codes.js";
import type { FileFinding } from "./format.js";
import { formatMessage, type ResolvedConfig } from "./run.js";

const PUSH_RULE = "no-push-in-production";

/**
 * The non-code files `no-push-in-production` checks (package.json, GitHub
 * workflows, Dockerfiles, compose files, Procfiles, platform configs, shell
 * scripts), found under `root` with the same globs the ESLint configs use,
 * and checked with the same functions. Nothing runs when the rule is off.
 */
export function analyzeDeployFiles(resolved: ResolvedConfig, root: string): FileFinding[] {
  const enabled = resolved.rules.find((r) => r.name === PUSH_RULE);
  if (!enabled) return [];
  const options = (enabled.options[0] ?? {}) as Partial<PushFileOptions>;
  const fileOptions: PushFileOptions = {
    productionScripts: options.productionScripts ?? [],
    devScripts: options.devScripts ?? [],
    allowScripts: options.allowScripts ?? [],
    allowWorkflows: options.allowWorkflows ?? [],
    allowFiles: options.allowFiles ?? [],
  };
  const patterns = [PACKAGE_JSON, GITHUB_WORKFLOWS, DEPLOY_TEXT, DEPLOY_YAML, DEPLOY_JSON].flatMap((language) => language.files);
  const files = globSync(patterns, {
    cwd: root,
    absolute: true,
    dot: true,
    ignore: ["**/node_modules/**", "**/.git/**", "**/dist/**", "**/.next/**", "**/build/**"],
    followSymbolicLinks: false,
  }).sort();
  const out: FileFinding[] = [];
  for (const file of files) {
    const filename = path.resolve(file);
    // an unreadable file: nothing to check
    const source = guardInput<string | undefined>(() => fs.readFileSync(filename, "utf8"), undefined);
    if (source === undefined) continue;
    const findings = guard((): Finding[] => {
      if (surfaceKind(filename)) return deployFilePushFindings(source, filename, fileOptions, root);
      if (path.basename(filename) === "package.json") return packageJsonPushFindings(parseJSON(source), filename, fileOptions);
      return workflowPushFindings(parseYAML(source), filename, fileOptions);
    }, []);
    if (findings.length === 0) continue;
    const sourceFile = ts.createSourceFile(filename, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.Unknown);
    for (const finding of findings) {
      out.push({
        rule: PUSH_RULE,
        code: ruleCode(PUSH_RULE),
        message: formatMessage(enabled.rule.meta.messages[finding.messageId] ?? finding.messageId, finding.data),
        start: finding.start,
        end: finding.end,
        severity: resolved.severity ?? enabled.severity,
        sourceFile,
      });
    }
  }
  return out;
}
