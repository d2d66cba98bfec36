import ts from "typescript";
import { type DeclaredFunction, calledPlainFunction, declaredTypesOf, hasInferredReturnType, objectLiteralsOf, returnedExpressions } from "./declared-types.js";
import { chainContaining, isFirstArgumentOfDbMethod } from "./queries.js";
import { declarationScope, isAssignmentTarget, referencesIn } from "./references.js";
import { isAsyncFunction, isPromiseCombinator, isUserSourceFile, literalProperty, methodCall, promiseAllItem, promiseMethod, skipOuter, skipOuterUp, unannotatedConstInitializer } from "./ts-utils.js";
import { symbolAt } from "./symbols.js";

/*
 * Query rows, by syntax, declarations and the query index: which values are
 * the rows an awaited Drizzle query returned, or read from them. Typing such
 * a value infers the query's result type, which with a large schema is the
 * costliest type of the program; what these functions answer is known
 * without it.
 */

/** Builder methods that may end a select chain whose awaited value is its rows. */
const SELECT_ENDS = new Set(["from", "where", "orderBy", "limit", "offset", "groupBy", "having", "innerJoin", "leftJoin", "rightJoin", "fullJoin", "crossJoin", "for"]);
/** Array methods that return a new array when called on one. */
const ARRAY_RESULT_METHODS = new Set(["filter", "map", "slice", "concat", "flat", "flatMap", "toSorted", "toReversed", "sort", "reverse"]);

/**
 * A built-in array, by syntax: an array literal (`[...new Set(ids)]`), an
 * array method's result on one (`ids.filter(…)`), a call of a plain user
 * function (no declared return type, not generic; an IIFE too) whose every
 * `return` is one (awaited, for an async one), or a `const` without a type annotation holding one. Its
 * members are the library's `Array` members, so calling one
 * (`unknown.join(", ")`, `[...ids].sort()`) or iterating it needs
 * no typing of the array — which would type its items, as far as a query's
 * rows. A type assertion (`[] as unknown as List`) is not looked through.
 */
export function isArrayValue(checker: ts.TypeChecker, expr: ts.Expression, depth = 0): boolean {
  if (depth > 6) return false;
  let e = expr;
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  if (ts.isArrayLiteralExpression(e)) return true;
  if (ts.isCallExpression(e)) {
    const m = methodCall(e);
    if (m) return ts.isPropertyAccessExpression(e.expression) && ARRAY_RESULT_METHODS.has(m.name) && isArrayValue(checker, m.object, depth + 1);
    // `buildConditions(scope, filter)`: a plain user function without a declared return type whose every `return` is one
    const fn = calledPlainFunction(checker, e);
    return !!fn && !isAsyncFunction(fn) && returnsArrays(checker, fn, depth);
  }
  if (ts.isAwaitExpression(e)) {
    // `await (async () => { …; return [...ids].sort(); })()`: an async plain function whose every `return` is one
    const operand = skipOuter(e.expression);
    const fn = ts.isCallExpression(operand) ? calledPlainFunction(checker, operand) : undefined;
    if (fn && isAsyncFunction(fn)) return returnsArrays(checker, fn, depth);
    // awaiting an array gives the array
    return isArrayValue(checker, e.expression, depth + 1);
  }
  if (!ts.isIdentifier(e)) return false;
  const initializer = unannotatedConstInitializer(symbolAt(checker, e)?.valueDeclaration);
  return !!initializer && isArrayValue(checker, initializer, depth + 1);
}

/** Whether every `return` of a plain function's body gives an array, by syntax (an async function's awaited). */
function returnsArrays(checker: ts.TypeChecker, fn: ts.FunctionLikeDeclaration & { body: ts.ConciseBody }, depth: number): boolean {
  const returned = returnedExpressions(fn.body);
  return !!returned?.length && returned.every((r) => isArrayValue(checker, r, depth + 1));
}

/**
 * An array of rows, by syntax, declarations and the query index: a `const`
 * holding `await` of a select chain, a relational `findMany`, a write's
 * `.returning()`, or of a call to a user function that returns such rows (or
 * named for such an item of an awaited `Promise.all([…])`); an awaited
 * `Promise.all` of such queries (`Promise.all(ids.map((id) => db.select()…))`:
 * an array of rows arrays, whose items are read as rows); a choice of two
 * (`more ? rows.slice(0, n) : rows`, `ids.length ? await db.select()… : []`); a
 * property of the object literal a helper returns holding one; an
 * array method's result on one (`rows.filter(…)`); a `const` holding one of
 * these. Typing such a value infers the query's result type, which with a
 * large schema is the costliest type of the program.
 */
export function isRowsArray(program: ts.Program, expr: ts.Expression, depth = 0): boolean {
  if (depth > 6) return false;
  const e = skipOuter(expr);
  if (ts.isCallExpression(e)) {
    const m = methodCall(e);
    return !!m && ts.isPropertyAccessExpression(skipOuter(e.expression)) && ARRAY_RESULT_METHODS.has(m.name) && isRowsArray(program, m.object, depth + 1);
  }
  // `hasMore ? logs.slice(0, limit) : logs`; `ids.length === 0 ? [] : await db.select()…`, where `[]` holds no rows
  // (nothing is read from its items) and the other choice holds a query's
  if (ts.isConditionalExpression(e)) return everyRowsChoice(e, false, (choice) => isRowsArray(program, choice, depth + 1));
  if (ts.isAwaitExpression(e)) return awaitsRows(program, e.expression, depth + 1);
  // `preview.workspaces` on `const preview = await loadPreview(id)`, whose helper returns `{ workspaces: rows.map(…) }`
  if (ts.isPropertyAccessExpression(e)) {
    const literals = objectLiteralsOf(program.getTypeChecker(), e.expression);
    return !!literals && literals.every((literal) => {
      const property = literalProperty(literal, e.name.text);
      return !!property && ts.isPropertyAssignment(property) && isRowsArray(program, property.initializer, depth + 1);
    });
  }
  if (!ts.isIdentifier(e)) return false;
  const decl = symbolAt(program.getTypeChecker(), e)?.valueDeclaration;
  if (decl && ts.isBindingElement(decl)) return awaitsRows(program, promiseAllItem(decl), depth + 1);
  const initializer = unannotatedConstInitializer(decl);
  if (!initializer) return false;
  const init = skipOuter(initializer);
  return ts.isAwaitExpression(init) ? awaitsRows(program, init.expression, depth + 1) : isRowsArray(program, init, depth + 1);
}

/**
 * `ids.length === 0 ? [] : rows`: whether every choice that may hold items
 * passes `test`; a choice that holds none (`[]`, and when the value is
 * awaited, `Promise.resolve([])`) is left out, but not both.
 */
function everyRowsChoice(choice: ts.ConditionalExpression, awaited: boolean, test: (choice: ts.Expression) => boolean): boolean {
  const withItems = [choice.whenTrue, choice.whenFalse].filter((c) => !(isEmptyArrayLiteral(c) || (awaited && resolvesEmptyArray(c))));
  return withItems.length > 0 && withItems.every(test);
}

function isEmptyArrayLiteral(expr: ts.Expression): boolean {
  const e = skipOuter(expr);
  return ts.isArrayLiteralExpression(e) && e.elements.length === 0;
}

/** `Promise.resolve([])`. */
function resolvesEmptyArray(expr: ts.Expression): boolean {
  const e = skipOuter(expr);
  return ts.isCallExpression(e) && promiseMethod(e) === "resolve" && e.arguments.length === 1 && isEmptyArrayLiteral(e.arguments[0]!);
}

/**
 * Whether awaiting `call` gives a query chain's rows (a select that ends so,
 * a relational `findMany`, a write's `.returning()`); undefined when `call`
 * is in no query chain.
 */
function chainRows(program: ts.Program, call: ts.CallExpression): boolean | undefined {
  const chain = chainContaining(program, call);
  if (!chain) return undefined;
  if (chain.end !== call) return false;
  const last = methodCall(call)?.name;
  if (chain.operation === "select") return last !== undefined && SELECT_ENDS.has(last);
  if (chain.operation === "relational") return chain.calls.length === 0 && last === "findMany";
  if (chain.operation === "insert" || chain.operation === "update" || chain.operation === "delete") return last === "returning";
  return false;
}

/** Array methods whose result holds some of the array's own items. */
const ITEM_PRESERVING_METHODS = new Set(["filter", "slice", "toSorted", "toReversed", "sort", "reverse"]);

/**
 * The declared types of the items of an array made by spreading one
 * collection, `[...byId.keys()]` (then sorted, filtered, sliced, or held in
 * a `const`): a `Map`'s keys (`.keys()`) or values (`.values()`), a `Set`'s
 * items, or an array's, each read from the collection's declared type
 * arguments (`new Map<string, Delta>()`), without typing the array.
 * Undefined when a declaration does not say.
 */
export function spreadItemTypes(checker: ts.TypeChecker, expr: ts.Expression, depth = 0): ts.Type[] | undefined {
  if (depth > 6) return undefined;
  const e = skipOuter(expr);
  if (ts.isIdentifier(e)) {
    const initializer = unannotatedConstInitializer(symbolAt(checker, e)?.valueDeclaration);
    return initializer && spreadItemTypes(checker, initializer, depth + 1);
  }
  if (ts.isCallExpression(e)) {
    const m = methodCall(e);
    return m && ITEM_PRESERVING_METHODS.has(m.name) ? spreadItemTypes(checker, m.object, depth + 1) : undefined;
  }
  const only = ts.isArrayLiteralExpression(e) && e.elements.length === 1 ? e.elements[0]! : undefined;
  if (!only || !ts.isSpreadElement(only)) return undefined;
  const spread = skipOuter(only.expression);
  const m = ts.isCallExpression(spread) && spread.arguments.length === 0 ? methodCall(spread) : undefined;
  if (m && m.name !== "keys" && m.name !== "values") return undefined;
  const source = m ? m.object : spread;
  // `const byId = new Map<string, Delta>()`: the written type arguments (the constructor's declared result is generic, and
  // no public checker call instantiates it)
  const held = ts.isIdentifier(skipOuter(source)) ? unannotatedConstInitializer(symbolAt(checker, skipOuter(source))?.valueDeclaration) : undefined;
  const made = held && skipOuter(held);
  if (made && ts.isNewExpression(made) && made.typeArguments && ts.isIdentifier(made.expression)) {
    const name = made.expression.text;
    const library = symbolAt(checker, made.expression)?.declarations?.every((d) => !isUserSourceFile(d.getSourceFile()));
    const argument = library && (name === "Map" || name === "Set") ? spreadArgument(name, m?.name) : undefined;
    const written = argument && made.typeArguments.length === argument.arity ? made.typeArguments[argument.index] : undefined;
    return written && [checker.getTypeFromTypeNode(written)];
  }
  const out: ts.Type[] = [];
  for (const collection of declaredTypesOf(checker, source) ?? []) {
    const args = collection.flags & ts.TypeFlags.Object ? checker.getTypeArguments(collection as ts.TypeReference) : [];
    const argument = spreadArgument(checker.isArrayType(collection) ? "Array" : collection.getSymbol()?.getName(), m?.name);
    const item = argument && args.length === argument.arity ? args[argument.index] : undefined;
    if (!item) return undefined;
    out.push(item);
  }
  return out.length ? out : undefined;
}

/**
 * Which type argument of a collection holds what `[...c]`, `[...c.keys()]`
 * or `[...c.values()]` spreads, and how many it has: a `Map<K, V>`'s keys
 * give K and its values V; a `Set<T>`'s or an array's items, spread whole
 * or by `values()`, give T.
 */
function spreadArgument(collection: string | undefined, method: string | undefined): { index: number; arity: number } | undefined {
  if (collection === "Map" || collection === "ReadonlyMap") return method === "keys" ? { index: 0, arity: 2 } : method === "values" ? { index: 1, arity: 2 } : undefined;
  if (collection === "Set" || collection === "ReadonlySet" || collection === "Array") return method === "keys" ? undefined : { index: 0, arity: 1 };
  return undefined;
}

/**
 * An array of a query's rows themselves, by syntax and the query index: a
 * `const` holding an awaited query chain's rows (also as an item of an
 * awaited `Promise.all`, or as a choice with `[]`), or an item-preserving
 * array method's result on one (not `.map(…)`, whose items are whatever it
 * makes).
 */
function holdsRowObjects(program: ts.Program, expr: ts.Expression, depth: number): boolean {
  if (depth > 6) return false;
  const e = skipOuter(expr);
  if (ts.isCallExpression(e)) {
    const m = methodCall(e);
    return !!m && ITEM_PRESERVING_METHODS.has(m.name) && holdsRowObjects(program, m.object, depth + 1);
  }
  // `ids.length === 0 ? [] : await db.select()…`
  if (ts.isConditionalExpression(e)) return everyRowsChoice(e, false, (choice) => holdsRowObjects(program, choice, depth + 1));
  if (ts.isAwaitExpression(e)) return awaitsRowObjects(program, e.expression);
  if (!ts.isIdentifier(e)) return false;
  const decl = symbolAt(program.getTypeChecker(), e)?.valueDeclaration;
  // `const [total, rows] = await Promise.all([count, db.select()…])`
  if (decl && ts.isBindingElement(decl)) return awaitsRowObjects(program, promiseAllItem(decl));
  const initializer = unannotatedConstInitializer(decl);
  return !!initializer && holdsRowObjects(program, initializer, depth + 1);
}

/** Whether awaiting `expr` gives a query chain's rows themselves (or, by a choice, no rows: `Promise.resolve([])`). */
function awaitsRowObjects(program: ts.Program, expr: ts.Expression | undefined): boolean {
  const awaited = expr && skipOuter(expr);
  if (!awaited) return false;
  if (ts.isConditionalExpression(awaited)) return everyRowsChoice(awaited, true, (choice) => awaitsRowObjects(program, choice));
  return ts.isCallExpression(awaited) && chainRows(program, awaited) === true;
}

/**
 * One row of a query, by syntax: the variable of `for (const row of rows)`,
 * or the first parameter, never assigned, of `rows.map((row) => …)` (and the
 * other element callbacks), over an array of a query's rows themselves
 * (`holdsRowObjects`). Drizzle decodes each row into an object, never an
 * array, so whether it is one needs no typing.
 */
export function isRowObjectBinding(program: ts.Program, decl: ts.Declaration | undefined): boolean {
  if (!decl) return false;
  if (ts.isParameter(decl)) {
    const receiver = elementCallbackReceiver(decl);
    return !!receiver && ts.isIdentifier(decl.name) && holdsRowObjects(program, receiver, 0) && !referencesIn(program.getTypeChecker(), decl.name, decl.parent).some(isAssignmentTarget);
  }
  if (!ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name)) return false;
  const loop = decl.parent.parent;
  return ts.isForOfStatement(loop) && !loop.awaitModifier && loop.initializer === decl.parent && holdsRowObjects(program, loop.expression, 0);
}

/** Whether awaiting `expr` gives an array of rows: a query chain that ends so, or a call to a user function whose every return does. */
function awaitsRows(program: ts.Program, expr: ts.Expression | undefined, depth: number): boolean {
  if (!expr || depth > 6) return false;
  const awaited = skipOuter(expr);
  // `emails.length === 0 ? Promise.resolve([]) : executor.select()…` (an item of `Promise.all`): no rows, or a query's
  if (ts.isConditionalExpression(awaited)) return everyRowsChoice(awaited, true, (choice) => awaitsRows(program, choice, depth + 1));
  // `await finalQuery` for `finalQuery = query.limit(n)` on `let query = base.$dynamic()`: a select builder held in variables
  if (heldBuilder(program, awaited, depth + 1)?.select) return true;
  if (!ts.isCallExpression(awaited)) return false;
  const fromChain = chainRows(program, awaited);
  if (fromChain !== undefined) return fromChain;
  const m = methodCall(awaited);
  // `await Promise.all(ids.map((id) => db.select()…))`, `await Promise.all([q1, q2])`: an array of arrays of rows,
  // whose items (rows arrays) and what is read from them are never columns either
  if (isPromiseCombinator(awaited) && m?.name === "all" && awaited.arguments.length === 1) {
    const items = skipOuter(awaited.arguments[0]!);
    if (ts.isArrayLiteralExpression(items)) return items.elements.length > 0 && items.elements.every((item) => !ts.isSpreadElement(item) && awaitsRows(program, item, depth + 1));
    const mapped = ts.isCallExpression(items) && methodCall(items)?.name === "map" && items.arguments[0] ? skipOuter(items.arguments[0]) : undefined;
    return !!mapped && (ts.isArrowFunction(mapped) || ts.isFunctionExpression(mapped)) && returnsRows(program, mapped, depth);
  }
  // `await db.transaction(async (tx) => { …; return tx.select()… })`: what the callback returns
  const first = awaited.arguments[0] && skipOuter(awaited.arguments[0]);
  if (m?.name === "transaction" && first && (ts.isArrowFunction(first) || ts.isFunctionExpression(first)) && isFirstArgumentOfDbMethod(program, first, "transaction")) {
    return returnsRows(program, first, depth);
  }
  // `await getDeploymentsByType(id)`: a non-generic user function without a declared return type, read by its returns
  if (awaited.typeArguments?.length) return false;
  const fn = calledPlainFunction(program.getTypeChecker(), awaited);
  return !!fn && returnsRows(program, fn, depth);
}

/** Builder methods that keep a select builder one (awaiting it gives its rows). */
const SELECT_STEPS = new Set([...SELECT_ENDS, "$dynamic"]);

/** A held query builder: whether awaiting it gives a select's rows (a select chain, then only select steps). */
export interface HeldBuilder {
  select: boolean;
}

/**
 * A query builder held in code, by syntax and the query index: a query chain
 * (`db.select()…from(t)`); a builder method called on a held builder
 * (`query.limit(n)`, `base.$dynamic()`); a variable without a type
 * annotation holding one — a `const`, or a `let` whose every assignment is
 * such a call (`query = query.orderBy(…)`). Undefined otherwise.
 */
export function heldBuilder(program: ts.Program, expr: ts.Expression, depth = 0, visiting = new Set<ts.Declaration>()): HeldBuilder | undefined {
  if (depth > 12) return undefined;
  const e = skipOuter(expr);
  if (ts.isCallExpression(e)) {
    const chain = chainContaining(program, e);
    const m = methodCall(e);
    if (chain) return chain.end === e ? { select: chain.operation === "select" && !!m && SELECT_ENDS.has(m.name) } : undefined;
    if (!m || !ts.isPropertyAccessExpression(skipOuter(e.expression))) return undefined;
    const held = heldBuilder(program, m.object, depth + 1, visiting);
    return held && { select: held.select && SELECT_STEPS.has(m.name) };
  }
  if (!ts.isIdentifier(e)) return undefined;
  const checker = program.getTypeChecker();
  const decl = symbolAt(checker, e)?.valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name) || decl.type || !decl.initializer || !isUserSourceFile(decl.getSourceFile())) return undefined;
  // `query = query.orderBy(…)`: assumed a select builder while its own assignments are judged
  if (visiting.has(decl)) return { select: true };
  visiting.add(decl);
  if (!ts.isCallExpression(skipOuter(decl.initializer))) return undefined;
  const held = heldBuilder(program, decl.initializer, depth + 1, visiting);
  if (!held || ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const) return held;
  let select = held.select;
  for (const ref of referencesIn(checker, decl.name, declarationScope(decl))) {
    if (!isAssignmentTarget(ref)) continue;
    const assignment = skipOuterUp(ref).parent;
    const assigned = ts.isBinaryExpression(assignment) && assignment.operatorToken.kind === ts.SyntaxKind.EqualsToken ? heldBuilder(program, assignment.right, depth + 1, visiting) : undefined;
    if (!assigned) return undefined;
    select &&= assigned.select;
  }
  return { select };
}

/** Whether every `return` of a function (non-generic, without a declared return type) gives rows once awaited; an early `return []` gives none. */
function returnsRows(program: ts.Program, fn: DeclaredFunction, depth: number): boolean {
  if (!hasInferredReturnType(fn)) return false;
  const returned = returnedExpressions(fn.body)?.filter((r) => !isEmptyArrayLiteral(r));
  return (
    !!returned?.length &&
    returned.every((r) => {
      const inner = skipOuter(r);
      return ts.isAwaitExpression(inner) ? awaitsRows(program, inner.expression, depth + 1) : awaitsRows(program, inner, depth + 1) || isRowsArray(program, inner, depth + 1);
    })
  );
}

/** Array methods that return one element of the array (or undefined). */
const ELEMENT_RESULT_METHODS = new Set(["find", "findLast", "at", "pop", "shift"]);

/** Array methods whose callback gets one element as its first parameter. */
const ELEMENT_CALLBACK_METHODS = new Set(["map", "flatMap", "forEach", "filter", "some", "every", "find", "findIndex", "findLast", "findLastIndex"]);

/**
 * A value read from query rows: a row (`for (const row of rows)`,
 * `const [row] = await db.select()…`, `rows[0]`, the parameter of
 * `rows.map((row) => …)`) or anything read from one (`row.userId`,
 * `const { userId } = row`). Rows hold plain values decoded by the driver —
 * never a Drizzle column, table, builder or database — so an engine
 * question about what such a value is can be answered without typing it.
 * Bindings count only when nothing assigns them.
 */
export function isRowValue(program: ts.Program, expr: ts.Expression, depth = 0): boolean {
  if (depth > 6) return false;
  const e = skipOuter(expr);
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    return isRowValue(program, e.expression, depth + 1) || isRowsArray(program, e.expression, depth + 1);
  }
  // `rows.find((row) => …)`, `rows.at(-1)`: one of the rows
  if (ts.isCallExpression(e)) {
    const m = methodCall(e);
    return !!m && ts.isPropertyAccessExpression(skipOuter(e.expression)) && ELEMENT_RESULT_METHODS.has(m.name) && isRowsArray(program, m.object, depth + 1);
  }
  if (!ts.isIdentifier(e)) return false;
  const checker = program.getTypeChecker();
  const decl = symbolAt(checker, e)?.valueDeclaration;
  if (!decl || !isUserSourceFile(decl.getSourceFile())) return false;
  if (ts.isParameter(decl)) return isElementParameter(program, decl, depth);
  // `const { a, b: [c] } = …`: the outermost variable declaration, its pattern holding the name
  let holder: ts.Node = decl;
  let inArrayPattern = false;
  while (ts.isBindingElement(holder)) {
    if (holder.dotDotDotToken) return false;
    inArrayPattern ||= ts.isArrayBindingPattern(holder.parent);
    holder = holder.parent.parent;
  }
  if (!ts.isVariableDeclaration(holder) || !(ts.getCombinedNodeFlags(holder) & ts.NodeFlags.Const)) return false;
  const nested = holder !== decl;
  // `for (const row of rows)`, `for (const { id } of rows)`
  const loop = holder.parent.parent;
  if (ts.isForOfStatement(loop) && loop.initializer === holder.parent) return !loop.awaitModifier && isRowsArray(program, loop.expression, depth + 1);
  if (holder.type || !holder.initializer) return false;
  const init = skipOuter(holder.initializer);
  // `const row = rows[0]`, `const id = row.id`, `const { id } = row`
  if (isRowValue(program, init, depth + 1)) return true;
  // `const [row] = rows`, `const [{ id }] = await db.select()…`: an element of an array of rows
  return nested && inArrayPattern && (ts.isAwaitExpression(init) ? awaitsRows(program, init.expression, depth + 1) : isRowsArray(program, init, depth + 1));
}

/**
 * The array a callback's first parameter is an element of: `xs` for the
 * parameter of `xs.map((x) => …)` (and of the other element callbacks).
 */
export function elementCallbackReceiver(parameter: ts.ParameterDeclaration): ts.Expression | undefined {
  const fn = parameter.parent;
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || fn.parameters[0] !== parameter || parameter.dotDotDotToken) return undefined;
  let up: ts.Node = fn;
  while (ts.isParenthesizedExpression(up.parent)) up = up.parent;
  const call = up.parent;
  if (!ts.isCallExpression(call) || call.arguments[0] !== up) return undefined;
  const m = methodCall(call);
  return m && ELEMENT_CALLBACK_METHODS.has(m.name) ? m.object : undefined;
}

/** The first parameter of `rows.map((row) => …)` (and of the other element callbacks), never assigned in the callback. */
function isElementParameter(program: ts.Program, parameter: ts.ParameterDeclaration, depth: number): boolean {
  const receiver = elementCallbackReceiver(parameter);
  if (!receiver || !ts.isIdentifier(parameter.name) || !isRowsArray(program, receiver, depth + 1)) return false;
  return !referencesIn(program.getTypeChecker(), parameter.name, parameter.parent).some(isAssignmentTarget);
}
