import ts from "typescript";
import { checkerCache } from "./cache.js";
import { bindingElementKey, isAsyncFunction, isFallback, isNullishLiteral, isNullishType, isUserSourceFile, literalProperty, methodCall, promiseAllItem, skipOuter, skipOuterUp, staticPropertyName, unannotatedConstInitializer } from "./ts-utils.js";
import { resolveAlias, symbolAt, valueSymbolAt } from "./symbols.js";
import { guard } from "./guard.js";
import { referencesIn } from "./references.js";

/**
 * How many steps (a variable to its initializer, a call to its callee's
 * return type, a type to its alias) one reading follows. Each step is cheap
 * and answers are cached per symbol; a reading cut short is not cached, and
 * its asker falls back to the checker — which infers the very type the
 * reading avoids, so the limit is generous.
 */
const MAX_DEPTH = 16;

/**
 * Cheap type evidence: the types an expression is *declared* with, read
 * through the checker from type annotations, declared return types and the
 * parameter types of library callbacks — without inferring the expression's
 * own type. `checker.getTypeAtLocation(db)` on `const db = drizzle(url, {
 * schema })` infers `TSchema` from every table of the schema, and on the `tx`
 * of `db.transaction(async (tx) => …)` resolves the call and checks the whole
 * callback; the declared answers (`NodePgDatabase<TSchema> & {…}`,
 * `PgTransaction<…>`) name the same drizzle-orm classes at a fraction of the
 * cost. Callers classify these types by class and fall back to the full type
 * when this answers undefined (shape not handled, or a declared type that is
 * not a plain object type, such as a type parameter or a conditional type).
 */
export function declaredTypesOf(checker: ts.TypeChecker, node: ts.Expression, depth = 0): ts.Type[] | undefined {
  if (depth > MAX_DEPTH) return undefined;
  return guard(() => {
    const types = declaredTypesOfExpression(checker, node, depth);
    return types && types.length > 0 && types.every(isPlainObjectType) ? types : undefined;
  }, undefined);
}

/** Types no drizzle object (a column, an `SQL`, a table) has: numbers, strings, booleans, bigints, enums and their literals. */
export const PRIMITIVE_FLAGS =
  ts.TypeFlags.NumberLike | ts.TypeFlags.StringLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.EnumLike;

/** One of those primitives, or a union of them. */
export function isPrimitiveType(type: ts.Type): boolean {
  return (type.isUnion() ? type.types : [type]).every((m) => (m.flags & PRIMITIVE_FLAGS) !== 0);
}

/**
 * Whether an expression is declared with primitive types only, read from
 * declarations as `declaredTypesOf` reads them, and a `const` through its
 * initializer: `toDecimal(limit).toString()` is a `string` by
 * `toDecimal(…): Decimal` and `Decimal#toString(): string`, without typing
 * `limit` (resolving a call checks its arguments, and `limit` may be a query's
 * row). False when that cannot be read.
 */
export function isDeclaredPrimitive(checker: ts.TypeChecker, node: ts.Expression, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  const e = skipOuter(node);
  const initializer = ts.isIdentifier(e) ? unannotatedConstInitializer(symbolAt(checker, e)?.valueDeclaration) : undefined;
  if (initializer) return isDeclaredPrimitive(checker, initializer, depth + 1);
  const types = guard(() => declaredTypesOfExpression(checker, e, depth), undefined);
  return !!types?.length && types.every(isPrimitiveType);
}

/** Object types (class and interface references, anonymous object types), their intersections and unions with nullish members. */
function isPlainObjectType(type: ts.Type): boolean {
  if (isNullishType(type)) return true;
  if (type.isUnion()) return type.types.every(isPlainObjectType);
  if (type.isIntersection()) return type.types.every((t) => (t.flags & ts.TypeFlags.Object) !== 0);
  return (type.flags & ts.TypeFlags.Object) !== 0;
}

/** Type parameters of a generic callee bound to the declared types of the call's arguments (`withReplicas<Q>(primary: Q, …)` called with `primaryDb`). */
type TypeBindings = ReadonlyMap<ts.Symbol, ts.Type[]>;

function fromTypeNode(checker: ts.TypeChecker, node: ts.TypeNode, depth: number, bindings?: TypeBindings): ts.Type[] | undefined {
  const written = declaredTypeNode(checker, node, depth);
  if (!written) return undefined;
  // `typeof db`: what `db` is declared with
  if (ts.isTypeQueryNode(written)) return ts.isIdentifier(written.exprName) ? declaredTypesOf(checker, written.exprName, depth + 1) : undefined;
  const evaluated = evaluateTypeNode(checker, written, depth, bindings);
  if (evaluated !== PLAIN) return evaluated;
  return [checker.getTypeFromTypeNode(written)];
}

/** A type node with nothing for `evaluateTypeNode` to do: the checker's type of the node is its declared type. */
const PLAIN = "plain";

/**
 * Type nodes whose type the checker would infer from code, read from
 * declarations instead: `Awaited<ReturnType<typeof connectDb>>` (the checker
 * infers `connectDb`'s body, and with it a whole schema's types through
 * generic calls such as `withReplicas(primaryDb, …)`) is what `connectDb`
 * returns, by the declared types of its return expressions; a generic
 * callee's return type (`ReplicatedDatabase<Q>` = `Q & { … }`) is read with
 * its type parameters bound to the declared types of the call's arguments.
 * `Pick<typeof db, "select">` and `Omit<…>` are read as the object they keep
 * members of. Unions are read member by member (a `typeof db` member through
 * `db`'s declaration); an intersection with object literal types
 * (members added to a database type) is read as its one other member, whose
 * class names are the intersection's. PLAIN when the node has none of these
 * (the checker's type of the node is cheap and exact); undefined when it
 * cannot be read (the caller then infers the expression's type).
 */
function evaluateTypeNode(checker: ts.TypeChecker, node: ts.TypeNode, depth: number, bindings: TypeBindings | undefined): ts.Type[] | undefined | typeof PLAIN {
  if (depth > MAX_DEPTH) return undefined;
  if (ts.isParenthesizedTypeNode(node)) return evaluateTypeNode(checker, node.type, depth, bindings);
  if (ts.isUnionTypeNode(node)) {
    const members = node.types.map((member) => evaluateMember(checker, member, depth, bindings));
    if (members.every((m) => m === PLAIN)) return PLAIN;
    const out: ts.Type[] = [];
    for (const [i, member] of members.entries()) {
      const types = member === PLAIN ? fromTypeNode(checker, node.types[i]!, depth) : member;
      if (!types) return undefined;
      out.push(...types);
    }
    return out;
  }
  if (ts.isIntersectionTypeNode(node)) {
    const members = node.types.map((member) => evaluateMember(checker, member, depth, bindings));
    if (members.every((m) => m === PLAIN)) return PLAIN;
    const kept = node.types.flatMap((member, i) => (ts.isTypeLiteralNode(member) ? [] : [i]));
    if (kept.length !== 1) return undefined;
    const member = members[kept[0]!]!;
    return member === PLAIN ? fromTypeNode(checker, node.types[kept[0]!]!, depth) : member;
  }
  // `Parameters<Parameters<typeof db.transaction>[0]>[0]`: the parameter's declaration (typing it would type `db`)
  const parameter = parameterTypeNode(checker, node, depth);
  if (parameter) return fromTypeNode(checker, parameter, depth + 1);
  if (!ts.isTypeReferenceNode(node)) return bindings && mentionsBinding(checker, node, bindings) ? undefined : PLAIN;
  const symbol = symbolAt(checker, node.typeName);
  if (symbol && bindings?.has(symbol)) return node.typeArguments?.length ? undefined : bindings.get(symbol);
  const args = node.typeArguments ?? [];
  const decl = symbol?.declarations?.find(ts.isTypeAliasDeclaration);
  if (decl && isLibDeclaration(decl) && args.length === 1) {
    const arg = args[0]!;
    if (decl.name.text === "Awaited") {
      const returned = returnTypeOperand(checker, arg, depth);
      if (returned) return returnedTypes(checker, returned, true, depth);
      const inner = evaluateTypeNode(checker, arg, depth, bindings);
      return inner === PLAIN || inner === undefined ? inner : awaitedTypes(checker, inner);
    }
    if (decl.name.text === "ReturnType") {
      const returned = returnTypeOperand(checker, arg, depth);
      return returned ? returnedTypes(checker, returned, false, depth) : bindings && mentionsBinding(checker, node, bindings) ? undefined : PLAIN;
    }
  }
  // `Pick<typeof db, "select">`, `Omit<Db, "transaction">` of an object read from declarations: that object's types (the
  // members kept are its own declarations, which is what classifying them reads); PLAIN when the object is plain
  if (decl && isLibDeclaration(decl) && args.length === 2 && (decl.name.text === "Pick" || decl.name.text === "Omit")) {
    const object = evaluateMember(checker, args[0]!, depth, bindings);
    if (object !== PLAIN) return object;
  }
  // `ReplicatedDatabase<Q>` with `Q` bound, or with an argument that is itself read from declarations
  if (decl?.typeParameters?.length && args.length === decl.typeParameters.length) {
    const evaluatedArgs = args.map((arg) => evaluateTypeNode(checker, arg, depth, bindings));
    if (evaluatedArgs.every((a) => a === PLAIN)) return PLAIN;
    const inner = new Map<ts.Symbol, ts.Type[]>();
    for (const [i, parameter] of decl.typeParameters.entries()) {
      const parameterSymbol = symbolAt(checker, parameter.name);
      const value = evaluatedArgs[i] === PLAIN ? [checker.getTypeFromTypeNode(args[i]!)] : evaluatedArgs[i];
      if (!parameterSymbol || !value) return undefined;
      inner.set(parameterSymbol, value);
    }
    return evaluateTypeNode(checker, decl.type, depth + 1, inner);
  }
  return bindings && mentionsBinding(checker, node, bindings) ? undefined : PLAIN;
}

/** A member of a union or intersection: through aliases without type arguments (`type Database = …`). */
function evaluateMember(checker: ts.TypeChecker, node: ts.TypeNode, depth: number, bindings: TypeBindings | undefined): ts.Type[] | undefined | typeof PLAIN {
  if (ts.isTypeLiteralNode(node)) return PLAIN;
  const written = bindings ? node : declaredTypeNode(checker, node, depth);
  if (!written) return undefined;
  // `typeof db` in `typeof db | DbTransaction`: what `db` is declared with (the checker would infer it); PLAIN when that cannot be read
  if (ts.isTypeQueryNode(written)) return (ts.isIdentifier(written.exprName) && declaredTypesOf(checker, written.exprName, depth + 1)) || PLAIN;
  return evaluateTypeNode(checker, written, depth, bindings);
}

/** Whether a type node names one of the bound type parameters. */
function mentionsBinding(checker: ts.TypeChecker, node: ts.Node, bindings: TypeBindings): boolean {
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
    const symbol = symbolAt(checker, node.typeName);
    if (symbol && bindings.has(symbol)) return true;
  }
  return ts.forEachChild(node, (child) => mentionsBinding(checker, child, bindings) || undefined) ?? false;
}

/** TypeScript's library files (`lib.es5.d.ts`, …), by path: TypeScript 6's no longer say `no-default-lib`. */
const LIB_FILE = /[\\/]typescript[\\/]lib[\\/]lib\.[^\\/]+\.d\.ts$/;

/** A declaration of TypeScript's default library (`Awaited`, `ReturnType`, `Promise`). */
function isLibDeclaration(decl: ts.Declaration): boolean {
  const file = decl.getSourceFile();
  return file.hasNoDefaultLib || LIB_FILE.test(file.fileName);
}

/** `typeof f` in `ReturnType<typeof f>`: the function `f` stands for (a function declaration, or a `const` holding an arrow or function expression). */
export type DeclaredFunction = ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression;

function returnTypeOperand(checker: ts.TypeChecker, arg: ts.TypeNode, depth: number): DeclaredFunction | undefined {
  let node = arg;
  while (ts.isParenthesizedTypeNode(node)) node = node.type;
  if (ts.isTypeReferenceNode(node) && !node.typeArguments?.length) {
    const written = declaredTypeNode(checker, node, depth);
    if (!written || written === node) return undefined;
    return returnTypeOperand(checker, written, depth + 1);
  }
  if (!ts.isTypeReferenceNode(node) || node.typeArguments?.length !== 1) {
    if (!ts.isTypeQueryNode(node) || !ts.isIdentifier(node.exprName) || node.typeArguments?.length) return undefined;
    return functionOf(symbolAt(checker, node.exprName));
  }
  const symbol = symbolAt(checker, node.typeName);
  const decl = symbol?.declarations?.find(ts.isTypeAliasDeclaration);
  if (!decl || !isLibDeclaration(decl) || decl.name.text !== "ReturnType") return undefined;
  return returnTypeOperand(checker, node.typeArguments[0]!, depth);
}

/**
 * `ReturnType<typeof f>` or `Awaited<ReturnType<typeof f>>` (through aliases
 * without type arguments): the function `f` stands for, and whether its result
 * is awaited. For readers of other facts than types (the relational schema).
 */
export function returnTypeFunction(checker: ts.TypeChecker, node: ts.TypeNode): { fn: DeclaredFunction; awaited: boolean } | undefined {
  const libAlias = (n: ts.TypeNode | undefined, name: string): ts.TypeNode | undefined => {
    if (!n || !ts.isTypeReferenceNode(n) || n.typeArguments?.length !== 1) return undefined;
    const decl = symbolAt(checker, n.typeName)?.declarations?.find(ts.isTypeAliasDeclaration);
    return decl && isLibDeclaration(decl) && decl.name.text === name ? n.typeArguments[0] : undefined;
  };
  const written = declaredTypeNode(checker, node);
  const inner = libAlias(written, "Awaited");
  const operand = libAlias(inner ? declaredTypeNode(checker, inner) : written, "ReturnType");
  let query = operand;
  while (query && ts.isParenthesizedTypeNode(query)) query = query.type;
  if (!query || !ts.isTypeQueryNode(query) || !ts.isIdentifier(query.exprName) || query.typeArguments?.length) return undefined;
  const fn = functionOf(symbolAt(checker, query.exprName));
  return fn ? { fn, awaited: inner !== undefined } : undefined;
}

/**
 * The one function a symbol declares (not overloaded): a `function` with a
 * body (with `bodiless`, also a `declare function`, for callers that read its
 * signature only), or a variable without a type annotation holding an arrow
 * or function expression (with `constOnly`, only a `const`: a `let` may hold
 * another function by the time it is called).
 */
export function functionOf(symbol: ts.Symbol | undefined, { constOnly = false, bodiless = false } = {}): DeclaredFunction | undefined {
  const decls = symbol?.declarations ?? [];
  if (decls.length !== 1) return undefined;
  const [decl] = decls;
  if (ts.isFunctionDeclaration(decl!) && (decl.body || bodiless)) return decl;
  if (ts.isVariableDeclaration(decl!) && !decl.type && decl.initializer && (!constOnly || ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const)) {
    const init = skipOuter(decl.initializer);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  return undefined;
}

/**
 * What calling `fn` returns (awaited: what awaiting it gives), by its declared
 * return type or, without one, by the declared types of its return expressions.
 */
function returnedTypes(checker: ts.TypeChecker, fn: DeclaredFunction, awaited: boolean, depth: number): ts.Type[] | undefined {
  if (fn.typeParameters?.length) return undefined;
  if (fn.type) {
    const types = fromTypeNode(checker, fn.type, depth + 1);
    return types && awaited ? awaitedTypes(checker, types) : types;
  }
  if ((isAsyncFunction(fn) && !awaited) || fn.asteriskToken || !fn.body) return undefined;
  const returned = returnedExpressions(fn.body);
  if (!returned?.length) return undefined;
  const out: ts.Type[] = [];
  for (const expr of returned) {
    const types = declaredTypesOf(checker, ts.isAwaitExpression(expr) ? expr.expression : expr, depth + 1);
    if (!types) return undefined;
    out.push(...(awaited ? (awaitedTypes(checker, types) ?? []) : types));
  }
  return out.length ? out : undefined;
}

/** The one function a call names by an identifier (`withReplicas(…)`, through imports): see `functionOf`. */
export function calledFunction(checker: ts.TypeChecker, call: ts.CallExpression, options: { constOnly?: boolean; bodiless?: boolean } = {}): DeclaredFunction | undefined {
  const callee = skipOuter(call.expression);
  return ts.isIdentifier(callee) ? functionOf(resolveAlias(checker, symbolAt(checker, callee)), options) : undefined;
}

/**
 * The plain user function a call names (`calledFunction`, `const` holders
 * only) or calls in place (an IIFE) whose result is what its `return`s make (`hasInferredReturnType`),
 * in the user's code: read its returns with `returnedExpressions`.
 */
export function calledPlainFunction(checker: ts.TypeChecker, call: ts.CallExpression): (DeclaredFunction & { body: ts.ConciseBody }) | undefined {
  const callee = skipOuter(call.expression);
  // an IIFE, `(async () => { … })()`
  const fn = ts.isArrowFunction(callee) || ts.isFunctionExpression(callee) ? callee : calledFunction(checker, call, { constOnly: true });
  return fn && hasInferredReturnType(fn) && isUserSourceFile(fn.getSourceFile()) ? fn : undefined;
}

/**
 * Whether a value is an object literal by syntax: one without spreads, a
 * `const` holding one, or a call of a user function without a declared
 * return type (generic or not: type parameters do not change what a literal
 * is) whose every `return` is one (awaited, for an async one). Sim's
 * `emailFallback = wireServerFallback({…})`, whose helper returns
 * `wireFallback({ …options, values: env })`, which returns `{ providers, async execute(…) {…} }`.
 * Never a class instance, so never a Drizzle database or transaction
 * (typing it infers, there, t3-env's whole schema). An assertion (`{} as Db`)
 * is not looked through: the checker's type is then the asserted one.
 */
export function isObjectLiteralValue(checker: ts.TypeChecker, expr: ts.Expression): boolean {
  return objectLiteralsOf(checker, expr) !== undefined;
}

/** The object literals a value is, as `isObjectLiteralValue` reads it (one per `return` of the helpers that make it); undefined when it is not one. */
export function objectLiteralsOf(checker: ts.TypeChecker, expr: ts.Expression, depth = 0): ts.ObjectLiteralExpression[] | undefined {
  if (depth > MAX_DEPTH) return undefined;
  let e = expr;
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  if (ts.isAwaitExpression(e)) return objectLiteralsOf(checker, e.expression, depth + 1);
  if (ts.isObjectLiteralExpression(e)) return e.properties.some(ts.isSpreadAssignment) ? undefined : [e];
  // `done ? null : await preview(id)`: a member is read, or a method called, only on the literal (on `null` it throws)
  if (ts.isConditionalExpression(e)) {
    const choices = [e.whenTrue, e.whenFalse].filter((choice) => !isNullishLiteral(choice));
    const literals = choices.map((choice) => objectLiteralsOf(checker, choice, depth + 1));
    return literals.length > 0 && literals.every((l) => l !== undefined) ? (literals as ts.ObjectLiteralExpression[][]).flat() : undefined;
  }
  if (ts.isIdentifier(e)) {
    const initializer = unannotatedConstInitializer(symbolAt(checker, e)?.valueDeclaration);
    return initializer && objectLiteralsOf(checker, initializer, depth + 1);
  }
  if (!ts.isCallExpression(e)) return undefined;
  const fn = calledFunction(checker, e, { constOnly: true });
  if (!fn?.body || fn.type || fn.asteriskToken || !isUserSourceFile(fn.getSourceFile())) return undefined;
  const out: ts.ObjectLiteralExpression[] = [];
  for (const r of returnedExpressions(fn.body) ?? []) {
    const literals = objectLiteralsOf(checker, r, depth + 1);
    if (!literals) return undefined;
    out.push(...literals);
  }
  return out.length ? out : undefined;
}

/**
 * Whether a function's return type is the one its `return`s make (read
 * them with `returnedExpressions`): it has a body and no declared return
 * type, and is neither generic nor a generator.
 */
export function hasInferredReturnType(fn: DeclaredFunction): fn is DeclaredFunction & { body: ts.ConciseBody } {
  return !!fn.body && !fn.type && !fn.typeParameters?.length && !fn.asteriskToken;
}

/**
 * What a function body returns: an arrow's expression body, or the
 * expression of every `return` (not those of nested functions); undefined
 * when a `return;` has none.
 */
export function returnedExpressions(body: ts.ConciseBody): ts.Expression[] | undefined {
  if (!ts.isBlock(body)) return [body];
  const out: ts.Expression[] = [];
  return collectReturns(body, out) ? out : undefined;
}

/** The expressions a body returns (not those of nested functions); false when a `return;` has none. */
function collectReturns(node: ts.Node, out: ts.Expression[]): boolean {
  let complete = true;
  const visit = (child: ts.Node): void => {
    if (!complete || ts.isFunctionLike(child) || ts.isClassLike(child)) return;
    if (ts.isReturnStatement(child)) {
      if (child.expression) out.push(child.expression);
      else complete = false;
      return;
    }
    ts.forEachChild(child, visit);
  };
  ts.forEachChild(node, visit);
  return complete;
}

/** Types after `await`: a `Promise<T>` gives `T`; other object types (not thenable) stay; undefined when one is thenable. */
function awaitedTypes(checker: ts.TypeChecker, types: ts.Type[]): ts.Type[] | undefined {
  const out: ts.Type[] = [];
  for (const type of types) {
    const symbol = type.getSymbol();
    const decl = symbol?.declarations?.[0];
    if (symbol?.name === "Promise" && decl && isLibDeclaration(decl)) {
      const [inner] = checker.getTypeArguments(type as ts.TypeReference);
      if (!inner) return undefined;
      out.push(inner);
      continue;
    }
    if (type.flags & ts.TypeFlags.Object && checker.getPropertyOfType(type, "then")) return undefined;
    out.push(type);
  }
  return out;
}

/**
 * The type node a type annotation stands for, through type aliases without
 * type arguments (`type Db = typeof db`), so that `typeof` at the end is read
 * as a declaration rather than inferred. Exported for the relational schema lookup.
 */
export function declaredTypeNode(checker: ts.TypeChecker, node: ts.TypeNode, depth = 0): ts.TypeNode | undefined {
  let current = node;
  // at most 4 aliases in a row, however deep the reading that asks is
  for (let i = 0; i <= 4 && depth <= MAX_DEPTH; i++) {
    while (ts.isParenthesizedTypeNode(current)) current = current.type;
    if (!ts.isTypeReferenceNode(current) || current.typeArguments?.length) return current;
    const symbol = symbolAt(checker, current.typeName);
    const alias = symbol?.declarations?.find(ts.isTypeAliasDeclaration);
    if (!alias || alias.typeParameters?.length) return current;
    current = alias.type;
  }
  return undefined;
}

function declaredTypesOfExpression(checker: ts.TypeChecker, node: ts.Expression, depth: number): ts.Type[] | undefined {
  if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isSatisfiesExpression(node)) {
    return declaredTypesOf(checker, node.expression, depth + 1);
  }
  if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) {
    const type = node.type;
    if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && type.typeName.text === "const") return undefined;
    return fromTypeNode(checker, type, depth);
  }
  if (ts.isIdentifier(node)) return declaredTypesOfSymbol(checker, symbolAt(checker, node), depth);
  if (ts.isPropertyAccessExpression(node)) {
    // `params.tx`: the member of what `params` is declared with (the checker's symbol for `.tx` would type it)
    const members = declaredMembers(checker, node.expression, node.name.text, depth);
    const types = members?.map((member) => memberTypes(checker, member, depth));
    if (types?.every((t) => t !== undefined)) return types.flat();
    return declaredTypesOfSymbol(checker, symbolAt(checker, node.name), depth);
  }
  if (ts.isNewExpression(node)) {
    const named = symbolAt(checker, node.expression);
    // `new Daytona(…)` with `const { Daytona } = await import("@daytona/sdk")`
    const symbol = destructuredImport(checker, named?.valueDeclaration) ?? named;
    if (!symbol) return undefined;
    if (symbol.flags & ts.SymbolFlags.Class) return [checker.getDeclaredTypeOfSymbol(symbol)];
    // `new Map()`: `declare var Map: MapConstructor`, whose construct signatures declare the instance type
    const decl = symbol.valueDeclaration;
    if (!decl || !ts.isVariableDeclaration(decl) || !decl.type) return undefined;
    const signatures = checker.getSignaturesOfType(checker.getTypeFromTypeNode(decl.type), ts.SignatureKind.Construct);
    return signatures.length ? signatures.map((s) => checker.getReturnTypeOfSignature(s)) : undefined;
  }
  if (ts.isCallExpression(node)) return declaredReturnTypes(checker, node, depth);
  // `tx ?? db`, `tx || db`, `replica ? dbReplica : db`: either side's
  const sides = ts.isConditionalExpression(node)
    ? [node.whenTrue, node.whenFalse]
    : isFallback(node)
      ? [node.left, node.right]
      : undefined;
  if (sides) {
    const [first, second] = sides.map((side) => declaredTypesOf(checker, side, depth + 1));
    return first && second && [...first, ...second];
  }
  // `await getRemoteDocker(id)`: what the awaited value is declared as; an async user function without a
  // declared return type by its return expressions
  if (ts.isAwaitExpression(node)) {
    const inner = skipOuter(node.expression);
    const fn = ts.isCallExpression(inner) && !inner.typeArguments?.length && ts.isIdentifier(skipOuter(inner.expression)) ? functionOf(symbolAt(checker, skipOuter(inner.expression))) : undefined;
    if (fn && !fn.type && isAsyncFunction(fn)) return returnedTypes(checker, fn, true, depth);
    const types = declaredTypesOf(checker, node.expression, depth + 1);
    return types && awaitedTypes(checker, types);
  }
  return undefined;
}

/** Declared types per symbol (null: none), per checker: a `db` imported everywhere is read once. */
const bySymbol = checkerCache(() => new WeakMap<ts.Symbol, ts.Type[] | null>());

function declaredTypesOfSymbol(checker: ts.TypeChecker, symbol: ts.Symbol | undefined, depth: number): ts.Type[] | undefined {
  if (!symbol) return undefined;
  const cache = bySymbol(checker);
  const cached = cache.get(symbol);
  if (cached !== undefined) return cached ?? undefined;
  cache.set(symbol, null); // cycle guard
  const types = readDeclaredTypesOfSymbol(checker, symbol, depth);
  // an answer cut short by the depth limit is not the symbol's answer
  if (types || depth === 0) cache.set(symbol, types ?? null);
  else cache.delete(symbol);
  return types;
}

function readDeclaredTypesOfSymbol(checker: ts.TypeChecker, symbol: ts.Symbol, depth: number): ts.Type[] | undefined {
  const decl = symbol.valueDeclaration;
  if (!decl) return undefined;
  if (ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl) || ts.isPropertySignature(decl)) {
    if (!ts.isIdentifier(decl.name) && !ts.isPrivateIdentifier(decl.name) && !ts.isStringLiteral(decl.name)) return undefined;
    if (decl.type) return fromTypeNode(checker, decl.type, depth);
    const initializer = ts.isPropertySignature(decl) ? undefined : decl.initializer;
    return initializer ? declaredTypesOf(checker, initializer, depth + 1) : undefined;
  }
  if (ts.isPropertyAssignment(decl)) return declaredTypesOf(checker, decl.initializer, depth + 1);
  if (ts.isShorthandPropertyAssignment(decl)) return declaredTypesOfSymbol(checker, valueSymbolAt(checker, decl.name), depth + 1);
  if (ts.isParameter(decl)) {
    if (decl.type) return fromTypeNode(checker, decl.type, depth);
    return callbackParameterTypes(checker, decl, depth) ?? memberParameterTypes(checker, decl, depth);
  }
  if (ts.isBindingElement(decl)) return destructuredTypes(checker, decl, depth);
  return undefined;
}

/**
 * `const { accounts } = params` (or a parameter `{ accounts }: Params`):
 * the member's type in each declared type of what is destructured, and with
 * a default value (`{ executor = db }`) the default's declared types too. A
 * rest element or a nested pattern: undefined.
 */
function destructuredTypes(checker: ts.TypeChecker, element: ts.BindingElement, depth: number): ts.Type[] | undefined {
  const pattern = element.parent;
  if (!ts.isObjectBindingPattern(pattern) || element.dotDotDotToken || !ts.isIdentifier(element.name)) return undefined;
  const key = bindingElementKey(element);
  const holder = pattern.parent;
  if (key === undefined) return undefined;
  // `const [{ db }, schema] = await Promise.all([import("@sim/db"), …])`
  if (ts.isBindingElement(holder)) return element.initializer ? undefined : awaitedMemberTypes(checker, pattern, key, depth);
  if (!(ts.isVariableDeclaration(holder) || ts.isParameter(holder))) return undefined;
  const holderTypes = holder.type
    ? fromTypeNode(checker, holder.type, depth)
    : ts.isVariableDeclaration(holder)
      ? holder.initializer && declaredTypesOf(checker, withoutEmptyFallback(holder.initializer), depth + 1)
      : callbackParameterTypes(checker, holder, depth);
  if (!holderTypes) return element.initializer || holder.type ? undefined : awaitedMemberTypes(checker, pattern, key, depth);
  const out: ts.Type[] = [];
  for (const type of holderTypes.flatMap((t) => (t.isUnion() ? t.types : [t]))) {
    if (isNullishType(type)) continue;
    const types = memberTypes(checker, checker.getPropertyOfType(type, key), depth);
    if (!types) return undefined;
    out.push(...types);
  }
  if (element.initializer) {
    const defaults = declaredTypesOf(checker, element.initializer, depth + 1);
    if (!defaults) return undefined;
    out.push(...defaults);
  }
  return out.length ? out : undefined;
}

/**
 * Member `key` of the awaited value a pattern destructures, read through the
 * code that makes that value when no declared type says what it is: Sim's
 * `sandboxDb().then(({ db, sandboxImage }) => …)`, where `sandboxDb` is an
 * async function returning `{ db, … }` of `const [{ db }, schema] = await
 * Promise.all([import("@sim/db"), …])`. Typing `db` there infers the awaited
 * `Promise.all` and with it the database's whole schema. The value is
 * destructured from a `.then` callback's parameter, from `await X`, or from
 * an awaited `Promise.all` item; `X` must be a call of an async plain user
 * function (the member as each of its returned object literals sets it) or
 * a dynamic `import()` (the module's export). Both make a native promise,
 * whose `.then` passes the awaited value. Undefined for anything else.
 */
function awaitedMemberTypes(checker: ts.TypeChecker, pattern: ts.ObjectBindingPattern, key: string, depth: number): ts.Type[] | undefined {
  const operand = awaitedOperand(pattern);
  const e = operand && skipOuter(operand);
  if (!e || !ts.isCallExpression(e) || depth > MAX_DEPTH) return undefined;
  if (e.expression.kind === ts.SyntaxKind.ImportKeyword) {
    const exported = importedExport(checker, e, key);
    return exported && declaredTypesOfSymbol(checker, exported, depth + 1);
  }
  const fn = calledPlainFunction(checker, e);
  const returned = fn && isAsyncFunction(fn) ? returnedExpressions(fn.body) : undefined;
  if (!returned?.length) return undefined;
  const out: ts.Type[] = [];
  for (const expr of returned) {
    const object = skipOuter(expr);
    const property = ts.isObjectLiteralExpression(object) && !object.properties.some(ts.isSpreadAssignment) ? literalProperty(object, key) : undefined;
    const value = property && (ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined);
    const types = value && declaredTypesOf(checker, value, depth + 1);
    if (!types) return undefined;
    out.push(...types);
  }
  return out;
}

/** Export `key` of the module a dynamic `import("m")` loads, through aliases. */
function importedExport(checker: ts.TypeChecker, call: ts.CallExpression, key: string): ts.Symbol | undefined {
  const specifier = call.arguments[0];
  const module = specifier && ts.isStringLiteralLike(specifier) ? checker.getSymbolAtLocation(specifier) : undefined;
  const exported = module && checker.tryGetMemberInModuleExports(key, module);
  return exported && resolveAlias(checker, exported);
}

/**
 * The symbol a name destructured from an awaited dynamic import stands for:
 * `Daytona` in `const { Daytona } = await import("@daytona/sdk")` is that
 * module's export (the class), found without typing the import.
 */
export function destructuredImport(checker: ts.TypeChecker, decl: ts.Declaration | undefined): ts.Symbol | undefined {
  if (!decl || !ts.isBindingElement(decl) || decl.initializer || decl.dotDotDotToken || !ts.isObjectBindingPattern(decl.parent)) return undefined;
  const key = bindingElementKey(decl);
  const operand = awaitedOperand(decl.parent);
  const call = operand && skipOuter(operand);
  return key !== undefined && call && ts.isCallExpression(call) && call.expression.kind === ts.SyntaxKind.ImportKeyword ? importedExport(checker, call, key) : undefined;
}

/** What a pattern destructures the awaited value of: `X` of `X.then(({ … }) => …)`, of `const { … } = await X`, or of an item `X` of `const [{ … }] = await Promise.all([X, …])`. */
function awaitedOperand(pattern: ts.ObjectBindingPattern): ts.Expression | undefined {
  const holder = pattern.parent;
  if (ts.isBindingElement(holder)) return promiseAllItem(holder);
  if (ts.isVariableDeclaration(holder)) {
    const init = holder.initializer && skipOuter(holder.initializer);
    return init && ts.isAwaitExpression(init) ? init.expression : undefined;
  }
  const fn = holder.parent;
  if (!ts.isParameter(holder) || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || fn.parameters[0] !== holder) return undefined;
  const up = skipOuterUp(fn);
  const call = up.parent;
  if (!call || !ts.isCallExpression(call) || call.arguments[0] !== up || !ts.isPropertyAccessExpression(skipOuter(call.expression))) return undefined;
  const m = methodCall(call);
  return m?.name === "then" ? m.object : undefined;
}

/** `options ?? {}` (or `|| {}`) destructured: `options`, since `{}` has no members to destructure. */
function withoutEmptyFallback(expr: ts.Expression): ts.Expression {
  const e = skipOuter(expr);
  if (!isFallback(e)) return expr;
  const right = skipOuter(e.right);
  return ts.isObjectLiteralExpression(right) && right.properties.length === 0 ? e.left : expr;
}

/**
 * A member of a declared type, as a property declared with a type: the
 * annotation's types when it names an inferred value (`tx?: DbOrTx` with
 * `type DbOrTx = typeof db | …`), else the checker's type of the member
 * (instantiated, if generic). Undefined for other members.
 */
function memberTypes(checker: ts.TypeChecker, member: ts.Symbol | undefined, depth: number): ts.Type[] | undefined {
  const declared = member?.valueDeclaration;
  if (!member || !declared || !(ts.isPropertySignature(declared) || ts.isPropertyDeclaration(declared)) || !declared.type) return undefined;
  return mentionsTypeQuery(checker, declared.type) ? declaredTypesOfSymbol(checker, member, depth + 1) : [checker.getTypeOfSymbol(member)];
}

/** Declared return types of every signature a call's callee may stand for (undefined when one is inferred). */
function declaredReturnTypes(checker: ts.TypeChecker, call: ts.CallExpression, depth: number): ts.Type[] | undefined {
  const callee = call.expression;
  let symbols: ts.Symbol[] | undefined;
  if (ts.isPropertyAccessExpression(callee)) {
    // through the receiver's declared type when it has one (`new Hono().get(…).post(…)`): typing the
    // receiver would check every callback of the chain
    symbols = declaredMembers(checker, callee.expression, callee.name.text, depth);
    // a receiver that is itself a call (`db.select(…).from(t).where(…)`) without declared types: finding the
    // member's symbol would type that call, i.e. infer the whole chain — not a declaration
    if (!symbols && ts.isCallExpression(skipOuter(callee.expression))) return undefined;
    // nor a variable whose type is its initializer's (`query.$dynamic()` on `const query = db.select()…`)
    if (!symbols && holdsInferredValue(checker, callee.expression)) return undefined;
    if (!symbols) {
      const symbol = symbolAt(checker, callee.name);
      symbols = symbol ? [symbol] : undefined;
    }
  } else if (ts.isIdentifier(callee)) {
    const symbol = symbolAt(checker, callee);
    symbols = symbol ? [symbol] : undefined;
  }
  if (!symbols) return undefined;
  const out: ts.Type[] = [];
  for (const symbol of symbols) {
    const types = declaredCallResults(checker, symbol, call, depth);
    if (!types) return undefined;
    out.push(...types);
  }
  return out;
}

/** A variable, destructured name or parameter without a type annotation: its type is inferred from code. */
function holdsInferredValue(checker: ts.TypeChecker, expr: ts.Expression): boolean {
  const e = skipOuter(expr);
  if (!ts.isIdentifier(e)) return false;
  const decl = symbolAt(checker, e)?.valueDeclaration;
  return !!decl && (ts.isVariableDeclaration(decl) || ts.isBindingElement(decl) || ts.isParameter(decl)) && !(decl as ts.VariableDeclaration | ts.ParameterDeclaration).type;
}

/** What calling a function or method symbol returns, by its declarations: signatures' return types, or a typed property's call signatures. */
function declaredCallResults(checker: ts.TypeChecker, symbol: ts.Symbol, call: ts.CallExpression, depth: number): ts.Type[] | undefined {
  const decls = symbol.declarations ?? [];
  const signatures = decls.filter(isSignatureDeclaration);
  // `const withReplicas = <Q extends …>(primary: Q, …): ReplicatedDatabase<Q> => …`
  const [single] = decls;
  const held = decls.length === 1 && ts.isVariableDeclaration(single!) && !single.type && single.initializer ? skipOuter(single.initializer) : undefined;
  if (held && (ts.isArrowFunction(held) || ts.isFunctionExpression(held)) && held.type) signatures.push(held);
  if (signatures.length > 0) {
    const out: ts.Type[] = [];
    for (const signature of signatures) {
      let types = signature.type ? fromTypeNode(checker, signature.type, 0) : undefined;
      // a return type made of the callee's type parameters (`Q & { … }`): read with them bound to the arguments' declared types
      // (a primitive, `toString(): string`, names none)
      if (types && !types.every((t) => isPlainObjectType(t) || isPrimitiveType(t)) && signature.type) types = boundCallResult(checker, signature, call, depth);
      if (!types) return undefined;
      out.push(...types);
    }
    return out;
  }
  // `get: HandlerInterface<…>`: a property typed with call signatures
  const [decl] = decls;
  if (decls.length !== 1 || !(ts.isPropertyDeclaration(decl) || ts.isPropertySignature(decl)) || !decl.type || ts.isTypeQueryNode(decl.type)) return undefined;
  const callSignatures = checker.getSignaturesOfType(checker.getTypeFromTypeNode(decl.type), ts.SignatureKind.Call);
  return callSignatures.length ? callSignatures.map((s) => checker.getReturnTypeOfSignature(s)) : undefined;
}

/**
 * The members named `name` of an expression's declared types, one per
 * declared (non-nullish) type; undefined when the expression has no declared
 * type or one of them lacks the member.
 */
export function declaredMembers(checker: ts.TypeChecker, receiver: ts.Expression, name: string, depth = 0): ts.Symbol[] | undefined {
  return guard(() => {
    const types = declaredTypesOf(checker, receiver, depth + 1);
    if (!types) return undefined;
    const out: ts.Symbol[] = [];
    for (const type of types.flatMap((t) => (t.isUnion() ? t.types : [t]))) {
      if (isNullishType(type)) continue;
      const member = checker.getPropertyOfType(type, name);
      if (!member) return undefined;
      out.push(member);
    }
    return out.length ? out : undefined;
  }, undefined);
}

/**
 * A generic callee's declared return type with its type parameters bound to
 * the declared types of the arguments passed for parameters declared as
 * exactly that type parameter (`primary: Q`). Undefined when a type parameter
 * the return type names has no such argument.
 */
function boundCallResult(checker: ts.TypeChecker, signature: ts.SignatureDeclaration, call: ts.CallExpression, depth: number): ts.Type[] | undefined {
  if (!signature.type || call.typeArguments?.length) return undefined;
  // a method of a generic class or interface (`WeakMap<K, V>#get(key: K): V | undefined`): its type parameters as the receiver declares them
  const callee = skipOuter(call.expression);
  const owner = signature.parent;
  const bindings =
    ts.isPropertyAccessExpression(callee) && (ts.isClassDeclaration(owner) || ts.isInterfaceDeclaration(owner)) && owner.typeParameters?.length
      ? receiverBindings(checker, callee.expression, depth)
      : new Map<ts.Symbol, ts.Type[]>();
  for (const parameter of signature.typeParameters ?? []) {
    const symbol = symbolAt(checker, parameter.name);
    if (!symbol) return undefined;
    const argument = argumentForTypeParameter(signature, parameter, call);
    if (!argument) continue;
    const types = declaredTypesOf(checker, argument, depth + 1);
    if (types) bindings.set(symbol, types);
  }
  if (bindings.size === 0) return undefined;
  const types = fromTypeNode(checker, signature.type, depth, bindings);
  return types?.every(isPlainObjectType) ? types : undefined;
}

/**
 * The argument a call passes for a type parameter of its signature: the one
 * at the position of a parameter declared as exactly that type parameter
 * (`primary: Q`), when no spread comes before it; else undefined.
 */
export function argumentForTypeParameter(
  signature: ts.SignatureDeclaration,
  parameter: ts.TypeParameterDeclaration,
  call: ts.CallExpression,
): ts.Expression | undefined {
  const index = signature.parameters.findIndex(
    (p) => !p.dotDotDotToken && p.type && ts.isTypeReferenceNode(p.type) && !p.type.typeArguments?.length && ts.isIdentifier(p.type.typeName) && p.type.typeName.text === parameter.name.text,
  );
  const argument = index >= 0 ? call.arguments[index] : undefined;
  return argument && !call.arguments.slice(0, index + 1).some(ts.isSpreadElement) ? argument : undefined;
}

/**
 * The type parameters of the class or interface a receiver is declared as an
 * instance of, bound to the type arguments written there: `const inflight =
 * new WeakMap<Database, Map<string, T>>()` or `inflight: WeakMap<Database,
 * Map<string, T>>` binds `WeakMap`'s `K` and `V` (type arguments map to the
 * class's or interface's type parameters by position).
 */
function receiverBindings(checker: ts.TypeChecker, receiver: ts.Expression, depth: number): Map<ts.Symbol, ts.Type[]> {
  const bindings = new Map<ts.Symbol, ts.Type[]>();
  const e = skipOuter(receiver);
  if (!ts.isIdentifier(e) && !ts.isPropertyAccessExpression(e)) return bindings;
  const decl = symbolAt(checker, ts.isIdentifier(e) ? e : e.name)?.valueDeclaration;
  if (!decl || !(ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl) || ts.isParameter(decl))) return bindings;
  let target: ts.Node | undefined;
  let args: readonly ts.TypeNode[] | undefined;
  if (decl.type) {
    const written = declaredTypeNode(checker, decl.type, depth);
    if (written && ts.isTypeReferenceNode(written)) [target, args] = [written.typeName, written.typeArguments];
  } else if (decl.initializer) {
    const init = skipOuter(decl.initializer);
    if (ts.isNewExpression(init)) [target, args] = [init.expression, init.typeArguments];
  }
  if (!target || !args?.length) return bindings;
  const owners = (symbolAt(checker, target)?.declarations ?? []).filter(
    (d): d is ts.ClassDeclaration | ts.InterfaceDeclaration => (ts.isClassDeclaration(d) || ts.isInterfaceDeclaration(d)) && d.typeParameters?.length === args.length,
  );
  if (owners.length === 0) return bindings;
  const values = args.map((arg) => fromTypeNode(checker, arg, depth + 1));
  for (const owner of owners) {
    owner.typeParameters!.forEach((parameter, i) => {
      const symbol = symbolAt(checker, parameter.name);
      const value = values[i];
      if (symbol && value) bindings.set(symbol, value);
    });
  }
  return bindings;
}

function isSignatureDeclaration(decl: ts.Declaration): decl is ts.SignatureDeclaration {
  return ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl) || ts.isMethodSignature(decl);
}

/**
 * A parameter of a method (or a function-valued property) of an object
 * literal whose type a `const` annotation or `satisfies` declares:
 * `tx` in `const store: LeaseStore = { async assertHeld(tx, lease) {…} }` is
 * what `LeaseStore`'s one, non-generic `assertHeld` declares for it (the
 * literal's contextual type, as the checker types it).
 */
function memberParameterTypes(checker: ts.TypeChecker, param: ts.ParameterDeclaration, depth: number): ts.Type[] | undefined {
  const fn = param.parent;
  if (param.dotDotDotToken || !(ts.isMethodDeclaration(fn) || ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return undefined;
  const member = ts.isMethodDeclaration(fn) ? fn : fn.parent;
  if (!(ts.isMethodDeclaration(member) || (ts.isPropertyAssignment(member) && member.initializer === fn)) || !ts.isObjectLiteralExpression(member.parent)) return undefined;
  const name = staticPropertyName(member.name);
  const holder = member.parent.parent;
  const declared = ts.isVariableDeclaration(holder) ? holder.type : ts.isSatisfiesExpression(holder) ? holder.type : undefined;
  const literalTypes = name !== undefined && declared ? fromTypeNode(checker, declared, depth) : undefined;
  if (!literalTypes) return undefined;
  const index = fn.parameters.indexOf(param);
  const out: ts.Type[] = [];
  for (const literalType of literalTypes) {
    const decls = checker.getPropertyOfType(literalType, name!)?.declarations;
    const signatureDecl = decls?.length === 1 ? decls[0]! : undefined;
    let signature: ts.SignatureDeclaration | undefined;
    if (signatureDecl && ts.isMethodSignature(signatureDecl)) signature = signatureDecl;
    else if (signatureDecl && ts.isPropertySignature(signatureDecl) && signatureDecl.type) {
      const written = declaredTypeNode(checker, signatureDecl.type, depth);
      if (written && ts.isFunctionTypeNode(written)) signature = written;
    }
    const owner = signatureDecl?.parent;
    // a generic signature or owner: the checker instantiates it, which a type node read alone does not
    if (!signature || signature.typeParameters?.length || !owner || !(ts.isInterfaceDeclaration(owner) || ts.isTypeLiteralNode(owner)) || isGenericDeclaration(owner) || isGenericDeclaration(owner.parent)) return undefined;
    const written = signature.parameters[index]?.type;
    const types = written && fromTypeNode(checker, written, depth);
    if (!types) return undefined;
    out.push(...types);
  }
  return out.length ? out : undefined;
}

/** An interface or type alias with type parameters. */
function isGenericDeclaration(node: ts.Node): boolean {
  return (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) && !!node.typeParameters?.length;
}

/**
 * The parameter of a callback passed to a method or a function, by the
 * callee's declared parameter type: `tx` in `db.transaction(async (tx) => …)`
 * is what `transaction(fn: (tx: PgTransaction<…>) => Promise<T>)` declares;
 * `{ tx }` in `prepare(params, async ({ tx }) => …)` is what `prepare`'s
 * parameter (a function type, or an alias of one) declares.
 */
function callbackParameterTypes(checker: ts.TypeChecker, param: ts.ParameterDeclaration, depth: number): ts.Type[] | undefined {
  const fn = param.parent;
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || param.dotDotDotToken) return undefined;
  const paramIndex = fn.parameters.indexOf(param);
  const up = skipOuterUp(fn);
  const call = up.parent;
  if (!call || !ts.isCallExpression(call)) return undefined;
  const argIndex = call.arguments.indexOf(up as ts.Expression);
  if (argIndex < 0) return undefined;
  const m = methodCall(call);
  const signatures: ts.SignatureDeclaration[] = [];
  if (m) {
    const receivers = declaredTypesOf(checker, m.object, depth + 1);
    if (!receivers) return undefined;
    for (const receiver of receivers) {
      if (isNullishType(receiver)) continue;
      const declared = checker.getPropertyOfType(receiver, m.name)?.declarations?.filter(isSignatureDeclaration);
      if (!declared?.length) return undefined;
      signatures.push(...declared);
    }
  } else {
    const callee = calledFunction(checker, call, { bodiless: true });
    if (!callee) return undefined;
    signatures.push(callee);
  }
  const out: ts.Type[] = [];
  for (const signature of signatures) {
    const written = signature.parameters[argIndex]?.type;
    const callbackType = written && declaredTypeNode(checker, written, depth);
    if (!callbackType || !ts.isFunctionTypeNode(callbackType)) return undefined;
    const paramType = callbackType.parameters[paramIndex]?.type;
    const types = paramType ? fromTypeNode(checker, paramType, depth) : undefined;
    if (!types) return undefined;
    out.push(...types);
  }
  return out.length ? out : undefined;
}

/**
 * The declarations of a member that a receiver's declared types lack but the
 * object type literals of its declared type add: `executeOnReplica` of
 * `db = withReplicas(…)` declared `ReplicatedDatabase<Q>` = `Q & {
 * executeOnReplica: … }`, where `Q` (a drizzle database) has no such member.
 * Read from the type nodes (annotations, declared return types, type aliases,
 * `Awaited<ReturnType<typeof f>>`, `typeof x`), without typing the receiver
 * (which would infer the generic call over the whole schema). Undefined when
 * the receiver has no declared types, one of them has the member, or no
 * literal declares it.
 */
export function declaredLiteralMembers(checker: ts.TypeChecker, receiver: ts.Expression, name: string): ts.TypeElement[] | undefined {
  return guard(() => {
    const types = declaredTypesOf(checker, receiver);
    if (!types) return undefined;
    for (const type of types.flatMap((t) => (t.isUnion() ? t.types : [t]))) {
      if (isNullishType(type)) continue;
      if (checker.getPropertyOfType(type, name)) return undefined;
    }
    const found: ts.TypeElement[] = [];
    literalMembersOfExpression(checker, receiver, name, found, 0);
    return found.length ? found : undefined;
  }, undefined);
}

function literalMembersOfExpression(checker: ts.TypeChecker, expr: ts.Expression, name: string, found: ts.TypeElement[], depth: number): void {
  if (depth > 8) return;
  const e = skipOuter(expr);
  if (ts.isCallExpression(e)) {
    const callee = skipOuter(e.expression);
    const fn = ts.isIdentifier(callee) ? functionOf(symbolAt(checker, callee)) : undefined;
    if (fn?.type) literalMembersOfTypeNode(checker, fn.type, name, found, depth + 1);
    else if (fn) literalMembersOfReturns(checker, fn, name, found, depth + 1);
    return;
  }
  if (!ts.isIdentifier(e) && !ts.isPropertyAccessExpression(e)) return;
  const decl = symbolAt(checker, ts.isIdentifier(e) ? e : e.name)?.valueDeclaration;
  if (!decl || !(ts.isVariableDeclaration(decl) || ts.isParameter(decl) || ts.isPropertyDeclaration(decl) || ts.isPropertySignature(decl))) return;
  if (decl.type) literalMembersOfTypeNode(checker, decl.type, name, found, depth + 1);
  else if (!ts.isPropertySignature(decl) && decl.initializer) literalMembersOfExpression(checker, decl.initializer, name, found, depth + 1);
}

function literalMembersOfReturns(checker: ts.TypeChecker, fn: DeclaredFunction, name: string, found: ts.TypeElement[], depth: number): void {
  if (!fn.body) return;
  const returned: ts.Expression[] = [];
  if (!ts.isBlock(fn.body)) returned.push(fn.body);
  else collectReturns(fn.body, returned);
  for (const r of returned) literalMembersOfExpression(checker, ts.isAwaitExpression(r) ? r.expression : r, name, found, depth + 1);
}

function literalMembersOfTypeNode(checker: ts.TypeChecker, node: ts.TypeNode, name: string, found: ts.TypeElement[], depth: number): void {
  if (depth > 8) return;
  const written = declaredTypeNode(checker, node);
  if (!written) return;
  if (ts.isTypeLiteralNode(written)) {
    for (const member of written.members) if (staticPropertyName(member.name) === name) found.push(member);
    return;
  }
  if (ts.isIntersectionTypeNode(written) || ts.isUnionTypeNode(written)) {
    for (const member of written.types) literalMembersOfTypeNode(checker, member, name, found, depth + 1);
    return;
  }
  if (ts.isTypeQueryNode(written)) {
    if (ts.isIdentifier(written.exprName)) literalMembersOfExpression(checker, written.exprName, name, found, depth + 1);
    return;
  }
  if (!ts.isTypeReferenceNode(written)) return;
  const returned = returnTypeFunction(checker, written);
  if (returned) {
    if (returned.fn.type) literalMembersOfTypeNode(checker, returned.fn.type, name, found, depth + 1);
    else literalMembersOfReturns(checker, returned.fn, name, found, depth + 1);
    return;
  }
  const alias = symbolAt(checker, written.typeName)?.declarations?.find(ts.isTypeAliasDeclaration);
  if (alias?.typeParameters?.length) literalMembersOfTypeNode(checker, alias.type, name, found, depth + 1);
}


/**
 * The type of a reference to a parameter, read from the parameter's
 * annotation when nothing can narrow it there: the reference is the
 * parameter's only use in its function (so no guard, assignment or alias
 * of a test mentions it), and the parameter has no initializer, `?` or `...`.
 * An annotation `Parameters<typeof x.m>[N]` is read through the declared
 * member `m` of `x`: its parameter N's annotation, when that names none of
 * the signature's or its owner's type parameters (the checker would type
 * `x`, for `x = drizzle(pool, { schema })` every table of the schema).
 * Undefined when it cannot be read so.
 */
export function declaredParameterType(checker: ts.TypeChecker, expr: ts.Expression): ts.Type | undefined {
  return guard(() => {
    const e = skipOuter(expr);
    if (!ts.isIdentifier(e)) return undefined;
    const decl = symbolAt(checker, e)?.valueDeclaration;
    if (!decl || !ts.isParameter(decl) || !ts.isIdentifier(decl.name) || !decl.type || decl.initializer || decl.questionToken || decl.dotDotDotToken) return undefined;
    const references = referencesIn(checker, decl.name, decl.parent);
    if (references.length !== 1 || references[0] !== e) return undefined;
    return parameterOfMember(checker, decl.type) ?? (mentionsTypeQuery(checker, decl.type) ? undefined : checker.getTypeFromTypeNode(decl.type));
  }, undefined);
}

/** `Parameters<typeof x.m>[N]`: parameter N's declared type, as `declaredParameterType` describes; undefined for other nodes. */
function parameterOfMember(checker: ts.TypeChecker, node: ts.TypeNode): ts.Type | undefined {
  const parameter = parameterTypeNode(checker, node, 0);
  if (!parameter) return undefined;
  const typeParameters: ts.TypeParameterDeclaration[] = [];
  for (let up: ts.Node | undefined = parameter; up; up = up.parent) {
    if ((ts.isFunctionLike(up) || ts.isClassLike(up) || ts.isInterfaceDeclaration(up)) && up.typeParameters) typeParameters.push(...up.typeParameters);
  }
  return typeParameters.some((p) => mentionsName(parameter, p.name.text)) ? undefined : checker.getTypeFromTypeNode(parameter);
}

/**
 * `Parameters<F>[N]`: the type node that parameter N of F is declared with,
 * where F is `typeof x.m` (the one declaration of the member `m` of what `x`
 * is declared with) or itself such a node standing for a function type
 * (`Parameters<Parameters<typeof db.transaction>[0]>[0]`: the `tx` of the
 * callback). Undefined for other nodes, overloads, and parameters that are
 * optional, rest or defaulted.
 */
function parameterTypeNode(checker: ts.TypeChecker, node: ts.TypeNode, depth: number): ts.TypeNode | undefined {
  if (depth > MAX_DEPTH || !ts.isIndexedAccessTypeNode(node) || !ts.isLiteralTypeNode(node.indexType) || !ts.isNumericLiteral(node.indexType.literal)) return undefined;
  const index = Number(node.indexType.literal.text);
  const object = node.objectType;
  if (!ts.isTypeReferenceNode(object) || object.typeArguments?.length !== 1) return undefined;
  const alias = symbolAt(checker, object.typeName)?.declarations?.find(ts.isTypeAliasDeclaration);
  if (!alias || !isLibDeclaration(alias) || alias.name.text !== "Parameters") return undefined;
  const fn = object.typeArguments[0]!;
  let signature: ts.Node | undefined;
  if (ts.isTypeQueryNode(fn)) {
    if (fn.typeArguments?.length || !ts.isQualifiedName(fn.exprName) || !ts.isIdentifier(fn.exprName.left)) return undefined;
    const declarations = declaredMembers(checker, fn.exprName.left, fn.exprName.right.text)?.flatMap((m) => m.declarations ?? []);
    if (declarations?.length !== 1) return undefined;
    signature = declarations[0];
  } else {
    const inner = parameterTypeNode(checker, fn, depth + 1);
    signature = inner && declaredTypeNode(checker, inner, depth + 1);
  }
  if (!signature || !(ts.isFunctionLike(signature) && "parameters" in signature)) return undefined;
  const parameter = (signature as ts.SignatureDeclaration).parameters[index];
  return parameter?.type && !parameter.questionToken && !parameter.dotDotDotToken && !parameter.initializer ? parameter.type : undefined;
}

/**
 * Whether typing a type node would type a value: it has a `typeof x`, itself
 * or in a type alias it names (`type DbClient = typeof db`, up to four
 * aliases deep), which the checker types by inferring `x`.
 */
function mentionsTypeQuery(checker: ts.TypeChecker, node: ts.Node, aliases = 0): boolean {
  if (ts.isTypeQueryNode(node)) return true;
  if (ts.isTypeReferenceNode(node) && aliases < 4) {
    const alias = symbolAt(checker, node.typeName)?.declarations?.find(ts.isTypeAliasDeclaration);
    if (alias && !isLibDeclaration(alias) && mentionsTypeQuery(checker, alias.type, aliases + 1)) return true;
  }
  return ts.forEachChild(node, (child) => mentionsTypeQuery(checker, child, aliases) || undefined) ?? false;
}

/** Whether a node contains an identifier with this text (a type parameter's name, say). */
export function mentionsName(node: ts.Node, name: string): boolean {
  return (ts.isIdentifier(node) && node.text === name) || (ts.forEachChild(node, (child) => mentionsName(child, name) || undefined) ?? false);
}

/**
 * The type of `(x as T).name` or `(x as T)[key]`: T's member (its string
 * index signature's type when T has no such member; without the `undefined`
 * that `noUncheckedIndexedAccess` adds), read from the asserted type node without
 * typing `x` (checking an assertion types what is asserted: for a table, its
 * whole column set). Undefined for other shapes, `as const`, and types that
 * `typeof` something.
 */
export function assertedMemberType(checker: ts.TypeChecker, node: ts.Expression): ts.Type | undefined {
  if (!ts.isPropertyAccessExpression(node) && !ts.isElementAccessExpression(node)) return undefined;
  let receiver: ts.Expression = node.expression;
  while (ts.isParenthesizedExpression(receiver)) receiver = receiver.expression;
  if (!ts.isAsExpression(receiver) && !ts.isTypeAssertionExpression(receiver)) return undefined;
  const written = receiver.type;
  if (mentionsTypeQuery(checker, written) || (ts.isTypeReferenceNode(written) && ts.isIdentifier(written.typeName) && written.typeName.text === "const")) return undefined;
  return guard(() => {
    const asserted = checker.getTypeFromTypeNode(written);
    const key = ts.isPropertyAccessExpression(node) ? node.name.text : ts.isStringLiteralLike(node.argumentExpression) ? node.argumentExpression.text : undefined;
    if (key !== undefined) {
      const member = checker.getPropertyOfType(asserted, key);
      if (member) return checker.getTypeOfSymbol(member);
    }
    if (asserted.isUnion()) return undefined;
    return checker.getIndexInfoOfType(asserted, ts.IndexKind.String)?.type;
  }, undefined);
}
