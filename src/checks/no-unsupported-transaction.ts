import type ts from "typescript";
import { transactionlessDriver } from "../engine/drizzle-symbols.js";
import { transactionCallsIn } from "../engine/transactions.js";
import { skipOuter } from "../engine/ts-utils.js";
import type { AnalysisContext, Finding } from "../engine/types.js";

/** The messages this check reports (the rule defines their text). */
export type MessageId = "unsupportedTransaction";

/** `no-unsupported-transaction`: `db.transaction` on drivers that throw at runtime. */
export function analyzeUnsupportedTransaction(context: AnalysisContext): Finding<MessageId>[] {
  const findings: Finding<MessageId>[] = [];
  for (const tx of transactionCallsIn(context)) {
    const driver = transactionlessDriver(context.program, tx.receiver);
    if (!driver) continue;
    const callee = skipOuter(tx.call.expression) as ts.PropertyAccessExpression;
    findings.push({
      messageId: "unsupportedTransaction",
      data: { driver },
      start: callee.name.getStart(context.sourceFile),
      end: tx.call.arguments.length ? callee.name.getEnd() : tx.call.getEnd(),
    });
  }
  return findings;
}
