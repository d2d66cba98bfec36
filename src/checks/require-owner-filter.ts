import ts from "typescript";
import { type ColumnMention, type ColumnRef, columnMatches, type ConditionSummary, describeCondition } from "../engine/conditions.js";
import { resolveTable } from "../engine/schema/resolve.js";
import type { ColumnModel, TableModel } from "../engine/schema/model.js";
import { tableDisplayName, tableNames } from "../engine/schema/model.js";
import { builderUses } from "../engine/builder-fate.js";
import { type QueryChain, chainTable, queryChainsIn, whereArguments } from "../engine/queries.js";
import { mayRunOnSamePath } from "../engine/paths.js";
import { optionOrSetting } from "../engine/settings.js";
import { enclosingFunction, skipOuter, skipOuterUp, staticPropertyName } from "../engine/ts-utils.js";
import { symbolAt } from "../engine/symbols.js";
import type { AnalysisContext, Finding } from "../engine/types.js";
import { guard } from "../engine/guard.js";

/** The messages this check reports (the rule defines their text). */
export type MessageId = "missingOwnerFilter";

export interface OwnerFilterOptions {
  ownerColumns?: string[];
  scopeColumns?: string[];
  ignoreTables?: string[];
}

export const DEFAULT_OWNER_COLUMNS = ["userId"];
/** Tenant columns: a filter on one scopes the query like an owner filter, but they do not make a table owned. */
export const DEFAULT_SCOPE_COLUMNS = ["teamId", "organizationId", "orgId", "tenantId", "workspaceId", "accountId", "projectId"];

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

/** Queries whose result shows whether a row is in scope: the "check" of check-then-act. */
const READ_OPERATIONS: ReadonlySet<QueryChain["operation"]> = new Set(["select", "relational", "count"]);

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

/** The columns of a table named in `names` (`userId` matches `userId`, `user_id`, ... by key or SQL name). */
function columnsNamed(table: TableModel, names: readonly string[]): ColumnModel[] {
  const wanted = new Set(names.map(normalizeName));
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

/** How a query is restricted to the rows of the current user or tenant. */
type Scoping =
  /** Visibly: an owner or scope filter, a capability lookup, an id proven owned, or an earlier check. */
  | "filtered"
  /** Its where cannot be read: assumed filtered (never reported), but it proves nothing for other queries. */
  | "unknown"
  | "missing";

/** Operators whose compared value selects rows by equality. */
const EQUALITY_OPERATORS = new Set(["eq", "inArray"]);
/** Variables followed from a compared value back to the query it was read from (`const rows = ...; const row = rows[0]`). */
const MAX_VALUE_HOPS = 4;

/**
 * The single columns of a table whose values are unique and not (part of) its
 * primary key: `.unique()`, `unique().on(col)`, a non-partial single-column
 * `uniqueIndex`. Looking a row up by one (an API key hash, a token, an OAuth
 * code) is treated as a capability: the caller proves access by knowing it.
 */
function secretKeysOf(table: TableModel): Set<string> {
  const keys = new Set<string>();
  for (const unique of table.uniques) if (unique.length === 1) keys.add(unique[0] as string);
  for (const index of table.indexes) {
    const [only] = index.columns;
    if (index.unique && !index.partial && index.columns.length === 1 && only && "key" in only) keys.add(only.key);
  }
  for (const key of keys) {
    if (table.columns.get(key)?.primaryKey || table.primaryKey?.includes(key)) keys.delete(key);
  }
  return keys;
}

/** A chain run right where it stands, its result awaited before the next statement: `await db.select()...`. */
function isAwaitedHere(chain: QueryChain): boolean {
  const parent = skipOuterUp(chain.end).parent;
  return !!parent && ts.isAwaitExpression(parent);
}

/**
 * Decides, per file, how each query is scoped. Besides a filter in the query
 * itself, a query counts as scoped when its where compares a column to a value
 * read from a scoped query of the same function (`eq(posts.id, latest.id)`),
 * or when the same function read the same table with a scoped query before it
 * (check first, then act). Only queries awaited where they stand, and whose
 * own scoping is visible, serve as such evidence. Results are memoized per
 * chain; a chain being decided counts as missing for its own evidence.
 */
class OwnerScope {
  private readonly memo = new Map<QueryChain, Scoping>();
  private readonly checker: ts.TypeChecker;
  /** `skipOuter(chain.end)` → chain, to find the query a variable was read from. */
  private readonly byEnd = new Map<ts.Node, QueryChain>();

  constructor(
    private readonly context: AnalysisContext,
    private readonly chains: readonly QueryChain[],
    private readonly ownerColumns: readonly string[],
    private readonly scopeColumns: readonly string[],
  ) {
    this.checker = context.checker;
    for (const chain of chains) this.byEnd.set(skipOuter(chain.end), chain);
  }

  scoping(chain: QueryChain, table: TableModel): Scoping {
    const known = this.memo.get(chain);
    if (known) return known;
    this.memo.set(chain, "missing");
    // unusual code: assume filtered, prove nothing
    const result = guard<Scoping>(() => this.decide(chain, table), "unknown");
    this.memo.set(chain, result);
    return result;
  }

  /** Awaited here and visibly scoped: what it returns belongs to the current user or tenant. */
  private proves(chain: QueryChain): TableModel | undefined {
    if (!VERBS[chain.operation] || !isAwaitedHere(chain)) return undefined;
    const table = chainTable(this.context.program, chain);
    if (!table) return undefined;
    return this.scoping(chain, table) === "filtered" ? table : undefined;
  }

  private decide(chain: QueryChain, table: TableModel): Scoping {
    if (chain.operation === "relational" && relationalConfigUnreadable(chain)) return "unknown";
    const { filters, joins, joined } = this.conditions(chain, table);
    const scoping = this.directFilter(table, filters, joins, joined);
    if (scoping !== "missing") return scoping;
    if (this.comparesProvenValue(filters)) return "filtered";
    return this.checkedEarlier(chain, table) ? "filtered" : "missing";
  }

  /** The where and inner join conditions (which filter rows), the other join conditions, and the joined tables. */
  private conditions(chain: QueryChain, table: TableModel) {
    const program = this.context.program;
    const scope = chain.operation === "relational" ? { table } : {};
    const filters = whereArguments(chain).map((where) => describeCondition(program, where, scope));
    const joins: ConditionSummary[] = [];
    const joined: TableModel[] = [];
    for (const { name, call } of chain.calls) {
      if (!JOIN_METHODS.has(name)) continue;
      const other = call.arguments[0] && resolveTable(program, call.arguments[0]);
      if (other) joined.push(other);
      if (!call.arguments[1]) continue;
      const on = describeCondition(program, call.arguments[1]);
      (INNER_JOIN_METHODS.has(name) ? filters : joins).push(on);
    }
    return { filters, joins, joined };
  }

  /**
   * The query's own filter: an `eq`/`inArray`/`sql` mention, compared to a
   * value, in the where or in an inner join's condition, of: an owner or scope
   * column of the table; one of a joined table (`from(comments).innerJoin(posts,
   * ...).where(eq(posts.userId, me))` scopes through the parent); or a column
   * that a join or the where equates to one of those (`innerJoin(users,
   * eq(posts.userId, users.id)).where(eq(users.id, me))`). Or an equality on a
   * secret key of the table. Unreadable conditions make it "unknown".
   */
  private directFilter(table: TableModel, filters: ConditionSummary[], joins: ConditionSummary[], joined: TableModel[]): Scoping {
    const names = [...this.ownerColumns, ...this.scopeColumns];
    const scoped: ColumnRef[] = [];
    const scopedColumns: ColumnModel[] = [];
    for (const t of [table, ...joined]) {
      for (const column of columnsNamed(t, names)) {
        scoped.push({ table: t, key: column.key, node: column.node });
        scopedColumns.push(column);
      }
    }
    if (filters.some((f) => mentionsInSqlText(f.sqlText, scopedColumns))) return "filtered";
    const mentions = [...filters, ...joins].flatMap((f) => f.mentions.filter((m) => !m.negated));
    const isScoped = (c: ColumnRef) => scoped.some((o) => sameColumn(o, c));
    for (let changed = true, round = 0; changed && round < 4; round++) {
      changed = false;
      for (const m of mentions) {
        if (m.operator !== "eq" || m.others.length === 0 || !isScoped(m.column)) continue;
        for (const other of m.others) {
          if (!isScoped(other)) {
            scoped.push(other);
            changed = true;
          }
        }
      }
    }
    const secrets = secretKeysOf(table);
    const filtersBy = (m: ColumnMention) =>
      !m.negated &&
      m.others.length === 0 &&
      ((OWNER_FILTER_OPERATORS.has(m.operator) && isScoped(m.column)) ||
        (m.operator === "eq" && [...secrets].some((key) => columnMatches(m.column, table, key))));
    if (filters.some((f) => f.mentions.some(filtersBy))) return "filtered";
    return filters.some((f) => !f.complete) ? "unknown" : "missing";
  }

  /** An equality whose value was read from a scoped query: `eq(posts.id, latest.id)`, `inArray(posts.id, rows.map(...))`. */
  private comparesProvenValue(filters: ConditionSummary[]): boolean {
    return filters.some((f) =>
      f.mentions.some((m) => !m.negated && EQUALITY_OPERATORS.has(m.operator) && m.values.some((v) => this.isProvenValue(v, 0))),
    );
  }

  private isProvenValue(value: ts.Expression, hops: number): boolean {
    if (hops > MAX_VALUE_HOPS) return false;
    // row.id, row?.id, rows[0].id, rows.map((r) => r.id)
    let e = skipOuter(value);
    for (;;) {
      if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) e = skipOuter(e.expression);
      else if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === "map") {
        e = skipOuter(e.expression.expression);
      } else break;
    }
    if (!ts.isIdentifier(e)) return false;
    // `const row = ...`, `const [row] = ...`, `const [{ id }] = ...`
    const declaration = symbolAt(this.checker, e)?.valueDeclaration;
    const variable = declaration && ts.isBindingElement(declaration) ? ts.walkUpBindingElementsAndPatterns(declaration) : declaration;
    if (!variable || !ts.isVariableDeclaration(variable) || !variable.initializer || !(variable.parent.flags & ts.NodeFlags.Const)) {
      return false;
    }
    // const [row] = await db.select()...; const row = (await q)[0]; const first = rows[0]
    let init = skipOuter(variable.initializer);
    for (;;) {
      const chain = this.byEnd.get(init);
      if (chain) return this.proves(chain) !== undefined;
      if (ts.isAwaitExpression(init) || ts.isPropertyAccessExpression(init) || ts.isElementAccessExpression(init)) {
        init = skipOuter(init.expression);
      } else break;
    }
    return ts.isIdentifier(init) && this.isProvenValue(init, hops + 1);
  }

  /**
   * Check first, then act: a read of the same table, awaited before this
   * query on a path that reaches it, in the same function (or in a function
   * containing it), is scoped.
   */
  private checkedEarlier(chain: QueryChain, table: TableModel): boolean {
    const fn = enclosingFunction(chain.start) ?? chain.start.getSourceFile();
    const start = chain.start.getStart();
    return this.chains.some((earlier) => {
      if (earlier === chain || !READ_OPERATIONS.has(earlier.operation) || earlier.end.getEnd() > start) return false;
      const earlierFn = enclosingFunction(earlier.start) ?? earlier.start.getSourceFile();
      if (!ts.findAncestor(fn, (n) => n === earlierFn) || !mayRunOnSamePath(earlier.end, chain.start)) return false;
      return this.proves(earlier)?.call === table.call;
    });
  }
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

export function analyzeOwnerFilters(context: AnalysisContext, options: OwnerFilterOptions): Finding<MessageId>[] {
  const ownerColumns = optionOrSetting(options.ownerColumns, context.settings.ownerColumns, DEFAULT_OWNER_COLUMNS);
  const scopeColumns = optionOrSetting(options.scopeColumns, context.settings.scopeColumns, DEFAULT_SCOPE_COLUMNS);
  const ignoreTables = optionOrSetting(options.ignoreTables, context.settings.ignoreTables, []);
  if (ownerColumns.length === 0) return [];
  const chains = queryChainsIn(context.program, context.sourceFile);
  const scope = new OwnerScope(context, chains, ownerColumns, scopeColumns);
  const findings: Finding<MessageId>[] = [];
  for (const chain of chains) {
    const verb = VERBS[chain.operation];
    if (!verb) continue;
    // unusual code yields no finding
    const finding = guard<Finding<MessageId> | undefined>(() => {
      if (!isCheckedUse(context.program, chain)) return undefined;
      const table = chainTable(context.program, chain);
      if (!table || isIgnoredTable(table, ignoreTables)) return undefined;
      const owners = columnsNamed(table, ownerColumns);
      if (owners.length === 0 || scope.scoping(chain, table) !== "missing") return undefined;
      return {
        messageId: "missingOwnerFilter",
        data: {
          table: tableDisplayName(table),
          column: owners.map((o) => o.key).join(" or "),
          verb,
        },
        ...reportRange(context, chain),
      };
    }, undefined);
    if (finding) findings.push(finding);
  }
  return findings;
}
