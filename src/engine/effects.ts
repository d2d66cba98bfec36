import ts from "typescript";
import { programCache } from "./cache.js";
import { mayRunQueries, memberSitesNamed, userDeclaredNames } from "./callable-names.js";
import { declaredTypesOf } from "./declared-types.js";
import { builderKind } from "./drizzle-symbols.js";
import type { QueryChain, QueryOperation } from "./queries.js";
import { chainAtStart, chainContaining, chainLabel, chainTable, chainUse, isFirstArgumentOfDbMethod, valueUse } from "./queries.js";
import { variableReferences } from "./references.js";
import { isArrayValue, isRowsArray } from "./rows.js";
import { tableDisplayName } from "./schema/model.js";
import { calleeName, isAsyncFunction, isFunctionLike, isNullishLiteral, isPromiseCombinator, isUserSourceFile, methodCall, skipOuter, skipOuterUp, typeOf } from "./ts-utils.js";
import { resolveAlias, symbolAt, valueSymbolAt } from "./symbols.js";
import { guard } from "./guard.js";
import { holdsNoUserFunction, resolveCallee } from "./callees.js";
import { timed } from "./profile.js";

/**
 * One query that runs, seen from some function or region: either a Drizzle
 * chain there, or a call to a helper that (transitively) runs one.
 */
export interface QueryExecution {
  /** Where it happens in the analysed region: the chain, or the helper call. */
  site: ts.Node;
  /** The Drizzle chain at the bottom of the trail (possibly in another file). */
  chain: QueryChain;
  operation: QueryOperation;
  /** Display names of the tables the chain targets (empty when unknown). */
  tables: string[];
  /** Helper names then the chain: ["countComments", "db.$count"]. */
  trail: string[];
  /** The helper call sites from the region down to the chain (empty for a direct chain). */
  calls: ts.CallExpression[];
}

/** Effects of calling a function: what runs by the call itself, and what runs only if its result is awaited. */
export interface CallEffects {
  /** Run when the function is called (awaited inside it, or returned from an async function). */
  eager: QueryExecution[];
  /** Returned as lazy builders: run only where the caller awaits or executes the result. */
  lazy: QueryExecution[];
}

const EMPTY: CallEffects = { eager: [], lazy: [] };

/** Array/iterable methods whose callback runs once per element, synchronously. */
export const ITERATION_METHODS = new Set([
  "map",
  "flatMap",
  "forEach",
  "filter",
  "reduce",
  "reduceRight",
  "some",
  "every",
  "find",
  "findIndex",
  "findLast",
  "findLastIndex",
  "sort",
  "toSorted",
]);

/** How a function expression is invoked where it is written. */
export type CallbackRole =
  /** once per element of a collection (`rows.map(fn)`, `Array.from(xs, fn)`) */
  | "iteration"
  /** once, right away (IIFE, `new Promise(fn)`, `db.transaction(fn)`, `.then(fn)`) */
  | "once"
  /** not invoked here, as far as we can tell */
  | "none";

/**
 * The role of a function expression passed as an argument. `extraIteration`
 * names user helpers (`pMap`, `Effect.forEach`, lodash `map`) that iterate.
 */
const roleCache = programCache(() => new WeakMap<ts.Node, { role: CallbackRole; call?: ts.CallExpression }>());

export function callbackRole(
  program: ts.Program,
  fn: ts.Node,
  extraIteration: ReadonlySet<string> = new Set(),
): { role: CallbackRole; call?: ts.CallExpression } {
  // the answer without user iteration helpers is asked for the same node by several rules: memoize it
  if (extraIteration.size > 0) return computeCallbackRole(program, fn, extraIteration);
  const cache = roleCache(program);
  let role = cache.get(fn);
  if (!role) cache.set(fn, (role = computeCallbackRole(program, fn, extraIteration)));
  return role;
}

function computeCallbackRole(
  program: ts.Program,
  fn: ts.Node,
  extraIteration: ReadonlySet<string>,
): { role: CallbackRole; call?: ts.CallExpression } {
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return { role: "none" };
  const up = skipOuterUp(fn);
  const parent = up.parent;
  if (!parent) return { role: "none" };
  // (async () => { ... })()
  if (ts.isCallExpression(parent) && parent.expression === up) return { role: "once", call: parent };
  if (ts.isNewExpression(parent) && parent.arguments?.[0] === up) {
    const ctor = skipOuter(parent.expression);
    if (ts.isIdentifier(ctor) && ctor.text === "Promise") return { role: "once" };
    return { role: "none" };
  }
  if (!ts.isCallExpression(parent) || !parent.arguments.includes(up as ts.Expression)) return { role: "none" };
  const call = parent;
  const calleeText = skipOuter(call.expression).getText();
  if (extraIteration.has(calleeText)) return { role: "iteration", call };
  const m = methodCall(call);
  const argIndex = call.arguments.indexOf(up as ts.Expression);
  if (m) {
    // option names match the callee text exactly (`_.map`, `Effect.forEach`, `pMap`): a bare `map` only matches `map(...)`
    if (ITERATION_METHODS.has(m.name) && argIndex === 0 && isIterable(program, m.object, m.name)) return { role: "iteration", call };
    // Array.from(iterable, fn)
    const obj = skipOuter(m.object);
    if (m.name === "from" && argIndex === 1 && ts.isIdentifier(obj) && obj.text === "Array") return { role: "iteration", call };
    if ((m.name === "then" || m.name === "catch" || m.name === "finally") && argIndex <= 1) return { role: "once", call };
    if (isFirstArgumentOfDbMethod(program, fn, "transaction")) return { role: "once", call };
  }
  return { role: "none" };
}

/**
 * Whether `x.method(...)` iterates a collection: arrays, typed arrays, readonly
 * arrays, and iterator helpers. `Map#forEach`/`Set#forEach` are iterations too,
 * but the caller may treat them specially; unknown types answer false.
 */
function isIterable(program: ts.Program, object: ts.Expression, method: string): boolean {
  const checker = program.getTypeChecker();
  const isArrayLike = (t: ts.Type): boolean => {
    if (checker.isArrayType(t) || checker.isTupleType(t)) return true;
    const symbol = t.getSymbol();
    const name = symbol?.getName();
    if (name === "ReadonlyArray" || name === "Array") return true;
    if (method === "forEach" && (name === "Map" || name === "Set" || name === "ReadonlyMap" || name === "ReadonlySet" || name === "NodeListOf")) return true;
    if (name && /Iterator$/.test(name)) return true;
    return false;
  };
  const iterable = (types: readonly ts.Type[]): boolean =>
    types.every((type) => (type.isUnion() ? type.types : [type]).every((t) => (t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)) !== 0 || isArrayLike(t)));
  // the rows of an awaited Drizzle query, an array literal, or an array method's result on them: an array, without typing it
  if (isRowsArray(program, object) || isArrayValue(checker, object)) return true;
  // declared iterable (`ids: string[]`): so is whatever a guard narrows it to; no need to type the use
  const declared = declaredTypesOf(checker, object);
  if (declared && iterable(declared)) return true;
  const type = guard<ts.Type | undefined>(() => checker.getTypeAtLocation(object), undefined);
  return type !== undefined && iterable([type]);
}



/** `store.add` for a method of an object literal held in `const store = {...}`; the bare name otherwise. */
function objectMemberName(object: ts.Node, name: string): string {
  const holder = object && ts.isObjectLiteralExpression(object) ? skipOuterUp(object).parent : undefined;
  return holder && ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name) ? `${holder.name.text}.${name}` : name;
}

export function functionName(fn: ts.FunctionLikeDeclaration): string {
  if (fn.name && (ts.isIdentifier(fn.name) || ts.isPrivateIdentifier(fn.name))) {
    const cls = fn.parent;
    if (ts.isMethodDeclaration(fn) && cls && ts.isClassLike(cls) && cls.name) return `${cls.name.text}.${fn.name.text}`;
    if (ts.isMethodDeclaration(fn) || ts.isGetAccessorDeclaration(fn) || ts.isSetAccessorDeclaration(fn)) return objectMemberName(fn.parent, fn.name.text);
    return fn.name.text;
  }
  const parent = skipOuterUp(fn).parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return objectMemberName(parent.parent, parent.name.text);
  if (parent && ts.isPropertyDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return "<anonymous>";
}

function directExecution(program: ts.Program, chain: QueryChain): QueryExecution {
  const table = chainTable(program, chain);
  const sf = chain.start.getSourceFile();
  const label = chainLabel(chain, sf);
  const tableName = table ? tableDisplayName(table) : undefined;
  return {
    site: chain.end,
    chain,
    operation: chain.operation,
    tables: tableName ? [tableName] : [],
    trail: [tableName && chain.operation !== "relational" ? `${label}(${tableName})` : label],
    calls: [],
  };
}

/**
 * The chain that built a prepared statement: `db.select()...prepare("q")`
 * itself, or the initializer of the variable/property holding it.
 */
function preparedStatementChain(program: ts.Program, statement: ts.Expression): QueryChain | undefined {
  let expr = skipOuter(statement);
  if (ts.isIdentifier(expr) || ts.isPropertyAccessExpression(expr)) {
    const decl = symbolAt(program.getTypeChecker(), ts.isPropertyAccessExpression(expr) ? expr.name : expr)?.valueDeclaration;
    if (!decl || !(ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl)) || !decl.initializer) return undefined;
    expr = skipOuter(decl.initializer);
  }
  const chain = chainContaining(program, expr);
  return chain?.calls.some((c) => c.name === "prepare") ? chain : undefined;
}

/**
 * `stmt.execute(...)` on a Drizzle prepared statement (by type): runs the
 * query when called. Undefined when the statement's chain cannot be traced.
 */
export function preparedExecution(program: ts.Program, call: ts.CallExpression): QueryExecution | undefined {
  const m = methodCall(call);
  if (!m || m.name !== "execute") return undefined;
  // `db.delete(t).where(…).returning().execute()`: the end of a query chain, not a prepared statement
  // (known without typing the chain, which infers the query's result)
  const held = skipOuter(m.object);
  if (ts.isCallExpression(held) && methodCall(held)?.name !== "prepare" && chainContaining(program, held)) return undefined;
  // the chain first, by syntax: typing a receiver that holds no prepared chain (`emailFallback.execute(…)` on a
  // helper's object literal) may infer a schema
  const chain = preparedStatementChain(program, m.object);
  if (!chain || builderKind(program, typeOf(program.getTypeChecker(), m.object)) !== "prepared") return undefined;
  const inner = directExecution(program, chain);
  const receiver = skipOuter(m.object);
  const named = ts.isIdentifier(receiver) || ts.isPropertyAccessExpression(receiver);
  return { ...inner, site: call, trail: named ? [`${receiver.getText()}.execute`, ...inner.trail] : inner.trail };
}

function viaCall(call: ts.CallExpression, callee: ts.FunctionLikeDeclaration, inner: QueryExecution): QueryExecution {
  return { ...inner, site: call, trail: [functionName(callee), ...inner.trail], calls: [call, ...inner.calls] };
}

export interface RegionOptions {
  /** How deep to follow helper calls (1 = only the helpers called directly). */
  maxDepth: number;
  /** Extra iteration helpers (callee text or method name). */
  iterationFunctions?: ReadonlySet<string>;
}

interface EffectsCache {
  byFunction: Map<ts.FunctionLikeDeclaration, Map<number, CallEffects>>;
}

const effectsCache = programCache<EffectsCache>(() => ({ byFunction: new Map() }));

/**
 * Effects of calling `fn`, following helpers up to `depth` levels. Memoized per
 * declaration and depth; recursion answers "no effects" for the cycle.
 */
export function functionEffects(program: ts.Program, fn: ts.FunctionLikeDeclaration, depth: number): CallEffects {
  if (depth < 0 || !fn.body) return EMPTY;
  const cache = effectsCache(program).byFunction;
  let perDepth = cache.get(fn);
  if (!perDepth) cache.set(fn, (perDepth = new Map<number, CallEffects>()));
  const cached = perDepth.get(depth);
  if (cached) return cached;
  perDepth.set(depth, EMPTY); // cycle guard
  const effects = timed(program, "effects.function", () => guard(() => computeFunctionEffects(program, fn, depth), EMPTY));
  perDepth.set(depth, effects);
  return effects;
}

function computeFunctionEffects(program: ts.Program, fn: ts.FunctionLikeDeclaration, depth: number): CallEffects {
  const asyncFn = isAsyncFunction(fn);
  const eager: QueryExecution[] = [];
  const lazy: QueryExecution[] = [];
  visitRegion(program, fn.body!, { maxDepth: depth }, (execution, use) => {
    if (use === "executed" || (use === "returned" && asyncFn)) eager.push(execution);
    else if (use === "returned") lazy.push(execution);
  });
  return { eager, lazy };
}

/**
 * Effects of a call to user code: the callee's eager executions, plus its lazy
 * ones when the call's result is awaited or executed here.
 */
export function callEffects(program: ts.Program, call: ts.CallExpression, depth: number): CallEffects {
  if (depth <= 0) return EMPTY;
  // a callee name under which no user code queries: nothing to resolve
  const name = calleeName(call);
  if (name !== undefined && !userDeclaredNames(program).queryReaching.has(name)) return EMPTY;
  // `orgsData.organizations?.find(…)`: where the callee needs the receiver inferred through a generic call, no user
  // code reachable under the member name may run a query, whatever the receiver is (typing it may infer, say, a
  // zod-parsed API response or t3-env's whole schema)
  const callee = resolveCallee(program, call, () => name !== undefined && memberRunsNoQuery(program, name, depth));
  if (!callee) return EMPTY;
  const inner = functionEffects(program, callee, depth - 1);
  return {
    eager: inner.eager.map((e) => viaCall(call, callee, e)),
    lazy: inner.lazy.map((e) => viaCall(call, callee, e)),
  };
}

/** The most sites a member name may have for `memberRunsNoQuery` to read them (a common name has hundreds, some querying). */
const MAX_MEMBER_SITES = 32;

/** Per program: `name@depth` → whether no user code reachable as `x.name` runs a query. */
const memberNoQueryCache = programCache(() => new Map<string, boolean>());

/**
 * Whether no user code that a call `x.name(…)` may land on runs a query,
 * whatever `x` is: every site of the member name (`memberSitesNamed`) is a
 * function without effects, a value that holds no user function, a library
 * value, or an alias of a member of the same name (itself one of the sites).
 * The callee, user code or the library, then has no effects either, and its
 * receiver need not be typed. False when a site cannot be read (a class
 * field set elsewhere, a getter, a value made by a call) or there are too many.
 */
function memberRunsNoQuery(program: ts.Program, name: string, depth: number): boolean {
  const cache = memberNoQueryCache(program);
  const key = `${name}@${depth}`;
  let answer = cache.get(key);
  if (answer === undefined) {
    const sites = memberSitesNamed(program, name);
    const checker = program.getTypeChecker();
    cache.set(key, false); // a site's effects may reach this name again
    answer = sites.length <= MAX_MEMBER_SITES && sites.every((site) => guard(() => siteRunsNoQuery(program, checker, site, name, depth), false));
    cache.set(key, answer);
  }
  return answer;
}

function siteRunsNoQuery(program: ts.Program, checker: ts.TypeChecker, site: ts.Node, name: string, depth: number): boolean {
  if (ts.isFunctionDeclaration(site) || ts.isMethodDeclaration(site)) return hasNoEffects(program, site, depth);
  if (ts.isShorthandPropertyAssignment(site)) return symbolRunsNoQuery(program, checker, checker.getShorthandAssignmentValueSymbol(site), name, depth, 0);
  if (ts.isExportSpecifier(site)) return symbolRunsNoQuery(program, checker, checker.getExportSpecifierLocalTargetSymbol(site), name, depth, 0);
  if (ts.isVariableDeclaration(site) && !ts.isIdentifier(site.name)) return false;
  const value =
    ts.isPropertyAssignment(site) || ts.isPropertyDeclaration(site) || ts.isVariableDeclaration(site)
      ? site.initializer
      : ts.isBinaryExpression(site)
        ? site.right
        : ts.isExportAssignment(site)
          ? site.expression
          : undefined;
  return !!value && valueRunsNoQuery(program, checker, value, name, depth, 0);
}

function valueRunsNoQuery(program: ts.Program, checker: ts.TypeChecker, value: ts.Expression, name: string, depth: number, hops: number): boolean {
  const e = skipOuter(value);
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return hasNoEffects(program, e, depth);
  // `find: compiled.find`: whatever member `find` it is, it is one of the sites
  if (ts.isPropertyAccessExpression(e) && e.name.text === name) return true;
  if (ts.isIdentifier(e) && !isNullishLiteral(e)) return symbolRunsNoQuery(program, checker, valueSymbolAt(checker, e), name, depth, hops + 1);
  return holdsNoUserFunction(checker, e);
}

/** `find: LINK_INPUT_RULE`, `{ trim }`, `export { trim }`: what the named declarations hold. */
function symbolRunsNoQuery(program: ts.Program, checker: ts.TypeChecker, symbol: ts.Symbol | undefined, name: string, depth: number, hops: number): boolean {
  const decls = symbol && resolveAlias(checker, symbol)?.declarations;
  if (!decls?.length || hops > 4) return false;
  return decls.every((decl) => {
    if (!isUserSourceFile(decl.getSourceFile())) return true;
    if (ts.isFunctionDeclaration(decl)) return hasNoEffects(program, decl, depth);
    if (ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) && decl.initializer) return valueRunsNoQuery(program, checker, decl.initializer, name, depth, hops);
    return false;
  });
}

function hasNoEffects(program: ts.Program, fn: ts.FunctionLikeDeclaration, depth: number): boolean {
  const effects = functionEffects(program, fn, depth - 1);
  return effects.eager.length === 0 && effects.lazy.length === 0;
}

/** "executed" | "returned" | "built" for a call's result, with Promise.all/await/return handled by valueUse. */
function callResultUse(call: ts.CallExpression): "executed" | "returned" | "built" {
  const parent = skipOuterUp(call).parent;
  // f().then(...)
  if (parent && ts.isPropertyAccessExpression(parent) && ["then", "catch", "finally"].includes(parent.name.text)) return "executed";
  const use = valueUse(call);
  return use === "prepared" ? "built" : use;
}

/**
 * Walks a region (a function body, a loop body) and reports every query
 * execution in it with how its value is used: chains, and calls to helpers
 * that run queries. Nested functions are entered only when they are invoked
 * in place (IIFE, iteration callbacks, `db.transaction`, `.then`); functions
 * merely defined there are skipped. When the region is itself a function
 * invoked in place (an iteration callback), what it returns is judged like
 * any in-place callback's result. Executing a prepared statement
 * (`stmt.execute()`) is an execution.
 */
export function visitRegion(
  program: ts.Program,
  region: ts.Node,
  options: RegionOptions,
  onExecution: (execution: QueryExecution, use: "executed" | "returned" | "built", insideCallback: ts.FunctionLikeDeclaration | undefined) => void,
): void {
  const iteration = options.iterationFunctions ?? new Set<string>();
  const visit = (node: ts.Node, callback: ts.FunctionLikeDeclaration | undefined): void => {
    if (isFunctionLike(node) && node !== region) {
      // a function with nothing that may query has no executions, however it is invoked
      if (!mayRunQueries(program, node)) return;
      const { role } = callbackRole(program, node, iteration);
      if (role === "none" || !node.body) return;
      // a callback's returned builders run when the caller awaits what it returns (async callbacks run them)
      ts.forEachChild(node, (child) => visit(child, node));
      return;
    }
    if (ts.isCallExpression(node)) {
      const chain = chainAtStart(program, node);
      const prepared = chain ? undefined : preparedExecution(program, node);
      if (chain) {
        const use = chainUse(chain);
        const mapped = use === "prepared" ? "built" : use;
        onExecution(directExecution(program, chain), adjustForCallback(program, mapped, callback), callback);
      } else if (prepared) {
        onExecution(prepared, "executed", callback);
      } else if (!isPromiseCombinator(node) && !isFunctionLike(skipOuter(node.expression))) {
        // an IIFE's body is visited in place below, not summarised at the call
        const effects = callEffects(program, node, options.maxDepth);
        for (const e of effects.eager) onExecution(e, "executed", callback);
        if (effects.lazy.length) {
          const use = adjustForCallback(program, callResultUse(node), callback);
          for (const e of effects.lazy) onExecution(e, use, callback);
        }
      }
    }
    ts.forEachChild(node, (child) => visit(child, callback));
  };
  const regionIsCallback = isFunctionLike(region) && callbackRole(program, region, iteration).role !== "none";
  visit(region, regionIsCallback ? (region as ts.FunctionLikeDeclaration) : undefined);
}

/**
 * A builder returned from an async callback runs (the callback's promise adopts
 * it); returned from a sync callback it runs only if the caller awaits the
 * collected results, which we treat as running too when the callback is an
 * iteration whose result is awaited (`await Promise.all(rows.map(r => db...))`),
 * directly or through a `const` holding it (`const pending = rows.map(…);
 * await Promise.all(pending)`).
 */
function adjustForCallback(
  program: ts.Program,
  use: "executed" | "returned" | "built",
  callback: ts.FunctionLikeDeclaration | undefined,
): "executed" | "returned" | "built" {
  if (use !== "returned" || !callback) return use;
  // `return` inside the callback refers to the callback, not the region's function
  if (isAsyncFunction(callback)) return "executed";
  const up = skipOuterUp(callback);
  const call = up.parent;
  if (call && ts.isCallExpression(call)) {
    const result = skipOuterUp(call);
    if (awaitsEachElement(result) || valueUse(call) === "executed") return "executed";
    const holder = result.parent;
    if (holder && ts.isVariableDeclaration(holder) && holder.initializer === result && ts.isIdentifier(holder.name) && holder.parent.flags & ts.NodeFlags.Const) {
      const refs = variableReferences(program.getTypeChecker(), holder as ts.VariableDeclaration & { name: ts.Identifier });
      if (refs.some((ref) => awaitsEachElement(skipOuterUp(ref)))) return "executed";
    }
  }
  return "built";
}

/**
 * Whether an array value has each of its elements awaited where it stands: the
 * first argument of an awaited or returned `Promise.all` (and friends), or
 * iterated by `for await`. (`await array` awaits the array, not its elements.)
 */
function awaitsEachElement(array: ts.Node): boolean {
  const parent = array.parent;
  if (!parent) return false;
  if (ts.isForOfStatement(parent)) return !!parent.awaitModifier && parent.expression === array;
  return ts.isCallExpression(parent) && parent.arguments[0] === array && isPromiseCombinator(parent) && valueUse(parent) !== "built";
}
