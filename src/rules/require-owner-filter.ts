import { analyzeOwnerFilters, type MessageId } from "../checks/require-owner-filter.js";
import { appliesToCodeRole, type CodeRole } from "../engine/code-roles.js";
import { createAnalyzerRule } from "./create-rule.js";
import { APPLICATION_ONLY, codeRolesOption } from "./rule-options.js";

export type Options = [{ ownerColumns?: string[]; scopeColumns?: string[]; ignoreTables?: string[]; codeRoles?: CodeRole[] }];
export type { MessageId };

export default createAnalyzerRule<Options, MessageId>({
  name: "require-owner-filter",
  meta: {
    type: "problem",
    docs: {
      description: "Require queries on user-owned tables to filter by their owner or tenant column",
      // opt-in: which columns name owners and tenants, and which code may span them, is project-specific
      recommended: false,
      recommendedOptions: [APPLICATION_ONLY],
    },
    messages: {
      missingOwnerFilter:
        "This query can {{verb}} rows of {{table}} of any owner: its where never restricts the owner column {{column}}, or a tenant column (scopeColumns), to the current user or tenant with eq/inArray. Add that condition, or disable the rule with a reason where the query is meant to span owners (insecure direct object reference, CWE-639).",
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
          scopeColumns: {
            type: "array",
            items: { type: "string" },
            uniqueItems: true,
            description:
              'Tenant column keys or SQL names (matched like ownerColumns): an eq/inArray filter on one of the queried table scopes the query, but they do not make a table owned. Default ["teamId", "organizationId", "orgId", "tenantId", "workspaceId", "accountId", "projectId"]; also read from settings["drizzle-guard"].scopeColumns.',
          },
          ignoreTables: {
            type: "array",
            items: { type: "string" },
            uniqueItems: true,
            description: 'Tables never checked, by JS or SQL name. Also read from settings["drizzle-guard"].ignoreTables.',
          },
          codeRoles: codeRolesOption(),
        },
      },
    ],
  },
  // no defaults here: ESLint merges them into the options, which would hide the shared settings
  defaultOptions: [{}],
  analyze: (context, [options]) => (appliesToCodeRole(context, options?.codeRoles) ? analyzeOwnerFilters(context, options ?? {}) : []),
});
