import ts from "typescript";
import { isDbMethodCall, isFirstArgumentOfDbMethod } from "./queries.js";
import { fileSyntax } from "./syntax-index.js";
import { isFunctionLike, methodCall, skipOuter } from "./ts-utils.js";
import type { AnalysisContext } from "./types.js";

/** `X.transaction(cb)` on a Drizzle database or transaction (by type). */
export interface TransactionCall {
  call: ts.CallExpression;
  receiver: ts.Expression;
  callback?: ts.ArrowFunction | ts.FunctionExpression;
  /** The callback's transaction parameter, when it is a plain identifier. */
  txParam?: ts.Identifier;
}

export function transactionCallsIn(context: AnalysisContext): TransactionCall[] {
  const out: TransactionCall[] = [];
  for (const node of fileSyntax(context.sourceFile).calls) {
    if (!isDbMethodCall(context.program, node, "transaction")) continue;
    const m = methodCall(node)!;
    const arg = node.arguments[0] && skipOuter(node.arguments[0]);
    const callback = arg && (ts.isArrowFunction(arg) || ts.isFunctionExpression(arg)) ? arg : undefined;
    const p = callback?.parameters[0];
    out.push({ call: node, receiver: m.object, callback, txParam: p && ts.isIdentifier(p.name) ? p.name : undefined });
  }
  return out;
}

/** The innermost `db.transaction(fn)` callback around `node`, below `stop`. */
export function enclosingTransactionCallback(program: ts.Program, node: ts.Node, stop?: ts.Node): ts.Node | undefined {
  for (let n: ts.Node | undefined = node.parent; n && n !== stop; n = n.parent) {
    if (isFunctionLike(n) && isFirstArgumentOfDbMethod(program, n, "transaction")) return n;
  }
  return undefined;
}
