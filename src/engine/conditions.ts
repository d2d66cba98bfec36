import ts from "typescript";
import { programCache } from "./cache.js";
import { PRIMITIVE_FLAGS, assertedMemberType, declaredTypesOf, isDeclaredPrimitive, isPrimitiveType } from "./declared-types.js";
import type { Lookup } from "./types.js";
import { drizzleImportName, drizzleTypeInfo, isDrizzleSymbol } from "./drizzle-symbols.js";
import type { TableModel } from "./schema/model.js";
import { resolveCallee } from "./callees.js";
import { isAssignmentTarget, isExportedVariable, variableReferences } from "./references.js";
import { resolveTable } from "./schema/resolve.js";
import { elementCallbackReceiver, isRowValue, isRowsArray, spreadItemTypes } from "./rows.js";
import { bindingElementKey, isFunctionLike, skipOuter, skipOuterUp, staticPropertyName, typeOf, unannotatedConstInitializer, walk } from "./ts-utils.js";
import { localSymbolAt, symbolAt, valueSymbolAt } from "./symbols.js";
import { guard } from "./guard.js";

/**
 * What a Drizzle condition expression (a `where`) mentions: which columns,
 * compared by which drizzle-orm operator, and whether every part of it could
 * be read. Shared by the rules that reason about filters.
 */

/** A column as a condition names it. */
export interface ColumnRef {
  /** Read from the source: `posts.userId`, `schema.posts.userId`, `t.userId` of a callback bound to a table. */
  table?: TableModel;
  key?: string;
  /** Read from the column's type (`PgColumn<{ tableName; name }>`) when the source does not say. */
  tableSqlName?: string;
  columnSqlName?: string;
  node: ts.Node;
}

export interface ColumnMention {
  column: ColumnRef;
  /** The drizzle-orm operator comparing it (`eq`, `inArray`, `ne`, ...); `sql` when interpolated in a `sql` template. */
  operator: string;
  /** Inside an odd number of `not(...)` / `NOT`. */
  negated: boolean;
  /**
   * Every row the condition keeps satisfies this comparison: it is reached
   * from the top only through `and`, a `const`, a helper's single return
   * (not inside `or`, `not`, `?:`, `&&`, `||`, `??`, a `let`, an array pushed to).
   */
  required: boolean;
  /** The other columns of the same comparison: `eq(posts.userId, users.id)` → `users.id`. */
  others: ColumnRef[];
  /**
   * The compared values that are not columns: `eq(posts.id, row.id)` → `row.id`,
   * `{ id: postId }` → `postId`. Empty for `sql` chunks and value-less operators.
   */
  values: ts.Expression[];
}

export interface ConditionSummary {
  mentions: ColumnMention[];
  /** Literal SQL text met in `sql` templates and `sql.raw("...")`. */
  sqlText: string[];
  /**
   * False when some part could not be read (a parameter, a helper from
   * another package, a call we do not model): callers must then not assume
   * anything about what the condition filters.
   */
  complete: boolean;
}

export interface ConditionScope {
  /**
   * The table a relational `where` is about: the first parameter of a
   * `where: (t, ops) => ...` callback and the keys of an object `where`
   * denote its columns.
   */
  table?: TableModel;
}

/** Drizzle operators that compare their operands. */
export const COMPARISON_OPERATORS: ReadonlySet<string> = new Set([
  "eq",
  "ne",
  "gt",
  "gte",
  "lt",
  "lte",
  "inArray",
  "notInArray",
  "isNull",
  "isNotNull",
  "between",
  "notBetween",
  "like",
  "notLike",
  "ilike",
  "notIlike",
  "arrayContains",
  "arrayContained",
  "arrayOverlaps",
]);

/** Operator keys of the object (relational v2) filter form, mapped to the operator names above. */
const OBJECT_FILTER_OPERATORS: ReadonlyMap<string, string> = new Map([
  ["eq", "eq"],
  ["ne", "ne"],
  ["gt", "gt"],
  ["gte", "gte"],
  ["lt", "lt"],
  ["lte", "lte"],
  ["in", "inArray"],
  ["notIn", "notInArray"],
  ["like", "like"],
  ["notLike", "notLike"],
  ["ilike", "ilike"],
  ["notIlike", "notIlike"],
  ["isNull", "isNull"],
  ["isNotNull", "isNotNull"],
  ["arrayContains", "arrayContains"],
  ["arrayContained", "arrayContained"],
  ["arrayOverlaps", "arrayOverlaps"],
]);

/** Array methods whose result holds (some of) the receiver's elements. */
const ARRAY_PRESERVING = new Set(["filter", "slice", "concat", "flat", "toReversed", "toSorted"]);
/** Array methods that add elements: their arguments become part of the array. */
const ARRAY_ADDING: ReadonlyMap<string, number> = new Map([
  ["push", 0],
  ["unshift", 0],
  ["splice", 2],
]);

const MAX_DEPTH = 40;

/** Does a column reference denote `table`'s column `key`? */
export function columnMatches(ref: ColumnRef, table: TableModel, key: string): boolean {
  if (ref.table && ref.key !== undefined) return ref.table.call === table.call && ref.key === key;
  if (ref.tableSqlName !== undefined && ref.columnSqlName !== undefined) {
    // the type carries the name given to pgTable (before a pgTableCreator prefix)
    // and, for unnamed columns, the key (before the casing option)
    const column = table.columns.get(key);
    return (
      !!column &&
      (ref.tableSqlName === table.declaredName || ref.tableSqlName === table.sqlName) &&
      (ref.columnSqlName === column.sqlName || ref.columnSqlName === column.key)
    );
  }
  return false;
}

/** Summaries per condition node and scope table, per program: the owner-filter and loop rules read the same wheres. */
const summaries = programCache(() => new WeakMap<ts.Node, Map<TableModel | undefined, ConditionSummary>>());

/**
 * Reads what a condition expression mentions. Never throws: unreadable parts
 * make the summary incomplete. Memoized: the summary is shared, read-only.
 */
export function describeCondition(program: ts.Program, expr: ts.Node, scope: ConditionScope = {}): ConditionSummary {
  const cache = summaries(program);
  let byTable = cache.get(expr);
  if (!byTable) cache.set(expr, (byTable = new Map<TableModel | undefined, ConditionSummary>()));
  const cached = byTable.get(scope.table);
  if (cached) return cached;
  const reader = new ConditionReader(program, scope);
  const read = guard(() => {
    reader.condition(expr, false, 0);
    return true;
  }, false);
  if (!read) reader.summary.complete = false;
  byTable.set(scope.table, reader.summary);
  return reader.summary;
}

class ConditionReader {
  readonly summary: ConditionSummary = { mentions: [], sqlText: [], complete: true };
  private readonly checker: ts.TypeChecker;
  private readonly visited = new Set<ts.Node>();
  /** Callback parameters bound to the scope table (destructured ones are read through their column types). */
  private readonly tableParams = new Set<ts.Symbol>();
  /** How many enclosing parts may drop what is read now (`or`, `?:`, ...): mentions read with it above 0 are not `required`. */
  private optional = 0;

  constructor(
    private readonly program: ts.Program,
    private readonly scope: ConditionScope,
  ) {
    this.checker = program.getTypeChecker();
  }

  private unreadable(): void {
    this.summary.complete = false;
  }

  /** Reads a part of the condition that not every kept row need satisfy. */
  private optionally(read: () => void): void {
    this.optional++;
    try {
      read();
    } finally {
      this.optional--;
    }
  }

  private get required(): boolean {
    return this.optional === 0;
  }

  /** A value used as a condition (`where(x)`, `and(x, ...)`, a `sql` chunk typed SQL). */
  condition(node: ts.Node, negated: boolean, depth: number): void {
    if (depth > MAX_DEPTH) return this.unreadable();
    if (isFunctionLike(node)) return this.callback(node, negated, depth);
    const e = skipOuter(node as ts.Expression);
    if (
      e.kind === ts.SyntaxKind.NullKeyword ||
      e.kind === ts.SyntaxKind.TrueKeyword ||
      e.kind === ts.SyntaxKind.FalseKeyword ||
      ts.isVoidExpression(e) ||
      (ts.isIdentifier(e) && e.text === "undefined" && !localSymbolAt(this.checker, e)?.valueDeclaration)
    ) {
      return;
    }
    if (ts.isConditionalExpression(e)) {
      return this.optionally(() => {
        this.condition(e.whenTrue, negated, depth + 1);
        this.condition(e.whenFalse, negated, depth + 1);
      });
    }
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      // `guard && cond`: the value is the condition or a falsy guard, which filters nothing
      if (op === ts.SyntaxKind.AmpersandAmpersandToken) return this.optionally(() => this.condition(e.right, negated, depth + 1));
      if (op === ts.SyntaxKind.CommaToken) return this.condition(e.right, negated, depth + 1);
      if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) {
        return this.optionally(() => {
          this.condition(e.left, negated, depth + 1);
          this.condition(e.right, negated, depth + 1);
        });
      }
      return this.unreadable();
    }
    if (ts.isArrayLiteralExpression(e)) {
      for (const element of e.elements) this.condition(element, negated, depth + 1);
      return;
    }
    if (ts.isSpreadElement(e)) return this.condition(e.expression, negated, depth + 1);
    if (ts.isTaggedTemplateExpression(e)) {
      if (this.operatorName(e.tag) === "sql") return this.sqlTemplate(e.template, negated, depth);
      return this.unreadable();
    }
    if (ts.isCallExpression(e)) return this.call(e, negated, depth);
    if (ts.isObjectLiteralExpression(e) && this.scope.table) return this.objectFilter(e, this.scope.table, negated, depth);
    if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) return this.reference(e, negated, depth);
    return this.unreadable();
  }

  /** `(t, { eq }) => eq(t.userId, id)`, or a method `where(t, ops) { ... }`. */
  private callback(fn: ts.FunctionLikeDeclaration, negated: boolean, depth: number): void {
    const first = fn.parameters[0];
    if (first && this.scope.table) this.bindTableParam(first.name);
    this.returns(fn, negated, depth);
  }

  private bindTableParam(name: ts.BindingName): void {
    if (ts.isIdentifier(name)) {
      const symbol = localSymbolAt(this.checker, name);
      if (symbol) this.tableParams.add(symbol);
    }
    // destructured columns (`({ userId }) => ...`) are read through their column type
  }

  /** Every value a function returns. */
  private returns(fn: ts.FunctionLikeDeclaration, negated: boolean, depth: number): void {
    if (this.visited.has(fn)) return;
    this.visited.add(fn);
    const body = fn.body;
    if (!body) return this.unreadable();
    if (!ts.isBlock(body)) return this.condition(body, negated, depth + 1);
    const returned: ts.Expression[] = [];
    walk(body, (node) => {
      if (node !== body && isFunctionLike(node)) return false;
      if (ts.isReturnStatement(node) && node.expression) returned.push(node.expression);
      return undefined;
    });
    // one of several returns is one of the conditions the helper may build
    const read = () => {
      for (const e of returned) this.condition(e, negated, depth + 1);
    };
    if (returned.length > 1) this.optionally(read);
    else read();
  }

  private call(call: ts.CallExpression, negated: boolean, depth: number): void {
    const name = this.operatorName(call.expression);
    if (name !== undefined) {
      if (name === "and") {
        for (const arg of call.arguments) this.condition(arg, negated, depth + 1);
        return;
      }
      if (name === "or") {
        return this.optionally(() => {
          for (const arg of call.arguments) this.condition(arg, negated, depth + 1);
        });
      }
      if (name === "not") {
        return this.optionally(() => {
          for (const arg of call.arguments) this.condition(arg, !negated, depth + 1);
        });
      }
      if (COMPARISON_OPERATORS.has(name)) return this.comparison(call, name, negated, depth);
      if (name === "raw") {
        const text = call.arguments[0] && skipOuter(call.arguments[0]);
        if (text && ts.isStringLiteralLike(text)) this.summary.sqlText.push(text.text);
        else this.unreadable();
        return;
      }
      if (name === "join") {
        for (const arg of call.arguments) this.sqlChunk(arg, negated, depth + 1);
        return;
      }
      // exists(...) and everything else: a subquery or expression we do not model
      return this.unreadable();
    }
    // conds.filter(Boolean), [...a].concat(b)
    const callee = skipOuter(call.expression);
    if (ts.isPropertyAccessExpression(callee) && ARRAY_PRESERVING.has(callee.name.text)) {
      const receiver = typeOf(this.checker, callee.expression);
      if (receiver && (this.checker.isArrayType(receiver) || this.checker.isTupleType(receiver))) {
        this.condition(callee.expression, negated, depth + 1);
        if (callee.name.text === "concat") for (const arg of call.arguments) this.condition(arg, negated, depth + 1);
        return;
      }
    }
    // a helper function of the project that builds the condition
    const fn = resolveCallee(this.program, call);
    if (fn) return this.returns(fn, negated, depth);
    this.unreadable();
  }

  private comparison(call: ts.CallExpression, operator: string, negated: boolean, depth: number): void {
    const columns: ColumnRef[] = [];
    const values: ts.Expression[] = [];
    let unknown = false;
    for (const arg of call.arguments) {
      const ref = this.column(arg, 0);
      if (ref && ref !== "unknown") {
        columns.push(ref);
        continue;
      }
      // next to a known column, an operand typed `any` is the compared value
      if (ref === "unknown") unknown = true;
      values.push(arg);
      const e = skipOuter(arg);
      if (!ref && ts.isTaggedTemplateExpression(e)) this.condition(e, negated, depth + 1);
    }
    if (unknown && columns.length === 0) this.unreadable();
    for (const column of columns) {
      this.summary.mentions.push({ column, operator, negated, required: this.required, others: columns.filter((c) => c !== column), values });
    }
  }

  /** A `const` without a type annotation holding a drizzle-orm `sql` template. */
  private heldSqlTemplate(node: ts.Expression): boolean {
    const e = skipOuter(node);
    if (!ts.isIdentifier(e)) return false;
    const initializer = unannotatedConstInitializer(this.referenceSymbol(e)?.valueDeclaration);
    const init = initializer && skipOuter(initializer);
    return !!init && ts.isTaggedTemplateExpression(init) && this.operatorName(init.tag) === "sql";
  }

  private sqlTemplate(template: ts.TemplateLiteral, negated: boolean, depth: number): void {
    if (ts.isNoSubstitutionTemplateLiteral(template)) {
      this.summary.sqlText.push(template.text);
      return;
    }
    this.summary.sqlText.push(template.head.text);
    for (const span of template.templateSpans) {
      this.sqlChunk(span.expression, negated, depth + 1);
      this.summary.sqlText.push(span.literal.text);
    }
  }

  /** An interpolation of a `sql` template, or a chunk of `sql.join`. */
  private sqlChunk(node: ts.Expression, negated: boolean, depth: number): void {
    // `${liveMinimum}` with `const liveMinimum = sql\`…\``: an SQL by drizzle-orm's binding, read as a condition
    // without typing it (which types its interpolations, say a table's columns)
    if (this.heldSqlTemplate(node)) return this.condition(node, negated, depth);
    const ref = this.column(node, 0);
    if (ref === "unknown") return this.unreadable();
    if (ref) {
      this.summary.mentions.push({ column: ref, operator: "sql", negated, required: this.required, others: [], values: [] });
      return;
    }
    const e = skipOuter(node);
    if (ts.isArrayLiteralExpression(e)) {
      for (const element of e.elements) this.sqlChunk(element, negated, depth + 1);
      return;
    }
    // `${baseLimit}` with `const baseLimit = toDecimal(limit).toString()`: a value by declarations (typing it would type `limit`)
    if (isDeclaredPrimitive(this.checker, e)) return;
    const info = drizzleTypeInfo(this.program, typeOf(this.checker, e));
    if (!info.complete) return this.unreadable();
    if (info.names.has("SQL")) return this.condition(e, negated, depth);
    // tables, placeholders and params name no row filter; other drizzle objects (subqueries, views) we do not model
    if (["Table", "Placeholder", "Param"].some((n) => info.names.has(n))) return;
    if (info.names.size > 0) return this.unreadable();
    // a plain value (the user id, a string): bound as a parameter
  }

  /** The object filter form: `{ userId: id }`, `{ userId: { in: ids } }`, `{ OR: [...] }`, `{ NOT: {...} }`. */
  private objectFilter(object: ts.ObjectLiteralExpression, table: TableModel, negated: boolean, depth: number): void {
    for (const property of object.properties) {
      if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property)) {
        this.unreadable();
        continue;
      }
      const key = staticPropertyName(property.name);
      const value = ts.isPropertyAssignment(property) ? property.initializer : property.name;
      if (key === undefined) {
        this.unreadable();
        continue;
      }
      if (key === "AND" || key === "OR") {
        const list = skipOuter(value);
        const read = () => {
          if (ts.isArrayLiteralExpression(list)) {
            for (const element of list.elements) this.objectFilterValue(element, table, negated, depth + 1);
          } else this.unreadable();
        };
        if (key === "OR") this.optionally(read);
        else read();
        continue;
      }
      if (key === "NOT") {
        this.optionally(() => this.objectFilterValue(value, table, !negated, depth + 1));
        continue;
      }
      if (key === "RAW") {
        this.condition(value, negated, depth + 1);
        continue;
      }
      if (!table.columns.has(key)) {
        // a relation filter (`{ author: { ... } }`) constrains related rows, not this table's columns
        if (!table.complete.columns) this.unreadable();
        continue;
      }
      const column: ColumnRef = { table, key, node: property.name };
      const operand = skipOuter(value);
      if (!ts.isObjectLiteralExpression(operand)) {
        const type = typeOf(this.checker, operand);
        // a plain value means equality; an object held in a variable may be an operator object
        if (type && type.flags & (ts.TypeFlags.Object | ts.TypeFlags.Any | ts.TypeFlags.Unknown) && !isDateLike(type)) {
          this.unreadable();
          continue;
        }
        this.summary.mentions.push({ column, operator: "eq", negated, required: this.required, others: [], values: [value] });
        continue;
      }
      this.columnOperators(column, operand, negated);
    }
  }

  /** `{ eq: x }`, `{ in: ids }`, `{ NOT: { eq: x } }` applied to one column. */
  private columnOperators(column: ColumnRef, operators: ts.ObjectLiteralExpression, negated: boolean): void {
    for (const op of operators.properties) {
      const opKey = ts.isPropertyAssignment(op) || ts.isShorthandPropertyAssignment(op) ? staticPropertyName(op.name) : undefined;
      if (opKey === "NOT" && ts.isPropertyAssignment(op)) {
        const inner = skipOuter(op.initializer);
        if (ts.isObjectLiteralExpression(inner)) this.optionally(() => this.columnOperators(column, inner, !negated));
        else this.unreadable();
        continue;
      }
      const operator = opKey !== undefined ? OBJECT_FILTER_OPERATORS.get(opKey) : undefined;
      const values = ts.isPropertyAssignment(op) ? [op.initializer] : ts.isShorthandPropertyAssignment(op) ? [op.name] : [];
      if (operator) this.summary.mentions.push({ column, operator, negated, required: this.required, others: [], values });
      else this.unreadable();
    }
  }

  private objectFilterValue(node: ts.Expression, table: TableModel, negated: boolean, depth: number): void {
    const e = skipOuter(node);
    if (ts.isObjectLiteralExpression(e)) return this.objectFilter(e, table, negated, depth);
    this.unreadable();
  }

  /** A condition held in a variable: its initializer, later assignments, and elements pushed to it. */
  private reference(e: ts.Identifier | ts.PropertyAccessExpression, negated: boolean, depth: number): void {
    const symbol = this.referenceSymbol(e);
    const decl = symbol?.valueDeclaration;
    if (!symbol || !decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name)) return this.unreadable();
    if (decl.getSourceFile().isDeclarationFile) return this.unreadable();
    if (this.visited.has(decl)) return;
    this.visited.add(decl);
    const isConst = !!(decl.parent.flags & ts.NodeFlags.Const);
    // a `let` may hold another value when the query runs
    if (decl.initializer) {
      const initializer = decl.initializer;
      if (isConst) this.condition(initializer, negated, depth + 1);
      else this.optionally(() => this.condition(initializer, negated, depth + 1));
    }
    if (!isConst && isExportedVariable(decl)) this.unreadable();
    let assignments = 0;
    for (const ref of variableReferences(this.checker, decl as ts.VariableDeclaration & { name: ts.Identifier })) {
      const use = skipOuterUp(ref);
      const parent = use.parent;
      if (!parent) continue;
      // x = cond, x ||= cond
      if (isAssignmentTarget(ref)) {
        assignments++;
        if (ts.isBinaryExpression(parent)) this.optionally(() => this.condition(parent.right, negated, depth + 1));
        else this.unreadable();
        continue;
      }
      // conds.push(cond), conds.unshift(cond), conds.splice(i, n, cond)
      if (ts.isPropertyAccessExpression(parent) && parent.expression === use) {
        const from = ARRAY_ADDING.get(parent.name.text);
        const call = parent.parent;
        if (from !== undefined && ts.isCallExpression(call) && call.expression === parent) {
          call.arguments.forEach((arg, i) => {
            if (i >= from) this.optionally(() => this.condition(arg, negated, depth + 1));
          });
        }
        continue;
      }
      // an array handed to a function of ours may be filled there
      if (ts.isCallExpression(parent) && parent.arguments.includes(use as ts.Expression)) {
        const initializer = decl.initializer && skipOuter(decl.initializer);
        if (initializer && ts.isArrayLiteralExpression(initializer) && this.operatorName(parent.expression) === undefined) {
          this.unreadable();
        }
      }
    }
    // `declare const x: SQL`, `for (const x of ...)`, a `let` assigned elsewhere
    if (!decl.initializer && assignments === 0) this.unreadable();
  }

  /**
   * The column an expression denotes; undefined when it is not a column (a
   * value); "unknown" when it is a column we cannot identify.
   */
  private column(node: ts.Expression, depth: number): Lookup<ColumnRef> {
    if (depth > MAX_DEPTH) return "unknown";
    const e = skipOuter(node);
    // a value read from query rows (`item.attachmentId` for `item` of `await db.select()…`), or an array of
    // rows or of what they map to (`ids = rows.map((r) => r.id)`): never a column
    if (isRowValue(this.program, e) || isRowsArray(this.program, e)) return undefined;
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      const key = ts.isPropertyAccessExpression(e) ? e.name.text : staticPropertyName(e.argumentExpression as ts.PropertyName);
      const table = key !== undefined ? this.tableOf(e.expression) : undefined;
      if (table && key !== undefined && table.columns.has(key)) return { table, key, node: e };
    } else if (ts.isIdentifier(e)) {
      // const col = posts.userId
      const decl = this.referenceSymbol(e)?.valueDeclaration;
      // `const idCol = (…)[name] as typeof applications.applicationId`: the column the declaration names
      const named = decl && ts.isVariableDeclaration(decl) ? this.columnOfTypeQuery(decl, e) : undefined;
      if (named) return named;
      if (decl && ts.isVariableDeclaration(decl) && decl.initializer && !decl.getSourceFile().isDeclarationFile) {
        if (!this.visited.has(decl)) {
          this.visited.add(decl);
          try {
            const inner = this.column(decl.initializer, depth + 1);
            if (inner) return inner;
          } finally {
            this.visited.delete(decl);
          }
        }
      }
    }
    return this.columnByType(e);
  }

  /**
   * A `const` whose type is written as a column's, `typeof posts.userId`: in
   * its annotation or as the assertion its initializer ends with. The column
   * its type names, read from the source (typing the declaration would type
   * the table, and what is asserted).
   */
  private columnOfTypeQuery(decl: ts.VariableDeclaration, node: ts.Expression): ColumnRef | undefined {
    if (!(ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const)) return undefined;
    let init = decl.initializer;
    while (init && ts.isParenthesizedExpression(init)) init = init.expression;
    const written = decl.type ?? (init && (ts.isAsExpression(init) || ts.isTypeAssertionExpression(init)) ? init.type : undefined);
    if (!written || !ts.isTypeQueryNode(written) || written.typeArguments?.length) return undefined;
    const name = written.exprName;
    if (!ts.isQualifiedName(name) || !ts.isIdentifier(name.left)) return undefined;
    const table = this.tableOf(name.left);
    const key = name.right.text;
    return table?.columns.has(key) ? { table, key, node } : undefined;
  }

  /** A column identified by its type: `PgColumn<{ tableName: "posts"; name: "user_id" }>`. */
  private columnByType(e: ts.Expression): Lookup<ColumnRef> {
    // a parameter or variable declared with a primitive type (`id: number`, `for (const id of ids)` over
    // `ids: number[]`) is a value, whatever a guard narrows it to: no need to type the use (flow analysis)
    if (ts.isIdentifier(e) && this.declaredValue(this.referenceSymbol(e))) return undefined;
    // `item.id` in `chunk.map((item) => …)`: read through the array's element type
    if (ts.isPropertyAccessExpression(e) && this.elementPropertyValue(e)) return undefined;
    // `toDecimal(limit).toString()`: a primitive by its callees' declared return types
    if (isDeclaredPrimitive(this.checker, e)) return undefined;
    // `(table as unknown as Record<string, unknown>)[name]`: an `unknown` member of the asserted type is read as
    // the checker would type it, without typing `table`
    const asserted = assertedMemberType(this.checker, e);
    const type = asserted && asserted.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any) ? asserted : typeOf(this.checker, e);
    const info = drizzleTypeInfo(this.program, type);
    if (!info.complete) return ts.isPropertyAccessExpression(e) || ts.isIdentifier(e) ? "unknown" : undefined;
    if (!type || !info.names.has("Column")) return undefined;
    const config = type.getProperty("_");
    const configType = config ? this.checker.getTypeOfSymbol(config) : undefined;
    const literal = (name: string): string | undefined => {
      const prop = configType?.getProperty(name);
      const t = prop ? this.checker.getTypeOfSymbol(prop) : undefined;
      return t?.isStringLiteral() && t.value !== "" ? t.value : undefined;
    };
    const tableSqlName = literal("tableName");
    const columnSqlName = literal("name");
    if (tableSqlName === undefined || columnSqlName === undefined) return "unknown";
    return { tableSqlName, columnSqlName, node: e };
  }

  /**
   * A variable or parameter declared with a primitive type or an array of
   * one, read without flow analysis: its annotation (`id: number`,
   * `ids: string[]`), or for `for (const id of ids)` the element type of what
   * `ids` is declared with. A guard cannot narrow such a value to a column.
   */
  private declaredValue(symbol: ts.Symbol | undefined): boolean {
    const decl = symbol?.valueDeclaration;
    if (decl && (ts.isBindingElement(decl) || (ts.isParameter(decl) && !decl.type))) return this.elementValue(decl);
    if (!decl || !(ts.isVariableDeclaration(decl) || ts.isParameter(decl))) return false;
    const checker = this.checker;
    const isValueType = (t: ts.Type, depth = 0): boolean =>
      (t.isUnion() ? t.types : [t]).every(
        (m) =>
          (m.flags & PRIMITIVE_FLAGS) !== 0 ||
          (depth === 0 && (checker.isArrayType(m) || checker.isTupleType(m)) && checker.getTypeArguments(m as ts.TypeReference).every((a) => isValueType(a, 1))),
      );
    return guard(() => {
      if (decl.type) return isValueType(checker.getTypeFromTypeNode(decl.type));
      const loop = decl.parent.parent;
      if (ts.isVariableDeclaration(decl) && ts.isForOfStatement(loop) && !loop.awaitModifier && ts.isIdentifier(decl.name)) {
        // `for (const id of [...byId.keys()].sort())` over `byId = new Map<string, …>()`
        const items = spreadItemTypes(checker, loop.expression);
        if (items) return items.every((t) => isValueType(t, 1));
        const iterated = declaredTypesOf(checker, loop.expression);
        return (
          !!iterated?.length &&
          iterated.every((t) => (checker.isArrayType(t) || checker.isTupleType(t)) && checker.getTypeArguments(t as ts.TypeReference).every((a) => isValueType(a)))
        );
      }
      return false;
    }, false);
  }

  /**
   * The parameter of an element callback, or a name destructured from it
   * (`chunk.map(([id, data]) => …)`), or a property read from one
   * (`item.id`), whose type in the array's element type is primitive. Typed through the array (`chunk`), not the parameter: the
   * parameter's type comes from resolving the whole call, which checks the
   * callback's body (for a query returned there, the query's result type).
   * A guard cannot narrow a primitive to a column.
   */
  private elementPropertyValue(access: ts.PropertyAccessExpression): boolean {
    const path: string[] = [];
    let root: ts.Expression = access;
    while (ts.isPropertyAccessExpression(root)) {
      path.unshift(root.name.text);
      root = skipOuter(root.expression);
    }
    const decl = ts.isIdentifier(root) ? this.referenceSymbol(root)?.valueDeclaration : undefined;
    return !!decl && (ts.isBindingElement(decl) || (ts.isParameter(decl) && !decl.type)) && this.elementValue(decl, path);
  }

  private elementValue(decl: ts.BindingElement | ts.ParameterDeclaration, after: readonly string[] = []): boolean {
    const path: Array<string | number> = [...after];
    let node: ts.Node = decl;
    while (ts.isBindingElement(node)) {
      const pattern = node.parent;
      if (node.dotDotDotToken) return false;
      if (ts.isArrayBindingPattern(pattern)) path.unshift(pattern.elements.indexOf(node));
      else {
        const key = bindingElementKey(node);
        if (key === undefined) return false;
        path.unshift(key);
      }
      node = pattern.parent;
    }
    if (!ts.isParameter(node) || node.type) return false;
    const receiver = elementCallbackReceiver(node);
    if (!receiver) return false;
    const checker = this.checker;
    return guard(() => {
      let type: ts.Type | undefined = typeOf(checker, receiver);
      type = type && checker.getIndexTypeOfType(type, ts.IndexKind.Number);
      for (const step of path) {
        if (!type) return false;
        type = typeof step === "number" ? (checker.isTupleType(type) ? checker.getTypeArguments(type as ts.TypeReference)[step] : checker.getIndexTypeOfType(type, ts.IndexKind.Number)) : type.getProperty(step) && checker.getTypeOfSymbol(type.getProperty(step)!);
      }
      return !!type && isPrimitiveType(type);
    }, false);
  }

  private tableOf(expr: ts.Expression): TableModel | undefined {
    const e = skipOuter(expr);
    if (this.scope.table && ts.isIdentifier(e)) {
      const symbol = localSymbolAt(this.checker, e);
      if (symbol && this.tableParams.has(symbol)) return this.scope.table;
    }
    return guard(() => resolveTable(this.program, e), undefined);
  }

  /** The drizzle-orm operator a callee denotes: imported (`eq`, `ops.eq`) or destructured from the operators parameter. */
  private operatorName(callee: ts.Expression): string | undefined {
    const name = drizzleImportName(this.checker, callee);
    if (name !== undefined) return name;
    const e = skipOuter(callee);
    if (!ts.isIdentifier(e)) return undefined;
    const decl = localSymbolAt(this.checker, e)?.valueDeclaration;
    if (!decl || !ts.isBindingElement(decl) || !ts.isObjectBindingPattern(decl.parent)) return undefined;
    const key = bindingElementKey(decl);
    const patternType = key !== undefined ? typeOf(this.checker, decl.parent) : undefined;
    const property = key !== undefined ? patternType?.getProperty(key) : undefined;
    return property && isDrizzleSymbol(property) ? key : undefined;
  }

  /** The symbol a reference denotes, through imports and `{ where }` shorthands. */
  private referenceSymbol(e: ts.Identifier | ts.PropertyAccessExpression): ts.Symbol | undefined {
    return ts.isIdentifier(e) ? valueSymbolAt(this.checker, e) : symbolAt(this.checker, e.name);
  }
}

function isDateLike(type: ts.Type): boolean {
  return type.getSymbol()?.name === "Date";
}
