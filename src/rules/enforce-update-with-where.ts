import { analyzeUpdateWithWhere, type MessageId } from "../checks/enforce-update-with-where.js";
import { appliesToCodeRole, type CodeRole } from "../engine/code-roles.js";
import { createAnalyzerRule } from "./support/create-rule.js";
import { APPLICATION_ONLY, codeRolesOption } from "./support/rule-options.js";

export type Options = [{ codeRoles?: CodeRole[] }];
export type { MessageId };

export default createAnalyzerRule<Options, MessageId>({
  name: "enforce-update-with-where",
  meta: {
    type: "problem",
    docs: {
      description: "Require `.where(...)` on Drizzle `update` queries, found by type",
      recommended: true,
      recommendedOptions: [APPLICATION_ONLY],
    },
    hasSuggestions: true,
    messages: {
      missingWhere:
        "{{query}}({{table}}) runs without `.where(...)`: it updates every row of {{table}}. Add a condition, or write `.where(sql`true`)` if you mean the whole table.",
      whereMatchesAll:
        "`.where({{condition}})` can be undefined at runtime (drizzle-orm's `and()`/`or()` return undefined when given no conditions), and then {{query}}({{table}}) updates every row of {{table}}.",
      addWhereTrue: "This UPDATE is meant to touch every row: add `.where(sql`true`)`.",
    },
    schema: [
      {
        type: "object",
        additionalProperties: false,
        properties: {
          codeRoles: codeRolesOption(),
        },
      },
    ],
  },
  defaultOptions: [{}],
  analyze: (context, [options]) => (appliesToCodeRole(context, options.codeRoles) ? analyzeUpdateWithWhere(context) : []),
});
