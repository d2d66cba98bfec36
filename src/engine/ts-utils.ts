import ts from "typescript";
import { programCache } from "./cache.js";
import { guard } from "./guard.js";

/**
 * TypeScript's `SyntaxKind` enum, read once. `ts.SyntaxKind` is a getter of
 * the typescript module, called on every read: a walk over every node of a
 * program (the syntax index) or a `switch` over kinds pays it per node and
 * per `case`.
 */
export const Kind = ts.SyntaxKind;

/** `a ?? b`, `a || b`: a value or its fallback. */
export function isFallback(node: ts.Node): node is ts.BinaryExpression {
  return ts.isBinaryExpression(node) && (node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || node.operatorToken.kind === ts.SyntaxKind.BarBarToken);
}

/** Strips parentheses, `as`, `satisfies`, `!` and type assertions. */
export function skipOuter(node: ts.Expression): ts.Expression {
  let current = node;
  while (isOuterExpression(current)) current = current.expression;
  return current;
}

/** Parentheses, `as`, `satisfies`, `!` and `<T>x`: expressions that only wrap another. */
function isOuterExpression(node: ts.Node): node is ts.ParenthesizedExpression | ts.AsExpression | ts.SatisfiesExpression | ts.NonNullExpression | ts.TypeAssertion {
  switch (node.kind) {
    case ts.SyntaxKind.ParenthesizedExpression:
    case ts.SyntaxKind.AsExpression:
    case ts.SyntaxKind.SatisfiesExpression:
    case ts.SyntaxKind.NonNullExpression:
    case ts.SyntaxKind.TypeAssertionExpression:
      return true;
    default:
      return false;
  }
}

/** Walks up through parentheses, `as`, `satisfies` and `!`. */
export function skipOuterUp(node: ts.Node): ts.Node {
  let current = node;
  while (current.parent && isOuterExpression(current.parent)) current = current.parent;
  return current;
}

/** Static name of a property (identifier, string literal, numeric literal, private name); undefined when computed. */
export function staticPropertyName(name: ts.PropertyName | ts.MemberName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name)) {
    const expr = skipOuter(name.expression);
    if (ts.isStringLiteralLike(expr) || ts.isNumericLiteral(expr)) return expr.text;
  }
  return undefined;
}

/** The string value of a literal expression, or undefined. */
export function stringValue(node: ts.Expression | undefined): string | undefined {
  if (!node) return undefined;
  const expr = skipOuter(node);
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return expr.text;
  return undefined;
}

/** `a.b(...)` → { object: a, name: "b" }; `a?.b(...)` too. */
export function methodCall(call: ts.CallExpression): { object: ts.Expression; name: string } | undefined {
  const callee = skipOuter(call.expression);
  if (ts.isPropertyAccessExpression(callee)) {
    return { object: callee.expression, name: callee.name.text };
  }
  if (ts.isElementAccessExpression(callee)) {
    const name = stringValue(callee.argumentExpression);
    if (name !== undefined) return { object: callee.expression, name };
  }
  return undefined;
}

/**
 * What an unannotated `const x = …` (a plain name) holds: its initializer,
 * read without typing it. Undefined for an annotated `const` (whose type the
 * checker reads from the annotation), a `let`, a destructuring, a parameter.
 */
export function unannotatedConstInitializer(decl: ts.Declaration | undefined): ts.Expression | undefined {
  if (!decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name) || decl.type || !decl.initializer) return undefined;
  return ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const ? decl.initializer : undefined;
}

/** The key a binding element reads: `a` in `{ a: x }` and `{ a }`; undefined for a computed key that is not static, or a nested pattern without a key. */
export function bindingElementKey(element: ts.BindingElement): string | undefined {
  return staticPropertyName(element.propertyName ?? (ts.isIdentifier(element.name) ? element.name : undefined));
}

/** The property of an object literal under a static name: the last one, as at run time (TypeScript rejects two); undefined for none. */
export function literalProperty(literal: ts.ObjectLiteralExpression, name: string): ts.ObjectLiteralElementLike | undefined {
  for (let i = literal.properties.length - 1; i >= 0; i--) {
    const property = literal.properties[i]!;
    if (property.name !== undefined && staticPropertyName(property.name) === name) return property;
  }
  return undefined;
}

/** `null`, `undefined` or `void x`, as written (not a local variable named `undefined`, which TypeScript rejects). */
export function isNullishLiteral(expr: ts.Expression): boolean {
  const e = skipOuter(expr);
  return e.kind === ts.SyntaxKind.NullKeyword || ts.isVoidExpression(e) || (ts.isIdentifier(e) && e.text === "undefined");
}

const COMBINATORS = new Set(["all", "allSettled", "any", "race"]);

/** `Promise.all(...)`, `Promise.allSettled(...)`, `Promise.any(...)`, `Promise.race(...)`. */
export function isPromiseCombinator(call: ts.CallExpression): boolean {
  const name = promiseMethod(call);
  return name !== undefined && COMBINATORS.has(name);
}

/** The method `name` of `Promise.name(…)`, by the global's name. */
export function promiseMethod(call: ts.CallExpression): string | undefined {
  const m = methodCall(call);
  const object = m && skipOuter(m.object);
  return object && ts.isIdentifier(object) && object.text === "Promise" ? m.name : undefined;
}

/**
 * `const [subs, { db }] = await Promise.all([q1, import("@sim/db")])`: the item
 * of the awaited `Promise.all` array that an element of the `const`'s array
 * pattern (a name or a nested pattern, without a default) stands at.
 * Undefined for other bindings.
 */
export function promiseAllItem(element: ts.BindingElement): ts.Expression | undefined {
  const pattern = element.parent;
  if (!ts.isArrayBindingPattern(pattern) || element.dotDotDotToken || element.initializer) return undefined;
  const holder = pattern.parent;
  if (!ts.isVariableDeclaration(holder) || holder.type || !holder.initializer || !(ts.getCombinedNodeFlags(holder) & ts.NodeFlags.Const)) return undefined;
  const init = skipOuter(holder.initializer);
  const call = ts.isAwaitExpression(init) ? skipOuter(init.expression) : undefined;
  if (!call || !ts.isCallExpression(call) || !isPromiseCombinator(call) || methodCall(call)?.name !== "all" || call.arguments.length !== 1) return undefined;
  const items = skipOuter(call.arguments[0]!);
  const index = pattern.elements.indexOf(element);
  if (!ts.isArrayLiteralExpression(items) || items.elements.slice(0, index + 1).some(ts.isSpreadElement)) return undefined;
  return items.elements[index];
}

/** The name a call is made under: `f` in `f(…)`, `m` in `x.m(…)` / `x["m"](…)`; undefined for other callees. */
export function calleeName(call: ts.CallExpression): string | undefined {
  const callee = skipOuter(call.expression);
  return methodCall(call)?.name ?? (ts.isIdentifier(callee) ? callee.text : undefined);
}

export function isFunctionLike(node: ts.Node): node is ts.FunctionLikeDeclaration {
  switch (node.kind) {
    case Kind.FunctionDeclaration:
    case Kind.FunctionExpression:
    case Kind.ArrowFunction:
    case Kind.MethodDeclaration:
    case Kind.GetAccessor:
    case Kind.SetAccessor:
    case Kind.Constructor:
      return true;
    default:
      return false;
  }
}

/**
 * A file of the user's own code: not a declaration file and not under
 * node_modules. Workspace packages reached through node_modules symlinks
 * resolve to their real paths, so they count as user code (TypeScript's
 * `isSourceFileFromExternalLibrary` would treat them as libraries).
 */
export function isUserSourceFile(sourceFile: ts.SourceFile): boolean {
  return !sourceFile.isDeclarationFile && !/[\\/]node_modules[\\/]/.test(sourceFile.fileName);
}

/** The program's user files (`isUserSourceFile`), once per program: the searches across the program read them per question. */
export const userSourceFiles = programCache((program: ts.Program): readonly ts.SourceFile[] => program.getSourceFiles().filter(isUserSourceFile));

/** `async function`, `async () => …`, `async m() {}`. */
export function isAsyncFunction(fn: ts.Node): boolean {
  return (ts.getCombinedModifierFlags(fn as ts.Declaration) & ts.ModifierFlags.Async) !== 0;
}

/** The nearest enclosing function-like node, or undefined at top level. */
export function enclosingFunction(node: ts.Node): ts.FunctionLikeDeclaration | undefined {
  let current: ts.Node | undefined = node.parent;
  while (current) {
    if (isFunctionLike(current)) return current;
    current = current.parent;
  }
  return undefined;
}

/** Depth-first walk; the visitor returns false to skip a subtree. */
export function walk(node: ts.Node, visit: (node: ts.Node) => boolean | undefined): void {
  const recurse = (child: ts.Node): void => {
    if (visit(child) === false) return;
    ts.forEachChild(child, recurse);
  };
  recurse(node);
}

/** 1-based line of a node start, for messages. */
export function lineOf(sourceFile: ts.SourceFile, pos: number): number {
  return sourceFile.getLineAndCharacterOfPosition(pos).line + 1;
}

/** `null`, `undefined` or `void`: a constituent that adds no value of its own to a union. */
export function isNullishType(type: ts.Type): boolean {
  return (type.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void)) !== 0;
}

/** A type the checker could not determine: missing, `any`, `unknown`, or an error type (an intrinsic `any`). */
export function isUnknownType(type: ts.Type | undefined): boolean {
  return !type || (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0;
}

/** The type of an expression, or undefined when the checker cannot answer. */
export function typeOf(checker: ts.TypeChecker, node: ts.Node): ts.Type | undefined {
  return guard<ts.Type | undefined>(() => checker.getTypeAtLocation(node), undefined);
}

/** Indentation (spaces/tabs) of the line containing `pos`. */
export function indentationAt(sourceFile: ts.SourceFile, pos: number): string {
  const text = sourceFile.text;
  let lineStart = pos;
  while (lineStart > 0 && text[lineStart - 1] !== "\n") lineStart--;
  let end = lineStart;
  while (end < text.length && (text[end] === " " || text[end] === "\t")) end++;
  return text.slice(lineStart, end);
}

/**
 * Whether control never continues past `statement`: a `return`, a `throw`,
 * `process.exit(...)`, a block with such a statement, or an `if` whose both
 * branches exit. The one "does this statement exit" of the engine.
 */
export function alwaysExits(statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement)) return true;
  if (ts.isBlock(statement)) return statement.statements.some(alwaysExits);
  if (ts.isIfStatement(statement)) return !!statement.elseStatement && alwaysExits(statement.thenStatement) && alwaysExits(statement.elseStatement);
  if (ts.isExpressionStatement(statement) && ts.isCallExpression(statement.expression)) {
    const callee = skipOuter(statement.expression.expression);
    return ts.isPropertyAccessExpression(callee) && callee.name.text === "exit" && ts.isIdentifier(callee.expression) && callee.expression.text === "process";
  }
  return false;
}

/**
 * Folds a string expression: string literals, templates and `+`
 * concatenations; any other part is asked of `leaf` (undefined: not known).
 * With a `placeholder`, an unknown part of a template, or the unknown side of
 * a concatenation whose other side is known, reads as the placeholder (a
 * partial text); without one, any unknown part makes the whole undefined.
 * The one constant-string evaluation of the engine.
 */
export function constantString(
  expr: ts.Expression,
  leaf: (part: ts.Expression) => string | undefined,
  placeholder?: string,
  depth = 0,
): string | undefined {
  if (depth > 8) return undefined;
  const e = skipOuter(expr);
  if (ts.isStringLiteralLike(e)) return e.text;
  if (ts.isTemplateExpression(e)) {
    let out = e.head.text;
    for (const span of e.templateSpans) {
      const part = constantString(span.expression, leaf, placeholder, depth + 1) ?? placeholder;
      if (part === undefined) return undefined;
      out += part + span.literal.text;
    }
    return out;
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const l = constantString(e.left, leaf, placeholder, depth + 1);
    const r = constantString(e.right, leaf, placeholder, depth + 1);
    if (l === undefined && r === undefined) return undefined;
    const left = l ?? placeholder;
    const right = r ?? placeholder;
    return left !== undefined && right !== undefined ? left + right : undefined;
  }
  return leaf(e);
}
