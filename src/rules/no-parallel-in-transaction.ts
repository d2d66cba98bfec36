import { analyzeParallelInTransaction, type MessageId } from "../checks/no-parallel-in-transaction.js";
import { createAnalyzerRule } from "./support/create-rule.js";

export type Options = [];
export type { MessageId };

export default createAnalyzerRule<Options, MessageId>({
  name: "no-parallel-in-transaction",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow `Promise.all` over queries on the same transaction",
      recommended: true,
    },
    messages: {
      parallelInTransaction:
        "Queries on transaction `{{tx}}` run in parallel: a transaction holds one connection, so they serialize or race, and an error in one leaves the others running. Await them one after another.",
    },
    schema: [],
  },
  defaultOptions: [],
  analyze: (context) => analyzeParallelInTransaction(context),
});
