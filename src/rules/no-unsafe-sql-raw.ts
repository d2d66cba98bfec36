import { analyzeUnsafeSqlRaw, type MessageId } from "../checks/no-unsafe-sql-raw.js";
import { createAnalyzerRule } from "./support/create-rule.js";

export type Options = [{ followCallSites?: boolean }];
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
        "`sql.raw({{expression}})` splices a string that can come from outside this module into the SQL text unescaped (SQL injection). Pass values as parameters of a `sql` template, and table or column names through `sql.identifier()`.",
      unsafeExecute:
        "{{query}}({{expression}}) runs a string that can come from outside this module as SQL (SQL injection). Build the query with the `sql` template: interpolated values become bound parameters.",
      runtimeRaw:
        "`sql.raw({{expression}})` splices a string computed at runtime into the SQL text unescaped. It does not come from outside this module, but nothing keeps it valid SQL: prefer parameters of a `sql` template, and `sql.identifier()` for names.",
      runtimeExecute:
        "{{query}}({{expression}}) runs a string computed at runtime as SQL. It does not come from outside this module; prefer the `sql` template, whose interpolated values become bound parameters.",
      useSqlTemplate:
        "Rewrite as a `sql` template: runtime strings become bound parameters (or `sql.identifier()` after FROM/JOIN/ORDER BY). Check that each one is a value, not SQL.",
      useIdentifier: "Escape {{expression}} as an identifier with `sql.identifier()`.",
      useParameter: "Bind {{expression}} as a parameter (for values, not names).",
    },
    schema: [
      {
        type: "object",
        additionalProperties: false,
        properties: {
          followCallSites: {
            type: "boolean",
            description:
              "Treat a function parameter as constant when every call site in the program passes constant text (`fragmentFor(\"cp\")`). false judges parameters by their type only, and reports them.",
          },
        },
      },
    ],
  },
  defaultOptions: [{ followCallSites: true }],
  analyze: (context, [options]) => analyzeUnsafeSqlRaw(context, { followCallSites: options.followCallSites ?? true }),
});
