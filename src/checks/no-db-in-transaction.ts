import ts from "typescript";
import { visitRegion } from "../engine/effects.js";
import { enclosingTransactionCallback, transactionCallsIn } from "../engine/transactions.js";
import { skipOuter } from "../engine/ts-utils.js";
import { symbolAt } from "../engine/symbols.js";
import { isModuleLevel } from "../engine/syntax-index.js";
import type { AnalysisContext, Finding } from "../engine/types.js";

/** The messages this check reports (the rule defines their text). */
export type MessageId = "dbInTransaction" | "helperEscapesTransaction" | "useTransaction";

/**
 * `no-db-in-transaction`: inside a transaction callback, queries that run
 * through a database other than the callback's own transaction.
 */
export function analyzeDbInTransaction(context: AnalysisContext): Finding<MessageId>[] {
  const { program, sourceFile, checker } = context;
  const findings: Finding<MessageId>[] = [];
  for (const tx of transactionCallsIn(context)) {
    if (!tx.callback?.body) continue;
    const txSymbol = tx.txParam ? symbolAt(checker, tx.txParam) : undefined;
    const seen = new Set<ts.Node>();
    visitRegion(program, tx.callback.body, { maxDepth: 3 }, (execution) => {
      if (execution.chain.rootKind !== "database") return;
      // nested transactions are checked on their own
      if (enclosingTransactionCallback(program, execution.site) !== tx.callback) return;
      if (seen.has(execution.site)) return;
      seen.add(execution.site);
      const direct = execution.calls.length === 0;
      if (!direct && !rootIsModuleLevel(execution.chain.root, checker)) return;
      const root = execution.chain.root;
      const rootText = direct ? skipOuter(root).getText(sourceFile) : execution.trail.join(" → ");
      findings.push({
        messageId: direct ? "dbInTransaction" : "helperEscapesTransaction",
        data: { db: rootText, tx: tx.txParam?.text ?? "the transaction" },
        start: direct ? root.getStart(sourceFile) : execution.site.getStart(sourceFile),
        end: direct ? root.getEnd() : execution.site.getEnd(),
        suggestions:
          direct && tx.txParam && txSymbol && canReplace(root)
            ? [{ messageId: "useTransaction", data: { tx: tx.txParam.text }, edits: [{ start: root.getStart(sourceFile), end: root.getEnd(), text: tx.txParam.text }] }]
            : undefined,
      });
    });
  }
  return findings;
}

/** The query root is a module-level binding (a shared `db`), not a parameter the caller controls. */
function rootIsModuleLevel(root: ts.Expression, checker: ts.TypeChecker): boolean {
  const e = skipOuter(root);
  if (!ts.isIdentifier(e)) return false;
  const decl = symbolAt(checker, e)?.valueDeclaration;
  return !!decl && ts.isVariableDeclaration(decl) && isModuleLevel(decl);
}

function canReplace(root: ts.Expression): boolean {
  const e = skipOuter(root);
  return ts.isIdentifier(e) || ts.isPropertyAccessExpression(e);
}
