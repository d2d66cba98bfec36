import ts from "typescript";
import { programCache } from "./cache.js";
import { resolveCallee } from "./callees.js";
import { fileSyntax } from "./syntax-index.js";
import { symbolAt } from "./symbols.js";
import { isFunctionLike, isUserSourceFile, skipOuter, skipOuterUp, typeOf, walk } from "./ts-utils.js";

/**
 * What code does with the value a query (or a helper returning a query's row)
 * produced: the variable it is stored in, the `if`s that leave the function
 * depending on it, whether a helper returns it, and where a helper is called.
 * Syntax plus symbols; shared by the rules that reason about authorization.
 */

/** Variables followed from one to the next (`const [doc] = docs`, `const row = rows[0]`). */
const MAX_ALIAS_HOPS = 4;

/**
 * The variable a value is stored in where it stands: `const x = await v`,
 * `const [x] = await v`, `const x = (await v)[0]`, `x = await v`. Undefined
 * when the value is not stored (returned, passed on, destructured into fields).
 */
export function boundVariable(checker: ts.TypeChecker, value: ts.Node): ts.Symbol | undefined {
  let node = skipOuterUp(value);
  for (;;) {
    const parent = node.parent;
    if (!parent) return undefined;
    if (ts.isAwaitExpression(parent)) node = skipOuterUp(parent);
    else if (ts.isElementAccessExpression(parent) && parent.expression === node) node = skipOuterUp(parent);
    else break;
  }
  const parent = node.parent;
  if (!parent) return undefined;
  if (ts.isVariableDeclaration(parent) && parent.initializer === node) return bindingSymbol(checker, parent.name);
  if (
    ts.isBinaryExpression(parent) &&
    parent.right === node &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    ts.isIdentifier(skipOuter(parent.left))
  ) {
    return symbolAt(checker, skipOuter(parent.left));
  }
  return undefined;
}

/** `x` and `[x]` (the first element): the names that hold a row. */
function bindingSymbol(checker: ts.TypeChecker, name: ts.BindingName): ts.Symbol | undefined {
  if (ts.isIdentifier(name)) return symbolAt(checker, name);
  if (ts.isArrayBindingPattern(name)) {
    const first = name.elements[0];
    if (first && ts.isBindingElement(first) && !first.dotDotDotToken && ts.isIdentifier(first.name)) return symbolAt(checker, first.name);
  }
  return undefined;
}

/** The identifier an access path starts from: `chat` in `chat?.userId`, `rows` in `rows[0].userId`. */
function rootIdentifier(expr: ts.Expression): ts.Identifier | undefined {
  let e = skipOuter(expr);
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) e = skipOuter(e.expression);
  return ts.isIdentifier(e) ? e : undefined;
}

/**
 * Whether an expression reads from the value held in `variable`: its root is
 * the variable, or a `const` initialized from it (`const [doc] = docs`).
 */
export function isDerivedFrom(checker: ts.TypeChecker, expr: ts.Expression, variable: ts.Symbol, hops = 0): boolean {
  if (hops > MAX_ALIAS_HOPS) return false;
  const root = rootIdentifier(expr);
  if (!root) return false;
  const symbol = symbolAt(checker, root);
  if (!symbol) return false;
  if (symbol === variable) return true;
  const declaration = symbol.valueDeclaration;
  const holder = declaration && ts.isBindingElement(declaration) ? ts.walkUpBindingElementsAndPatterns(declaration) : declaration;
  if (!holder || !ts.isVariableDeclaration(holder) || !holder.initializer || !(holder.parent.flags & ts.NodeFlags.Const)) return false;
  let init = skipOuter(holder.initializer);
  if (ts.isAwaitExpression(init)) init = skipOuter(init.expression);
  return isDerivedFrom(checker, init, variable, hops + 1);
}

/** A statement that leaves the function or never completes: `return`, `throw`, a call typed `never` (`notFound()`, `redirect()`). */
export function isExitStatement(checker: ts.TypeChecker, statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement)) return true;
  if (ts.isBlock(statement)) return statement.statements.some((s) => isExitStatement(checker, s));
  if (ts.isIfStatement(statement)) {
    return !!statement.elseStatement && isExitStatement(checker, statement.thenStatement) && isExitStatement(checker, statement.elseStatement);
  }
  if (ts.isExpressionStatement(statement)) {
    let e = skipOuter(statement.expression);
    if (ts.isAwaitExpression(e)) e = skipOuter(e.expression);
    if (ts.isCallExpression(e)) {
      const type = typeOf(checker, e);
      return !!type && (type.flags & ts.TypeFlags.Never) !== 0;
    }
  }
  return false;
}

/** The terms of a condition under which an `if` exits: `a || b || c` → a, b, c. */
function disjuncts(condition: ts.Expression): ts.Expression[] {
  const e = skipOuter(condition);
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.BarBarToken) return [...disjuncts(e.left), ...disjuncts(e.right)];
  return [e];
}

const INEQUALITY = new Set([ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken]);
const EQUALITY = new Set([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken]);

function isLiteralLike(e: ts.Expression): boolean {
  const x = skipOuter(e);
  return (
    ts.isLiteralExpression(x) ||
    x.kind === ts.SyntaxKind.NullKeyword ||
    x.kind === ts.SyntaxKind.TrueKeyword ||
    x.kind === ts.SyntaxKind.FalseKeyword ||
    (ts.isIdentifier(x) && x.text === "undefined")
  );
}

/** The name an access path ends with: `userId` in `chat?.userId`. */
function lastPropertyName(e: ts.Expression): string | undefined {
  const x = skipOuter(e);
  if (ts.isPropertyAccessExpression(x)) return x.name.text;
  if (ts.isElementAccessExpression(x) && ts.isStringLiteralLike(x.argumentExpression)) return x.argumentExpression.text;
  return undefined;
}

export interface MismatchExit {
  /** The `if` that leaves the function. */
  statement: ts.IfStatement;
  /** The row's column as compared (`chat?.userId`). */
  subject: ts.Expression;
  /** The value the row's column is compared with: the principal (`session.user.id`). */
  principal: ts.Expression;
  /** The column compared. */
  column: string;
}

/** Where to look for a mismatch exit: which values are the row, and between which offsets the `if` starts. */
export interface MismatchQuery {
  /** The compared access path reads the row (`chat.userId` for the row held in `chat`). */
  isRow: (expr: ts.Expression) => boolean;
  /** Column keys of the row that name its owner or tenant. */
  matches: (column: string) => boolean;
  from: number;
  to?: number;
}

/**
 * An `if` of `fn` (not of a nested function), between `from` and `to`, that
 * leaves the function when an owner or tenant column of a row differs from
 * another value: `if (chat.userId !== session.user.id) return forbidden()`,
 * `if (!doc || doc.userId != me) throw`, `if (!(row.teamId === team))
 * notFound()`. The other value must not be a literal nor read from the same
 * variable. The `if` may sit inside another (`if (chat.visibility ===
 * "private") { if (...) notFound() }`).
 */
export function mismatchExit(checker: ts.TypeChecker, fn: ts.Node, query: MismatchQuery): MismatchExit | undefined {
  let found: MismatchExit | undefined;
  const body = isFunctionLike(fn) ? fn.body : fn;
  if (!body) return undefined;
  const to = query.to ?? Number.POSITIVE_INFINITY;
  walk(body, (node) => {
    if (found || node.getStart() >= to) return false;
    if (node !== body && isFunctionLike(node)) return false;
    if (!ts.isIfStatement(node) || node.getStart() < query.from || !isExitStatement(checker, node.thenStatement)) return undefined;
    for (const term of disjuncts(node.expression)) {
      let t = skipOuter(term);
      let negated = false;
      if (ts.isPrefixUnaryExpression(t) && t.operator === ts.SyntaxKind.ExclamationToken) {
        negated = true;
        t = skipOuter(t.operand);
      }
      if (!ts.isBinaryExpression(t)) continue;
      const op = t.operatorToken.kind;
      if (!(negated ? EQUALITY : INEQUALITY).has(op)) continue;
      for (const [side, other] of [
        [t.left, t.right],
        [t.right, t.left],
      ] as const) {
        const column = lastPropertyName(side);
        if (column === undefined || !query.matches(column) || !query.isRow(side)) continue;
        const root = rootIdentifier(side);
        const otherRoot = rootIdentifier(other);
        if (isLiteralLike(other) || query.isRow(other)) continue;
        if (root && otherRoot && symbolAt(checker, root) === symbolAt(checker, otherRoot)) continue;
        found = { statement: node, subject: side, principal: other, column };
        return false;
      }
    }
    return undefined;
  });
  return found;
}

/** The expression a variable was initialized with, through `await`, `[0]` and destructuring: `getChatById(...)` for `const [chat] = await getChatById(...)`. */
export function rowSource(checker: ts.TypeChecker, expr: ts.Expression, hops = 0): ts.Expression | undefined {
  if (hops > MAX_ALIAS_HOPS) return undefined;
  const root = rootIdentifier(expr);
  const declaration = root ? symbolAt(checker, root)?.valueDeclaration : undefined;
  const holder = declaration && ts.isBindingElement(declaration) ? ts.walkUpBindingElementsAndPatterns(declaration) : declaration;
  if (!holder || !ts.isVariableDeclaration(holder) || !holder.initializer) return undefined;
  let init = skipOuter(holder.initializer);
  for (;;) {
    if (ts.isAwaitExpression(init)) init = skipOuter(init.expression);
    else if (ts.isElementAccessExpression(init)) init = skipOuter(init.expression);
    else break;
  }
  if (ts.isIdentifier(init)) return rowSource(checker, init, hops + 1) ?? init;
  return init;
}

/**
 * Whether the value held in `variable` decides if `later` runs: an `if`
 * between them that exits depending on it (`if (!row) throw`, `if (count ===
 * 0) return`, `if (rows.length === 0) notFound()`), or `later` inside the
 * branch of an `if` or `?:` whose condition reads it (`if (row) await ...`).
 */
export function gates(checker: ts.TypeChecker, variable: ts.Symbol, from: number, later: ts.Node): boolean {
  const reads = (condition: ts.Expression): boolean => {
    let found = false;
    walk(condition, (n) => {
      if (found) return false;
      if (ts.isIdentifier(n) && symbolAt(checker, n) === variable) found = true;
      else if (ts.isIdentifier(n) && isDerivedFrom(checker, n, variable)) found = true;
      return undefined;
    });
    return found;
  };
  for (let n: ts.Node = later; n.parent; n = n.parent) {
    const parent = n.parent;
    if (isFunctionLike(parent) && !isTransactionCallbackLike(parent)) break;
    if (ts.isIfStatement(parent) && n !== parent.expression && parent.getStart() >= from && reads(parent.expression)) return true;
    if (ts.isConditionalExpression(parent) && n !== parent.condition && parent.getStart() >= from && reads(parent.condition)) return true;
    // exits earlier in the same statement list
    if (ts.isBlock(parent) || ts.isSourceFile(parent) || ts.isCaseClause(parent) || ts.isDefaultClause(parent)) {
      for (const s of parent.statements) {
        if (s === n) break;
        if (s.getStart() < from) continue;
        if (ts.isIfStatement(s) && isExitStatement(checker, s.thenStatement) && reads(s.expression)) return true;
      }
    }
  }
  return false;
}

/** A callback run where it stands (`db.transaction(async (tx) => ...)`): its code runs after the code before it. */
function isTransactionCallbackLike(fn: ts.Node): boolean {
  const parent = skipOuterUp(fn).parent;
  return !!parent && ts.isCallExpression(parent) && parent.arguments.includes(skipOuterUp(fn) as ts.Expression);
}

/**
 * Whether every value `fn` returns is the query result `value` (or read from
 * it), a literal (`null`, `undefined`) or nothing: `fn` is a helper that
 * hands the row to its callers. Nested functions are not looked into.
 */
export function returnsOnly(checker: ts.TypeChecker, fn: ts.FunctionLikeDeclaration, value: ts.Expression): boolean {
  const body = fn.body;
  if (!body) return false;
  const variable = boundVariable(checker, value);
  const returnsValue = (e: ts.Expression): boolean => {
    let x = skipOuter(e);
    if (ts.isAwaitExpression(x)) x = skipOuter(x.expression);
    // `row ?? null`, `row || undefined`
    if (
      ts.isBinaryExpression(x) &&
      (x.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || x.operatorToken.kind === ts.SyntaxKind.BarBarToken) &&
      isLiteralLike(x.right)
    ) {
      return returnsValue(x.left);
    }
    for (let v: ts.Node = skipOuter(value as ts.Expression); ; ) {
      if (x === v) return true;
      const up = skipOuterUp(v).parent;
      if (!up || !(ts.isAwaitExpression(up) || (ts.isElementAccessExpression(up) && up.expression === skipOuterUp(v)))) break;
      v = up;
      if (x === v) return true;
    }
    return !!variable && isDerivedFrom(checker, x, variable);
  };
  if (!ts.isBlock(body)) return returnsValue(body);
  let some = false;
  let other = false;
  walk(body, (node) => {
    if (other) return false;
    if (node !== body && isFunctionLike(node)) return false;
    if (ts.isReturnStatement(node) && node.expression) {
      if (returnsValue(node.expression)) some = true;
      else if (!isLiteralLike(node.expression)) other = true;
    }
    return undefined;
  });
  return some && !other;
}

export interface CallSites {
  calls: ts.CallExpression[];
  /** The function is also used as a value (passed, stored, exported under another name): its callers are unknown. */
  escapes: boolean;
}

/** Identifiers of the program's user files by text: the candidates for a function's references. */
const identifiersByName = programCache((program: ts.Program) => {
  const index = new Map<string, ts.Identifier[]>();
  for (const file of program.getSourceFiles()) {
    if (!isUserSourceFile(file)) continue;
    for (const [name, list] of fileSyntax(file).identifiers) {
      const all = index.get(name);
      if (all) all.push(...list);
      else index.set(name, [...list]);
    }
  }
  return index;
});

const callSitesCache = programCache(() => new WeakMap<ts.Node, CallSites>());

/** The name a function is referred to by: its own, or the variable holding it. */
function referenceName(fn: ts.FunctionLikeDeclaration): ts.Identifier | undefined {
  if (fn.name && ts.isIdentifier(fn.name)) return fn.name;
  const parent = skipOuterUp(fn).parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name;
  return undefined;
}

/**
 * Every call of `fn` in the program's user files, found by name and then by
 * symbol. A reference that is not a call (nor an import or export of the
 * name) makes `escapes` true: the function may be called from anywhere.
 */
export function callSitesOf(program: ts.Program, fn: ts.FunctionLikeDeclaration): CallSites {
  const cache = callSitesCache(program);
  const known = cache.get(fn);
  if (known) return known;
  const result: CallSites = { calls: [], escapes: false };
  cache.set(fn, result);
  const name = referenceName(fn);
  if (!name) {
    result.escapes = true;
    return result;
  }
  const checker = program.getTypeChecker();
  const target = symbolAt(checker, name);
  for (const ident of identifiersByName(program).get(name.text) ?? []) {
    if (ident === name) continue;
    const parent = ident.parent;
    if (!parent) continue;
    if (ts.isImportSpecifier(parent) || ts.isImportClause(parent) || ts.isExportSpecifier(parent)) continue;
    // `x.getChatById(...)`: a member of an object or class is not followed
    if (ts.isPropertyAccessExpression(parent) && parent.name === ident) continue;
    if (ts.isPropertyAssignment(parent) && parent.name === ident) continue;
    if (symbolAt(checker, ident) !== target) continue;
    const use = skipOuterUp(ident);
    const call = use.parent;
    if (call && ts.isCallExpression(call) && call.expression === use && resolveCallee(program, call) === fn) result.calls.push(call);
    else if (!(ts.isTypeQueryNode(parent) || ts.isQualifiedName(parent))) result.escapes = true;
  }
  return result;
}
