import ts from "typescript";
import { type ColumnMention, type ColumnRef, columnMatches, type ConditionSummary, describeCondition } from "../engine/conditions.js";
import type { ColumnModel, TableModel } from "../engine/schema/model.js";
import { tableDisplayName, tableNames } from "../engine/schema/model.js";
import { builderUses } from "../engine/builder-fate.js";
import { type QueryChain, chainContaining, chainTable, isQueryChainCall, queryChainsIn, whereArguments } from "../engine/queries.js";
import { programTables, resolveTable, tablesInFile } from "../engine/schema/resolve.js";
import { foreignKeyTargets, parentSelections } from "../engine/parents.js";
import { functionName } from "../engine/effects.js";
import { resolveCallee } from "../engine/callees.js";
import { programCache } from "../engine/cache.js";
import { guard } from "../engine/guard.js";
import { codeRoleAt, type CodeRoleAt } from "../engine/code-roles.js";
import { fileSyntax } from "../engine/syntax-index.js";
import { mayRunOnSamePath } from "../engine/paths.js";
import { optionOrSetting } from "../engine/settings.js";
import { calleeName, enclosingFunction, isFunctionLike, isUserSourceFile, skipOuter, skipOuterUp, staticPropertyName } from "../engine/ts-utils.js";
import { symbolAt } from "../engine/symbols.js";
import { variableReferences } from "../engine/references.js";
import { boundVariable, callSitesOf, filterOnlyUses, gates, isDerivedFrom, isTruthinessTest, mismatchExit, returnsOnly, rowSource, sameValue } from "../engine/result-checks.js";
import { type Guard, type GuardNames, DEFAULT_ADMIN_ASSERTIONS, DEFAULT_ADMIN_PREDICATES, DEFAULT_WEBHOOK_VERIFIERS, guardOf } from "../engine/guards.js";
import type { AnalysisContext, Finding, SharedSettings } from "../engine/types.js";

/** The messages this check reports (the rule defines their text). */
export type MessageId = "missingOwnerFilter" | "uncheckedCallSite" | "auditOwnerColumn";

export interface OwnerFilterOptions {
  ownerColumns?: string[];
  scopeColumns?: string[];
  ignoreTables?: string[];
  publicTables?: string[];
  checkScopeOnlyTables?: boolean;
  adminPredicates?: string[];
  adminAssertions?: string[];
  webhookVerifiers?: string[];
  /**
   * Where the rule reports (the rule's `codeRoles` option); a helper's call site elsewhere (a test, a seed, a
   * background job) needs no check. Unset: every role but "job".
   */
  codeRoles?: CodeRoleAt[];
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
/** Array methods whose callback's first parameter is an element of the array. */
const ITERATING_METHODS = new Set(["map", "forEach", "flatMap", "filter", "find", "some", "every"]);
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
    /** The scoping of the queries of another file (a helper's). */
    private readonly scopeOf: (file: ts.SourceFile) => OwnerScope,
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
    if (!isAwaitedHere(chain)) return undefined;
    // rows this code has just inserted (`insert(...).returning()`): their ids were not chosen by the caller
    if (chain.operation === "insert") return chainTable(this.context.program, chain);
    if (!VERBS[chain.operation]) return undefined;
    const table = chainTable(this.context.program, chain);
    if (!table) return undefined;
    return this.scoping(chain, table) === "filtered" ? table : undefined;
  }

  private decide(chain: QueryChain, table: TableModel): Scoping {
    if (chain.operation === "relational" && relationalConfigUnreadable(chain)) return "unknown";
    const { filters, joins, joined } = this.conditions(chain, table);
    const scoping = this.directFilter(table, filters, joins, joined);
    if (scoping !== "missing") return scoping;
    if (this.comparesProvenValue(filters, chain.start)) return "filtered";
    if (this.checkedAfter(chain, table)) return "filtered";
    return this.checkedEarlier(chain, table) ? "filtered" : "missing";
  }

  /**
   * Checked after the fetch: the function exits when the row's owner or scope
   * column differs from another value (`if (chat.userId !== session.user.id)
   * return forbidden()`). Reads only: a write has done its harm by then.
   */
  private checkedAfter(chain: QueryChain, table: TableModel): boolean {
    if (!READ_OPERATIONS.has(chain.operation)) return false;
    const variable = boundVariable(this.checker, chain.end);
    if (!variable) return false;
    const fn = enclosingFunction(chain.start) ?? chain.start.getSourceFile();
    const isRow = (e: ts.Expression) => isDerivedFrom(this.checker, e, variable);
    return !!mismatchExit(this.checker, fn, { isRow, matches: this.columnMatcher(table), from: chain.end.getEnd() });
  }

  /** Matches the keys of the owner and scope columns of `table` (as a row's properties). */
  columnMatcher(table: TableModel): (key: string) => boolean {
    const keys = new Set(columnsNamed(table, [...this.ownerColumns, ...this.scopeColumns]).map((c) => c.key));
    return (key) => keys.has(key);
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

  /**
   * An equality whose value was read from a scoped query (`eq(posts.id, latest.id)`, `inArray(posts.id,
   * rows.map(...))`), or is a key an earlier owner-filtered read that decides whether `at` runs compared.
   */
  private comparesProvenValue(filters: ConditionSummary[], at: ts.Node): boolean {
    return filters.some((f) =>
      f.mentions.some(
        (m) => !m.negated && EQUALITY_OPERATORS.has(m.operator) && m.values.some((v) => this.isProvenValue(v, 0) || this.isGatedKey(v, at)),
      ),
    );
  }

  /** A value read from a scoped or inserted row, or a key proven by a gating read before `at` (see `comparesProvenValue`). */
  provenValue(value: ts.Expression, at: ts.Node): boolean {
    return guard(() => this.isProvenValue(value, 0) || this.isGatedKey(value, at), false);
  }

  /**
   * A key proven by an owner-filtered read that gates: an earlier read, awaited
   * in this function (or one containing it) on a path that reaches `at`, that
   * is scoped and requires (outside any `or`) an `eq` of its table's primary
   * key or unique column with the same unchanging value, and whose result
   * decides whether `at` runs (`const rows = await db.select().from(goals).where(and(eq(goals.id, goalId),
   * eq(goals.userId, me))); if (rows.length === 0) throw …`). The value is then the key of a row of the current
   * user or tenant: `eq(actions.goalId, goalId)` later selects by it.
   */
  private isGatedKey(value: ts.Expression, at: ts.Node): boolean {
    const fn = enclosingFunction(at) ?? at.getSourceFile();
    const start = at.getStart();
    return this.chains.some((earlier) => {
      if (!READ_OPERATIONS.has(earlier.operation) || earlier.end.getEnd() > start) return false;
      const earlierFn = enclosingFunction(earlier.start) ?? earlier.start.getSourceFile();
      if (!ts.findAncestor(fn, (n) => n === earlierFn) || !mayRunOnSamePath(earlier.end, at)) return false;
      const table = chainTable(this.context.program, earlier);
      if (!table || !this.comparesKey(earlier, table, value)) return false;
      if (this.proves(earlier)?.call !== table.call) return false;
      const variable = boundVariable(this.checker, earlier.end);
      return !!variable && gates(this.checker, variable, earlier.end.getEnd(), at);
    });
  }

  /** The chain's where requires `eq(<a single-column primary key or unique column of table>, value)`. */
  private comparesKey(chain: QueryChain, table: TableModel, value: ts.Expression): boolean {
    const keys = secretKeysOf(table);
    // `primaryKey` lists column-level primary keys too (the schema model)
    if (table.primaryKey?.length === 1) keys.add(table.primaryKey[0] as string);
    const scope = chain.operation === "relational" ? { table } : {};
    return whereArguments(chain).some((where) =>
      describeCondition(this.context.program, where, scope).mentions.some(
        (m) =>
          m.required &&
          !m.negated &&
          m.operator === "eq" &&
          m.others.length === 0 &&
          [...keys].some((key) => columnMatches(m.column, table, key)) &&
          m.values.some((v) => sameValue(this.checker, v, value)),
      ),
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
    // an element of proven rows: `rows.map((row) => ...)`, `for (const row of rows)`
    const elements = variable && this.iteratedRows(variable);
    if (elements) return this.isProvenValue(elements, hops + 1);
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
    if (ts.isCallExpression(init)) return this.returnsScopedRows(init);
    return ts.isIdentifier(init) && this.isProvenValue(init, hops + 1);
  }

  /**
   * The array whose elements a declaration holds: the first parameter of a
   * callback passed to an array method (`rows.map(async (row) => ...)`,
   * `forEach`, `flatMap`, `filter`, `find`, `some`, `every`), or the `const`
   * of a `for (const row of rows)`. The receiver must be typed as an array.
   */
  private iteratedRows(declaration: ts.Declaration): ts.Expression | undefined {
    let array: ts.Expression | undefined;
    if (ts.isParameter(declaration) && declaration.parent.parameters[0] === declaration) {
      const callback = skipOuterUp(declaration.parent);
      const call = callback.parent;
      if (call && ts.isCallExpression(call) && call.arguments[0] === callback && ts.isPropertyAccessExpression(skipOuter(call.expression))) {
        const callee = skipOuter(call.expression) as ts.PropertyAccessExpression;
        if (ITERATING_METHODS.has(callee.name.text)) array = callee.expression;
      }
    } else if (ts.isVariableDeclaration(declaration) && !declaration.initializer && declaration.parent.flags & ts.NodeFlags.Const) {
      const loop = declaration.parent.parent;
      if (ts.isForOfStatement(loop) && !loop.awaitModifier) array = loop.expression;
    }
    if (!array) return undefined;
    const type = this.checker.getTypeAtLocation(array);
    return this.checker.isArrayType(type) || this.checker.isTupleType(type) ? array : undefined;
  }

  /**
   * A call of a project function that returns only the rows of one of its
   * queries, and that query is scoped: `const member = await
   * this.getMember(channelId, userId)` with `getMember` filtering by `userId`.
   */
  private returnsScopedRows(call: ts.CallExpression): boolean {
    const program = this.context.program;
    const fn = guard(() => resolveCallee(program, call), undefined);
    if (!fn) return false;
    const file = fn.getSourceFile();
    return queryChainsIn(program, file).some((c) => {
      if (!READ_OPERATIONS.has(c.operation) || enclosingFunction(c.start) !== fn || !returnsOnly(this.checker, fn, c.end)) return false;
      const table = chainTable(program, c);
      return !!table && this.scopeOf(file).scoping(c, table) === "filtered";
    });
  }

  /**
   * Check first, then act: a read of the same table, awaited before this
   * query on a path that reaches it, in the same function (or in a function
   * containing it), is scoped, and its result decides whether this query
   * runs (`if (!row) throw`, `if (count === 0) return`, this query inside
   * `if (row) { ... }`). A read whose result nothing depends on is no check.
   * (A filter on an id read from the row is `comparesProvenValue`.)
   */
  private checkedEarlier(chain: QueryChain, table: TableModel): boolean {
    const fn = enclosingFunction(chain.start) ?? chain.start.getSourceFile();
    const start = chain.start.getStart();
    return this.chains.some((earlier) => {
      if (earlier === chain || !READ_OPERATIONS.has(earlier.operation) || earlier.end.getEnd() > start) return false;
      const earlierFn = enclosingFunction(earlier.start) ?? earlier.start.getSourceFile();
      if (!ts.findAncestor(fn, (n) => n === earlierFn) || !mayRunOnSamePath(earlier.end, chain.start)) return false;
      if (this.proves(earlier)?.call !== table.call) return false;
      const variable = boundVariable(this.checker, earlier.end);
      return !!variable && gates(this.checker, variable, earlier.end.getEnd(), chain.start);
    });
  }
}


/**
 * An owner column that only records who made a row: nullable, and set to
 * null when that user is deleted (`onDelete: "set null"`). The row outlives
 * its "owner", so it does not belong to them.
 */
function isAuditColumn(column: ColumnModel): boolean {
  return !column.notNull && !column.primaryKey && column.references?.onDelete === "set null";
}

/** Options with defaults and shared settings applied. */
interface ResolvedOptions {
  ownerColumns: readonly string[];
  scopeColumns: readonly string[];
  ignoreTables: readonly string[];
  publicTables: readonly string[];
  checkScopeOnlyTables: boolean;
  codeRoles: readonly CodeRoleAt[] | undefined;
  settings: SharedSettings;
  guards: GuardNames;
}

function resolveOptions(context: AnalysisContext, options: OwnerFilterOptions): ResolvedOptions {
  const s = context.settings;
  const list = (value: unknown): string[] | undefined => (Array.isArray(value) && value.every((v) => typeof v === "string") ? value : undefined);
  return {
    ownerColumns: optionOrSetting(options.ownerColumns, s.ownerColumns, DEFAULT_OWNER_COLUMNS),
    scopeColumns: optionOrSetting(options.scopeColumns, s.scopeColumns, DEFAULT_SCOPE_COLUMNS),
    ignoreTables: optionOrSetting(options.ignoreTables, s.ignoreTables, []),
    publicTables: optionOrSetting(options.publicTables, list(s.publicTables), []),
    checkScopeOnlyTables: optionOrSetting(
      options.checkScopeOnlyTables,
      typeof s.checkScopeOnlyTables === "boolean" ? s.checkScopeOnlyTables : undefined,
      false,
    ),
    codeRoles: options.codeRoles,
    settings: s,
    guards: {
      adminPredicates: optionOrSetting(options.adminPredicates, list(s.adminPredicates), DEFAULT_ADMIN_PREDICATES),
      adminAssertions: optionOrSetting(options.adminAssertions, list(s.adminAssertions), DEFAULT_ADMIN_ASSERTIONS),
      webhookVerifiers: optionOrSetting(options.webhookVerifiers, list(s.webhookVerifiers), DEFAULT_WEBHOOK_VERIFIERS),
    },
  };
}

/** What the rule concludes about one query. */
type Verdict =
  | { kind: "scoped" }
  /** Report the query: `tried` says which checks were looked for. */
  | { kind: "report"; tried: string }
  /** A helper some of whose callers check the result: report each caller that does not. */
  | { kind: "callers"; helper: ts.FunctionLikeDeclaration; sites: ReadonlyMap<ts.CallExpression, boolean> };

/** Foreign keys followed up from a shared parent to find an owned ancestor: `entries → contests → leagues`. */
const MAX_PARENT_DEPTH = 3;

/** Callers followed up from a helper: `page → getStoreFromParams → db.query.stores.findFirst`. */
const MAX_CALLER_DEPTH = 3;

/**
 * The rule's analysis for one program and one set of options: the scoping of
 * every file's queries, shared by the files of the program (a query in a
 * helper is judged by its callers in other files, and a caller by the
 * helper's query).
 */
class OwnerAnalysis {
  private readonly checker: ts.TypeChecker;
  private readonly scopes = new Map<ts.SourceFile, OwnerScope>();
  private readonly verdicts = new Map<QueryChain, Verdict>();
  private helperNames: Map<string, ts.FunctionLikeDeclaration[]> | undefined;
  private principals: Set<ts.CallExpression> | undefined;
  /** The owner and tenant column names. */
  private readonly ownerAndTenantNames: readonly string[];

  constructor(
    readonly program: ts.Program,
    readonly options: ResolvedOptions,
  ) {
    this.checker = program.getTypeChecker();
    this.ownerAndTenantNames = [...options.ownerColumns, ...options.scopeColumns];
  }

  /** A call site in code the rule does not report in (its `codeRoles`: tests, scripts, jobs) needs no ownership check. */
  private outOfScope(call: ts.CallExpression): boolean {
    return !this.reportsIn(call);
  }

  /**
   * Whether the rule reports in the code at `node`: its role (`codeRoleAt`)
   * is one of `codeRoles`; unset, every role but "job" (a background job that
   * only a scheduler runs has no signed-in user to filter by).
   */
  private reportsIn(node: ts.Node): boolean {
    return this.reportsInRole(codeRoleAt(this.program, node, this.options.settings));
  }

  private reportsInRole(role: CodeRoleAt): boolean {
    const roles = this.options.codeRoles;
    return roles ? roles.includes(role) : role !== "job";
  }

  /**
   * A query in job code (or, with `codeRoles` naming "job" but not
   * "application", in other code of an application file) that the rule does
   * not report in. Test and script files are left out by file, before.
   */
  private outOfRole(node: ts.Node): boolean {
    const role = codeRoleAt(this.program, node, this.options.settings);
    return (role === "job" || role === "application") && !this.reportsInRole(role);
  }

  scopeFor(file: ts.SourceFile): OwnerScope {
    let scope = this.scopes.get(file);
    if (!scope) {
      const chains = queryChainsIn(this.program, file);
      scope = new OwnerScope({ program: this.program, checker: this.checker, sourceFile: file, settings: {} }, chains, this.options.ownerColumns, this.options.scopeColumns, (other) =>
        this.scopeFor(other),
      );
      this.scopes.set(file, scope);
    }
    return scope;
  }

  /** The columns that make `table` checked (its owner columns, else with the option its scope columns); empty: not checked. */
  principalColumns(table: TableModel): ColumnModel[] {
    const owners = columnsNamed(table, this.options.ownerColumns).filter((c) => !isAuditColumn(c));
    if (owners.length > 0) return owners;
    if (!this.options.checkScopeOnlyTables) return [];
    // a table whose only owner column is an audit column is not scope-checked either
    return columnsNamed(table, this.options.scopeColumns);
  }

  /** The table a checked query runs on and the columns looked for; undefined for queries the rule does not check. */
  subject(chain: QueryChain): { table: TableModel; columns: ColumnModel[]; verb: string } | undefined {
    const verb = VERBS[chain.operation];
    if (!verb || !isCheckedUse(this.program, chain)) return undefined;
    const table = chainTable(this.program, chain);
    if (!table || isIgnoredTable(table, this.options.ignoreTables)) return undefined;
    if (READ_OPERATIONS.has(chain.operation) && isIgnoredTable(table, this.options.publicTables)) return undefined;
    const columns = this.principalColumns(table);
    return columns.length > 0 ? { table, columns, verb } : undefined;
  }

  verdict(chain: QueryChain): Verdict {
    const known = this.verdicts.get(chain);
    if (known) return known;
    const verdict = guard<Verdict>(() => this.decide(chain), { kind: "scoped" });
    this.verdicts.set(chain, verdict);
    return verdict;
  }

  private decide(chain: QueryChain): Verdict {
    const subject = this.subject(chain);
    if (!subject) return { kind: "scoped" };
    const { table } = subject;
    const read = READ_OPERATIONS.has(chain.operation);
    const scope = this.scopeFor(chain.start.getSourceFile());
    if (scope.scoping(chain, table) !== "missing") return { kind: "scoped" };
    if (this.guarded(chain.start, read)) return { kind: "scoped" };
    if (this.outOfRole(chain.start)) return { kind: "scoped" };
    if (read && this.existenceOnly(chain, table)) return { kind: "scoped" };
    if (read && this.onlyFiltersScopedQueries(chain)) return { kind: "scoped" };
    if (read && this.selectsBySharedParent(chain, table)) return { kind: "scoped" };
    const own = read
      ? "no owner filter, no ownership check on the result in this function"
      : `no owner filter, no earlier owner-filtered read of ${tableDisplayName(table)} in this function that decides whether it runs`;
    const fn = enclosingFunction(chain.start);
    if (!fn) return { kind: "report", tried: own };
    const sites = callSitesOf(this.program, fn);
    // say why the callers were not tried (none: a route handler or page the framework calls, or dead code)
    const name = functionName(fn);
    if (sites.escapes) {
      // an anonymous callback (a transaction's, a tRPC resolver's) has no callers to name
      return { kind: "report", tried: name === "<anonymous>" ? own : `${own}; \`${name}\` is also used as a value, so its callers are unknown` };
    }
    if (sites.calls.length === 0) return { kind: "report", tried: own };
    if (read && !returnsOnly(this.checker, fn, chain.end)) {
      return { kind: "report", tried: `${own}; \`${name}\` does not return the rows as read, so its callers were not tried` };
    }
    const tables = [table, ...this.parentTables(chain, table)];
    const checked = new Map(sites.calls.map((c) => [c, this.siteChecked(c, tables, read, 1, chain)] as const));
    const count = [...checked.values()].filter(Boolean).length;
    if (count === checked.size) return { kind: "scoped" };
    if (count > 0) return { kind: "callers", helper: fn, sites: checked };
    const n = checked.size;
    return {
      kind: "report",
      tried: `${own} or in ${n === 1 ? `\`${name}\`'s caller` : `any of \`${name}\`'s ${n} callers`}`,
    };
  }

  /**
   * A search by attribute whose row is only tested for existence: `const
   * taken = await db.query.stores.findFirst({ where: eq(stores.name, name) });
   * if (taken) throw …` (a uniqueness check). Nothing of the row is used, so
   * at most its existence shows. A lookup by primary key is not exempt: its
   * existence usually gates acting on that id.
   */
  private existenceOnly(chain: QueryChain, table: TableModel): boolean {
    const value = skipOuterUp(chain.end);
    const awaited = value.parent && ts.isAwaitExpression(value.parent) ? skipOuterUp(value.parent) : undefined;
    const declaration = awaited?.parent;
    if (!declaration || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name)) return false;
    const scope = chain.operation === "relational" ? { table } : {};
    const primary = new Set([...table.columns.values()].filter((c) => c.primaryKey).map((c) => c.key).concat(table.primaryKey ?? []));
    const byPrimaryKey = whereArguments(chain).some((where) =>
      describeCondition(this.program, where, scope).mentions.some(
        (m) => !m.negated && EQUALITY_OPERATORS.has(m.operator) && [...primary].some((key) => columnMatches(m.column, table, key)),
      ),
    );
    if (byPrimaryKey) return false;
    const references = variableReferences(this.checker, declaration as ts.VariableDeclaration & { name: ts.Identifier });
    return references.length > 0 && references.every((ref) => isTruthinessTest(ref));
  }

  /**
   * A read whose row only serves as compared values in the filters of queries
   * that are themselves owner- or tenant-scoped: a pagination cursor (`const
   * [cursor] = await db.select().from(chat).where(eq(chat.id, after))`, then
   * `gt(chat.createdAt, cursor.createdAt)` next to `eq(chat.userId, me)`).
   * Nothing of the row reaches the caller except through rows of the current
   * user or tenant; its existence may be tested. Any other use (returned,
   * rendered, a filter of an unscoped query) keeps the report.
   */
  private onlyFiltersScopedQueries(chain: QueryChain): boolean {
    const variable = boundVariable(this.checker, chain.end);
    const consumers = variable && filterOnlyUses(this.program, variable);
    if (!consumers) return false;
    return consumers.every((consumer) => {
      if (consumer === chain) return false;
      const table = chainTable(this.program, consumer);
      return !!table && this.scopeFor(consumer.start.getSourceFile()).scoping(consumer, table) === "filtered";
    });
  }

  /** Behind an admin or webhook guard; for reads, also in code marked public. */
  guarded(node: ts.Node, read: boolean): Guard | undefined {
    const found = guardOf(this.program, node, this.options.guards);
    return found && (found.kind !== "public" || read) ? found : undefined;
  }

  /**
   * A call of a helper that reads or writes `table` without an owner filter
   * is checked when: it runs behind a guard; the row it returns is compared
   * with the principal before use (reads); the caller checked a row of the
   * same table first (`if (chat?.userId !== me) return` before
   * `deleteChatById(id)`); or the caller hands the row on and every one of
   * its own callers checks it.
   */
  siteChecked(call: ts.CallExpression, tables: readonly TableModel[], read: boolean, depth: number, chain?: QueryChain): boolean {
    return guard(() => {
      if (this.guarded(call, read) || this.outOfScope(call)) return true;
      const [table] = tables;
      if (!table) return false;
      const caller = enclosingFunction(call);
      const scope = this.scopeFor(call.getSourceFile());
      if (chain && this.passesProvenValue(call, chain, table)) return true;
      if (read) {
        const variable = boundVariable(this.checker, call);
        const isRow = (e: ts.Expression) => !!variable && isDerivedFrom(this.checker, e, variable);
        const body: ts.Node = caller ?? call.getSourceFile();
        if (variable && mismatchExit(this.checker, body, { isRow, matches: scope.columnMatcher(table), from: call.getEnd() })) return true;
      }
      // a row of the same table, or of the parent the query selects by (`suggestion.documentId`), checked before the call,
      // in the calling function or a function around it (`if (chat.userId !== me) return` before a callback that calls)
      for (const checkedTable of tables) {
        const isRow = (e: ts.Expression) => this.isRowOf(e, checkedTable);
        const matches = scope.columnMatcher(checkedTable);
        for (let fn: ts.Node | undefined = caller ?? call.getSourceFile(); fn; fn = isFunctionLike(fn) ? (enclosingFunction(fn) ?? fn.getSourceFile()) : undefined) {
          if (mismatchExit(this.checker, fn, { isRow, matches, from: fn.getStart(), to: call.getStart() })) return true;
          if (ts.isSourceFile(fn)) break;
        }
      }
      if (!caller || depth >= MAX_CALLER_DEPTH) return false;
      const sites = callSitesOf(this.program, caller);
      if (sites.escapes || sites.calls.length === 0 || (read && !returnsOnly(this.checker, caller, call))) return false;
      return sites.calls.every((c) => this.siteChecked(c, tables, read, depth + 1));
    }, false);
  }

  /**
   * The helper's query selects by equality with one of its parameters, and
   * this call passes a value proven in the caller (read from a scoped row,
   * an inserted row, ...): `await setTitle(mine.id)` for `setTitle(id)`
   * updating `where(eq(posts.id, id))`.
   */
  private passesProvenValue(call: ts.CallExpression, chain: QueryChain, table: TableModel): boolean {
    const fn = enclosingFunction(chain.start);
    if (!fn) return false;
    const caller = this.scopeFor(call.getSourceFile());
    const scope = chain.operation === "relational" ? { table } : {};
    return whereArguments(chain).some((where) =>
      describeCondition(this.program, where, scope).mentions.some(
        (m) =>
          !m.negated &&
          EQUALITY_OPERATORS.has(m.operator) &&
          m.values.some((v) => {
            const value = skipOuter(v);
            const declaration = ts.isIdentifier(value) ? symbolAt(this.checker, value)?.valueDeclaration : undefined;
            if (!declaration || !ts.isParameter(declaration) || declaration.parent !== fn || declaration.dotDotDotToken) return false;
            const argument = call.arguments[fn.parameters.indexOf(declaration)];
            return !!argument && caller.provenValue(argument, call);
          }),
      ),
    );
  }

  /**
   * The tables a query selects its rows by: `eq(suggestion.documentId, id)`
   * with a foreign key from `documentId` to `document`. A caller that checked
   * the parent row authorizes the children it selects by it.
   */
  private parentTables(chain: QueryChain, table: TableModel): TableModel[] {
    return parentSelections(this.program, chain, table).map((s) => s.parent);
  }

  /**
   * Rows listed by a shared parent: the where requires an equality on a
   * declared foreign key to a table that is nobody's (`eq(entries.contestId,
   * id)` with `contests` having no owner or tenant column). Reading that
   * parent by id is never reported, and its rows are as visible as it is.
   * Reads only: a write changes other users' rows.
   */
  private selectsBySharedParent(chain: QueryChain, table: TableModel): boolean {
    // what this table's own owner or tenant columns reference is a principal even where the program-wide list misses it
    const principals = this.referencedByPrincipalColumns(table);
    return parentSelections(this.program, chain, table).some(
      (s) => s.required && !principals.includes(s.parent.call) && this.isSharedTable(s.parent),
    );
  }

  /**
   * A table whose rows belong to nobody: it has no owner or tenant column, no
   * owner or tenant column of the schema references it (`users`, `teams`: the
   * principals themselves), and no table it references through its foreign
   * keys (a few levels up) has an owner or tenant column.
   */
  private isSharedTable(table: TableModel): boolean {
    if (this.principalTables().has(table.call)) return false;
    const seen = new Set<ts.CallExpression>();
    const owned = (t: TableModel, depth: number): boolean => {
      if (seen.has(t.call)) return false;
      seen.add(t.call);
      if (columnsNamed(t, this.ownerAndTenantNames).length > 0) return true;
      return depth < MAX_PARENT_DEPTH && foreignKeyTargets(this.program, t).some((target) => owned(target.parent, depth + 1));
    };
    return !owned(table, 0);
  }

  /** The tables that owner or tenant columns of the program's schema reference (`users.id`, `teams.id`). */
  private principalTables(): Set<ts.CallExpression> {
    this.principals ??= new Set(programTables(this.program).flatMap((table) => this.referencedByPrincipalColumns(table)));
    return this.principals;
  }

  /** The tables a table's owner or tenant columns reference (`posts.userId` → `users`). */
  private referencedByPrincipalColumns(table: TableModel): ts.CallExpression[] {
    const keys = new Set(columnsNamed(table, this.ownerAndTenantNames).map((c) => c.key));
    if (keys.size === 0) return [];
    return foreignKeyTargets(this.program, table)
      .filter((target) => target.foreignKey.columns.some((c) => keys.has(c)))
      .map((target) => target.parent.call);
  }

  /** The value a row expression was read from is a query of `table`, or a call of a helper returning such a query's rows. */
  private isRowOf(expr: ts.Expression, table: TableModel): boolean {
    const source = rowSource(this.checker, expr);
    if (!source) return false;
    const chain = chainContaining(this.program, source);
    if (chain) return chainTable(this.program, chain)?.call === table.call;
    if (!ts.isCallExpression(source)) return false;
    const fn = resolveCallee(this.program, source);
    return !!fn && this.returnsRowsOf(fn, table);
  }

  private returnsRowsOf(fn: ts.FunctionLikeDeclaration, table: TableModel): boolean {
    const file = fn.getSourceFile();
    return queryChainsIn(this.program, file).some(
      (c) =>
        READ_OPERATIONS.has(c.operation) &&
        fn.pos <= c.start.pos &&
        c.end.end <= fn.end &&
        enclosingFunction(c.start) === fn &&
        chainTable(this.program, c)?.call === table.call &&
        returnsOnly(this.checker, fn, c.end),
    );
  }

  /** The functions that hold a checked query, by name: the candidates for call-site reports. */
  private candidateHelpers(): Map<string, ts.FunctionLikeDeclaration[]> {
    if (this.helperNames) return this.helperNames;
    const byName = new Map<string, ts.FunctionLikeDeclaration[]>();
    for (const file of this.program.getSourceFiles()) {
      if (!isUserSourceFile(file)) continue;
      for (const chain of queryChainsIn(this.program, file)) {
        const fn = enclosingFunction(chain.start);
        if (!fn) continue;
        // the name it is called by: `deletePost` for `DbStore.deletePost`
        const name = fn.name && ts.isIdentifier(fn.name) ? fn.name.text : functionName(fn);
        const list = byName.get(name) ?? [];
        if (!list.includes(fn)) list.push(fn);
        byName.set(name, list);
      }
    }
    this.helperNames = byName;
    return byName;
  }

  /** The reports on calls in `file` of helpers some of whose other callers check the row. */
  callSiteFindings(file: ts.SourceFile): Array<{ call: ts.CallExpression; chain: QueryChain; helper: ts.FunctionLikeDeclaration; checked: number; total: number }> {
    const out: Array<{ call: ts.CallExpression; chain: QueryChain; helper: ts.FunctionLikeDeclaration; checked: number; total: number }> = [];
    const helpers = this.candidateHelpers();
    for (const call of fileSyntax(file).calls) {
      const name = calleeName(call);
      const candidates = name === undefined ? undefined : helpers.get(name);
      if (!candidates || isQueryChainCall(this.program, call)) continue;
      // a call through an interface (`store.deletePost(id)` with `store: PostStore`) resolves to no body:
      // it is a site of each same-named helper whose call sites include it
      const resolved = guard(() => resolveCallee(this.program, call), undefined);
      for (const fn of resolved ? [resolved] : candidates) {
        for (const chain of queryChainsIn(this.program, fn.getSourceFile())) {
          if (enclosingFunction(chain.start) !== fn) continue;
          const verdict = this.verdict(chain);
          if (verdict.kind !== "callers" || verdict.sites.get(call) !== false) continue;
          const values = [...verdict.sites.values()];
          out.push({ call, chain, helper: fn, checked: values.filter(Boolean).length, total: values.length });
        }
      }
    }
    return out;
  }
}

const analyses = programCache(() => new Map<string, OwnerAnalysis>());

function analysisFor(context: AnalysisContext, options: ResolvedOptions): OwnerAnalysis {
  const byOptions = analyses(context.program);
  const key = JSON.stringify(options);
  let analysis = byOptions.get(key);
  if (!analysis) byOptions.set(key, (analysis = new OwnerAnalysis(context.program, options)));
  return analysis;
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

/**
 * `posts.userId or posts.teamId`: the columns the rule looked for, the
 * table's owner columns and then its tenant columns (a filter on either
 * scopes the query).
 */
function principalText(table: TableModel, columns: readonly ColumnModel[], options: ResolvedOptions): string {
  const tenants = columnsNamed(table, options.scopeColumns).filter((c) => !columns.includes(c));
  return [...columns, ...tenants].map((c) => `${tableDisplayName(table)}.${c.key}`).join(" or ");
}

export function analyzeOwnerFilters(context: AnalysisContext, ruleOptions: OwnerFilterOptions): Finding<MessageId>[] {
  const options = resolveOptions(context, ruleOptions);
  if (options.ownerColumns.length === 0) return [];
  const analysis = analysisFor(context, options);
  const findings: Finding<MessageId>[] = [];
  // audit columns, once, where the schema declares them
  for (const table of tablesInFile(context.program, context.sourceFile)) {
    if (isIgnoredTable(table, options.ignoreTables)) continue;
    for (const column of columnsNamed(table, options.ownerColumns)) {
      if (!isAuditColumn(column)) continue;
      findings.push({
        messageId: "auditOwnerColumn",
        data: { table: tableDisplayName(table), column: column.key },
        start: column.node.getStart(context.sourceFile),
        end: column.node.getEnd(),
      });
    }
  }
  for (const chain of queryChainsIn(context.program, context.sourceFile)) {
    const verdict = analysis.verdict(chain);
    if (verdict.kind !== "report") continue;
    const subject = analysis.subject(chain);
    if (!subject) continue;
    findings.push({
      messageId: "missingOwnerFilter",
      data: {
        table: tableDisplayName(subject.table),
        column: subject.columns.map((c) => c.key).join(" or "),
        verb: subject.verb,
        tried: verdict.tried,
        principal: principalText(subject.table, subject.columns, options),
      },
      ...reportRange(context, chain),
    });
  }
  for (const site of analysis.callSiteFindings(context.sourceFile)) {
    const subject = analysis.subject(site.chain);
    if (!subject) continue;
    findings.push({
      messageId: "uncheckedCallSite",
      data: {
        helper: functionName(site.helper),
        table: tableDisplayName(subject.table),
        column: subject.columns.map((c) => c.key).join(" or "),
        verb: subject.verb,
        checked: site.checked,
        total: site.total,
        principal: principalText(subject.table, subject.columns, options),
      },
      start: site.call.getStart(context.sourceFile),
      end: site.call.getEnd(),
    });
  }
  return findings;
}
