import { analyzeDeleteWithWhere, type MessageId } from "../checks/enforce-delete-with-where.js";
import { appliesToCodeRole, type CodeRole } from "../engine/code-roles.js";
import { createAnalyzerRule } from "./support/create-rule.js";
import { APPLICATION_ONLY, codeRolesOption } from "./support/rule-options.js";

export type Options = [{ reportResets?: boolean; codeRoles?: CodeRole[] }];
export type { MessageId };

export default createAnalyzerRule<Options, MessageId>({
  name: "enforce-delete-with-where",
  meta: {
    type: "problem",
    docs: {
      description: "Require `.where(...)` on Drizzle `delete` queries, found by type",
      recommended: true,
      recommendedOptions: [APPLICATION_ONLY],
    },
    hasSuggestions: true,
    messages: {
      missingWhere:
        "{{query}}({{table}}) runs without `.where(...)`: it deletes every row of {{table}}. Add a condition, or write `.where(sql`true`)` if you mean the whole table.",
      whereMatchesAll:
        "`.where({{condition}})` can be undefined at runtime (drizzle-orm's `and()`/`or()` return undefined when given no conditions), and then {{query}}({{table}}) deletes every row of {{table}}.",
      addWhereTrue: "This DELETE is meant to touch every row: add `.where(sql`true`)`.",
    },
    schema: [
      {
        type: "object",
        additionalProperties: false,
        properties: {
          reportResets: {
            type: "boolean",
            description:
              "Also report deliberate resets: a function that empties several tables without a where, or a delete without a where followed by an insert into the same table (a seed clearing a table before refilling it). Default false.",
          },
          codeRoles: codeRolesOption(),
        },
      },
    ],
  },
  defaultOptions: [{ reportResets: false }],
  analyze: (context, [options]) => (appliesToCodeRole(context, options.codeRoles) ? analyzeDeleteWithWhere(context, { reportResets: options.reportResets ?? false }) : []),
});
