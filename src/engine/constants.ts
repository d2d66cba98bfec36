import ts from "typescript";
import { guard } from "./guard.js";
import { isExportedVariable, variableReferences } from "./references.js";
import { symbolAt } from "./symbols.js";
import { methodCall, skipOuter, skipOuterUp, typeOf } from "./ts-utils.js";

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
  return guard(() => {
    if (depth > 4) return undefined;
    const e = skipOuter(expr);
    const literal = literalSize(e);
    if (literal !== undefined) return literal;
    const enumerated = objectEnumerationArgument(checker, e);
    if (enumerated) return constantKeyCount(checker, enumerated, 0);
    const tuple = fixedTupleLength(checker, typeOf(checker, e));
    if (tuple !== undefined) return tuple;
    if (!ts.isIdentifier(e)) return undefined;
    const decl = constDeclarationOf(checker, e);
    if (!decl?.initializer) return undefined;
    const init = skipOuter(decl.initializer);
    if (ts.isIdentifier(init) || ts.isCallExpression(init)) return constantCollectionLength(checker, init, depth + 1);
    if (!ts.isArrayLiteralExpression(init) || isChangedInPlace(checker, decl, isAsConst(decl.initializer))) return undefined;
    return literalSize(init);
  }, undefined);
}

/** The number of keys `for (k in x)` visits when they are fixed here: an object literal, a `const` holding one, an enum. */
export function constantKeysLength(checker: ts.TypeChecker, expr: ts.Expression): number | undefined {
  return guard(() => constantKeyCount(checker, expr, 0), undefined);
}
