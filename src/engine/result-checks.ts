import ts from "typescript";
import { programCache } from "./cache.js";
import { resolveCallee } from "./callees.js";
import { COMPARISON_OPERATORS } from "./conditions.js";
import { drizzleImportName } from "./drizzle-symbols.js";
import { type QueryChain, chainContaining, whereArguments } from "./queries.js";
import { guard } from "./guard.js";
import { identifiersNamed } from "./syntax-index.js";
import { isAssignmentTarget } from "./references.js";
import { symbolAt, valueSymbolAt } from "./symbols.js";
import { isFallback, isFunctionLike, skipOuter, skipOuterUp, typeOf, userSourceFiles, walk } from "./ts-utils.js";

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
      // `if (!(row.userId === me || isModerator)) return`, also through a `const canEdit = …`: exits unless
      // the owner matches or another permission holds
      const comparisons = negated ? disjuncts(constInitializer(checker, t) ?? t) : [t];
      for (const c of comparisons) {
        if (!ts.isBinaryExpression(c)) continue;
        const op = c.operatorToken.kind;
        if (!(negated ? EQUALITY : INEQUALITY).has(op)) continue;
        for (const [side, other] of [
          [c.left, c.right],
          [c.right, c.left],
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
    }
    return undefined;
  });
  return found;
}

/** The initializer of a `const` that an identifier names (`canDelete` → `msg.userId === me || isMod`), else undefined. */
function constInitializer(checker: ts.TypeChecker, e: ts.Expression): ts.Expression | undefined {
  if (!ts.isIdentifier(e)) return undefined;
  const declaration = symbolAt(checker, e)?.valueDeclaration;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer || !(declaration.parent.flags & ts.NodeFlags.Const)) {
    return undefined;
  }
  return skipOuter(declaration.initializer);
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
    if (isFallback(x) && isLiteralLike(x.right)) return returnsValue(x.left);
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
  /** Those uses as a value, where known (`setInterval(tick, ms)` → `tick`); empty for a function without a name. */
  values: ts.Expression[];
}

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
  const result: CallSites = { calls: [], escapes: false, values: [] };
  cache.set(fn, result);
  const name = referenceName(fn);
  if (!name) {
    result.escapes = true;
    return result;
  }
  const checker = program.getTypeChecker();
  const target = symbolAt(checker, name);
  const members = ts.isMethodDeclaration(fn) ? memberDeclarations(checker, fn, name) : undefined;
  for (const file of userSourceFiles(program)) for (const ident of identifiersNamed(file, name.text)) {
    if (ident === name) continue;
    const parent = ident.parent;
    if (!parent) continue;
    if (ts.isImportSpecifier(parent) || ts.isImportClause(parent) || ts.isExportSpecifier(parent)) continue;
    if (ts.isPropertyAccessExpression(parent) && parent.name === ident) {
      // `storage.getOrder(id)`, `this.getOrder(id)`: a method, called through its class or a type it implements
      // (the member of `IStorage` that it implements may dispatch to it); other members of that name are not it
      const symbol = members && symbolAt(checker, ident);
      if (!members || !symbol?.declarations?.some((d) => members.has(d))) continue;
      const call = skipOuterUp(parent).parent;
      if (call && ts.isCallExpression(call) && skipOuter(call.expression) === parent) result.calls.push(call);
      else {
        result.escapes = true;
        result.values.push(skipOuterUp(parent) as ts.Expression);
      }
      continue;
    }
    if (ts.isPropertyAssignment(parent) && parent.name === ident) continue;
    // `{ getPost }` hands the function on: the shorthand's value is the function
    if (valueSymbolAt(checker, ident) !== target) continue;
    const use = skipOuterUp(ident);
    const call = use.parent;
    if (call && ts.isCallExpression(call) && call.expression === use && resolveCallee(program, call) === fn) result.calls.push(call);
    else if (!(ts.isTypeQueryNode(parent) || ts.isQualifiedName(parent))) {
      result.escapes = true;
      result.values.push(use as ts.Expression);
    }
  }
  return result;
}

/**
 * The declarations a call of method `fn` may go through: the method itself,
 * and the members of the same name of the types its class implements or
 * extends (`IStorage.getOrder` for `class DbStorage implements IStorage`).
 * By declaration: a member read through an instance type may be a transient
 * symbol of its own.
 */
function memberDeclarations(checker: ts.TypeChecker, fn: ts.MethodDeclaration, name: ts.Identifier): Set<ts.Declaration> {
  const out = new Set<ts.Declaration>([fn]);
  const owner = fn.parent;
  if (ts.isClassLike(owner)) {
    for (const clause of owner.heritageClauses ?? []) {
      for (const type of clause.types) {
        const member = guard(() => checker.getTypeAtLocation(type).getProperty(name.text), undefined);
        for (const d of member?.declarations ?? []) out.add(d);
      }
    }
  }
  return out;
}

/** A value used only as a condition: `if (x)`, `if (!x)`, `x ? a : b`, `!x && …`. */
export function isTruthinessTest(ref: ts.Node): boolean {
  let node = skipOuterUp(ref);
  while (node.parent && ts.isPrefixUnaryExpression(node.parent) && node.parent.operator === ts.SyntaxKind.ExclamationToken) {
    node = skipOuterUp(node.parent);
  }
  const parent = node.parent;
  if (!parent) return false;
  if ((ts.isIfStatement(parent) || ts.isWhileStatement(parent)) && parent.expression === node) return true;
  if (ts.isConditionalExpression(parent) && parent.condition === node) return true;
  if (ts.isBinaryExpression(parent) && parent.left === node) {
    const op = parent.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) return isTruthinessTest(parent);
  }
  return false;
}

/** drizzle-orm functions whose result is a condition built from their arguments. */
const CONDITION_BUILDERS: ReadonlySet<string> = new Set([...COMPARISON_OPERATORS, "and", "or", "not"]);
/** Variables and parameters followed by `filterOnlyUses`. */
const MAX_FLOW_HOPS = 4;

/** The identifiers that read `symbol` (a `const`, a destructured name or a parameter), in its declaring function or file. */
function readsOf(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Identifier[] | undefined {
  const declaration = symbol.valueDeclaration;
  if (!declaration || !(ts.isVariableDeclaration(declaration) || ts.isBindingElement(declaration) || ts.isParameter(declaration))) {
    return undefined;
  }
  if (!ts.isIdentifier(declaration.name)) return undefined;
  const holder = ts.isBindingElement(declaration) ? ts.walkUpBindingElementsAndPatterns(declaration) : declaration;
  // a `let` or `var` may be reassigned: its later values are not the query's
  if (ts.isVariableDeclaration(holder) && !(holder.parent.flags & ts.NodeFlags.Const)) return undefined;
  const name = declaration.name;
  const scope: ts.Node = ts.isParameter(holder) ? holder.parent : (ts.findAncestor(holder.parent, (n) => isFunctionLike(n)) ?? holder.getSourceFile());
  const start = scope.getStart();
  const end = scope.getEnd();
  return identifiersNamed(name.getSourceFile(), name.text).filter(
    (node) => node !== name && node.pos >= start && node.end <= end && valueSymbolAt(checker, node) === symbol,
  );
}

/**
 * The symbols a `const` declaration binds when `value` is its initializer, and
 * whether each holds `value` itself (`const x = value`, `const [x] = value`)
 * or one of its fields (`const { a, b } = value`).
 */
function constBindings(checker: ts.TypeChecker, value: ts.Node): Array<{ symbol: ts.Symbol; whole: boolean }> | undefined {
  const parent = value.parent;
  if (!parent || !ts.isVariableDeclaration(parent) || parent.initializer !== value || !(parent.parent.flags & ts.NodeFlags.Const)) return undefined;
  const out: Array<{ symbol: ts.Symbol; whole: boolean }> = [];
  const collect = (name: ts.BindingName, whole: boolean): boolean => {
    if (ts.isIdentifier(name)) {
      const symbol = symbolAt(checker, name);
      if (symbol) out.push({ symbol, whole });
      return !!symbol;
    }
    const elementWhole = whole && ts.isArrayBindingPattern(name);
    return name.elements.every((e) => ts.isOmittedExpression(e) || (!e.dotDotDotToken && collect(e.name, elementWhole)));
  };
  return collect(parent.name, true) ? out : undefined;
}

/**
 * The queries a value flows into when it is used only as a compared value in
 * their filters: every read of `symbol` (other than a truthiness test, `if
 * (!row) throw`, `cond ? and(cond, …) : …`) reads a field of it (`row.createdAt`) that is an operand of
 * a drizzle-orm comparison (`gt(chat.createdAt, row.createdAt)`, a `sql`
 * interpolation), itself inside `and`/`or`/`not`/`?:`, that ends as the
 * `where` of a query, possibly through a `const` or the parameter of a project
 * function it is passed to (`query(gt(...))` where `query = (c) =>
 * db.select()...where(and(c, ...))`). Undefined when some read goes anywhere
 * else (returned, rendered, passed to other code) or cannot be followed.
 */
export function filterOnlyUses(program: ts.Program, symbol: ts.Symbol): QueryChain[] | undefined {
  const checker = program.getTypeChecker();
  const chains = new Set<QueryChain>();
  const seen = new Set<ts.Symbol>();

  /** A condition (or a part of one) at `node`: where does it end? */
  const condition = (node: ts.Expression, hops: number): boolean => {
    let e: ts.Node = skipOuterUp(node);
    for (;;) {
      const parent = e.parent;
      if (!parent) return false;
      if (ts.isCallExpression(parent) && parent.arguments.includes(e as ts.Expression)) {
        const name = drizzleImportName(checker, parent.expression);
        if (name !== undefined && CONDITION_BUILDERS.has(name)) {
          e = skipOuterUp(parent);
          continue;
        }
        // `.where(cond)`, `$count(table, cond)`
        const chain = chainContaining(program, parent);
        if (chain) return inWhere(chain, e);
        if (name !== undefined) return false;
        const fn = resolveCallee(program, parent);
        const parameter = fn?.parameters[parent.arguments.indexOf(e as ts.Expression)];
        if (!fn || !parameter || parameter.dotDotDotToken || !ts.isIdentifier(parameter.name)) return false;
        const target = symbolAt(checker, parameter.name);
        return !!target && flows(target, hops + 1, false);
      }
      if (ts.isTemplateSpan(parent) && ts.isTemplateExpression(parent.parent) && ts.isTaggedTemplateExpression(parent.parent.parent)) {
        if (drizzleImportName(checker, parent.parent.parent.tag) !== "sql") return false;
        e = skipOuterUp(parent.parent.parent);
        continue;
      }
      if (ts.isConditionalExpression(parent) && parent.condition !== e) {
        e = skipOuterUp(parent);
        continue;
      }
      if (ts.isBinaryExpression(parent) && parent.right === e && parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
        e = skipOuterUp(parent);
        continue;
      }
      // relational `where: cond`
      if (ts.isPropertyAssignment(parent) && parent.initializer === e && ts.isObjectLiteralExpression(parent.parent)) {
        const call = skipOuterUp(parent.parent).parent;
        const chain = call && ts.isCallExpression(call) ? chainContaining(program, call) : undefined;
        return !!chain && inWhere(chain, e);
      }
      const bound = constBindings(checker, e);
      return !!bound && bound.every((b) => flows(b.symbol, hops + 1, false));
    }
  };

  const inWhere = (chain: QueryChain, e: ts.Node): boolean => {
    if (!whereArguments(chain).some((w) => skipOuterUp(w) === e)) return false;
    chains.add(chain);
    return true;
  };

  /** Every read of `s` ends in a query's filter; `value`: `s` holds the query's result (field reads and tests allowed). */
  const flows = (s: ts.Symbol, hops: number, value: boolean): boolean => {
    if (hops > MAX_FLOW_HOPS) return false;
    if (seen.has(s)) return true;
    seen.add(s);
    const reads = readsOf(checker, s);
    if (!reads) return false;
    return reads.every((ref) => {
      // a test decides which filter or exit applies; nothing of the value leaves
      if (isTruthinessTest(ref)) return true;
      if (!value) return condition(ref, hops);
      let e: ts.Node = skipOuterUp(ref);
      let fields = 0;
      for (;;) {
        const parent = e.parent;
        if (parent && (ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === e) {
          e = skipOuterUp(parent);
          fields++;
        } else break;
      }
      const bound = constBindings(checker, e);
      if (bound) return bound.every((b) => flows(b.symbol, hops + 1, fields === 0 && b.whole));
      // the row itself is no compared value: only its fields are
      return fields > 0 && condition(e as ts.Expression, hops);
    });
  };

  return guard(() => (flows(symbol, 0, true) && chains.size > 0 ? [...chains] : undefined), undefined);
}

/** `input.goalId` → `input` and ["goalId"]; an identifier alone has no names. Property accesses only. */
function accessPath(expr: ts.Expression): { root: ts.Identifier; names: string[] } | undefined {
  const names: string[] = [];
  let e = skipOuter(expr);
  while (ts.isPropertyAccessExpression(e)) {
    names.unshift(e.name.text);
    e = skipOuter(e.expression);
  }
  return ts.isIdentifier(e) ? { root: e, names } : undefined;
}

/** A `const` (possibly destructured), or a parameter (possibly destructured) never assigned in its function. */
function isUnchanging(checker: ts.TypeChecker, symbol: ts.Symbol): boolean {
  const declaration = symbol.valueDeclaration;
  if (!declaration) return false;
  const holder = ts.isBindingElement(declaration) ? ts.walkUpBindingElementsAndPatterns(declaration) : declaration;
  if (ts.isVariableDeclaration(holder)) return !!(holder.parent.flags & ts.NodeFlags.Const);
  if (!ts.isParameter(holder) || !(ts.isParameter(declaration) || ts.isBindingElement(declaration)) || !ts.isIdentifier(declaration.name)) {
    return false;
  }
  const fn = holder.parent;
  const name = declaration.name;
  return !identifiersNamed(name.getSourceFile(), name.text).some(
    (node) => node.pos >= fn.pos && node.end <= fn.end && node !== name && isAssignmentTarget(node) && valueSymbolAt(checker, node) === symbol,
  );
}

/**
 * Whether two expressions read the same value, which cannot change between
 * them: the same `const` or never-assigned parameter (also destructured),
 * through the same property names (`goalId` and `goalId`, `input.goalId` and
 * `input.goalId`). Properties are assumed not to be reassigned.
 */
export function sameValue(checker: ts.TypeChecker, a: ts.Expression, b: ts.Expression): boolean {
  const pa = accessPath(a);
  const pb = accessPath(b);
  if (!pa || !pb || pa.names.length !== pb.names.length || pa.names.some((n, i) => n !== pb.names[i])) return false;
  const symbol = symbolAt(checker, pa.root);
  return !!symbol && symbol === symbolAt(checker, pb.root) && isUnchanging(checker, symbol);
}
