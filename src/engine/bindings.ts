import ts from "typescript";
import { type BindingDeclaration, fileNames } from "./syntax-index.js";

/**
 * Syntax-level name binding: the declaration a reference must resolve to when
 * its file binds the name exactly once, at top level (the file's bindings come
 * from its syntax index, `syntax-index.ts`). Asking the checker to resolve each reference
 * walks the scopes every time (a few microseconds per identifier, tens of
 * thousands of identifiers in a large project); a name bound once at top level
 * can only resolve to that binding, whose symbol is looked up once.
 */

/** Whether a declaration's scope is its file (an import, or a top-level statement). */
function isTopLevel(decl: ts.Node): boolean {
  let node: ts.Node = decl;
  switch (node.kind) {
    case ts.SyntaxKind.ImportSpecifier:
      node = node.parent.parent.parent; // NamedImports → ImportClause → ImportDeclaration
      break;
    case ts.SyntaxKind.NamespaceImport:
      node = node.parent.parent;
      break;
    case ts.SyntaxKind.ImportClause:
      node = node.parent;
      break;
    case ts.SyntaxKind.BindingElement:
    case ts.SyntaxKind.VariableDeclaration:
      while (node.kind === ts.SyntaxKind.BindingElement) node = node.parent.parent; // BindingPattern → owner
      if (node.kind !== ts.SyntaxKind.VariableDeclaration) return false; // a parameter's pattern
      if (node.parent.kind !== ts.SyntaxKind.VariableDeclarationList) return false; // catch clause
      node = node.parent.parent; // VariableStatement (or a for statement, which scopes it)
      if (node.kind !== ts.SyntaxKind.VariableStatement) return false;
      break;
    case ts.SyntaxKind.FunctionDeclaration:
    case ts.SyntaxKind.ClassDeclaration:
    case ts.SyntaxKind.EnumDeclaration:
    case ts.SyntaxKind.ModuleDeclaration:
    case ts.SyntaxKind.ImportEqualsDeclaration:
      break;
    default:
      return false;
  }
  return node.parent?.kind === ts.SyntaxKind.SourceFile;
}

/**
 * Whether an identifier stands where it is read as a value reference (a
 * callee, an argument, an operand, a receiver), as opposed to a declared name,
 * a property name, a label or a type position.
 */
function isValueReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (!parent) return false;
  switch (parent.kind) {
    case ts.SyntaxKind.PropertyAccessExpression:
      return (parent as ts.PropertyAccessExpression).expression === node;
    case ts.SyntaxKind.VariableDeclaration:
    case ts.SyntaxKind.PropertyAssignment:
    case ts.SyntaxKind.Parameter:
      return (parent as ts.VariableDeclaration | ts.PropertyAssignment | ts.ParameterDeclaration).initializer === node;
    case ts.SyntaxKind.ArrowFunction:
      return (parent as ts.ArrowFunction).body === node;
    case ts.SyntaxKind.AsExpression:
    case ts.SyntaxKind.SatisfiesExpression:
      return (parent as ts.AsExpression | ts.SatisfiesExpression).expression === node;
    case ts.SyntaxKind.CallExpression:
    case ts.SyntaxKind.NewExpression:
    case ts.SyntaxKind.ElementAccessExpression:
    case ts.SyntaxKind.TaggedTemplateExpression:
    case ts.SyntaxKind.AwaitExpression:
    case ts.SyntaxKind.SpreadElement:
    case ts.SyntaxKind.SpreadAssignment:
    case ts.SyntaxKind.ParenthesizedExpression:
    case ts.SyntaxKind.NonNullExpression:
    case ts.SyntaxKind.ArrayLiteralExpression:
    case ts.SyntaxKind.TemplateSpan:
    case ts.SyntaxKind.BinaryExpression:
    case ts.SyntaxKind.ConditionalExpression:
    case ts.SyntaxKind.PrefixUnaryExpression:
    case ts.SyntaxKind.PostfixUnaryExpression:
    case ts.SyntaxKind.TypeOfExpression:
    case ts.SyntaxKind.ReturnStatement:
    case ts.SyntaxKind.ExpressionStatement:
    case ts.SyntaxKind.ExportAssignment:
      return true;
    default:
      return false;
  }
}

/**
 * The declaration a value reference resolves to when its file binds the name
 * exactly once, at top level (an import, a top-level `const`, function or
 * class): no scope can then shadow it. Undefined otherwise (the checker decides).
 */
export function topLevelBindingOf(node: ts.Identifier): BindingDeclaration | undefined {
  if (node.text === "arguments" || !isValueReference(node)) return undefined;
  return topLevelDeclaration(node.getSourceFile(), node.text);
}

/** The declaration of `name` when `file` binds it exactly once, at top level. */
export function topLevelDeclaration(file: ts.SourceFile, name: string): BindingDeclaration | undefined {
  const decls = fileNames(file).bindings.get(name);
  if (!decls || decls.length !== 1) return undefined;
  const decl = decls[0]!;
  return isTopLevel(decl) ? decl : undefined;
}
