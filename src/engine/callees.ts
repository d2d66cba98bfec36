import ts from "typescript";
import { userDeclaredNames } from "./callable-names.js";
import { calledFunction, calledPlainFunction, declaredLiteralMembers, declaredMembers, destructuredImport, mentionsName, objectLiteralsOf, returnedExpressions } from "./declared-types.js";
import { drizzleImportName } from "./drizzle-symbols.js";
import { chainContaining, isQueryChainCall } from "./queries.js";
import { isAsyncFunction, isFunctionLike, isUserSourceFile, Kind, literalProperty, methodCall, skipOuter, unannotatedConstInitializer } from "./ts-utils.js";
import { heldBuilder, isArrayValue, isRowsArray } from "./rows.js";
import { localSymbolAt, resolveAlias, symbolAt, valueSymbolAt } from "./symbols.js";
import { guard } from "./guard.js";

/*
 * Callee resolution: the user-code function a call runs, by the callee's
 * symbol when its declarations say enough, else by the checker's resolved
 * signature. Library code, declaration files and functions made by
 * drizzle-orm are never callees.
 */

function isUserCode(node: ts.Node): boolean {
  return isUserSourceFile(node.getSourceFile());
}

/** A symbol declared, and only declared, outside the user's code (a library's or TypeScript's). */
function isLibraryOnly(symbol: ts.Symbol): boolean {
  return !!symbol.declarations?.length && !symbol.declarations.some(isUserCode);
}

/** A function-like node with a body that a declaration stands for (`function f`, `const f = () => …`, `m() {}`, `f = async () => …`). */
function functionOfDeclaration(decl: ts.Declaration): ts.FunctionLikeDeclaration | undefined {
  if (isFunctionLike(decl)) return decl.body ? decl : undefined;
  if ((ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl) || ts.isPropertyAssignment(decl)) && decl.initializer) {
    const init = skipOuter(decl.initializer);
    if ((ts.isArrowFunction(init) || ts.isFunctionExpression(init)) && init.body) return init;
  }
  return undefined;
}

/**
 * `orgsData.organizations` on `let orgsData; orgsData = await requestJson(contract, {})`, `env.X` on
 * `export const env = createEnv({…})`: a receiver rooted at an unannotated user variable whose type the
 * checker infers through a generic call with inferred type arguments (or, for a `let` declared without a
 * value, from what is assigned to it), read from declarations. Typing such a receiver instantiates the
 * callee's types over its arguments (a zod-inferred response, t3-env's whole schema).
 */
function inferredThroughGenericCall(checker: ts.TypeChecker, receiver: ts.Expression): boolean {
  let e = skipOuter(receiver);
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) e = skipOuter(e.expression);
  if (!ts.isIdentifier(e)) return false;
  const decls = resolveAlias(checker, symbolAt(checker, e))?.declarations;
  const decl = decls?.length === 1 ? decls[0]! : undefined;
  if (!decl || !ts.isVariableDeclaration(decl) || decl.type || !ts.isIdentifier(decl.name) || !isUserCode(decl) || !ts.isVariableStatement(decl.parent.parent)) return false;
  if (!decl.initializer) return !(decl.parent.flags & ts.NodeFlags.Const);
  let init = skipOuter(decl.initializer);
  while (ts.isAwaitExpression(init)) init = skipOuter(init.expression);
  if (!ts.isCallExpression(init) || init.typeArguments?.length) return false;
  const callee = skipOuter(init.expression);
  const signatures = ts.isIdentifier(callee) ? (resolveAlias(checker, symbolAt(checker, callee))?.declarations ?? []) : [];
  return signatures.some((d) => {
    const fn = ts.isVariableDeclaration(d) && d.initializer ? skipOuter(d.initializer) : d;
    return (ts.isFunctionDeclaration(fn) || ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && !!fn.typeParameters?.length;
  });
}

/**
 * Fast path: the callee's symbol. Library symbols answer "no user code" without
 * resolving the call's signature (which would check every argument, lambdas
 * included); a single user declaration with a body answers directly.
 */
function calleeBySymbol(program: ts.Program, call: ts.CallExpression, noUserEffects?: () => boolean): ts.FunctionLikeDeclaration | null | undefined {
  const callee = skipOuter(call.expression);
  // a callee name no user code declares, or a query builder's own method: no user callee,
  // known without typing the receiver
  const member = methodCall(call);
  const declared = userDeclaredNames(program);
  if (member ? !declared.members.has(member.name) : ts.isIdentifier(callee) && !declared.bindings.has(callee.text)) return null;
  if (member && isQueryChainCall(program, call)) return null;
  // `query.orderBy(…)` on `const query = db.select()…`: a member of a drizzle builder (or of its awaited rows),
  // known without typing the builder
  if (member && holdsQueryChain(program, member.object)) return null;
  // `conditions.push(…)` on `const conditions = [eq(…)]`, `[...new Set(ids)].sort()`, `unknown.join(…)` on
  // `const unknown = ids.filter(…)`: an array's own method (typing the array would type its items)
  if (member && isArrayValue(program.getTypeChecker(), member.object)) return null;
  // `client.subscription.list()` on `const client = createAuthClient({…})`: a member of a value library code made
  // (typing the receiver would type, say, an auth client over the server's whole API)
  if (member && receiverMadeByLibrary(program.getTypeChecker(), member.object)) return null;
  // `emailFallback.execute(…)` on a helper's object literal: that literal's own member, by syntax (typing the
  // receiver may infer, say, t3-env's whole schema)
  const literals = member && objectLiteralsOf(program.getTypeChecker(), member.object);
  if (member && literals) return literalMember(literals, member.name);
  // what follows may type the receiver (its declared members through a property's symbol, the member's symbol);
  // where that means inferring it through a generic call, a caller that only needs the callee's query effects may
  // know there are none (asked only then: reading the member name's sites costs more than typing a plain receiver)
  if (member && noUserEffects && inferredThroughGenericCall(program.getTypeChecker(), member.object) && noUserEffects()) return null;
  // a library member of the receiver's declared type (a framework's builder chain): no need to type the receiver
  const declaredMember = member && declaredMembers(program.getTypeChecker(), member.object, member.name);
  if (declaredMember?.every(isLibraryOnly)) return null;
  // a member that only a type literal of the receiver's declared type adds, typed as a function type
  // (`executeOnReplica: (query) => Promise<…>` in `ReplicatedDatabase<Q>`): a signature without a body
  if (member && !declaredMember && declaredLiteralMembers(program.getTypeChecker(), member.object, member.name)?.every(isBodilessSignature)) return null;
  const nameNode = ts.isPropertyAccessExpression(callee) ? callee.name : ts.isIdentifier(callee) ? callee : undefined;
  if (!nameNode) return undefined;
  const local = resolveAlias(program.getTypeChecker(), localSymbolAt(program.getTypeChecker(), nameNode));
  // `renderEmail(…)` with `const { renderEmail } = await import("@/components/emails")`: that module's export
  // (resolving the call would check its arguments, say a query's rows)
  const symbol = (local?.declarations?.length === 1 && destructuredImport(program.getTypeChecker(), local.declarations[0])) || local;
  const decls = symbol?.declarations;
  if (!decls?.length) return undefined;
  if (!decls.some((d) => isUserCode(d))) return null;
  // `operation(tx, …)` on a parameter `operation: (tx: DbOrTx) => Promise<T>`: the call lands on that function
  // type, which has no body (resolving the signature would type the arguments, say a transaction callback's `tx`)
  if (decls.length === 1 && ts.isParameter(decls[0]!) && isBodilessSignature(decls[0])) return null;
  // `const createTable = pgTableCreator(…)`: a function made by drizzle-orm, never user code
  // (resolving a call to it would infer the whole table)
  if (decls.every((d) => isMadeByDrizzle(program.getTypeChecker(), d))) return null;
  // `export const createCallerFactory = t.createCallerFactory`: another name for a library function
  // (resolving the call would infer, say, a whole tRPC router)
  if (decls.length === 1 && aliasesLibraryFunction(program.getTypeChecker(), decls[0]!)) return null;
  // `const provider = selectAIProvider(settings)`: a variable holding what library code made (resolving the
  // call would type the variable, say a union of twelve AI SDK providers)
  if (decls.length === 1 && holdsLibraryResult(program.getTypeChecker(), decls[0]!)) return null;
  // `const getRevenue = dedupeByDb(keyFn, getRevenueImpl)`, `dedupeByDb(…): (db, params) => Promise<R>`: a call of
  // the result lands on that function type, which has no body (resolving it would infer the wrapped function)
  if (decls.length === 1 && holdsDeclaredFunctionType(program.getTypeChecker(), decls[0]!)) return null;
  const bodies = decls.map(functionOfDeclaration).filter((d): d is ts.FunctionLikeDeclaration => !!d);
  if (bodies.length === 1 && decls.length === 1) return bodies[0];
  return undefined;
}

/**
 * The function member `name` of object literals without spreads: the one
 * method (or function-valued property) they all declare last under that
 * name; null when none declares it (an `Object.prototype` member); undefined
 * when it is something else (a getter, a value held elsewhere) or differs
 * between them.
 */
function literalMember(literals: readonly ts.ObjectLiteralExpression[], name: string): ts.FunctionLikeDeclaration | null | undefined {
  const found = new Set<ts.FunctionLikeDeclaration | null | undefined>();
  for (const literal of literals) {
    const property = literalProperty(literal, name);
    found.add(property === undefined ? null : ts.isMethodDeclaration(property) || ts.isPropertyAssignment(property) ? functionOfDeclaration(property) : undefined);
  }
  return found.size === 1 ? [...found][0] : undefined;
}

/** `m(): T` or `m: (…) => T` in a type literal, or a parameter `fn: (…) => T`: the checker's resolved signature would be this declaration's, which has no body. */
function isBodilessSignature(decl: ts.Declaration): boolean {
  return ts.isMethodSignature(decl) || ((ts.isPropertySignature(decl) || ts.isParameter(decl)) && !!decl.type && ts.isFunctionTypeNode(decl.type));
}

/** `const f = lib.member` or `const f = imported`: a variable that only renames library code, by declarations. */
function aliasesLibraryFunction(checker: ts.TypeChecker, decl: ts.Declaration): boolean {
  const initializer = unannotatedConstInitializer(decl);
  if (!initializer) return false;
  const init = skipOuter(initializer);
  let targets: ts.Symbol[] | undefined;
  if (ts.isPropertyAccessExpression(init)) targets = declaredMembers(checker, init.expression, init.name.text);
  else if (ts.isIdentifier(init)) {
    const symbol = symbolAt(checker, init);
    targets = symbol ? [symbol] : undefined;
  }
  return !!targets?.length && targets.every(isLibraryOnly);
}

/**
 * A query builder, held as `rows.ts`'s `heldBuilder` says, or the awaited
 * rows of a query chain held in a `const` (`rows.reduce(…)`; and the arrays
 * of rows that `isRowsArray` knows): members of
 * drizzle's builders and of arrays, never user code.
 */
function holdsQueryChain(program: ts.Program, receiver: ts.Expression): boolean {
  if (heldBuilder(program, receiver) || isRowsArray(program, receiver)) return true;
  const e = skipOuter(receiver);
  const decl = ts.isIdentifier(e) ? symbolAt(program.getTypeChecker(), e)?.valueDeclaration : undefined;
  const initializer = unannotatedConstInitializer(decl);
  if (!initializer || !isUserCode(decl!)) return false;
  const init = skipOuter(initializer);
  if (!ts.isAwaitExpression(init)) return false;
  const awaited = skipOuter(init.expression);
  return ts.isCallExpression(awaited) && chainContaining(program, awaited)?.end === awaited;
}

/**
 * `const f = make(…)` (no type annotation) where `make` is one function
 * whose declared return type is a function type: what `f(…)` resolves to is
 * that type's signature, a declaration without a body, whatever `make`'s
 * arguments are. Also a `const` holding such a variable, or a choice of them
 * (`const run = profit ? getProfit : getRevenue`).
 */
function holdsDeclaredFunctionType(checker: ts.TypeChecker, decl: ts.Declaration, depth = 0): boolean {
  if (depth > 4 || !ts.isVariableDeclaration(decl) || !decl.initializer || decl.type || !ts.isIdentifier(decl.name) || !(decl.parent.flags & ts.NodeFlags.Const)) return false;
  const madeBy = (expr: ts.Expression): boolean => {
    const e = skipOuter(expr);
    if (ts.isConditionalExpression(e)) return madeBy(e.whenTrue) && madeBy(e.whenFalse);
    if (ts.isIdentifier(e)) {
      const held = resolveAlias(checker, symbolAt(checker, e))?.declarations ?? [];
      return held.length === 1 && holdsDeclaredFunctionType(checker, held[0]!, depth + 1);
    }
    if (!ts.isCallExpression(e)) return false;
    const fn = calledFunction(checker, e, { bodiless: true });
    if (!fn?.type) return false;
    let returned = fn.type;
    while (ts.isParenthesizedTypeNode(returned)) returned = returned.type;
    return ts.isFunctionTypeNode(returned);
  };
  return madeBy(decl.initializer);
}

/** `a.b.c` rooted at a `const` whose value library code made (`madeByLibrary`): its members are the library's too. */
function receiverMadeByLibrary(checker: ts.TypeChecker, receiver: ts.Expression): boolean {
  let e = skipOuter(receiver);
  while (ts.isPropertyAccessExpression(e)) e = skipOuter(e.expression);
  if (!ts.isIdentifier(e)) return false;
  const decls = symbolAt(checker, e)?.declarations;
  return decls?.length === 1 && holdsLibraryResult(checker, decls[0]!);
}

/** `const f = make(…)` (no type annotation) whose value is made by library code only: see `madeByLibrary`. */
function holdsLibraryResult(checker: ts.TypeChecker, decl: ts.Declaration): boolean {
  const initializer = unannotatedConstInitializer(decl);
  return !!initializer && madeByLibrary(checker, initializer, 0);
}

/**
 * Whether a value's type is declared by library code only, read from
 * declarations: a call to a library function whose type parameters cannot
 * carry a user function's type (none, or constrained to primitives, or not
 * mentioned by any parameter, and no type arguments written), or to a
 * non-generic user function without a declared return type whose every
 * `return` is such a value; a `const` holding one; `await` of one. The call
 * signatures of such a type are declared in the library, so a call through
 * it never lands in user code — which the checker would also answer, after
 * typing the value (`identity(userFn)`, React's `cache(fn)`: generic over
 * the function's type, so not answered here).
 */
function madeByLibrary(checker: ts.TypeChecker, expr: ts.Expression, depth: number): boolean {
  return holdsNoUserFunction(checker, expr, 0) || typedByLibrary(checker, expr, depth);
}

/** `madeByLibrary` by declared types; a `const` it holds is read the same way (`holdsNoUserFunction` already read through it). */
function typedByLibrary(checker: ts.TypeChecker, expr: ts.Expression, depth: number): boolean {
  if (depth > 4) return false;
  let e = expr;
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isAwaitExpression(e)) e = e.expression;
  if (ts.isIdentifier(e)) {
    const decl = resolveAlias(checker, symbolAt(checker, e))?.declarations;
    if (decl?.length !== 1) return false;
    const initializer = unannotatedConstInitializer(decl[0]);
    return !!initializer && isUserCode(initializer) && typedByLibrary(checker, initializer, depth + 1);
  }
  if (!ts.isCallExpression(e) || e.typeArguments?.length) return false;
  const callee = skipOuter(e.expression);
  if (!ts.isIdentifier(callee)) return false;
  const decls = resolveAlias(checker, symbolAt(checker, callee))?.declarations ?? [];
  if (decls.length === 0) return false;
  if (!decls.some(isUserCode)) return decls.every((d) => ts.isFunctionDeclaration(d) && !d.body && typeParametersStayLibrary(d));
  const fn = calledPlainFunction(checker, e);
  if (!fn || isAsyncFunction(fn)) return false;
  const returned = returnedExpressions(fn.body);
  return !!returned?.length && returned.every((r) => madeByLibrary(checker, r, depth + 1));
}

/**
 * Whether a value cannot hold a user function at run time, read from syntax
 * and declarations, without typing anything: literals and templates;
 * operators whose result is a primitive; arrays and object literals (no
 * methods) of such values; a `const` holding one; a value declared only in a
 * library; a member of such a value; and a call of a library function (or of
 * a library member of such a value, or a library tag on a template) whose arguments are such values, or of a
 * user function declared to return a primitive. Type arguments carry no
 * value: `createAuthClient({ plugins: [customSessionClient<typeof auth>()] })`
 * is library code calling library code, whatever its type says. A function
 * reaches a library's result only through the call's arguments (not modelled:
 * a library that loads user modules by path, or a global registry).
 */
export function holdsNoUserFunction(checker: ts.TypeChecker, expr: ts.Expression, depth = 0): boolean {
  if (depth > 8) return false;
  const next = (x: ts.Expression): boolean => holdsNoUserFunction(checker, x, depth + 1);
  let e = skipOuter(expr);
  while (ts.isAwaitExpression(e)) e = skipOuter(e.expression);
  switch (e.kind) {
    case Kind.StringLiteral:
    case Kind.NumericLiteral:
    case Kind.BigIntLiteral:
    case Kind.RegularExpressionLiteral:
    case Kind.NoSubstitutionTemplateLiteral:
    case Kind.TemplateExpression:
    case Kind.TrueKeyword:
    case Kind.FalseKeyword:
    case Kind.NullKeyword:
    case Kind.PrefixUnaryExpression:
    case Kind.PostfixUnaryExpression:
    case Kind.TypeOfExpression:
    case Kind.VoidExpression:
    case Kind.DeleteExpression:
      return true;
  }
  if (ts.isConditionalExpression(e)) return next(e.whenTrue) && next(e.whenFalse);
  if (ts.isBinaryExpression(e)) {
    switch (e.operatorToken.kind) {
      // the value is one of the operands (a falsy left operand of `&&` is never a function)
      case Kind.BarBarToken:
      case Kind.QuestionQuestionToken:
        return next(e.left) && next(e.right);
      case Kind.AmpersandAmpersandToken:
      case Kind.EqualsToken:
      case Kind.CommaToken:
        return next(e.right);
      default:
        // arithmetic, comparison, `in`, `instanceof`: a primitive; compound assignments: not read
        return e.operatorToken.kind < Kind.FirstCompoundAssignment || e.operatorToken.kind > Kind.LastCompoundAssignment;
    }
  }
  if (ts.isArrayLiteralExpression(e)) return e.elements.every((el) => ts.isOmittedExpression(el) || next(ts.isSpreadElement(el) ? el.expression : el));
  if (ts.isObjectLiteralExpression(e)) {
    return e.properties.every((p) =>
      ts.isPropertyAssignment(p) ? next(p.initializer) : ts.isShorthandPropertyAssignment(p) ? next(p.name) : ts.isSpreadAssignment(p) ? next(p.expression) : false,
    );
  }
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) return next(e.expression);
  if (ts.isIdentifier(e)) {
    if (e.text === "undefined") return true;
    const decls = valueSymbolAt(checker, e)?.declarations;
    if (!decls?.length) return false;
    if (!decls.some(isUserCode)) return true;
    if (decls.length !== 1) return false;
    const decl = decls[0]!;
    if (ts.isEnumDeclaration(decl)) return true;
    if (ts.isVariableDeclaration(decl) && decl.type) return isPrimitiveTypeNode(decl.type);
    const initializer = unannotatedConstInitializer(decl);
    return !!initializer && next(initializer);
  }
  // `String.raw` on a template: a library tag, read as a call of it with the template's values
  if (ts.isTaggedTemplateExpression(e)) {
    const tag = skipOuter(e.tag);
    const values = ts.isTemplateExpression(e.template) ? e.template.templateSpans.map((span) => span.expression) : [];
    if (ts.isPropertyAccessExpression(tag)) return next(tag.expression) && values.every(next);
    const decls = ts.isIdentifier(tag) ? symbolAt(checker, tag)?.declarations : undefined;
    return !!decls?.length && !decls.some(isUserCode) && values.every(next);
  }
  if (ts.isCallExpression(e) || ts.isNewExpression(e)) {
    const args = e.arguments ?? [];
    const callee = skipOuter(e.expression);
    if (ts.isPropertyAccessExpression(callee)) return next(callee.expression) && args.every(next);
    if (!ts.isIdentifier(callee)) return false;
    const decls = symbolAt(checker, callee)?.declarations;
    if (!decls?.length) return false;
    if (!decls.some(isUserCode)) return args.every(next);
    // `getAuthBaseUrl(): string`: a user function declared to return a primitive
    return decls.length === 1 && ts.isFunctionDeclaration(decls[0]!) && !!decls[0].type && isPrimitiveTypeNode(decls[0].type);
  }
  return false;
}

/** `string`, `number | undefined`, `"a" | "b"`: a type annotation that only primitives satisfy. */
function isPrimitiveTypeNode(type: ts.TypeNode): boolean {
  if (ts.isParenthesizedTypeNode(type)) return isPrimitiveTypeNode(type.type);
  if (ts.isUnionTypeNode(type)) return type.types.every(isPrimitiveTypeNode);
  return PRIMITIVE_KEYWORDS.has(type.kind) || type.kind === Kind.UndefinedKeyword || ts.isLiteralTypeNode(type);
}

/** Primitive type keywords: a type parameter constrained to these cannot be a function type. */
const PRIMITIVE_KEYWORDS = new Set([ts.SyntaxKind.StringKeyword, ts.SyntaxKind.NumberKeyword, ts.SyntaxKind.BooleanKeyword, ts.SyntaxKind.BigIntKeyword, ts.SyntaxKind.SymbolKeyword]);

/** A library signature's type parameters: each constrained to a primitive, or named by no parameter (so never inferred from the user's arguments). */
function typeParametersStayLibrary(signature: ts.SignatureDeclaration): boolean {
  return (signature.typeParameters ?? []).every((parameter) => {
    const constraint = parameter.constraint;
    const members = constraint && ts.isUnionTypeNode(constraint) ? constraint.types : constraint ? [constraint] : [];
    if (members.length > 0 && members.every((m) => PRIMITIVE_KEYWORDS.has(m.kind) || ts.isLiteralTypeNode(m))) return true;
    return !signature.parameters.some((p) => p.type && mentionsName(p.type, parameter.name.text));
  });
}

/** A variable initialized by a call to a drizzle-orm function (`pgTableCreator(…)`, `pgSchema(…)`). */
function isMadeByDrizzle(checker: ts.TypeChecker, decl: ts.Declaration): boolean {
  if (!ts.isVariableDeclaration(decl) || !decl.initializer) return false;
  const init = skipOuter(decl.initializer);
  return ts.isCallExpression(init) && drizzleImportName(checker, init.expression) !== undefined;
}

/**
 * The body-bearing declaration a call resolves to, if it is user code (not a
 * library or declaration file). `noUserEffects`, for a caller that only needs
 * the callee's query effects, is asked just before a method call's receiver
 * would be typed; true answers "none to follow".
 */
export function resolveCallee(program: ts.Program, call: ts.CallExpression, noUserEffects?: () => boolean): ts.FunctionLikeDeclaration | undefined {
  const fast = calleeBySymbol(program, call, noUserEffects);
  if (fast === null) return undefined;
  if (fast) return fast;
  const checker = program.getTypeChecker();
  const decl = guard<ts.Declaration | undefined>(() => checker.getResolvedSignature(call)?.declaration, undefined);
  if (!decl || !isFunctionLike(decl)) return undefined;
  let fn: ts.FunctionLikeDeclaration | undefined = decl;
  if (!fn.body) {
    // an overload signature: find the implementation
    const symbol = fn.name ? checker.getSymbolAtLocation(fn.name) : undefined;
    fn = symbol?.declarations?.find((d): d is ts.FunctionLikeDeclaration => isFunctionLike(d) && !!d.body);
  }
  if (!fn?.body || !isUserCode(fn)) return undefined;
  return fn;
}
