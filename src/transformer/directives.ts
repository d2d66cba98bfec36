import ts from "typescript";
import { walk } from "../engine/ts-utils.js";

/**
 * ESLint's inline directives (`eslint-disable`, `eslint-enable`,
 * `eslint-disable-line`, `eslint-disable-next-line`), honoured by the
 * transformer and CLI so a finding suppressed for ESLint is suppressed there too.
 */
interface Directive {
  kind: "disable" | "enable" | "disable-line" | "disable-next-line";
  /** Rule ids listed in the comment; undefined = all rules. */
  rules: string[] | undefined;
  /** Comment start offset. */
  pos: number;
  /** The line (0-based) a line directive applies to. */
  line: number;
}

const DIRECTIVE = /^(eslint-disable-next-line|eslint-disable-line|eslint-disable|eslint-enable)(?:\s+([\s\S]*))?$/u;

function commentRanges(sourceFile: ts.SourceFile): ts.CommentRange[] {
  const text = sourceFile.text;
  const byPos = new Map<number, ts.CommentRange>();
  const add = (ranges: ts.CommentRange[] | undefined): void => {
    for (const range of ranges ?? []) byPos.set(range.pos, range);
  };
  walk(sourceFile, (node) => {
    add(ts.getLeadingCommentRanges(text, node.pos));
    add(ts.getTrailingCommentRanges(text, node.end));
  });
  return [...byPos.values()].sort((a, b) => a.pos - b.pos);
}

function parseDirectives(sourceFile: ts.SourceFile): Directive[] {
  const text = sourceFile.text;
  if (!text.includes("eslint-")) return [];
  const directives: Directive[] = [];
  for (const range of commentRanges(sourceFile)) {
    const isBlock = range.kind === ts.SyntaxKind.MultiLineCommentTrivia;
    const body = text.slice(range.pos + 2, isBlock ? range.end - 2 : range.end);
    // `-- description` ends the directive, as in ESLint.
    const content = body.split(/\s-{2,}\s/u)[0].trim();
    const match = DIRECTIVE.exec(content);
    if (!match) continue;
    const kind = match[1].slice("eslint-".length) as Directive["kind"];
    const startLine = sourceFile.getLineAndCharacterOfPosition(range.pos).line;
    const endLine = sourceFile.getLineAndCharacterOfPosition(range.end).line;
    // ESLint: disable/enable only in block comments; line directives must fit on one line.
    if ((kind === "disable" || kind === "enable") && !isBlock) continue;
    if ((kind === "disable-line" || kind === "disable-next-line") && startLine !== endLine) continue;
    const list = (match[2] ?? "")
      .split(",")
      .map((r) => r.trim())
      .filter(Boolean);
    directives.push({
      kind,
      rules: list.length > 0 ? list : undefined,
      pos: range.pos,
      line: kind === "disable-next-line" ? startLine + 1 : startLine,
    });
  }
  return directives;
}

/**
 * A predicate telling whether a finding of `ruleId` (e.g. `drizzle-guard/x`)
 * at offset `start` is suppressed by an inline directive.
 */
export function directiveFilter(sourceFile: ts.SourceFile): (ruleId: string, start: number) => boolean {
  const directives = parseDirectives(sourceFile);
  if (directives.length === 0) return () => false;
  return (ruleId, start) => {
    const line = sourceFile.getLineAndCharacterOfPosition(start).line;
    const names = (d: Directive): boolean => d.rules === undefined || d.rules.includes(ruleId);
    let allDisabled = false;
    const disabled = new Set<string>();
    const exceptions = new Set<string>();
    for (const d of directives) {
      if (d.kind === "disable-line" || d.kind === "disable-next-line") {
        if (d.line === line && names(d)) return true;
        continue;
      }
      if (d.pos > start) continue;
      if (d.kind === "disable") {
        if (d.rules === undefined) {
          allDisabled = true;
          exceptions.clear();
        } else {
          for (const r of d.rules) {
            disabled.add(r);
            exceptions.delete(r);
          }
        }
      } else if (d.rules === undefined) {
        allDisabled = false;
        disabled.clear();
        exceptions.clear();
      } else {
        for (const r of d.rules) {
          disabled.delete(r);
          if (allDisabled) exceptions.add(r);
        }
      }
    }
    return disabled.has(ruleId) || (allDisabled && !exceptions.has(ruleId));
  };
}
