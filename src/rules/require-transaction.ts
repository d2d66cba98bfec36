import { analyzeRequireTransaction, type MessageId } from "../checks/require-transaction.js";
import { appliesToCodeRole, type CodeRole } from "../engine/code-roles.js";
import { createAnalyzerRule } from "./support/create-rule.js";
import { APPLICATION_ONLY, codeRolesOption, DEFAULT_MAX_DEPTH, maxDepthOption } from "./support/rule-options.js";

export type Options = [{ maxDepth?: number; ignoreTables?: string[]; reportLogTables?: boolean; codeRoles?: CodeRole[] }];
export type { MessageId };

export default createAnalyzerRule<Options, MessageId>({
  name: "require-transaction",
  meta: {
    type: "problem",
    docs: {
      description: "Require a transaction (or batch) around writes to several tables in one function",
      recommended: true,
      recommendedOptions: [APPLICATION_ONLY],
    },
    messages: {
      requireTransaction:
        "Writes to {{tables}} can run on one path without a transaction: if a later write fails, the earlier ones stay. Wrap them in `db.transaction(async (tx) => …)` or `db.batch([...])`.",
      requireTransactionWithLog:
        "Writes to {{tables}} can run on one path without a transaction: if a later write fails, the earlier ones stay. {{logTables}} is only ever inserted into in this program (an append-only log). Wrap them in `db.transaction(async (tx) => …)` or `db.batch([...])`.",
    },
    schema: [
      {
        type: "object",
        additionalProperties: false,
        properties: {
          maxDepth: maxDepthOption("How many levels of helper functions to follow when collecting writes (0 = direct writes only)."),
          ignoreTables: {
            type: "array",
            items: { type: "string" },
            uniqueItems: true,
            description: "Tables whose writes need not be atomic with others (audit logs, analytics events), by JS or SQL name.",
          },
          reportLogTables: {
            type: "boolean",
            description:
              "Also report a path that writes one table plus append-only log tables (tables the program only ever inserts into: no update, delete or upsert anywhere). Default false.",
          },
          codeRoles: codeRolesOption(),
        },
      },
    ],
  },
  defaultOptions: [{ maxDepth: DEFAULT_MAX_DEPTH, ignoreTables: [], reportLogTables: false }],
  analyze: (context, [options]) =>
    appliesToCodeRole(context, options.codeRoles)
      ? analyzeRequireTransaction(context, {
          maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
          ignoreTables: options.ignoreTables ?? [],
          reportLogTables: options.reportLogTables ?? false,
        })
      : [],
});
