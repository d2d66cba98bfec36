import { analyzeUnsafeSqlRaw, type MessageId } from "../checks/no-unsafe-sql-raw.js";
import { createAnalyzerRule } from "./create-rule.js";

export type Options = [];
export type { MessageId };

export default createAnalyzerRule<Options, MessageId>({
  name: "no-unsafe-sql-raw",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow `sql.raw()` and `db.execute()` with strings built at runtime (SQL injection)",
      recommended: true,
    },
    hasSuggestions: true,
    messages: {
      unsafeRaw:
        "`sql.raw({{expression}})` splices a string built at runtime into the SQL text unescaped (SQL injection). Pass values as parameters of a `sql` template, and table or column names through `sql.identifier()`.",
      unsafeExecute:
        "{{query}}({{expression}}) runs a string built at runtime as SQL (SQL injection). Build the query with the `sql` template: interpolated values become bound parameters.",
      useSqlTemplate:
        "Rewrite as a `sql` template: runtime strings become bound parameters (or `sql.identifier()` after FROM/JOIN/ORDER BY). Check that each one is a value, not SQL.",
      useIdentifier: "Escape {{expression}} as an identifier with `sql.identifier()`.",
      useParameter: "Bind {{expression}} as a parameter (for values, not names).",
    },
    schema: [],
  },
  defaultOptions: [],
  analyze: (context) => analyzeUnsafeSqlRaw(context),
});
