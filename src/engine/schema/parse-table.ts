import ts from "typescript";
import { drizzleImportName, drizzleImportSpecifierName, isDrizzleSymbol } from "../drizzle-symbols.js";
import { bindingElementKey, constantString, methodCall, skipOuter, staticPropertyName, stringValue, typeOf } from "../ts-utils.js";
import { localSymbolAt, symbolAt, valueSymbolAt } from "../symbols.js";
import type {
  Casing,
  ColumnModel,
  ExtraConfigShape,
  ForeignKeyModel,
  IndexColumn,
  IndexModel,
  TableModel,
} from "./model.js";

const MAX_SPREAD_DEPTH = 5;

/**
 * The drizzle-orm export an identifier is bound to. Uses the checker first
 * (aliases, re-exports) and falls back to the import declaration itself, so
 * exports that the installed drizzle-orm lacks (v1 `snakeCase`) still resolve
 * to their module.
 */
export function drizzleBinding(checker: ts.TypeChecker, expr: ts.Expression): string | undefined {
  const fromChecker = drizzleImportName(checker, expr);
  if (fromChecker) return fromChecker;
  const node = skipOuter(expr);
  if (!ts.isIdentifier(node)) return undefined;
  const symbol = localSymbolAt(checker, node);
  const decl = symbol?.declarations?.[0];
  return decl && drizzleImportSpecifierName(decl);
}

/** Member names under which a table function is reached: `p.pgTable`, `pgSchema("s").table`, `snakeCase.table`, `pgTable.withRLS`. */
const TABLE_MEMBERS = new Set(["pgTable", "table", "withRLS"]);

interface TableFunction {
  casing: Casing;
  pgSchema?: string;
  /** `pgTableCreator(fn)`: the name transform, when it can be evaluated. */
  rename?: (name: string) => string | undefined;
}

/** Evaluates simple `pgTableCreator` callbacks: `(n) => \`p_${n}\``, `(n) => "p_" + n`. */
function evaluateRename(fn: ts.Expression): ((name: string) => string | undefined) | undefined {
  const f = skipOuter(fn);
  if (!(ts.isArrowFunction(f) || ts.isFunctionExpression(f))) return undefined;
  const param = f.parameters[0];
  if (!param || !ts.isIdentifier(param.name)) return undefined;
  const paramName = param.name.text;
  let body: ts.Node = f.body;
  if (ts.isBlock(body)) {
    const ret = body.statements.find(ts.isReturnStatement);
    if (!ret?.expression || body.statements.length !== 1) return undefined;
    body = ret.expression;
  }
  const result = body as ts.Expression;
  return (name) => constantString(result, (e) => (ts.isIdentifier(e) && e.text === paramName ? name : undefined));
}

/**
 * The declaration behind a value symbol. Properties of spread objects
 * (`{ ...tables }.posts`) are transient symbols without a valueDeclaration:
 * use their single declaration.
 */
export function valueDeclarationOf(symbol: ts.Symbol | undefined): ts.Declaration | undefined {
  if (!symbol) return undefined;
  return symbol.valueDeclaration ?? (symbol.declarations?.length === 1 ? symbol.declarations[0] : undefined);
}

/** Follows an identifier to its `const x = <initializer>` (through imports and re-exports). */
function initializerOf(checker: ts.TypeChecker, expr: ts.Expression): ts.Expression | undefined {
  const node = skipOuter(expr);
  const decl = valueDeclarationOf(symbolAt(checker, ts.isPropertyAccessExpression(node) ? node.name : node));
  if (decl && ts.isVariableDeclaration(decl) && decl.initializer) return skipOuter(decl.initializer);
  return undefined;
}

/** `{ ownerId }`: the declaration of the value a shorthand property stands for (through imports). */
export function shorthandValueDeclaration(checker: ts.TypeChecker, prop: ts.ShorthandPropertyAssignment): ts.Declaration | undefined {
  return valueDeclarationOf(valueSymbolAt(checker, prop.name));
}

function shorthandInitializer(checker: ts.TypeChecker, prop: ts.ShorthandPropertyAssignment): ts.Expression | undefined {
  const decl = shorthandValueDeclaration(checker, prop);
  if (decl && ts.isVariableDeclaration(decl) && decl.initializer) return skipOuter(decl.initializer);
  return undefined;
}

/** Recognizes the function that builds a table: pgTable, pgTable.withRLS, pgSchema().table, pgTableCreator(), snakeCase.table. */
export function tableFunctionOf(checker: ts.TypeChecker, callee: ts.Expression, depth = 0): TableFunction | undefined {
  if (depth > 4) return undefined;
  const expr = skipOuter(callee);
  // `db.select()…as("sq")`, `[a, b].find(…)`: a method of what a call or a literal made, other than
  // `pgSchema(…).table` — never a table function, which is reached through a name, a namespace or `import()`
  // (asking would type the receiver: for a query chain, the whole query)
  if (ts.isPropertyAccessExpression(expr) && !TABLE_MEMBERS.has(expr.name.text)) {
    const receiver = skipOuter(expr.expression);
    const named = ts.isIdentifier(receiver) || ts.isPropertyAccessExpression(receiver) || ts.isElementAccessExpression(receiver) || ts.isAwaitExpression(receiver);
    if (!named && !(ts.isCallExpression(receiver) && receiver.expression.kind === ts.SyntaxKind.ImportKeyword)) return undefined;
  }
  const binding = drizzleBinding(checker, expr);
  if (binding === "pgTable") return { casing: "none" };
  if (ts.isPropertyAccessExpression(expr)) {
    const member = expr.name.text;
    const objectBinding = drizzleBinding(checker, expr.expression);
    if (member === "withRLS" && objectBinding === "pgTable") return { casing: "none" };
    if (member === "table") {
      if (objectBinding === "snakeCase") return { casing: "snake_case" };
      if (objectBinding === "camelCase") return { casing: "camelCase" };
      // pgSchema("name").table  or  const s = pgSchema("name"); s.table
      const schemaCall = ts.isCallExpression(skipOuter(expr.expression))
        ? (skipOuter(expr.expression) as ts.CallExpression)
        : initializerOf(checker, expr.expression);
      if (schemaCall && ts.isCallExpression(schemaCall) && drizzleBinding(checker, schemaCall.expression) === "pgSchema") {
        return { casing: "none", pgSchema: stringValue(schemaCall.arguments[0]) };
      }
    }
    if (member === "withRLS") {
      const inner = tableFunctionOf(checker, expr.expression, depth + 1);
      if (inner) return inner;
    }
  }
  // pgTableCreator(fn)(...) or const createTable = pgTableCreator(fn)
  const creatorCall = ts.isCallExpression(expr) ? expr : initializerOf(checker, expr);
  if (creatorCall && ts.isCallExpression(creatorCall) && drizzleBinding(checker, creatorCall.expression) === "pgTableCreator") {
    const fn = creatorCall.arguments[0];
    return { casing: "none", rename: fn ? evaluateRename(fn) : undefined };
  }
  if (ts.isIdentifier(expr) && depth < 4) {
    // const table = pgTable; const table = schema.table
    const init = initializerOf(checker, expr);
    if (init && init !== expr && (ts.isIdentifier(init) || ts.isPropertyAccessExpression(init))) {
      return tableFunctionOf(checker, init, depth + 1);
    }
  }
  return undefined;
}

/** Unwraps `.enableRLS()` and similar table-level wrappers around a table call. */
export function unwrapTableCall(expr: ts.Expression): ts.Expression {
  let e = skipOuter(expr);
  while (ts.isCallExpression(e)) {
    const m = methodCall(e);
    if (m && m.name === "enableRLS" && e.arguments.length === 0) e = skipOuter(m.object);
    else break;
  }
  return e;
}

function toSnake(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

function toCamel(key: string): string {
  return key.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The SQL name of a column declared without one, under a casing option. */
export function applyCasing(key: string, casing: Casing): string {
  if (casing === "snake_case") return toSnake(key);
  if (casing === "camelCase") return toCamel(key);
  return key;
}

/** Unwraps a column builder chain: returns the base call and the chained method calls (inner first). */
function builderChain(expr: ts.Expression): { base: ts.Expression; calls: Array<{ name: string; call: ts.CallExpression }> } {
  const calls: Array<{ name: string; call: ts.CallExpression }> = [];
  let e = skipOuter(expr);
  for (;;) {
    if (ts.isCallExpression(e)) {
      const m = methodCall(e);
      if (m) {
        const inner = skipOuter(m.object);
        // stop at the base builder call: `integer("x")` or `t.integer("x")`
        if (ts.isCallExpression(inner) || (ts.isPropertyAccessExpression(inner) && ts.isCallExpression(skipOuter(inner.expression)))) {
          calls.unshift({ name: m.name, call: e });
          e = inner;
          continue;
        }
      }
    }
    return { base: e, calls };
  }
}

/** `() => users.id`, `(): AnyPgColumn => users.id`, `() => { return users.id }`. */
function returnedExpression(fn: ts.Expression | undefined): ts.Expression | undefined {
  if (!fn) return undefined;
  const f = skipOuter(fn);
  if (!(ts.isArrowFunction(f) || ts.isFunctionExpression(f))) return undefined;
  if (!ts.isBlock(f.body)) return skipOuter(f.body);
  const ret = f.body.statements.find(ts.isReturnStatement);
  return ret?.expression ? skipOuter(ret.expression) : undefined;
}

function readObjectStrings(obj: ts.Expression | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const o = obj && skipOuter(obj);
  if (!o || !ts.isObjectLiteralExpression(o)) return out;
  for (const p of o.properties) {
    if (ts.isPropertyAssignment(p)) {
      const k = staticPropertyName(p.name);
      const v = stringValue(p.initializer);
      if (k && v !== undefined) out[k] = v;
    }
  }
  return out;
}

function parseColumn(key: string, node: ts.Node, value: ts.Expression, casing: Casing): ColumnModel {
  const { base, calls } = builderChain(value);
  let sqlName: string | undefined;
  if (ts.isCallExpression(base)) sqlName = stringValue(base.arguments[0]);
  const column: ColumnModel = {
    key,
    sqlName: sqlName ?? applyCasing(key, casing),
    nameFromKey: sqlName === undefined,
    node,
    primaryKey: false,
    unique: false,
    notNull: false,
  };
  for (const { name, call } of calls) {
    if (name === "primaryKey") {
      column.primaryKey = true;
      column.notNull = true;
    } else if (name === "unique") column.unique = true;
    else if (name === "notNull") column.notNull = true;
    else if (name === "references") {
      const actions = readObjectStrings(call.arguments[1]);
      column.references = {
        node: call,
        target: returnedExpression(call.arguments[0]),
        onDelete: actions.onDelete,
        onUpdate: actions.onUpdate,
      };
    }
  }
  return column;
}

interface ColumnsResult {
  columns: Map<string, ColumnModel>;
  complete: boolean;
}

function readColumnsObject(
  checker: ts.TypeChecker,
  obj: ts.ObjectLiteralExpression,
  casing: Casing,
  out: ColumnsResult,
  depth: number,
  reportNode?: ts.Node,
): void {
  for (const prop of obj.properties) {
    if (ts.isPropertyAssignment(prop)) {
      const key = staticPropertyName(prop.name);
      if (key === undefined) {
        out.complete = false;
        continue;
      }
      out.columns.set(key, parseColumn(key, reportNode ?? prop, prop.initializer, casing));
    } else if (ts.isShorthandPropertyAssignment(prop)) {
      const init = shorthandInitializer(checker, prop);
      if (init) out.columns.set(prop.name.text, parseColumn(prop.name.text, reportNode ?? prop, init, casing));
      else out.complete = false;
    } else if (ts.isSpreadAssignment(prop)) {
      const init = depth < MAX_SPREAD_DEPTH ? initializerOf(checker, prop.expression) : undefined;
      if (init && ts.isObjectLiteralExpression(init)) {
        readColumnsObject(checker, init, casing, out, depth + 1, reportNode ?? prop);
      } else {
        out.complete = false;
      }
    } else {
      out.complete = false;
    }
  }
}

function objectFromFunction(fn: ts.ArrowFunction | ts.FunctionExpression): ts.Expression | undefined {
  return returnedExpression(fn);
}

function readColumns(checker: ts.TypeChecker, arg: ts.Expression | undefined, casing: Casing): ColumnsResult {
  const out: ColumnsResult = { columns: new Map(), complete: true };
  if (!arg) return { ...out, complete: false };
  let e = skipOuter(arg);
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) e = objectFromFunction(e) ?? e;
  if (ts.isIdentifier(e)) e = initializerOf(checker, e) ?? e;
  if (!ts.isObjectLiteralExpression(e)) return { ...out, complete: false };
  readColumnsObject(checker, e, casing, out, 0);
  return out;
}

/** Maps the extra-config callback's parameter to column keys: `t.col`, or destructured names. */
interface ParamScope {
  paramName?: string;
  destructured: Map<string, string>;
  tableVariable?: string;
  /** An expression denoting the table itself (its variable), for self-references through the parameter. */
  self?: ts.Expression;
}

function columnKeyOf(expr: ts.Expression, scope: ParamScope): string | undefined {
  let e = skipOuter(expr);
  // unwrap `.asc()`, `.desc()`, `.nullsFirst()`, `.nullsLast()`, `.op("...")`
  while (ts.isCallExpression(e)) {
    const m = methodCall(e);
    if (m && ["asc", "desc", "nullsFirst", "nullsLast", "op"].includes(m.name)) e = skipOuter(m.object);
    else break;
  }
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) {
    const owner = e.expression.text;
    if (owner === scope.paramName || owner === scope.tableVariable) return e.name.text;
  }
  if (ts.isElementAccessExpression(e) && ts.isIdentifier(e.expression)) {
    const owner = e.expression.text;
    const k = stringValue(e.argumentExpression);
    if (k !== undefined && (owner === scope.paramName || owner === scope.tableVariable)) return k;
  }
  if (ts.isIdentifier(e) && scope.destructured.has(e.text)) return scope.destructured.get(e.text);
  return undefined;
}

/** An index expression: a drizzle `SQL` value (`sql\`lower(${t.email})\``), by type. */
function isSqlExpression(checker: ts.TypeChecker, expr: ts.Expression): boolean {
  if (ts.isSpreadElement(expr)) return false;
  // drizzle-orm's `sql` tag makes an `SQL`: known from its binding, without typing the template (which types
  // the table of the callback's parameter, its whole column map)
  const e = skipOuter(expr);
  if (ts.isTaggedTemplateExpression(e) && drizzleBinding(checker, e.tag) === "sql") return true;
  const symbol = typeOf(checker, expr)?.getSymbol();
  return symbol?.name === "SQL" && isDrizzleSymbol(symbol);
}

function columnKeys(exprs: readonly ts.Expression[], scope: ParamScope): string[] | undefined {
  const keys: string[] = [];
  for (const e of exprs) {
    const k = columnKeyOf(e, scope);
    if (k === undefined) return undefined;
    keys.push(k);
  }
  return keys;
}

function arrayElements(expr: ts.Expression | undefined): readonly ts.Expression[] | undefined {
  const e = expr && skipOuter(expr);
  if (e && ts.isArrayLiteralExpression(e) && !e.elements.some(ts.isSpreadElement)) return e.elements;
  return undefined;
}

function propertyOf(obj: ts.Expression | undefined, name: string): ts.Expression | undefined {
  const o = obj && skipOuter(obj);
  if (!o || !ts.isObjectLiteralExpression(o)) return undefined;
  for (const p of o.properties) {
    if (ts.isPropertyAssignment(p) && staticPropertyName(p.name) === name) return p.initializer;
  }
  return undefined;
}

interface ExtraResult {
  indexes: IndexModel[];
  primaryKey?: string[];
  uniques: string[][];
  foreignKeys: ForeignKeyModel[];
  complete: boolean;
}

function readExtraEntry(checker: ts.TypeChecker, entry: ts.Expression, scope: ParamScope, out: ExtraResult): void {
  const { base, calls } = builderChain(entry);
  if (!ts.isCallExpression(base)) {
    out.complete = false;
    return;
  }
  const fn = drizzleBinding(checker, base.expression);
  const find = (name: string) => calls.find((c) => c.name === name);
  switch (fn) {
    case "index":
    case "uniqueIndex": {
      const on = find("on") ?? find("onOnly");
      const using = find("using");
      const args = on ? on.call.arguments : using ? using.call.arguments.slice(1) : undefined;
      if (!args) {
        out.complete = false;
        return;
      }
      const columns: IndexColumn[] = [];
      for (const a of args) {
        const key = columnKeyOf(a, scope);
        if (key !== undefined) columns.push({ key });
        else if (isSqlExpression(checker, a)) columns.push({ expression: a });
        else {
          // `...cols`, `helper(t)`: may well be plain columns
          out.complete = false;
          return;
        }
      }
      out.indexes.push({
        node: entry,
        name: stringValue(base.arguments[0]),
        columns,
        unique: fn === "uniqueIndex",
        partial: !!find("where"),
      });
      return;
    }
    case "primaryKey": {
      const first = base.arguments[0] && skipOuter(base.arguments[0]);
      const cols =
        first && ts.isObjectLiteralExpression(first)
          ? arrayElements(propertyOf(first, "columns"))
          : base.arguments;
      const keys = cols && columnKeys(cols, scope);
      if (keys) out.primaryKey = keys;
      else out.complete = false;
      return;
    }
    case "unique": {
      const on = find("on");
      const keys = on && columnKeys(on.call.arguments, scope);
      if (keys) out.uniques.push(keys);
      else out.complete = false;
      return;
    }
    case "foreignKey": {
      const config = base.arguments[0];
      const cols = arrayElements(propertyOf(config, "columns"));
      const keys = cols && columnKeys(cols, scope);
      if (!keys) {
        out.complete = false;
        return;
      }
      const foreign = arrayElements(propertyOf(config, "foreignColumns")) ?? [];
      const first = foreign[0] && skipOuter(foreign[0]);
      const targetColumns = foreign
        .map((f) => skipOuter(f))
        .map((f) => (ts.isPropertyAccessExpression(f) ? f.name.text : undefined))
        .filter((k): k is string => k !== undefined);
      let targetTable: ts.Expression | undefined = first && ts.isPropertyAccessExpression(first) ? first.expression : undefined;
      // `foreignColumns: [t.id]`: a self-reference through the callback parameter
      if (targetTable && ts.isIdentifier(targetTable) && targetTable.text === scope.paramName) targetTable = scope.self;
      out.foreignKeys.push({ node: entry, origin: "foreignKey", columns: keys, targetTable, targetColumns });
      return;
    }
    case "check":
    case "pgPolicy":
      return;
    default:
      out.complete = false;
  }
}

function readExtra(
  checker: ts.TypeChecker,
  call: ts.CallExpression,
  variable: ts.VariableDeclaration | undefined,
): { result: ExtraResult; shape: ExtraConfigShape } {
  const self = variable && ts.isIdentifier(variable.name) ? variable.name : undefined;
  const out: ExtraResult = { indexes: [], uniques: [], foreignKeys: [], complete: true };
  const arg = call.arguments[2];
  if (!arg) {
    const columnsArg = call.arguments[1];
    return { result: out, shape: columnsArg ? { kind: "absent", columnsArg } : { kind: "other" } };
  }
  const fn = skipOuter(arg);
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) {
    out.complete = false;
    return { result: out, shape: { kind: "other" } };
  }
  const scope: ParamScope = { destructured: new Map(), tableVariable: self?.text, self };
  const param = fn.parameters[0];
  if (param) {
    if (ts.isIdentifier(param.name)) scope.paramName = param.name.text;
    else if (ts.isObjectBindingPattern(param.name)) {
      for (const el of param.name.elements) {
        if (!ts.isIdentifier(el.name)) continue;
        const key = bindingElementKey(el);
        if (key) scope.destructured.set(el.name.text, key);
      }
    }
  }
  const body = returnedExpression(fn);
  if (body && ts.isArrayLiteralExpression(body)) {
    for (const el of body.elements) {
      if (ts.isSpreadElement(el)) out.complete = false;
      else readExtraEntry(checker, el, scope, out);
    }
    return { result: out, shape: { kind: "array", callback: fn, container: body, paramName: scope.paramName } };
  }
  if (body && ts.isObjectLiteralExpression(body)) {
    for (const p of body.properties) {
      if (ts.isPropertyAssignment(p)) readExtraEntry(checker, p.initializer, scope, out);
      else out.complete = false;
    }
    return { result: out, shape: { kind: "object", callback: fn, container: body, paramName: scope.paramName } };
  }
  out.complete = false;
  return { result: out, shape: { kind: "other" } };
}

/**
 * Builds the model of a table from its declaring call. Returns undefined when
 * `expr` is not a recognized table declaration. Never throws on unusual shapes:
 * unreadable parts only mark the model incomplete.
 */
export function parseTableCall(checker: ts.TypeChecker, expr: ts.Expression, variable?: ts.VariableDeclaration): TableModel | undefined {
  const unwrapped = unwrapTableCall(expr);
  if (!ts.isCallExpression(unwrapped)) return undefined;
  const fn = tableFunctionOf(checker, unwrapped.expression);
  if (!fn) return undefined;
  const call = unwrapped;
  const declaredName = stringValue(call.arguments[0]);
  const jsName = variable && ts.isIdentifier(variable.name) ? variable.name.text : undefined;
  const sqlName = declaredName === undefined ? undefined : fn.rename ? fn.rename(declaredName) : declaredName;
  const cols = readColumns(checker, call.arguments[1], fn.casing);
  const { result: extra, shape } = readExtra(checker, call, variable);
  const foreignKeys: ForeignKeyModel[] = [];
  for (const column of cols.columns.values()) {
    if (!column.references) continue;
    const target = column.references.target;
    foreignKeys.push({
      node: column.node,
      origin: "column",
      columns: [column.key],
      targetTable: target && ts.isPropertyAccessExpression(target) ? target.expression : undefined,
      targetColumns: target && ts.isPropertyAccessExpression(target) ? [target.name.text] : [],
    });
  }
  foreignKeys.push(...extra.foreignKeys);
  const pkColumns = [...cols.columns.values()].filter((c) => c.primaryKey).map((c) => c.key);
  const uniques = [...cols.columns.values()].filter((c) => c.unique).map((c) => [c.key]);
  uniques.push(...extra.uniques);
  return {
    call,
    variable,
    jsName,
    declaredName,
    sqlName,
    pgSchema: fn.pgSchema,
    casing: fn.casing,
    columns: cols.columns,
    indexes: extra.indexes,
    primaryKey: extra.primaryKey ?? (pkColumns.length ? pkColumns : undefined),
    uniques,
    foreignKeys,
    extraConfig: shape,
    complete: { columns: cols.complete, extra: extra.complete },
  };
}
