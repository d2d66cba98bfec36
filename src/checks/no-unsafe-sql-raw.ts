import ts from "typescript";
import type { ConstantTextOptions, TextConstness } from "../engine/constants.js";
import { isStringType, textConstness } from "../engine/constants.js";
import { declaredParameterType } from "../engine/declared-types.js";
import { drizzleImportName } from "../engine/drizzle-symbols.js";
import { ensureNamedImport } from "../engine/imports.js";
import { chainLabel, queryChainsIn } from "../engine/queries.js";
import { fileSyntax } from "../engine/syntax-index.js";
import { methodCall, skipOuter, skipOuterUp, typeOf } from "../engine/ts-utils.js";
import type { AnalysisContext, Finding, SuggestionResult } from "../engine/types.js";

/** The messages this check reports (the rule defines their text). */
export type MessageId = "unsafeRaw" | "unsafeExecute" | "runtimeRaw" | "runtimeExecute" | "useSqlTemplate" | "useIdentifier" | "useParameter";

export type UnsafeSqlRawOptions = ConstantTextOptions;

/** How constant a piece of text is, in this analysis. */
type Constness = (expr: ts.Expression) => TextConstness;

/** A piece of SQL text: fixed template text (raw, as written in a template literal) or an interpolated expression. */
type Piece = { text: string } | { expr: ts.Expression };

/** Escapes a cooked string for use inside a template literal. */
function templateRaw(cooked: string): string {
  return cooked.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${").replace(/\r/g, "\\r");
}

/** The template pieces of a template literal or a string concatenation; undefined for anything else. */
function textPieces(checker: ts.TypeChecker, sourceFile: ts.SourceFile, node: ts.Expression): Piece[] | undefined {
  const expr = skipOuter(node);
  if (ts.isTemplateExpression(expr)) {
    const text = sourceFile.text;
    const pieces: Piece[] = [{ text: text.slice(expr.head.getStart(sourceFile) + 1, expr.head.getEnd() - 2) }];
    for (const span of expr.templateSpans) {
      pieces.push({ expr: span.expression });
      const closing = ts.isTemplateTail(span.literal) ? 1 : 2;
      pieces.push({ text: text.slice(span.literal.getStart(sourceFile) + 1, span.literal.getEnd() - closing) });
    }
    return pieces;
  }
  if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.PlusToken && isStringType(typeOf(checker, expr))) {
    const piecesOf = (operand: ts.Expression): Piece[] => {
      const inner = skipOuter(operand);
      if (ts.isStringLiteral(inner) || ts.isNoSubstitutionTemplateLiteral(inner)) return [{ text: templateRaw(inner.text) }];
      return textPieces(checker, sourceFile, inner) ?? [{ expr: inner }];
    };
    return [...piecesOf(expr.left), ...piecesOf(expr.right)];
  }
  return undefined;
}

/** Text before an interpolation that names a table or column rather than a value. */
const IDENTIFIER_BEFORE = /(?:\b(?:from|join|into|update|table|order\s+by|group\s+by)\s+|\.)$/i;

/**
 * Renders pieces as the body of a `sql` template: runtime strings become bound
 * parameters (dropping `'...'` quotes around them), or `sql.identifier(...)`
 * in identifier position; constant text stays verbatim through `sql.raw`.
 * Undefined when some piece cannot be judged.
 */
function renderSqlTemplate(checker: ts.TypeChecker, sourceFile: ts.SourceFile, pieces: Piece[], sqlRef: string, constnessOf: Constness): string | undefined {
  const parts: string[] = pieces.map((p) => ("text" in p ? p.text : ""));
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if ("text" in piece) continue;
    const exprText = piece.expr.getText(sourceFile);
    const constness = constnessOf(piece.expr);
    if (constness === "unknown") return undefined;
    const type = typeOf(checker, piece.expr);
    if (constness === "yes") {
      parts[i] = isStringType(type) ? `\${${sqlRef}.raw(${exprText})}` : `\${${sqlRef}.raw(String(${exprText}))}`;
      continue;
    }
    const before = parts[i - 1] ?? "";
    const after = parts[i + 1] ?? "";
    const quoted = (q: string) => before.endsWith(q) && after.startsWith(q);
    const open = openQuote(pieces.slice(0, i).map((p) => ("text" in p ? p.text : "")).join(""));
    // inside a quoted SQL literal or name other than exactly '${x}' / "${x}": no faithful rewrite
    if (open && !quoted(open)) return undefined;
    if (open) {
      parts[i - 1] = before.slice(0, -1);
      parts[i + 1] = after.slice(1);
    }
    if (open === '"' || (!open && IDENTIFIER_BEFORE.test(before))) {
      if (!isStringType(type)) return undefined; // sql.identifier() takes a string
      parts[i] = `\${${sqlRef}.identifier(${exprText})}`;
    } else {
      parts[i] = `\${${exprText}}`;
    }
  }
  return `${sqlRef}\`${parts.join("")}\``;
}

/** The quote (' or ") that SQL text leaves open, or undefined; doubled quotes close and reopen. */
function openQuote(text: string): "'" | '"' | undefined {
  let open: "'" | '"' | undefined;
  for (const ch of text) {
    if (open) {
      if (ch === open) open = undefined;
    } else if (ch === "'" || ch === '"') {
      open = ch;
    }
  }
  return open;
}

/**
 * `sql\`... ${sql.raw(x)} ...\``: the raw call is an interpolation of a drizzle
 * `sql` template, outside any quoted literal or name.
 */
function insideSqlTemplate(checker: ts.TypeChecker, call: ts.CallExpression): boolean {
  const span = skipOuterUp(call).parent;
  if (!span || !ts.isTemplateSpan(span)) return false;
  const template = span.parent;
  const tagged = template.parent;
  if (!tagged || !ts.isTaggedTemplateExpression(tagged) || drizzleImportName(checker, tagged.tag) !== "sql") return false;
  const spans = template.templateSpans;
  const before = [template.head.text, ...spans.slice(0, spans.indexOf(span)).map((s) => s.literal.text)].join("");
  return openQuote(before) === undefined;
}

function rawSuggestions(context: AnalysisContext, call: ts.CallExpression, sqlObject: ts.Expression, arg: ts.Expression, constnessOf: Constness): SuggestionResult<MessageId>[] {
  const { checker, sourceFile } = context;
  const sqlRef = sqlObject.getText(sourceFile);
  const start = call.getStart(sourceFile);
  const end = call.getEnd();
  const pieces = textPieces(checker, sourceFile, arg);
  if (pieces) {
    const text = renderSqlTemplate(checker, sourceFile, pieces, sqlRef, constnessOf);
    return text ? [{ messageId: "useSqlTemplate", edits: [{ start, end, text }] }] : [];
  }
  const inner = skipOuter(arg);
  if (!insideSqlTemplate(checker, call) || !isStringType(typeOf(checker, inner))) return [];
  const exprText = inner.getText(sourceFile);
  return [
    { messageId: "useIdentifier", data: { expression: exprText }, edits: [{ start, end, text: `${sqlRef}.identifier(${exprText})` }] },
    { messageId: "useParameter", data: { expression: exprText }, edits: [{ start, end, text: exprText }] },
  ];
}

function executeSuggestions(context: AnalysisContext, arg: ts.Expression, constnessOf: Constness): SuggestionResult<MessageId>[] {
  const { checker, sourceFile } = context;
  const pieces = textPieces(checker, sourceFile, arg);
  if (!pieces) return [];
  const imported = ensureNamedImport(sourceFile, "drizzle-orm", "sql");
  if (!imported) return [];
  const text = renderSqlTemplate(checker, sourceFile, pieces, imported.reference, constnessOf);
  if (!text) return [];
  return [{ messageId: "useSqlTemplate", edits: [...imported.edits, { start: arg.getStart(sourceFile), end: arg.getEnd(), text }] }];
}

function shortText(node: ts.Node, sourceFile: ts.SourceFile): string {
  const text = node.getText(sourceFile).replace(/\s+/g, " ");
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** ``sql`…` `` or `sql.raw(…)`/`sql.join(…)` with drizzle's `sql`: an SQL object, never a string (known without typing it). */
function isDrizzleSqlValue(checker: ts.TypeChecker, node: ts.Expression): boolean {
  const expr = skipOuter(node);
  if (ts.isTaggedTemplateExpression(expr)) return drizzleImportName(checker, expr.tag) === "sql";
  const m = ts.isCallExpression(expr) ? methodCall(expr) : undefined;
  return !!m && drizzleImportName(checker, m.object) === "sql";
}

/**
 * `no-unsafe-sql-raw`: `sql.raw(x)` (drizzle's `sql`, by import binding) and
 * `db.execute(x)` with a plain string (by type), where `x` is not constant.
 * "SQL injection" (`unsafeRaw`, `unsafeExecute`) only when `x` can carry a
 * value from outside its module; other runtime strings get `runtimeRaw`,
 * `runtimeExecute`.
 */
export function analyzeUnsafeSqlRaw(context: AnalysisContext, options: UnsafeSqlRawOptions = {}): Finding<MessageId>[] {
  const { checker, sourceFile, program } = context;
  const constnessOf: Constness = (e) => textConstness(program, e, options);
  const isRuntime = (c: TextConstness) => c === "runtime" || c === "external";
  const findings: Finding<MessageId>[] = [];
  const orNone = (suggestions: SuggestionResult<MessageId>[]) => (suggestions.length > 0 ? suggestions : undefined);
  for (const node of fileSyntax(sourceFile).calls) {
    const m = methodCall(node);
    if (!m || m.name !== "raw" || drizzleImportName(checker, m.object) !== "sql") continue;
    const arg = node.arguments[0];
    if (!arg || ts.isSpreadElement(arg)) continue;
    const constness = constnessOf(arg);
    if (!isRuntime(constness)) continue;
    findings.push({
      messageId: constness === "external" ? "unsafeRaw" : "runtimeRaw",
      data: { expression: shortText(arg, sourceFile) },
      start: node.getStart(sourceFile),
      end: node.getEnd(),
      suggestions: orNone(rawSuggestions(context, node, m.object, arg, constnessOf)),
    });
  }
  for (const chain of queryChainsIn(program, sourceFile)) {
    if (chain.operation !== "execute") continue;
    const arg = chain.start.arguments[0];
    if (!arg || ts.isSpreadElement(arg) || isDrizzleSqlValue(checker, arg)) continue;
    // a parameter nothing narrows: its declared type (`query: Parameters<typeof db.execute>[0]` is read without typing `db`)
    if (!isStringType(declaredParameterType(checker, arg) ?? typeOf(checker, arg))) continue;
    const constness = constnessOf(arg);
    if (!isRuntime(constness)) continue;
    findings.push({
      messageId: constness === "external" ? "unsafeExecute" : "runtimeExecute",
      data: { query: chainLabel(chain, sourceFile), expression: shortText(arg, sourceFile) },
      start: arg.getStart(sourceFile),
      end: arg.getEnd(),
      suggestions: orNone(executeSuggestions(context, arg, constnessOf)),
    });
  }
  findings.sort((a, b) => a.start - b.start);
  return findings;
}
