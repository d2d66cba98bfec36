import { analyzeUnsupportedTransaction, type MessageId } from "../checks/no-unsupported-transaction.js";
import { createAnalyzerRule } from "./support/create-rule.js";

export type Options = [];
export type { MessageId };

export default createAnalyzerRule<Options, MessageId>({
  name: "no-unsupported-transaction",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow `db.transaction()` on drivers that throw at runtime (neon-http, pg-proxy, xata-http)",
      recommended: true,
    },
    messages: {
      unsupportedTransaction:
        "The {{driver}} driver has no interactive transactions: `transaction()` throws at runtime. Use `db.batch([...])`, or a WebSocket/TCP driver (for Neon: drizzle-orm/neon-serverless).",
    },
    schema: [],
  },
  defaultOptions: [],
  analyze: (context) => analyzeUnsupportedTransaction(context),
});
