import ts from "typescript";
import { programCache } from "./cache.js";
import { isUserSourceFile, staticPropertyName } from "./ts-utils.js";

/** Names under which user code may hold a function, by how a call reaches it. */
export interface UserDeclaredNames {
  /** `name(…)`: functions, variables, parameters, renamed and default imports. */
  bindings: ReadonlySet<string>;
  /**
   * `x.name(…)`: methods, accessors, class fields, object-literal properties
   * that are not plain data, module-level functions and variables (reached as
   * `ns.fn` through namespace imports), export aliases, `x.name = …`.
   */
  members: ReadonlySet<string>;
}

/**
 * Every name under which the program's own code may hold a function. A call
 * whose callee name is not there cannot land in a function body of the
 * user's code, so the engine answers "no user callee" without asking the
 * checker — which, for `x.name(…)`, would type the receiver: for `rows.map(…)`
 * or `out.push(await db.select()…)` a whole query. Computed once per program
 * by a syntax walk of the user's files.
 */
export const userDeclaredNames = programCache((program: ts.Program): UserDeclaredNames => {
  const bindings = new Set<string>();
  const members = new Set<string>();
  const add = (set: Set<string>, name: ts.PropertyName | ts.BindingName | ts.ModuleExportName | undefined): void => {
    if (!name || ts.isObjectBindingPattern(name) || ts.isArrayBindingPattern(name)) return;
    const text = ts.isStringLiteral(name) || ts.isIdentifier(name) || ts.isPrivateIdentifier(name) ? name.text : staticPropertyName(name);
    if (text !== undefined) set.add(text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node)) {
      add(bindings, node.name);
      add(members, node.name);
    } else if (
      ts.isMethodDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node) ||
      ts.isPropertyDeclaration(node) ||
      ts.isShorthandPropertyAssignment(node) ||
      ts.isExportSpecifier(node)
    ) {
      add(members, node.name);
    } else if (ts.isPropertyAssignment(node)) {
      if (!isPlainData(node.initializer)) add(members, node.name);
    } else if (ts.isVariableDeclaration(node) || ts.isBindingElement(node)) {
      add(bindings, node.name);
      if (isModuleLevel(node)) add(members, node.name);
    } else if (ts.isParameter(node) || ts.isImportEqualsDeclaration(node) || ts.isImportClause(node)) {
      add(bindings, node.name);
    } else if (ts.isImportSpecifier(node)) {
      // a renamed import is called under its local name; others under the name their module declares
      if (node.propertyName) add(bindings, node.name);
    } else if (ts.isExportAssignment(node)) {
      members.add("default");
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = node.left;
      if (ts.isPropertyAccessExpression(left)) add(members, left.name);
      else if (ts.isElementAccessExpression(left) && ts.isStringLiteralLike(left.argumentExpression)) members.add(left.argumentExpression.text);
    }
    ts.forEachChild(node, visit);
  };
  for (const sourceFile of program.getSourceFiles()) {
    if (!isUserSourceFile(sourceFile)) continue;
    ts.forEachChild(sourceFile, visit);
    // `export default function` / `export default class` are reached as `.default` too
    const isDefaultExport = (s: ts.Statement): boolean => ts.canHaveModifiers(s) && !!ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    if (sourceFile.statements.some(isDefaultExport)) members.add("default");
  }
  return { bindings, members };
});

/** A variable (or destructured binding) declared at the top level of a module or namespace. */
function isModuleLevel(node: ts.VariableDeclaration | ts.BindingElement): boolean {
  let current: ts.Node = node;
  while (ts.isBindingElement(current) || ts.isObjectBindingPattern(current) || ts.isArrayBindingPattern(current)) current = current.parent;
  const statement = current.parent?.parent;
  return !!statement && ts.isVariableStatement(statement) && (ts.isSourceFile(statement.parent) || ts.isModuleBlock(statement.parent));
}

/** A value that is never a function: literals, object and array literals, templates, arithmetic. */
function isPlainData(expr: ts.Expression): boolean {
  return (
    ts.isLiteralExpression(expr) ||
    ts.isNoSubstitutionTemplateLiteral(expr) ||
    ts.isTemplateExpression(expr) ||
    ts.isObjectLiteralExpression(expr) ||
    ts.isArrayLiteralExpression(expr) ||
    ts.isPrefixUnaryExpression(expr) ||
    expr.kind === ts.SyntaxKind.TrueKeyword ||
    expr.kind === ts.SyntaxKind.FalseKeyword ||
    expr.kind === ts.SyntaxKind.NullKeyword
  );
}
