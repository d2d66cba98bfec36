import ts from "typescript";
import { programCache } from "./cache.js";
import { guard } from "./guard.js";
import { isAssignmentTarget, isExportedVariable, variableReferences } from "./references.js";
import { identifiersNamed } from "./syntax-index.js";
import { symbolAt } from "./symbols.js";
import { isNullishType, isUnknownType, methodCall, skipOuter, skipOuterUp, typeOf, userSourceFiles } from "./ts-utils.js";
import { timed } from "./profile.js";
import { declaredTypesOf, returnedExpressions } from "./declared-types.js";

/**
 * Constant-ness facts the checks share: collections whose size is fixed when
 * the program is written (here), and text fixed when the program is written
 * (`isConstantText`, below).
 */

/** Array methods that change an array in place. */
const ARRAY_MUTATORS = new Set(["push", "pop", "shift", "unshift", "splice", "fill", "copyWithin", "length"]);

/** A `const` variable declaration with an initializer (through `as const`/`satisfies`), or undefined. */
function constDeclarationOf(checker: ts.TypeChecker, id: ts.Identifier): (ts.VariableDeclaration & { name: ts.Identifier }) | undefined {
  const decl = symbolAt(checker, id)?.valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name) || !decl.initializer) return undefined;
  if ((ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const) === 0) return undefined;
  return decl as ts.VariableDeclaration & { name: ts.Identifier };
}

/**
 * Whether a `const` array or object is changed in place in its own file:
 * `xs.push(...)`, `xs.length = 0`, `xs[i] = ...`, `obj[key] = ...`,
 * `delete obj.k`. An exported one may also be changed elsewhere: only trusted
 * when its type is readonly (`as const`), where TypeScript forbids that.
 */
function isChangedInPlace(checker: ts.TypeChecker, decl: ts.VariableDeclaration & { name: ts.Identifier }, readonly: boolean): boolean {
  if (readonly) return false;
  if (isExportedVariable(decl)) return true;
  return variableReferences(checker, decl).some((ref) => {
    const up = skipOuterUp(ref);
    const parent = up.parent;
    if (!parent) return false;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === up) {
      if (ARRAY_MUTATORS.has(parent.name.text)) return true;
      return isWritten(parent);
    }
    if (ts.isElementAccessExpression(parent) && parent.expression === up) return isWritten(parent);
    return false;
  });
}

/** `x.k = v`, `x[k] += v`, `delete x[k]`, `x.k++`. */
function isWritten(access: ts.Expression): boolean {
  const up = skipOuterUp(access);
  const parent = up.parent;
  if (!parent) return false;
  if (ts.isDeleteExpression(parent)) return true;
  if (ts.isBinaryExpression(parent) && parent.left === up) {
    return parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
  }
  return (
    (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) &&
    (parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken)
  );
}

/** `as const` on an initializer: TypeScript makes the value readonly. */
function isAsConst(node: ts.Expression): boolean {
  for (let e: ts.Node = node; ; ) {
    if (ts.isAsExpression(e) || ts.isTypeAssertionExpression(e)) {
      if (ts.isTypeReferenceNode(e.type) && ts.isIdentifier(e.type.typeName) && e.type.typeName.text === "const") return true;
      e = e.expression;
    } else if (ts.isParenthesizedExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
    else return false;
  }
}

/** A tuple type without rest elements (`readonly ["a", "b"]`, `pgEnum(...).enumValues`): its length. */
function fixedTupleLength(checker: ts.TypeChecker, type: ts.Type | undefined): number | undefined {
  if (!type || !checker.isTupleType(type)) return undefined;
  const target = (type as ts.TupleTypeReference).target;
  if (target.hasRestElement || target.elementFlags.some((f) => (f & ts.ElementFlags.Variable) !== 0)) return undefined;
  return target.fixedLength;
}

/** An array literal without spreads, or an object literal without spreads or computed keys: how many elements or keys. */
function literalSize(expr: ts.Expression): number | undefined {
  const e = skipOuter(expr);
  if (ts.isArrayLiteralExpression(e)) return e.elements.some(ts.isSpreadElement) ? undefined : e.elements.length;
  if (ts.isObjectLiteralExpression(e)) {
    const plain = e.properties.every((p) => !ts.isSpreadAssignment(p) && !(p.name && ts.isComputedPropertyName(p.name)));
    return plain ? e.properties.length : undefined;
  }
  return undefined;
}

/** The number of keys of an object whose keys are fixed here: an object literal, a `const` holding one, an enum. */
function constantKeyCount(checker: ts.TypeChecker, expr: ts.Expression, depth: number): number | undefined {
  const e = skipOuter(expr);
  if (ts.isObjectLiteralExpression(e)) return literalSize(e);
  if (!ts.isIdentifier(e) && !ts.isPropertyAccessExpression(e)) return undefined;
  const symbol = symbolAt(checker, ts.isPropertyAccessExpression(e) ? e.name : e);
  const enumDecl = symbol?.valueDeclaration;
  if (enumDecl && ts.isEnumDeclaration(enumDecl)) {
    // a numeric enum also maps values back to names
    const numeric = enumDecl.members.some((m) => !m.initializer || !ts.isStringLiteralLike(m.initializer));
    return numeric ? enumDecl.members.length * 2 : enumDecl.members.length;
  }
  if (!ts.isIdentifier(e) || depth > 4) return undefined;
  const decl = constDeclarationOf(checker, e);
  if (!decl?.initializer) return undefined;
  const init = skipOuter(decl.initializer);
  if (ts.isIdentifier(init)) return constantKeyCount(checker, init, depth + 1);
  if (!ts.isObjectLiteralExpression(init) || isChangedInPlace(checker, decl, isAsConst(decl.initializer))) return undefined;
  // a declared `Record<string, T>` may gain keys
  const type = typeOf(checker, e);
  if (!type || checker.getIndexInfosOfType(type).length > 0) return undefined;
  return literalSize(init);
}

/** `Object.keys(x)`, `Object.values(x)`, `Object.entries(x)` of the global `Object`: `x`. */
function objectEnumerationArgument(checker: ts.TypeChecker, expr: ts.Expression): ts.Expression | undefined {
  const e = skipOuter(expr);
  if (!ts.isCallExpression(e)) return undefined;
  const m = methodCall(e);
  if (!m || !["keys", "values", "entries"].includes(m.name)) return undefined;
  const object = skipOuter(m.object);
  if (!ts.isIdentifier(object) || object.text !== "Object") return undefined;
  const decl = symbolAt(checker, object)?.valueDeclaration;
  if (!decl || !decl.getSourceFile().isDeclarationFile) return undefined;
  const [arg] = e.arguments;
  return arg && !ts.isSpreadElement(arg) ? arg : undefined;
}

/**
 * The number of elements of a collection whose size is fixed when the program
 * is written, or undefined: an array literal without spreads, a `const`
 * holding one (not changed in place), a value of a fixed-length tuple type
 * (`as const`, `pgEnum(...).enumValues`), and `Object.keys/values/entries` of
 * an object literal, of a `const` holding one, or of an enum.
 */
export function constantCollectionLength(checker: ts.TypeChecker, expr: ts.Expression, depth = 0): number | undefined {
  return timed(checker, "constants.collectionLength", () => guard(() => {
    if (depth > 4) return undefined;
    const e = skipOuter(expr);
    const literal = literalSize(e);
    if (literal !== undefined) return literal;
    const enumerated = objectEnumerationArgument(checker, e);
    if (enumerated) return constantKeyCount(checker, enumerated, 0);
    // declared as an array (`ids: string[]`, `xs.filter(…)`'s `T[]`): not a fixed tuple, without typing the value
    // (which checks the callbacks of the calls that compute it)
    const declared = declaredTypesOf(checker, e);
    const array = !!declared?.some((t) => checker.isArrayType(t)) && declared.every((t) => isNullishType(t) || (checker.isArrayType(t) && !checker.isTupleType(t)));
    const tuple = array ? undefined : fixedTupleLength(checker, typeOf(checker, e));
    if (tuple !== undefined) return tuple;
    if (!ts.isIdentifier(e)) return undefined;
    const decl = constDeclarationOf(checker, e);
    if (!decl?.initializer) return undefined;
    const init = skipOuter(decl.initializer);
    if (ts.isIdentifier(init) || ts.isCallExpression(init)) return constantCollectionLength(checker, init, depth + 1);
    if (!ts.isArrayLiteralExpression(init) || isChangedInPlace(checker, decl, isAsConst(decl.initializer))) return undefined;
    return literalSize(init);
  }, undefined));
}

/**
 * The number of iterations of a counted loop with literal bounds:
 * `for (let i = 0; i < 3; i++)` (also `<=`, `++i`, `i += 1`), when nothing in
 * the loop writes the counter. Undefined for any other shape (a bound that is
 * a variable or a call, `Math.random()`, a step other than 1).
 */
export function countedLoopLength(checker: ts.TypeChecker, loop: ts.ForStatement): number | undefined {
  return guard(() => {
    const init = loop.initializer;
    if (!init || !ts.isVariableDeclarationList(init) || init.declarations.length !== 1) return undefined;
    const decl = init.declarations[0]!;
    if (!ts.isIdentifier(decl.name) || !decl.initializer) return undefined;
    const from = integerLiteral(decl.initializer);
    const cond = loop.condition && skipOuter(loop.condition);
    if (from === undefined || !cond || !ts.isBinaryExpression(cond)) return undefined;
    const name = decl.name.text;
    const counter = (e: ts.Expression) => {
      const inner = skipOuter(e);
      return ts.isIdentifier(inner) && inner.text === name;
    };
    const to = integerLiteral(cond.right);
    const op = cond.operatorToken.kind;
    if (!counter(cond.left) || to === undefined || (op !== ts.SyntaxKind.LessThanToken && op !== ts.SyntaxKind.LessThanEqualsToken)) return undefined;
    const inc = loop.incrementor && skipOuter(loop.incrementor);
    const stepOne =
      !!inc &&
      (((ts.isPostfixUnaryExpression(inc) || ts.isPrefixUnaryExpression(inc)) && inc.operator === ts.SyntaxKind.PlusPlusToken && counter(inc.operand)) ||
        (ts.isBinaryExpression(inc) && inc.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken && counter(inc.left) && integerLiteral(inc.right) === 1));
    if (!stepOne) return undefined;
    // the body must not move the counter
    const writes = variableReferences(checker, decl as ts.VariableDeclaration & { name: ts.Identifier }).filter(
      (ref) => ref.pos >= loop.statement.pos && ref.end <= loop.statement.end && isAssignmentTarget(ref),
    );
    if (writes.length > 0) return undefined;
    return Math.max(0, to - from + (op === ts.SyntaxKind.LessThanEqualsToken ? 1 : 0));
  }, undefined);
}

function integerLiteral(expr: ts.Expression): number | undefined {
  const e = skipOuter(expr);
  if (!ts.isNumericLiteral(e)) return undefined;
  const value = Number(e.text);
  return Number.isInteger(value) ? value : undefined;
}

/** The number of keys `for (k in x)` visits when they are fixed here: an object literal, a `const` holding one, an enum. */
export function constantKeysLength(checker: ts.TypeChecker, expr: ts.Expression): number | undefined {
  return guard(() => constantKeyCount(checker, expr, 0), undefined);
}

/* ------------------------------------------------------------------------ */
/* Text fixed when the program is written                                    */
/* ------------------------------------------------------------------------ */

/**
 * How constant a piece of text is: "yes" (fixed when the program is written),
 * "unknown" (types unknown), or, for a string computed at runtime, "runtime"
 * (from inside its module) or "external" (it can carry a value from outside
 * the module: a parameter of an exported or escaping function, through any
 * chain of calls).
 */
export type TextConstness = "yes" | "unknown" | "runtime" | "external";

export interface ConstantTextOptions {
  /** A parameter whose every call site in the program passes constant text is constant (default true). */
  followCallSites?: boolean;
}

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

const RANK: Record<TextConstness, number> = { yes: 0, unknown: 1, runtime: 2, external: 3 };

/** The least constant of several parts. */
function combine(values: TextConstness[]): TextConstness {
  return values.reduce<TextConstness>((worst, v) => (RANK[v] > RANK[worst] ? v : worst), "yes");
}

/** One evaluation: the program, options, and the declarations on the current path (cycles). */
interface Evaluation {
  program: ts.Program;
  checker: ts.TypeChecker;
  followCallSites: boolean;
  seen: Set<ts.Node>;
}

/**
 * Whether the text of `node` is fixed when the program is written: "yes" for
 * literals, templates and concatenations of constants, `const` (and `let`
 * whose every assignment is constant) variables holding constants, values
 * whose type is a union of literal types, values that cannot carry SQL text
 * (numbers, booleans), and parameters whose every call site in the program
 * passes constant text (`fragmentFor("cp")`, a helper called with literals
 * only). A string computed at runtime is "runtime", or "external" when it can
 * carry a value from outside its module; "unknown" when types are unknown.
 * The one constant-text evaluation of the engine.
 */
export function textConstness(program: ts.Program, node: ts.Expression, options: ConstantTextOptions = {}): TextConstness {
  const evaluation: Evaluation = { program, checker: program.getTypeChecker(), followCallSites: options.followCallSites ?? true, seen: new Set() };
  return guard(() => evaluate(evaluation, node, 0), "unknown");
}

/** `textConstness` as yes / no / unknown. */
export function isConstantText(program: ts.Program, node: ts.Expression, options: ConstantTextOptions = {}): "yes" | "no" | "unknown" {
  const c = textConstness(program, node, options);
  return c === "yes" || c === "unknown" ? c : "no";
}

function evaluate(ev: Evaluation, node: ts.Expression, depth: number): TextConstness {
  if (depth > MAX_DEPTH) return "unknown";
  const { checker } = ev;
  const expr = skipOuter(node);
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr) || ts.isNumericLiteral(expr)) return "yes";
  const type = typeOf(checker, expr);
  if (type && !isUnknownType(type) && (everyConstituent(type, LITERAL_FLAGS) || everyConstituent(type, NON_TEXT_FLAGS))) {
    return "yes";
  }
  if (ts.isTemplateExpression(expr)) {
    return combine(expr.templateSpans.map((s) => evaluate(ev, s.expression, depth + 1)));
  }
  if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return combine([evaluate(ev, expr.left, depth + 1), evaluate(ev, expr.right, depth + 1)]);
  }
  if (ts.isConditionalExpression(expr)) {
    return combine([evaluate(ev, expr.whenTrue, depth + 1), evaluate(ev, expr.whenFalse, depth + 1)]);
  }
  if (ts.isIdentifier(expr)) {
    const fromVariable = variableConstness(ev, expr, depth);
    if (fromVariable) return fromVariable;
    const fromParameter = parameterConstness(ev, expr, depth);
    if (fromParameter) return fromParameter;
  }
  if (ts.isCallExpression(expr)) {
    const converted = conversionConstness(ev, expr, depth);
    if (converted) return converted;
    const returned = returnConstness(ev, expr, depth);
    if (returned) return returned;
  }
  if (isUnknownType(type)) return "unknown";
  if (!mayCarryText(type!)) return "unknown";
  return reachesOutside(ev, expr, depth) ? "external" : "runtime";
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
 * number is "yes", `String(userText)` is not); `n.toString()`,
 * `n.toFixed(2)`, ... of a number, bigint or boolean are "yes", and so is
 * `xs.join(sep)` of an array of numbers or literals with a constant separator. Undefined for
 * other calls.
 */
function conversionConstness(ev: Evaluation, call: ts.CallExpression, depth: number): TextConstness | undefined {
  const { checker } = ev;
  const callee = skipOuter(call.expression);
  if (ts.isIdentifier(callee) && isGlobalString(checker, callee)) {
    const [arg] = call.arguments;
    if (!arg) return "yes";
    return ts.isSpreadElement(arg) ? undefined : evaluate(ev, arg, depth + 1);
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
    return ts.isSpreadElement(separator) ? undefined : evaluate(ev, separator, depth + 1);
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
function variableConstness(ev: Evaluation, id: ts.Identifier, depth: number): TextConstness | undefined {
  const { checker, seen } = ev;
  const decl = symbolAt(checker, id)?.valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name) || !decl.initializer) return undefined;
  if (seen.has(decl)) return "unknown";
  seen.add(decl);
  try {
    const list = decl.parent;
    const isConst = ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0;
    const values: TextConstness[] = [evaluate(ev, decl.initializer, depth + 1)];
    if (!isConst) {
      // `let order = "asc"; if (desc) order = "desc";` — only plain assignments of constants
      if (isExportedVariable(decl) || decl.getSourceFile() !== id.getSourceFile()) return undefined;
      for (const ref of variableReferences(checker, decl as ts.VariableDeclaration & { name: ts.Identifier })) {
        if (!isAssignmentTarget(ref)) continue;
        const assignment = skipOuterUp(ref).parent;
        if (!assignment || !ts.isBinaryExpression(assignment) || assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
        values.push(evaluate(ev, assignment.right, depth + 1));
      }
    }
    return combine(values);
  } finally {
    seen.delete(decl);
  }
}

/** The parameter an identifier names, when it names a whole parameter (not a destructured part) of a function. */
function parameterOf(checker: ts.TypeChecker, id: ts.Identifier): ts.ParameterDeclaration | undefined {
  const decl = symbolAt(checker, id)?.valueDeclaration;
  return decl && ts.isParameter(decl) && ts.isIdentifier(decl.name) && !decl.dotDotDotToken ? decl : undefined;
}

/**
 * A parameter is as constant as the arguments every call site in the program
 * passes for it (a missing argument takes the parameter's default). Undefined
 * (not judged here) when the function is exported without call sites, or is
 * used other than by calling it (a callback, a handler): its callers are unknown.
 */
function parameterConstness(ev: Evaluation, id: ts.Identifier, depth: number): TextConstness | undefined {
  if (!ev.followCallSites) return undefined;
  const param = parameterOf(ev.checker, id);
  if (!param || ev.seen.has(param)) return param ? "unknown" : undefined;
  const fn = param.parent;
  const calls = callSitesOf(ev.program, fn);
  if (!calls || calls.length === 0) return undefined;
  const index = fn.parameters.indexOf(param);
  ev.seen.add(param);
  try {
    const values: TextConstness[] = [];
    for (const call of calls) {
      if (call.arguments.slice(0, index + 1).some(ts.isSpreadElement)) return undefined;
      const arg = call.arguments[index] ?? param.initializer;
      values.push(arg ? evaluate(ev, arg, depth + 1) : "yes");
    }
    return combine(values);
  } finally {
    ev.seen.delete(param);
  }
}

/**
 * A call of a user function whose every `return` gives constant text for
 * these arguments: `fragmentFor("cp")` with `fragmentFor(alias)` returning
 * `` `${alias}.created_at` ``. Undefined for library functions and functions
 * without a body.
 */
function returnConstness(ev: Evaluation, call: ts.CallExpression, depth: number): TextConstness | undefined {
  if (!ev.followCallSites) return undefined;
  const fn = calledFunction(ev.checker, call);
  if (!fn?.body || ev.seen.has(fn)) return undefined;
  const returns = returnedExpressions(fn.body);
  if (!returns?.length) return undefined;
  ev.seen.add(fn);
  try {
    // the parameters of this call's function are this call's arguments: judged as a call site
    const values = returns.map((r) => evaluateInCall(ev, r, fn, call, depth + 1));
    return combine(values);
  } finally {
    ev.seen.delete(fn);
  }
}

/**
 * Evaluates an expression of `fn`'s body with `fn`'s parameters bound to the
 * arguments of `call` (one level of substitution): a parameter of `fn` is as
 * constant as its argument here.
 */
function evaluateInCall(ev: Evaluation, expr: ts.Expression, fn: ts.FunctionLikeDeclaration, call: ts.CallExpression, depth: number): TextConstness {
  const bound = new Map<ts.Symbol, ts.Expression | undefined>();
  fn.parameters.forEach((p, i) => {
    const symbol = ts.isIdentifier(p.name) ? symbolAt(ev.checker, p.name) : undefined;
    const arg = call.arguments[i];
    if (symbol && !p.dotDotDotToken) bound.set(symbol, arg && !ts.isSpreadElement(arg) ? arg : p.initializer);
  });
  // identifiers of bound parameters evaluate as their arguments
  const substitute = (node: ts.Expression, d: number): TextConstness | undefined => {
    const e = skipOuter(node);
    if (!ts.isIdentifier(e)) return undefined;
    const symbol = symbolAt(ev.checker, e);
    if (!symbol || !bound.has(symbol)) return undefined;
    const arg = bound.get(symbol);
    return arg ? evaluate(ev, arg, d + 1) : "yes";
  };
  return evaluateWith(ev, expr, depth, substitute);
}

/** `evaluate`, where `substitute` answers first for the identifiers it knows. */
function evaluateWith(
  ev: Evaluation,
  node: ts.Expression,
  depth: number,
  substitute: (node: ts.Expression, depth: number) => TextConstness | undefined,
): TextConstness {
  const direct = substitute(node, depth);
  if (direct) return direct;
  const expr = skipOuter(node);
  if (ts.isTemplateExpression(expr)) return combine(expr.templateSpans.map((s) => evaluateWith(ev, s.expression, depth + 1, substitute)));
  if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return combine([evaluateWith(ev, expr.left, depth + 1, substitute), evaluateWith(ev, expr.right, depth + 1, substitute)]);
  }
  if (ts.isConditionalExpression(expr)) {
    return combine([evaluateWith(ev, expr.whenTrue, depth + 1, substitute), evaluateWith(ev, expr.whenFalse, depth + 1, substitute)]);
  }
  return evaluate(ev, expr, depth);
}

/** The user function a call invokes directly (`f(x)` of a function declaration or a `const f = (…) => …`). */
function calledFunction(checker: ts.TypeChecker, call: ts.CallExpression): ts.FunctionLikeDeclaration | undefined {
  const callee = skipOuter(call.expression);
  if (!ts.isIdentifier(callee)) return undefined;
  const decl = symbolAt(checker, callee)?.valueDeclaration;
  if (!decl || decl.getSourceFile().isDeclarationFile) return undefined;
  if (ts.isFunctionDeclaration(decl)) return decl;
  if (ts.isVariableDeclaration(decl) && decl.initializer && (ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const) !== 0) {
    const init = skipOuter(decl.initializer);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  return undefined;
}

/** The name a function is called by (`function f`, `const f = () => …`), with the node that declares it. */
function functionBinding(fn: ts.SignatureDeclaration): ts.Identifier | undefined {
  if (ts.isFunctionDeclaration(fn)) return fn.name;
  if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) {
    const up = skipOuterUp(fn).parent;
    if (up && ts.isVariableDeclaration(up) && ts.isIdentifier(up.name) && (ts.getCombinedNodeFlags(up) & ts.NodeFlags.Const) !== 0) return up.name;
  }
  return undefined;
}

/** Whether a function (or the `const` holding it) carries `export`, or is a default export. */
function isExportedFunction(fn: ts.SignatureDeclaration): boolean {
  if (ts.isFunctionDeclaration(fn)) return (ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Export) !== 0;
  const up = skipOuterUp(fn).parent;
  if (up && ts.isVariableDeclaration(up)) return isExportedVariable(up);
  return up !== undefined && ts.isExportAssignment(up);
}

/** Call sites per function, per program (null: the function escapes or has no name to find it by). */
const callSitesCache = programCache(() => new WeakMap<ts.Node, readonly ts.CallExpression[] | null>());

/**
 * Every call of a function in the program, found by name and symbol in each
 * user file; undefined when the function is used other than by calling it
 * (passed as a callback, stored, re-exported under another name) or cannot be
 * named. Imports and exports of the name are not uses.
 */
export function callSitesOf(program: ts.Program, fn: ts.SignatureDeclaration): readonly ts.CallExpression[] | undefined {
  const cache = callSitesCache(program);
  const cached = cache.get(fn);
  if (cached !== undefined) return cached ?? undefined;
  const found = timed(program, "constants.callSites", () => guard(() => findCallSites(program, fn), undefined));
  cache.set(fn, found ?? null);
  return found;
}

function findCallSites(program: ts.Program, fn: ts.SignatureDeclaration): ts.CallExpression[] | undefined {
  const name = functionBinding(fn);
  if (!name) return undefined;
  const checker = program.getTypeChecker();
  const target = symbolAt(checker, name);
  if (!target) return undefined;
  const exported = isExportedFunction(fn);
  const files = exported ? userSourceFiles(program) : [fn.getSourceFile()];
  const calls: ts.CallExpression[] = [];
  for (const file of files) {
    for (const id of identifiersNamed(file, name.text)) {
      if (id === name) continue;
      const parent = id.parent;
      if (ts.isImportSpecifier(parent) || ts.isImportClause(parent) || (ts.isExportSpecifier(parent) && !parent.propertyName)) continue;
      if (symbolAt(checker, id) !== target) continue;
      const up = skipOuterUp(id);
      if (up.parent && ts.isCallExpression(up.parent) && up.parent.expression === up) calls.push(up.parent);
      else return undefined;
    }
  }
  return calls;
}

/**
 * Whether a runtime string can carry a value from outside its module: it
 * depends on a parameter of a function that is exported, escapes (a
 * callback, a handler) or is a method, or that some call site passes such a
 * value; followed through variables and calls. Identifiers only name values
 * (property names and the callee's own name are not followed).
 */
function reachesOutside(ev: Evaluation, node: ts.Expression, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  let outside = false;
  const visit = (n: ts.Node): void => {
    if (outside || ts.isFunctionLike(n)) return;
    if (ts.isPropertyAccessExpression(n)) return visit(n.expression);
    if (ts.isIdentifier(n) && identifierReachesOutside(ev, n, depth)) {
      outside = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return outside;
}

function identifierReachesOutside(ev: Evaluation, id: ts.Identifier, depth: number): boolean {
  const { checker, seen } = ev;
  let decl: ts.Node | undefined = symbolAt(checker, id)?.valueDeclaration;
  // `{ table }: Options` and `[a, b]`: the parameter or variable the binding comes from
  while (decl && ts.isBindingElement(decl)) decl = decl.parent.parent;
  if (!decl || seen.has(decl)) return false;
  if (ts.isParameter(decl)) {
    const fn = decl.parent;
    if (!ts.isFunctionDeclaration(fn) && !ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return true;
    if (isExportedFunction(fn)) return true;
    const calls = callSitesOf(ev.program, fn);
    if (!calls) return true;
    const index = fn.parameters.indexOf(decl);
    seen.add(decl);
    try {
      return calls.some((call) => {
        const arg = call.arguments[index];
        return !!arg && reachesOutside(ev, arg, depth + 1);
      });
    } finally {
      seen.delete(decl);
    }
  }
  if (ts.isVariableDeclaration(decl) && decl.initializer) {
    seen.add(decl);
    try {
      return reachesOutside(ev, decl.initializer, depth + 1);
    } finally {
      seen.delete(decl);
    }
  }
  return false;
}
