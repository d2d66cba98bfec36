import ts from "typescript";
import { type ColumnRef, columnMatches, type ConditionSummary, describeCondition } from "./conditions.js";
import { resolveTable } from "./schema/resolve.js";
import type { ColumnModel, TableModel } from "./schema/model.js";
import { tableDisplayName, tableNames } from "./schema/model.js";
import { builderUses } from "./builder-fate.js";
import { type QueryChain, chainTable, queryChainsIn, whereArguments } from "./queries.js";
import { optionOrSetting } from "./settings.js";
import { skipOuter, staticPropertyName } from "./ts-utils.js";
import type { AnalysisContext, Finding } from "./types.js";

export interface OwnerFilterOptions {
  ownerColumns?: string[];
  ignoreTables?: string[];
}

export const DEFAULT_OWNER_COLUMNS = ["userId"];

/** Operators that restrict the owner column to given owners. `ne`, `notInArray`, `isNull`, ... do not. */
const OWNER_FILTER_OPERATORS = new Set(["eq", "inArray", "sql"]);

const JOIN_METHODS = new Set([
  "innerJoin",
  "leftJoin",
  "rightJoin",
  "fullJoin",
  "innerJoinLateral",
  "leftJoinLateral",
]);
/** Joins whose condition filters the rows of the `from` table. */
const INNER_JOIN_METHODS = new Set(["innerJoin", "innerJoinLateral"]);

const VERBS: Partial<Record<QueryChain["operation"], string>> = {
  select: "read",
  relational: "read",
  count: "count",
  update: "update",
  delete: "delete",
};

function normalizeName(name: string): string {
  return name.replace(/_/g, "").toLowerCase();
}

/** The columns of a table that name its owner (`userId`, `user_id`, ... by key or SQL name). */
export function ownerColumnsOf(table: TableModel, ownerColumns: readonly string[]): ColumnModel[] {
  const wanted = new Set(ownerColumns.map(normalizeName));
  return [...table.columns.values()].filter((c) => wanted.has(normalizeName(c.key)) || wanted.has(normalizeName(c.sqlName)));
}

function isIgnoredTable(table: TableModel, ignoreTables: readonly string[]): boolean {
  const names = tableNames(table);
  return ignoreTables.some((name) => names.has(name));
}

/**
 * Whether the query runs as written, with no `.where` added later: every use
 * of its builder runs it here, or hands it to a caller when its where is final
 * (it already has one, which Drizzle's types forbid adding to, or it cannot
 * take one: relational queries, `$count`). Builders kept for later
 * (subqueries, `$dynamic()`, non-async helpers returning a bare builder) may
 * get their where elsewhere and are not checked. A builder returned to a
 * caller that surely runs it (`"runsInCaller"`: a non-async `db.transaction`
 * callback, a function declared to return a Promise) is treated like any
 * returned builder: checked only when its where is final.
 */
function isCheckedUse(program: ts.Program, chain: QueryChain): boolean {
  const whereFinal =
    chain.operation === "relational" || chain.operation === "count" || chain.calls.some((c) => c.name === "where");
  const uses = builderUses(program, chain);
  // `runsInCaller` (a sync transaction callback's or Promise-typed function's return) runs as written
  return uses.size > 0 && [...uses].every((u) => u === "runs" || u === "runsInCaller" || (whereFinal && u === "returned"));
}

/**
 * The relational config cannot be read when it is not an object literal or
 * spreads another object: its `where` is then unknown.
 */
function relationalConfigUnreadable(chain: QueryChain): boolean {
  const arg = chain.start.arguments[0];
  if (!arg) return false;
  const config = skipOuter(arg);
  if (!ts.isObjectLiteralExpression(config)) return true;
  return config.properties.some(
    (p) => ts.isSpreadAssignment(p) || (p.name !== undefined && staticPropertyName(p.name) === undefined),
  );
}

function sameColumn(a: ColumnRef, b: ColumnRef): boolean {
  if (a.table && a.key !== undefined) return columnMatches(b, a.table, a.key);
  if (b.table && b.key !== undefined) return columnMatches(a, b.table, b.key);
  return a.tableSqlName !== undefined && a.tableSqlName === b.tableSqlName && a.columnSqlName === b.columnSqlName;
}

/** The SQL text of `sql` templates names an owner column: `sql\`user_id = ${id}\``. */
function mentionsInSqlText(text: readonly string[], owners: ColumnModel[]): boolean {
  const joined = text.join(" ");
  return owners.some((o) => {
    const name = o.sqlName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`(^|[^\\w$])${name}($|[^\\w$])`, "i").test(joined);
  });
}

/**
 * Does the query filter by an owner column, or could it as far as we can tell?
 * A filter is an `eq`/`inArray`/`sql` mention, compared to a value, in the
 * where or in an inner join's condition, of: an owner column of the table; an
 * owner column of a joined table (`from(comments).innerJoin(posts, ...)
 * .where(eq(posts.userId, me))` scopes through the parent); or a column that a
 * join or the where equates to one of those (`innerJoin(users, eq(posts.userId,
 * users.id)).where(eq(users.id, me))`). Unreadable conditions count as filters.
 */
function hasOwnerFilter(context: AnalysisContext, chain: QueryChain, table: TableModel, owners: ColumnModel[], ownerColumns: readonly string[]): boolean {
  if (chain.operation === "relational" && relationalConfigUnreadable(chain)) return true;
  const scope = chain.operation === "relational" ? { table } : {};
  const filters = whereArguments(chain).map((where) => describeCondition(context.program, where, scope));
  const joins: ConditionSummary[] = [];
  // the owner columns of the table, of joined tables, and every column equated to them
  const owned: ColumnRef[] = owners.map((o) => ({ table, key: o.key, node: o.node }));
  const ownerSqlNames = [...owners];
  for (const { name, call } of chain.calls) {
    if (!JOIN_METHODS.has(name)) continue;
    const joined = call.arguments[0] && resolveTable(context.program, call.arguments[0]);
    for (const column of joined ? ownerColumnsOf(joined, ownerColumns) : []) {
      owned.push({ table: joined as TableModel, key: column.key, node: column.node });
      ownerSqlNames.push(column);
    }
    if (!call.arguments[1]) continue;
    const on = describeCondition(context.program, call.arguments[1]);
    (INNER_JOIN_METHODS.has(name) ? filters : joins).push(on);
  }
  if (filters.some((f) => !f.complete || mentionsInSqlText(f.sqlText, ownerSqlNames))) return true;
  const mentions = [...filters, ...joins].flatMap((f) => f.mentions.filter((m) => !m.negated));
  const isOwned = (c: ColumnRef) => owned.some((o) => sameColumn(o, c));
  for (let changed = true, round = 0; changed && round < 4; round++) {
    changed = false;
    for (const m of mentions) {
      if (m.operator !== "eq" || m.others.length === 0 || !isOwned(m.column)) continue;
      for (const other of m.others) {
        if (!isOwned(other)) {
          owned.push(other);
          changed = true;
        }
      }
    }
  }
  return filters.some((f) =>
    f.mentions.some((m) => !m.negated && m.others.length === 0 && OWNER_FILTER_OPERATORS.has(m.operator) && isOwned(m.column)),
  );
}

/** Where the report goes: the query up to its table (`db.select().from(posts)`, `db.update(posts)`, `db.query.posts.findMany`). */
function reportRange(context: AnalysisContext, chain: QueryChain): { start: number; end: number } {
  const start = chain.root.getStart(context.sourceFile);
  if (chain.operation === "select") {
    const from = chain.calls.find((c) => c.name === "from");
    if (from) return { start, end: from.call.getEnd() };
  }
  if (chain.operation === "relational" || chain.operation === "count") return { start, end: chain.start.expression.getEnd() };
  return { start, end: chain.start.getEnd() };
}

export function analyzeOwnerFilters(context: AnalysisContext, options: OwnerFilterOptions): Finding[] {
  const ownerColumns = optionOrSetting(options.ownerColumns, context.settings.ownerColumns, DEFAULT_OWNER_COLUMNS);
  const ignoreTables = optionOrSetting(options.ignoreTables, context.settings.ignoreTables, []);
  if (ownerColumns.length === 0) return [];
  const findings: Finding[] = [];
  for (const chain of queryChainsIn(context.program, context.sourceFile)) {
    const verb = VERBS[chain.operation];
    if (!verb) continue;
    try {
      if (!isCheckedUse(context.program, chain)) continue;
      const table = chainTable(context.program, chain);
      if (!table || isIgnoredTable(table, ignoreTables)) continue;
      const owners = ownerColumnsOf(table, ownerColumns);
      if (owners.length === 0 || hasOwnerFilter(context, chain, table, owners, ownerColumns)) continue;
      findings.push({
        messageId: "missingOwnerFilter",
        data: {
          table: tableDisplayName(table),
          column: owners.map((o) => o.key).join(" or "),
          verb,
        },
        ...reportRange(context, chain),
      });
    } catch {
      // unusual code yields no finding
    }
  }
  return findings;
}
