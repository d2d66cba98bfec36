import ts from "typescript";
import { checkerCache } from "./cache.js";
import { methodCall, skipOuterUp } from "./ts-utils.js";
import { symbolAt, valueSymbolAt } from "./symbols.js";
import { guard } from "./guard.js";

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
  if (depth > 4) return undefined;
  return guard(() => {
    const types = declaredTypesOfExpression(checker, node, depth);
    return types && types.length > 0 && types.every(isPlainObjectType) ? types : undefined;
  }, undefined);
}

/** Object types (class and interface references, anonymous object types), their intersections and unions with nullish members. */
function isPlainObjectType(type: ts.Type): boolean {
  if (type.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void)) return true;
  if (type.isUnion()) return type.types.every(isPlainObjectType);
  if (type.isIntersection()) return type.types.every((t) => (t.flags & ts.TypeFlags.Object) !== 0);
  return (type.flags & ts.TypeFlags.Object) !== 0;
}

function fromTypeNode(checker: ts.TypeChecker, node: ts.TypeNode, depth: number): ts.Type[] | undefined {
  const written = declaredTypeNode(checker, node, depth);
  if (!written) return undefined;
  // `typeof db`: what `db` is declared with
  if (ts.isTypeQueryNode(written)) return ts.isIdentifier(written.exprName) ? declaredTypesOf(checker, written.exprName, depth + 1) : undefined;
  return [checker.getTypeFromTypeNode(written)];
}

/**
 * The type node a type annotation stands for, through type aliases without
 * type arguments (`type Db = typeof db`), so that `typeof` at the end is read
 * as a declaration rather than inferred. Exported for the relational schema lookup.
 */
export function declaredTypeNode(checker: ts.TypeChecker, node: ts.TypeNode, depth = 0): ts.TypeNode | undefined {
  let current = node;
  for (let i = depth; i <= 4; i++) {
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
  if (ts.isPropertyAccessExpression(node)) return declaredTypesOfSymbol(checker, symbolAt(checker, node.name), depth);
  if (ts.isNewExpression(node)) {
    const symbol = symbolAt(checker, node.expression);
    if (!symbol) return undefined;
    if (symbol.flags & ts.SymbolFlags.Class) return [checker.getDeclaredTypeOfSymbol(symbol)];
    // `new Map()`: `declare var Map: MapConstructor`, whose construct signatures declare the instance type
    const decl = symbol.valueDeclaration;
    if (!decl || !ts.isVariableDeclaration(decl) || !decl.type) return undefined;
    const signatures = checker.getSignaturesOfType(checker.getTypeFromTypeNode(decl.type), ts.SignatureKind.Construct);
    return signatures.length ? signatures.map((s) => checker.getReturnTypeOfSignature(s)) : undefined;
  }
  if (ts.isCallExpression(node)) return declaredReturnTypes(checker, node, depth);
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
    return callbackParameterTypes(checker, decl, depth);
  }
  return undefined;
}

/** Declared return types of every signature a call's callee may stand for (undefined when one is inferred). */
function declaredReturnTypes(checker: ts.TypeChecker, call: ts.CallExpression, depth: number): ts.Type[] | undefined {
  const callee = call.expression;
  let symbols: ts.Symbol[] | undefined;
  if (ts.isPropertyAccessExpression(callee)) {
    // through the receiver's declared type when it has one (`new Hono().get(…).post(…)`): typing the
    // receiver would check every callback of the chain
    symbols = declaredMembers(checker, callee.expression, callee.name.text, depth);
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
    const types = declaredCallResults(checker, symbol);
    if (!types) return undefined;
    out.push(...types);
  }
  return out;
}

/** What calling a function or method symbol returns, by its declarations: signatures' return types, or a typed property's call signatures. */
function declaredCallResults(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Type[] | undefined {
  const decls = symbol.declarations ?? [];
  const signatures = decls.filter(isSignatureDeclaration);
  if (signatures.length > 0) {
    const out: ts.Type[] = [];
    for (const signature of signatures) {
      const types = signature.type ? fromTypeNode(checker, signature.type, 0) : undefined;
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
      if (type.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void)) continue;
      const member = checker.getPropertyOfType(type, name);
      if (!member) return undefined;
      out.push(member);
    }
    return out.length ? out : undefined;
  }, undefined);
}

function isSignatureDeclaration(decl: ts.Declaration): decl is ts.SignatureDeclaration {
  return ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl) || ts.isMethodSignature(decl);
}

/**
 * The parameter of a callback passed to a method, by the method's declared
 * parameter type: `tx` in `db.transaction(async (tx) => …)` is what
 * `transaction(fn: (tx: PgTransaction<…>) => Promise<T>)` declares.
 */
function callbackParameterTypes(checker: ts.TypeChecker, param: ts.ParameterDeclaration, depth: number): ts.Type[] | undefined {
  const fn = param.parent;
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || !ts.isIdentifier(param.name)) return undefined;
  const paramIndex = fn.parameters.indexOf(param);
  const up = skipOuterUp(fn);
  const call = up.parent;
  if (!call || !ts.isCallExpression(call)) return undefined;
  const argIndex = call.arguments.indexOf(up as ts.Expression);
  const m = methodCall(call);
  if (!m || argIndex < 0) return undefined;
  const receivers = declaredTypesOf(checker, m.object, depth + 1);
  if (!receivers) return undefined;
  const out: ts.Type[] = [];
  for (const receiver of receivers) {
    if (receiver.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void)) continue;
    const method = checker.getPropertyOfType(receiver, m.name);
    const signatures = method?.declarations?.filter(isSignatureDeclaration);
    if (!signatures?.length) return undefined;
    for (const signature of signatures) {
      const callbackType = signature.parameters[argIndex]?.type;
      if (!callbackType || !ts.isFunctionTypeNode(callbackType)) return undefined;
      const paramType = callbackType.parameters[paramIndex]?.type;
      const types = paramType ? fromTypeNode(checker, paramType, depth) : undefined;
      if (!types) return undefined;
      out.push(...types);
    }
  }
  return out.length ? out : undefined;
}
