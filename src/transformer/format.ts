import path from "node:path";
import type ts from "typescript";
import { name as packageName, version } from "../version.js";
import { ruleCode } from "./codes.js";
import { RULE_PREFIX, type EnabledRule, type TransformerFinding } from "./run.js";

/** A finding with its file, as the CLI collects them. */
export interface FileFinding extends TransformerFinding {
  sourceFile: ts.SourceFile;
}

export interface Location {
  /** Path relative to `cwd`, forward slashes. */
  file: string;
  /** 1-based, like ESLint. */
  line: number;
  column: number;
  endLine: number;
  /** 1-based column just past the end, like ESLint and SARIF. */
  endColumn: number;
}

export function relativePath(fileName: string, cwd: string): string {
  return path.relative(cwd, fileName).split(path.sep).join("/");
}

export function locate(finding: FileFinding, cwd: string): Location {
  const start = finding.sourceFile.getLineAndCharacterOfPosition(finding.start);
  const end = finding.sourceFile.getLineAndCharacterOfPosition(finding.end);
  return {
    file: relativePath(finding.sourceFile.fileName, cwd),
    line: start.line + 1,
    column: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
  };
}

/** One tsc-style line: `file(line,col): error DG1001: [drizzle-guard/rule] message`. */
export function formatPrettyLine(finding: FileFinding, cwd: string): string {
  const { file, line, column } = locate(finding, cwd);
  return `${file}(${line},${column}): ${finding.severity} ${finding.code}: [${RULE_PREFIX}${finding.rule}] ${finding.message}`;
}

export function formatPretty(findings: readonly FileFinding[], cwd: string): string {
  if (findings.length === 0) return "";
  const files = new Set(findings.map((f) => f.sourceFile.fileName)).size;
  const lines = findings.map((f) => formatPrettyLine(f, cwd));
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${lines.join("\n")}\n\nFound ${plural(findings.length, "problem")} in ${plural(files, "file")}.\n`;
}

export function formatJson(findings: readonly FileFinding[], cwd: string): string {
  const rows = findings.map((f) => ({
    ...locate(f, cwd),
    rule: `${RULE_PREFIX}${f.rule}`,
    code: f.code,
    severity: f.severity,
    message: f.message,
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

const level = (severity: string): "error" | "warning" => (severity === "warning" ? "warning" : "error");

/** SARIF 2.1.0 log for code-scanning uploads (GitHub `upload-sarif`). */
export function formatSarif(findings: readonly FileFinding[], rules: readonly EnabledRule[], cwd: string): string {
  const ruleIndex = new Map(rules.map((r, i) => [r.name, i]));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "drizzle-guard",
            semanticVersion: version,
            informationUri: `https://www.npmjs.com/package/${packageName}`,
            rules: rules.map((r) => ({
              id: `${RULE_PREFIX}${r.name}`,
              name: r.name,
              shortDescription: { text: r.rule.meta.docs?.description ?? r.name },
              ...(r.rule.meta.docs?.url ? { helpUri: r.rule.meta.docs.url } : {}),
              defaultConfiguration: { level: level(r.severity) },
              properties: { code: ruleCode(r.name) },
            })),
          },
        },
        columnKind: "utf16CodeUnits",
        results: findings.map((f) => {
          const loc = locate(f, cwd);
          return {
            ruleId: `${RULE_PREFIX}${f.rule}`,
            ...(ruleIndex.has(f.rule) ? { ruleIndex: ruleIndex.get(f.rule) } : {}),
            level: level(f.severity),
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: loc.file.split("/").map(encodeURIComponent).join("/") },
                  region: { startLine: loc.line, startColumn: loc.column, endLine: loc.endLine, endColumn: loc.endColumn },
                },
              },
            ],
          };
        }),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
