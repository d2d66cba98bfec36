import ts from "typescript";
import { programCache } from "./cache.js";
import { isUserSourceFile, staticPropertyName } from "./ts-utils.js";

/**
 * Every name under which the program's own code may hold a function: functions,
 * variables, parameters and renamed or default imports (for `name(…)`), and
 * methods, accessors, class fields, object-literal properties that are not
 * plain data, export aliases and `x.name = …` assignments (for `x.name(…)`).
 *
 * A call whose callee name is not here cannot land in a function body of the
 * user's code, so the engine answers "no user callee" without asking the
 * checker — which, for `x.name(…)`, would type the receiver: for `rows.map(…)`
 * or `out.push(await db.select()…)` a whole query. Computed once per program
 * by a syntax walk of the user's files.
 */
export const userDeclaredNames = programCache((program: ts.Program): ReadonlySet<string> => {
  const names = new Set<string>();
  const add = (name: ts.PropertyName | ts.BindingName | ts.ModuleExportName | undefined): void => {
    if (!name || ts.isObjectBindingPattern(name) || ts.isArrayBindingPattern(name)) return;
    const text = ts.isStringLiteral(name) || ts.isIdentifier(name) || ts.isPrivateIdentifier(name) ? name.text : staticPropertyName(name);
    if (text !== undefined) names.add(text);
  };
  const visit = (node: ts.Node): void => {
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isMethodSignature(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node) ||
      ts.isPropertyDeclaration(node) ||
      ts.isShorthandPropertyAssignment(node) ||
      ts.isExportSpecifier(node)
    ) {
      add(node.name);
    } else if (ts.isPropertyAssignment(node)) {
      if (!isPlainData(node.initializer)) add(node.name);
    } else if (ts.isVariableDeclaration(node) || ts.isBindingElement(node) || ts.isParameter(node) || ts.isImportEqualsDeclaration(node)) {
      add(node.name);
    } else if (ts.isImportSpecifier(node)) {
      // a renamed import is called under its local name; others under the name their module declares
      if (node.propertyName) add(node.name);
    } else if (ts.isImportClause(node)) {
      add(node.name);
    } else if (ts.isExportAssignment(node)) {
      names.add("default");
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = node.left;
      if (ts.isPropertyAccessExpression(left)) add(left.name);
      else if (ts.isElementAccessExpression(left) && ts.isStringLiteralLike(left.argumentExpression)) names.add(left.argumentExpression.text);
    }
    ts.forEachChild(node, visit);
  };
  for (const sourceFile of program.getSourceFiles()) {
    if (!isUserSourceFile(sourceFile)) continue;
    ts.forEachChild(sourceFile, visit);
    // `export default function` / `export default class` are reached as `.default` too
    const isDefaultExport = (s: ts.Statement): boolean => ts.canHaveModifiers(s) && !!ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    if (sourceFile.statements.some(isDefaultExport)) names.add("default");
  }
  return names;
});

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
