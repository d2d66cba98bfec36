import { analyzeOwnerFilters } from "../analyzers/owner-filter.js";
import { createAnalyzerRule } from "../utils/create-rule.js";

export type Options = [{ ownerColumns?: string[]; ignoreTables?: string[] }];
export type MessageId = "missingOwnerFilter";

export default createAnalyzerRule<Options, MessageId>({
  name: "require-owner-filter",
  meta: {
    type: "problem",
    docs: {
      description: "Require queries on user-owned tables to filter by their owner column",
      recommended: true,
    },
    messages: {
      missingOwnerFilter:
        "This query can {{verb}} rows of {{table}} that belong to any user: its where never compares the owner column {{column}} to the current user (eq/inArray). Add that condition, or disable the rule with a reason where the query is meant to span users (insecure direct object reference, CWE-639).",
    },
    schema: [
      {
        type: "object",
        additionalProperties: false,
        properties: {
          ownerColumns: {
            type: "array",
            items: { type: "string" },
            uniqueItems: true,
            description:
              'Column keys or SQL names that mark a table as owned, matched ignoring case and "_". Default ["userId"]; also read from settings["drizzle-guard"].ownerColumns.',
          },
          ignoreTables: {
            type: "array",
            items: { type: "string" },
            uniqueItems: true,
            description: 'Tables never checked, by JS or SQL name. Also read from settings["drizzle-guard"].ignoreTables.',
          },
        },
      },
    ],
  },
  // no defaults here: ESLint merges them into the options, which would hide the shared settings
  defaultOptions: [{}],
  analyze: (context, [options]) => analyzeOwnerFilters(context, options ?? {}),
});
