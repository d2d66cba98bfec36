import { analyzeDbInTransaction, type MessageId } from "../checks/no-db-in-transaction.js";
import { createAnalyzerRule } from "./support/create-rule.js";

export type Options = [];
export type { MessageId };

export default createAnalyzerRule<Options, MessageId>({
  name: "no-db-in-transaction",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow queries through the outer database inside a transaction callback",
      recommended: true,
    },
    hasSuggestions: true,
    messages: {
      dbInTransaction:
        "`{{db}}` runs outside the transaction `{{tx}}`: it takes another pool connection, is not rolled back, and can wait forever on a busy pool. Use `{{tx}}`.",
      helperEscapesTransaction:
        "{{db}} runs on the shared database, outside the transaction `{{tx}}`. Pass `{{tx}}` to the helper.",
      useTransaction: "Run the query on `{{tx}}`.",
    },
    schema: [],
  },
  defaultOptions: [],
  analyze: (context) => analyzeDbInTransaction(context),
});
