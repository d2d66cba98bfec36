import ts from "typescript";
import { mayRunQueries } from "../engine/callable-names.js";
import { callbackRole, type QueryExecution, visitRegion } from "../engine/effects.js";
import { fileSyntax } from "../engine/syntax-index.js";
import { isPromiseCombinator, skipOuter } from "../engine/ts-utils.js";
import { symbolAt } from "../engine/symbols.js";
import type { AnalysisContext, Finding } from "../engine/types.js";

/** The messages this check reports (the rule defines their text). */
export type MessageId = "parallelInTransaction";

/**
 * `no-parallel-in-transaction`: `Promise.all` (and friends) over two or more
 * queries on the same transaction, or a mapped query per element.
 */
export function analyzeParallelInTransaction(context: AnalysisContext): Finding<MessageId>[] {
  const { program, sourceFile, checker } = context;
  const findings: Finding<MessageId>[] = [];
  for (const node of fileSyntax(sourceFile).calls) {
    if (!isPromiseCombinator(node)) continue;
    const arg = node.arguments[0] && skipOuter(node.arguments[0]);
    if (!arg) continue;
    const counts = new Map<ts.Symbol, { name: string; count: number }>();
    const add = (execution: QueryExecution, weight: number) => {
      if (execution.chain.rootKind !== "transaction" || execution.calls.length > 0) return;
      const root = skipOuter(execution.chain.root);
      const symbol = symbolAt(checker, ts.isPropertyAccessExpression(root) ? root.name : root);
      if (!symbol) return;
      const entry = counts.get(symbol) ?? { name: root.getText(sourceFile), count: 0 };
      entry.count += weight;
      counts.set(symbol, entry);
    };
    if (ts.isArrayLiteralExpression(arg)) {
      for (const el of arg.elements) {
        const sites = new Set<ts.Node>();
        visitRegion(program, el, { maxDepth: 0 }, (e) => {
          if (sites.has(e.chain.start)) return;
          sites.add(e.chain.start);
          add(e, 1);
        });
      }
    } else if (ts.isCallExpression(arg)) {
      // Promise.all(items.map((i) => tx.insert(...)))
      const fn = arg.arguments[0] && skipOuter(arg.arguments[0]);
      if (fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && mayRunQueries(program, fn) && callbackRole(program, fn).role === "iteration") {
        visitRegion(program, fn, { maxDepth: 0 }, (e) => add(e, 2));
      }
    }
    for (const { name, count } of counts.values()) {
      if (count < 2) continue;
      findings.push({
        messageId: "parallelInTransaction",
        data: { tx: name },
        start: node.getStart(sourceFile),
        end: node.expression.getEnd(),
      });
      break;
    }
  }
  return findings;
}
