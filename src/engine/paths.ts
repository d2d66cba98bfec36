import ts from "typescript";
import { alwaysExits, skipOuter } from "./ts-utils.js";

function ancestors(node: ts.Node): ts.Node[] {
  const out: ts.Node[] = [];
  for (let n: ts.Node | undefined = node; n; n = n.parent) out.push(n);
  return out;
}

/** The child of `ancestor` on the path down to `node`. */
function childToward(ancestor: ts.Node, node: ts.Node): ts.Node | undefined {
  let n: ts.Node | undefined = node;
  while (n && n.parent !== ancestor) n = n.parent;
  return n;
}

function endsClause(clause: ts.CaseOrDefaultClause): boolean {
  return clause.statements.some(
    (s) => alwaysExits(s) || ts.isBreakStatement(s) || ts.isContinueStatement(s),
  );
}

function statementsOf(node: ts.Node): readonly ts.Statement[] | undefined {
  if (ts.isBlock(node) || ts.isSourceFile(node) || ts.isModuleBlock(node)) return node.statements;
  if (ts.isCaseClause(node) || ts.isDefaultClause(node)) return node.statements;
  return undefined;
}

const NEGATED_EQUALITY: Partial<Record<ts.SyntaxKind, ts.SyntaxKind>> = {
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: ts.SyntaxKind.ExclamationEqualsEqualsToken,
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: ts.SyntaxKind.EqualsEqualsEqualsToken,
  [ts.SyntaxKind.EqualsEqualsToken]: ts.SyntaxKind.ExclamationEqualsToken,
  [ts.SyntaxKind.ExclamationEqualsToken]: ts.SyntaxKind.EqualsEqualsToken,
};

/** `c` and `!c`, or `a === b` and `a !== b` (compared as text). */
function complementary(a: ts.Expression, b: ts.Expression): boolean {
  const x = skipOuter(a);
  const y = skipOuter(b);
  const negationOf = (e: ts.Expression) =>
    ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken ? skipOuter(e.operand) : undefined;
  const nx = negationOf(x);
  const ny = negationOf(y);
  if (nx && nx.getText() === y.getText()) return true;
  if (ny && ny.getText() === x.getText()) return true;
  if (ts.isBinaryExpression(x) && ts.isBinaryExpression(y) && NEGATED_EQUALITY[x.operatorToken.kind] === y.operatorToken.kind) {
    return x.left.getText() === y.left.getText() && x.right.getText() === y.right.getText();
  }
  return false;
}

/**
 * Two sibling `if` statements whose branches cannot both run: `if (c) {A}`
 * then `if (!c) {B}`, or `if (c) {} else {A}` then `if (c) {B}`. Assumes the
 * condition is not changed between them.
 */
function exclusiveSiblingIfs(a: ts.Node, first: ts.Node, b: ts.Node, second: ts.Node): boolean {
  if (!ts.isIfStatement(a) || !ts.isIfStatement(b)) return false;
  const branch = (s: ts.IfStatement, n: ts.Node) =>
    isWithin(n, s.thenStatement) ? "then" : s.elseStatement && isWithin(n, s.elseStatement) ? "else" : undefined;
  const fa = branch(a, first);
  const sb = branch(b, second);
  if (!fa || !sb) return false;
  if (fa === sb) return complementary(a.expression, b.expression);
  return skipOuter(a.expression).getText() === skipOuter(b.expression).getText();
}

function isWithin(node: ts.Node, ancestor: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) if (n === ancestor) return true;
  return false;
}

/**
 * Whether `first` and `second` (in source order, same function) can both run
 * on one execution path. They cannot when they sit in different branches of an
 * `if`/`else`, a conditional expression, `try`/`catch`, or different `switch`
 * cases that do not fall through, in sibling `if`s with complementary
 * conditions, or when `first`'s path ends (return/throw)
 * before reaching `second`. Conservative otherwise: answers true.
 */
export function mayRunOnSamePath(first: ts.Node, second: ts.Node): boolean {
  const firstAncestors = new Set(ancestors(first));
  let lca: ts.Node | undefined = second;
  while (lca && !firstAncestors.has(lca)) lca = lca.parent;
  if (!lca || lca === first || lca === second) return true;
  const a = childToward(lca, first);
  const b = childToward(lca, second);
  if (!a || !b) return true;
  if (ts.isIfStatement(lca) && a !== lca.expression && b !== lca.expression) return false;
  if (ts.isConditionalExpression(lca) && a !== lca.condition && b !== lca.condition) return false;
  if (ts.isTryStatement(lca) && a === lca.tryBlock && b === lca.catchClause) return false;
  if (statementsOf(lca) && exclusiveSiblingIfs(a, first, b, second)) return false;
  if (ts.isCaseBlock(lca) && ts.isCaseOrDefaultClause(a) && ts.isCaseOrDefaultClause(b) && endsClause(a)) return false;
  // early exit: a statement after `first` (within its enclosing lists up to the LCA) returns or throws
  for (let n: ts.Node | undefined = first; n && n !== lca; n = n.parent) {
    const list = n.parent ? statementsOf(n.parent) : undefined;
    if (!list) continue;
    const idx = list.indexOf(n as ts.Statement);
    const stopAt = n.parent === lca ? list.indexOf(b as ts.Statement) : list.length;
    for (let i = idx + 1; i >= 1 && i < (stopAt < 0 ? list.length : stopAt); i++) if (alwaysExits(list[i])) return false;
    // `return insertA(); ... insertB()`: the statement holding `first` itself ends the path
    if (idx >= 0 && (ts.isReturnStatement(list[idx]) || ts.isThrowStatement(list[idx]))) return false;
  }
  const lcaList = statementsOf(lca);
  if (lcaList) {
    const ia = lcaList.indexOf(a as ts.Statement);
    const ib = lcaList.indexOf(b as ts.Statement);
    for (let i = ia + 1; i >= 1 && i < ib; i++) if (alwaysExits(lcaList[i])) return false;
  }
  return true;
}
