import ts from "typescript";
import { type ColumnRef, columnMatches, type ConditionSummary, describeCondition } from "./conditions.js";
import { exprIsDbLike } from "./drizzle-symbols.js";
import type { ColumnModel, TableModel } from "./schema/model.js";
import { tableDisplayName } from "./schema/model.js";
import {
  type ChainCall,
  type QueryChain,
  chainTable,
  extendChain,
  queryChainsIn,
  RUNNER_METHODS,
  valueUse,
  whereArguments,
} from "./queries.js";
import { isAssignmentTarget, isExportedVariable, variableReferences } from "./references.js";
import { optionOrSetting } from "./settings.js";
import { enclosingFunction, methodCall, skipOuter, skipOuterUp, staticPropertyName } from "./ts-utils.js";
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
  const names = new Set([table.jsName, table.sqlName, table.declaredName, tableDisplayName(table)].filter(Boolean));
  return ignoreTables.some((name) => names.has(name));
}

/** `db.batch([db.delete(t), ...])`: builders in a batch run with it. */
function inBatch(program: ts.Program, expr: ts.Expression): boolean {
  const array = skipOuterUp(expr).parent;
  if (!array || !ts.isArrayLiteralExpression(array)) return false;
  const call = skipOuterUp(array).parent;
  if (!call || !ts.isCallExpression(call)) return false;
  const m = methodCall(call);
  return !!m && m.name === "batch" && exprIsDbLike(program, m.object) === "yes";
}

const MAX_VARIABLE_DEPTH = 4;

/**
 * Whether the builder value at `expr` runs as written, with no `.where` added
 * later. `whereFinal`: the query already has its where (Drizzle's types forbid
 * a second one) or cannot take one (relational queries, `$count`). Builders
 * kept for later (subqueries, `$dynamic()`, non-async helpers returning a bare
 * builder) may get their where elsewhere and are not checked.
 */
function runsAsWritten(program: ts.Program, expr: ts.Expression, ownCalls: ChainCall[] | undefined, whereFinal: boolean, depth: number): boolean {
  const { calls, end } = ownCalls ? { calls: ownCalls, end: expr } : extendChain(expr);
  for (const c of calls) {
    if (c.name === "$dynamic" || c.name === "as" || (c.name === "where" && !ownCalls)) return false;
    if (c.name === "prepare" || RUNNER_METHODS.has(c.name)) return true;
  }
  switch (valueUse(end)) {
    case "executed":
    case "prepared":
      return true;
    case "returned": {
      const fn = enclosingFunction(end);
      return whereFinal || (!!fn && (ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Async) !== 0);
    }
    case "built": {
      if (inBatch(program, end)) return true;
      // const q = db.select().from(posts); ... await q;
      const up = skipOuterUp(end);
      const decl = up.parent;
      if (depth >= MAX_VARIABLE_DEPTH || !decl || !ts.isVariableDeclaration(decl) || decl.initializer !== up) return false;
      if (!ts.isIdentifier(decl.name) || isExportedVariable(decl)) return false;
      const refs = variableReferences(program.getTypeChecker(), decl as ts.VariableDeclaration & { name: ts.Identifier });
      return refs.length > 0 && refs.every((ref) => !isAssignmentTarget(ref) && runsAsWritten(program, ref, undefined, whereFinal, depth + 1));
    }
  }
}

function isCheckedUse(program: ts.Program, chain: QueryChain): boolean {
  const whereFinal =
    chain.operation === "relational" || chain.operation === "count" || chain.calls.some((c) => c.name === "where");
  return runsAsWritten(program, chain.end, chain.calls, whereFinal, 0);
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

const INNER_JOIN_METHODS = new Set(["innerJoin", "innerJoinLateral"]);

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
 * A filter is an `eq`/`inArray`/`sql` mention of the owner column (or of a
 * column that a join or where equates to it: `innerJoin(users, eq(posts.userId,
 * users.id)).where(eq(users.id, me))`) compared to a value, in the where or in
 * an inner join's condition. Unreadable conditions count as filters.
 */
function hasOwnerFilter(context: AnalysisContext, chain: QueryChain, table: TableModel, owners: ColumnModel[]): boolean {
  if (chain.operation === "relational" && relationalConfigUnreadable(chain)) return true;
  const scope = chain.operation === "relational" ? { table } : {};
  const filters = whereArguments(chain).map((where) => describeCondition(context.program, where, scope));
  const joins: ConditionSummary[] = [];
  for (const { name, call } of chain.calls) {
    if (!JOIN_METHODS.has(name) || !call.arguments[1]) continue;
    const on = describeCondition(context.program, call.arguments[1]);
    (INNER_JOIN_METHODS.has(name) ? filters : joins).push(on);
  }
  if (filters.some((f) => !f.complete || mentionsInSqlText(f.sqlText, owners))) return true;
  const mentions = [...filters, ...joins].flatMap((f) => f.mentions.filter((m) => !m.negated));
  // the owner columns and every column equated to them
  const owned: ColumnRef[] = [];
  const isOwned = (c: ColumnRef) => owners.some((o) => columnMatches(c, table, o.key)) || owned.some((o) => sameColumn(o, c));
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
      if (owners.length === 0 || hasOwnerFilter(context, chain, table, owners)) continue;
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
