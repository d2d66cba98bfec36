import ts from "typescript";
import { identifiersNamed } from "./syntax-index.js";
import { isFunctionLike, skipOuterUp } from "./ts-utils.js";
import { valueSymbolAt } from "./symbols.js";

/** The block, function or file in which a variable declaration is visible. */
export function declarationScope(declaration: ts.VariableDeclaration): ts.Node {
  let current: ts.Node = declaration.parent;
  while (current.parent && !ts.isBlock(current) && !ts.isSourceFile(current) && !isFunctionLike(current)) {
    current = current.parent;
  }
  return current;
}

/**
 * Every identifier that refers to the variable declared by `declaration`
 * (a simple `const`/`let`/`var x = ...`), other than its own name, within the
 * scope of the declaration, including `{ x }` shorthands. Found by symbol, so
 * shadowing names do not count.
 * Uses a per-file index of identifiers, so each lookup costs only the
 * identifiers of that name, not a walk of the scope.
 */
export function variableReferences(
  checker: ts.TypeChecker,
  declaration: ts.VariableDeclaration & { name: ts.Identifier },
): ts.Identifier[] {
  return referencesIn(checker, declaration.name, declarationScope(declaration));
}

/**
 * Every identifier within `scope` that refers to what the declared name
 * `name` declares (a variable, a parameter, a binding element), other than
 * `name` itself: by symbol, from the file's identifier index.
 */
export function referencesIn(checker: ts.TypeChecker, name: ts.Identifier, scope: ts.Node): ts.Identifier[] {
  const symbol = valueSymbolAt(checker, name);
  if (!symbol) return [];
  const start = scope.getStart();
  const end = scope.getEnd();
  return identifiersNamed(name.getSourceFile(), name.text).filter(
    (node) => node !== name && node.pos >= start && node.end <= end && valueSymbolAt(checker, node) === symbol,
  );
}

/** `=`, `+=`, `??=`, …: an assignment operator. */
export function isAssignmentOperator(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** `x++`, `--x`: an update that writes its operand. */
export function isIncrementOrDecrement(node: ts.Node): node is ts.PrefixUnaryExpression | ts.PostfixUnaryExpression {
  return (
    (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
    (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)
  );
}

/** `x = ...`, `x += ...`, `x++`: the identifier is written, not read. */
export function isAssignmentTarget(node: ts.Node): boolean {
  const up = skipOuterUp(node);
  const parent = up.parent;
  if (!parent) return false;
  if (ts.isBinaryExpression(parent) && parent.left === up) return isAssignmentOperator(parent.operatorToken.kind);
  return isIncrementOrDecrement(parent);
}

/** Whether a variable statement carries `export`. */
export function isExportedVariable(declaration: ts.VariableDeclaration): boolean {
  const statement = declaration.parent?.parent;
  return (
    !!statement &&
    ts.isVariableStatement(statement) &&
    !!statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
  );
}
