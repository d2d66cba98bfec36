import ts from "typescript";
import { isFunctionLike, skipOuterUp, symbolAt, walk } from "./ts-utils.js";

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
 * scope of the declaration. Found by symbol, so shadowing names do not count.
 */
export function variableReferences(
  checker: ts.TypeChecker,
  declaration: ts.VariableDeclaration & { name: ts.Identifier },
): ts.Identifier[] {
  const symbol = symbolAt(checker, declaration.name);
  if (!symbol) return [];
  const name = declaration.name.text;
  const out: ts.Identifier[] = [];
  walk(declarationScope(declaration), (node) => {
    if (ts.isIdentifier(node) && node !== declaration.name && node.text === name && symbolAt(checker, node) === symbol) {
      out.push(node);
    }
  });
  return out;
}

/** `x = ...`, `x += ...`, `x++`: the identifier is written, not read. */
export function isAssignmentTarget(node: ts.Node): boolean {
  const up = skipOuterUp(node);
  const parent = up.parent;
  if (!parent) return false;
  if (ts.isBinaryExpression(parent) && parent.left === up) {
    const kind = parent.operatorToken.kind;
    return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
  }
  if (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) {
    return parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken;
  }
  return false;
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
