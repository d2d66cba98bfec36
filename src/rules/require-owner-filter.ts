import { analyzeOwnerFilters, type MessageId, type OwnerFilterOptions } from "../checks/require-owner-filter.js";
import { appliesToCodeRole, type CodeRole, type CodeRoleAt } from "../engine/code-roles.js";
import { createAnalyzerRule } from "./support/create-rule.js";
import { APPLICATION_ONLY, codeRolesOption } from "./support/rule-options.js";

export type Options = [OwnerFilterOptions & { codeRoles?: CodeRoleAt[] }];
export type { MessageId };

/** The files the rule looks at: job code sits in application files (the check decides per query). */
function fileRoles(roles: readonly CodeRoleAt[] | undefined): CodeRole[] | undefined {
  if (!roles) return undefined;
  const files = roles.filter((r): r is CodeRole => r !== "job");
  return roles.includes("job") && !files.includes("application") ? [...files, "application"] : files;
}

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
        "This query can {{verb}} rows of {{table}} of any owner: {{tried}}. The rule looked for {{principal}} compared with the current user or tenant. Filter by it in the where, exit when the row's {{column}} is not the current user's (`if (row.{{column}} !== user.id) return/throw/notFound()`), or mark code that is meant to span owners (see the rule's docs) (insecure direct object reference, CWE-639).",
      uncheckedCallSite:
        "`{{helper}}` can {{verb}} rows of {{table}} of any owner (no owner filter on {{principal}}), and this call does not check the result: {{checked}} of its {{total}} callers exit when the row's {{column}} is not the current user's, this one does not. Add that check here (`if (row.{{column}} !== user.id) return/throw/notFound()`), or filter by owner in `{{helper}}` (CWE-639).",
      auditOwnerColumn:
        "{{table}}.{{column}} matches ownerColumns but looks like an audit column (nullable, onDelete \"set null\"): rows outlive the user it names, so require-owner-filter does not treat it as the owner. Remove it from ownerColumns (or make it notNull if rows really belong to that user).",
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
          publicTables: {
            type: "array",
            items: { type: "string" },
            uniqueItems: true,
            description:
              "Tables whose rows anyone may read (a public store page, a sitemap), by JS or SQL name: reads are not checked, updates and deletes still are. Also read from settings[\"drizzle-guard\"].publicTables.",
          },
          checkScopeOnlyTables: {
            type: "boolean",
            description:
              "Also check tables that have a scope column (scopeColumns) but no owner column, such as orders.storeId: a query on one must filter by a scope column. Default false; also read from settings.",
          },
          adminPredicates: {
            type: "array",
            items: { type: "string" },
            uniqueItems: true,
            description:
              'Predicates whose negation exits for non-administrators (`if (!isAdmin(user)) throw`, also in a tRPC middleware): code after such an exit is not checked. Default ["isAdmin", "isSuperAdmin", "isSuperuser", "isStaff"]; also read from settings.',
          },
          adminAssertions: {
            type: "array",
            items: { type: "string" },
            uniqueItems: true,
            description:
              'Calls that throw for non-administrators, used as statements (`await requireAdmin()`): code after one is not checked. Default ["requireAdmin", "assertAdmin", "ensureAdmin"]; also read from settings.',
          },
          webhookVerifiers: {
            type: "array",
            items: { type: "string" },
            uniqueItems: true,
            description:
              'Calls that verify a webhook signature, matched by the end of the callee path: code after one (and helpers called only from such code) is not checked. Default ["webhooks.constructEvent", "webhooks.constructEventAsync", "verifyWebhook", "verifyWebhookSignature", "validateWebhookSignature"]; also read from settings.',
          },
          ignoreTables: {
            type: "array",
            items: { type: "string" },
            uniqueItems: true,
            description: 'Tables never checked, by JS or SQL name. Also read from settings["drizzle-guard"].ignoreTables.',
          },
          codeRoles: codeRolesOption({ withJob: true }),
        },
      },
    ],
  },
  // no defaults here: ESLint merges them into the options, which would hide the shared settings
  defaultOptions: [{}],
  analyze: (context, [options]) => (appliesToCodeRole(context, fileRoles(options?.codeRoles)) ? analyzeOwnerFilters(context, options ?? {}) : []),
});
