import ts from "typescript";
import { drizzleImportName } from "../engine/drizzle-symbols.js";
import { ensureNamedImport } from "../engine/imports.js";
import { chainLabel, queryChainsIn } from "../engine/queries.js";
import { isAssignmentTarget, isExportedVariable, variableReferences } from "../engine/references.js";
import { fileSyntax } from "../engine/syntax-index.js";
import { isUnknownType, methodCall, skipOuter, skipOuterUp, typeOf } from "../engine/ts-utils.js";
import { symbolAt } from "../engine/symbols.js";
import type { AnalysisContext, Finding, SuggestionResult, Tri } from "../engine/types.js";

/** The messages this check reports (the rule defines their text). */
export type MessageId = "unsafeRaw" | "unsafeExecute" | "useSqlTemplate" | "useIdentifier" | "useParameter";

const MAX_DEPTH = 8;

const LITERAL_FLAGS: ts.TypeFlags =
  ts.TypeFlags.StringLiteral |
  ts.TypeFlags.NumberLiteral |
  ts.TypeFlags.BigIntLiteral |
  ts.TypeFlags.BooleanLiteral |
  ts.TypeFlags.EnumLiteral |
  ts.TypeFlags.Null |
  ts.TypeFlags.Undefined;

/** Values that cannot carry SQL text: numbers, bigints, booleans, null/undefined. */
const NON_TEXT_FLAGS: ts.TypeFlags =
  ts.TypeFlags.NumberLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.Null | ts.TypeFlags.Undefined;

function everyConstituent(type: ts.Type, flags: ts.TypeFlags): boolean {
  const members = type.isUnion() ? type.types : [type];
  return members.every((t) => (t.flags & flags) !== 0);
}

/** Every constituent is string-like (`string`, literals, template literal types). */
export function isStringType(type: ts.Type | undefined): boolean {
  return !!type && !isUnknownType(type) && everyConstituent(type, ts.TypeFlags.StringLike);
}

function combine(values: Tri[]): Tri {
  if (values.includes("no")) return "no";
  if (values.includes("unknown")) return "unknown";
  return "yes";
}

/**
 * Whether the text of `node` is fixed when the program is written: "yes" for
 * literals, templates and concatenations of constants, `const` (and `let`
 * whose every assignment is constant) variables holding constants, values whose
 * type is a union of literal types, and values that cannot carry SQL text
 * (numbers, booleans). "no" for a string computed at runtime; "unknown" when
 * types are unknown.
 */
export function isConstantText(checker: ts.TypeChecker, node: ts.Expression, depth = 0, seen = new Set<ts.Node>()): Tri {
  if (depth > MAX_DEPTH) return "unknown";
  const expr = skipOuter(node);
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr) || ts.isNumericLiteral(expr)) return "yes";
  const type = typeOf(checker, expr);
  if (type && !isUnknownType(type) && (everyConstituent(type, LITERAL_FLAGS) || everyConstituent(type, NON_TEXT_FLAGS))) {
    return "yes";
  }
  if (ts.isTemplateExpression(expr)) {
    return combine(expr.templateSpans.map((s) => isConstantText(checker, s.expression, depth + 1, seen)));
  }
  if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return combine([isConstantText(checker, expr.left, depth + 1, seen), isConstantText(checker, expr.right, depth + 1, seen)]);
  }
  if (ts.isConditionalExpression(expr)) {
    return combine([isConstantText(checker, expr.whenTrue, depth + 1, seen), isConstantText(checker, expr.whenFalse, depth + 1, seen)]);
  }
  if (ts.isIdentifier(expr)) {
    const fromVariable = variableConstness(checker, expr, depth, seen);
    if (fromVariable) return fromVariable;
  }
  if (ts.isCallExpression(expr)) {
    const converted = conversionConstness(checker, expr, depth, seen);
    if (converted) return converted;
  }
  if (isUnknownType(type)) return "unknown";
  return mayCarryText(type!) ? "no" : "unknown";
}

/** Methods that print a number, bigint or boolean as digits, signs, `.`, `e`, `true`/`false`, `NaN` or `Infinity`. */
const NUMBER_TO_TEXT = new Set(["toString", "toFixed", "toPrecision", "toExponential"]);

/** Whether `id` is the global `String` constructor declared by the TypeScript library (not a user's own `String`). */
function isGlobalString(checker: ts.TypeChecker, id: ts.Identifier): boolean {
  if (id.text !== "String") return false;
  const value = symbolAt(checker, id)?.valueDeclaration;
  return !!value && value.getSourceFile().isDeclarationFile && typeOf(checker, id)?.getSymbol()?.getName() === "StringConstructor";
}

/**
 * Text conversions: `String(x)` is as constant as `x` (so `String(n)` of a
 * number is "yes", `String(userText)` is "no"); `n.toString()`,
 * `n.toFixed(2)`, ... of a number, bigint or boolean are "yes", and so is
 * `xs.join(sep)` of an array of numbers or literals with a constant separator. Undefined for
 * other calls.
 */
function conversionConstness(checker: ts.TypeChecker, call: ts.CallExpression, depth: number, seen: Set<ts.Node>): Tri | undefined {
  const callee = skipOuter(call.expression);
  if (ts.isIdentifier(callee) && isGlobalString(checker, callee)) {
    const [arg] = call.arguments;
    if (!arg) return "yes";
    return ts.isSpreadElement(arg) ? undefined : isConstantText(checker, arg, depth + 1, seen);
  }
  const m = methodCall(call);
  if (!m) return undefined;
  const receiver = typeOf(checker, m.object);
  if (!receiver || isUnknownType(receiver)) return undefined;
  if (NUMBER_TO_TEXT.has(m.name)) return everyConstituent(receiver, NON_TEXT_FLAGS) ? "yes" : undefined;
  // `ids.join(",")` of a number[] (or of a literal union array): constant pieces and a constant separator
  if (m.name === "join" && (checker.isArrayType(receiver) || checker.isTupleType(receiver))) {
    const element = checker.getIndexTypeOfType(receiver, ts.IndexKind.Number);
    if (!element || isUnknownType(element)) return undefined;
    if (!everyConstituent(element, NON_TEXT_FLAGS) && !everyConstituent(element, LITERAL_FLAGS)) return undefined;
    const [separator] = call.arguments;
    if (!separator) return "yes";
    return ts.isSpreadElement(separator) ? undefined : isConstantText(checker, separator, depth + 1, seen);
  }
  return undefined;
}

/** A string at runtime, possibly also a number, boolean or nullish: `string | undefined`, `string | number`. */
function mayCarryText(type: ts.Type): boolean {
  const members = type.isUnion() ? type.types : [type];
  return (
    members.some((t) => (t.flags & ts.TypeFlags.StringLike) !== 0) &&
    members.every((t) => (t.flags & (ts.TypeFlags.StringLike | NON_TEXT_FLAGS)) !== 0)
  );
}

/** A variable is constant when its initializer (and, for `let`, every assignment) is. */
function variableConstness(checker: ts.TypeChecker, id: ts.Identifier, depth: number, seen: Set<ts.Node>): Tri | undefined {
  const decl = symbolAt(checker, id)?.valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name) || !decl.initializer) return undefined;
  if (seen.has(decl)) return "unknown";
  seen.add(decl);
  const list = decl.parent;
  const isConst = ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0;
  const values: Tri[] = [isConstantText(checker, decl.initializer, depth + 1, seen)];
  if (!isConst) {
    // `let order = "asc"; if (desc) order = "desc";` — only plain assignments of constants
    if (isExportedVariable(decl) || decl.getSourceFile() !== id.getSourceFile()) {
      seen.delete(decl);
      return undefined;
    }
    for (const ref of variableReferences(checker, decl as ts.VariableDeclaration & { name: ts.Identifier })) {
      if (!isAssignmentTarget(ref)) continue;
      const assignment = skipOuterUp(ref).parent;
      if (!assignment || !ts.isBinaryExpression(assignment) || assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken) {
        seen.delete(decl);
        return undefined;
      }
      values.push(isConstantText(checker, assignment.right, depth + 1, seen));
    }
  }
  seen.delete(decl);
  return combine(values);
}

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
function renderSqlTemplate(checker: ts.TypeChecker, sourceFile: ts.SourceFile, pieces: Piece[], sqlRef: string): string | undefined {
  const parts: string[] = pieces.map((p) => ("text" in p ? p.text : ""));
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if ("text" in piece) continue;
    const exprText = piece.expr.getText(sourceFile);
    const constness = isConstantText(checker, piece.expr);
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

function rawSuggestions(context: AnalysisContext, call: ts.CallExpression, sqlObject: ts.Expression, arg: ts.Expression): SuggestionResult<MessageId>[] {
  const { checker, sourceFile } = context;
  const sqlRef = sqlObject.getText(sourceFile);
  const start = call.getStart(sourceFile);
  const end = call.getEnd();
  const pieces = textPieces(checker, sourceFile, arg);
  if (pieces) {
    const text = renderSqlTemplate(checker, sourceFile, pieces, sqlRef);
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

function executeSuggestions(context: AnalysisContext, arg: ts.Expression): SuggestionResult<MessageId>[] {
  const { checker, sourceFile } = context;
  const pieces = textPieces(checker, sourceFile, arg);
  if (!pieces) return [];
  const imported = ensureNamedImport(sourceFile, "drizzle-orm", "sql");
  if (!imported) return [];
  const text = renderSqlTemplate(checker, sourceFile, pieces, imported.reference);
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
 */
export function analyzeUnsafeSqlRaw(context: AnalysisContext): Finding<MessageId>[] {
  const { checker, sourceFile, program } = context;
  const findings: Finding<MessageId>[] = [];
  const orNone = (suggestions: SuggestionResult<MessageId>[]) => (suggestions.length > 0 ? suggestions : undefined);
  for (const node of fileSyntax(sourceFile).calls) {
    const m = methodCall(node);
    if (!m || m.name !== "raw" || drizzleImportName(checker, m.object) !== "sql") continue;
    const arg = node.arguments[0];
    if (!arg || ts.isSpreadElement(arg) || isConstantText(checker, arg) !== "no") continue;
    findings.push({
      messageId: "unsafeRaw",
      data: { expression: shortText(arg, sourceFile) },
      start: node.getStart(sourceFile),
      end: node.getEnd(),
      suggestions: orNone(rawSuggestions(context, node, m.object, arg)),
    });
  }
  for (const chain of queryChainsIn(program, sourceFile)) {
    if (chain.operation !== "execute") continue;
    const arg = chain.start.arguments[0];
    if (!arg || ts.isSpreadElement(arg) || isDrizzleSqlValue(checker, arg)) continue;
    if (!isStringType(typeOf(checker, arg)) || isConstantText(checker, arg) !== "no") continue;
    findings.push({
      messageId: "unsafeExecute",
      data: { query: chainLabel(chain, sourceFile), expression: shortText(arg, sourceFile) },
      start: arg.getStart(sourceFile),
      end: arg.getEnd(),
      suggestions: orNone(executeSuggestions(context, arg)),
    });
  }
  findings.sort((a, b) => a.start - b.start);
  return findings;
}
