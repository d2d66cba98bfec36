import ts from "typescript";
import { programCache } from "./cache.js";
import { exprIsDbLike, exprIsTransaction } from "./drizzle-symbols.js";
import type { TableModel } from "./schema/model.js";
import { relationalTableByDeclaration, relationalTableByRootType } from "./schema/relational.js";
import { resolveTable, tablesWithSqlName } from "./schema/resolve.js";
import { fileSyntax } from "./syntax-index.js";
import { isPromiseCombinator, methodCall, skipOuter, skipOuterUp, staticPropertyName, typeOf } from "./ts-utils.js";
import { guard } from "./guard.js";
import { timed } from "./profile.js";

/** What a query chain does. */
export type QueryOperation =
  | "select"
  | "insert"
  | "update"
  | "delete"
  | "count"
  | "relational"
  | "execute"
  | "refresh";

export const WRITE_OPERATIONS: ReadonlySet<QueryOperation> = new Set(["insert", "update", "delete"]);

/** Methods that start a query on a database or transaction, and what the query does. A Map: a method name never reads `Object.prototype` (`x.toString()`). */
const ROOT_METHODS: ReadonlyMap<string, QueryOperation> = new Map([
  ["select", "select"],
  ["selectDistinct", "select"],
  ["selectDistinctOn", "select"],
  ["insert", "insert"],
  ["update", "update"],
  ["delete", "delete"],
  ["$count", "count"],
  ["execute", "execute"],
  ["refreshMaterializedView", "refresh"],
]);

const RELATIONAL_METHODS = new Set(["findMany", "findFirst"]);

/** Method names that start or run a query on a database, transaction or prepared statement. */
export const QUERY_METHOD_NAMES: ReadonlySet<string> = new Set([
  ...ROOT_METHODS.keys(),
  ...RELATIONAL_METHODS,
  "transaction",
  "batch",
  "execute",
]);

/** Chain methods that run the query. */
export const RUNNER_METHODS = new Set(["execute", "then", "catch", "finally"]);

export interface ChainCall {
  name: string;
  call: ts.CallExpression;
}

/** A Drizzle query chain rooted at a database or transaction, found by type. */
export interface QueryChain {
  /** The database/transaction expression (`db`, `tx`, `this.db`). */
  root: ts.Expression;
  rootKind: "database" | "transaction";
  operation: QueryOperation;
  /** The first call on the root: `db.select(...)`, `db.query.posts.findMany(...)`, `db.with(cte).update(...)`. */
  start: ts.CallExpression;
  /** `db.query.<key>` for relational queries. */
  relationalKey?: string;
  /** Calls after `start`, in source order. */
  calls: ChainCall[];
  /** The outermost expression of the chain. */
  end: ts.Expression;
  /** The target table expression: `from(t)`, `insert(t)`, `update(t)`, `delete(t)`, `$count(t)`. */
  tableExpr?: ts.Expression;
}

/** How the value of a chain is used where it stands. */
export type ChainUse =
  /** awaited, or run with `.execute()` / `.then()` */
  | "executed"
  /** `.prepare()`d: runs later through the prepared statement */
  | "prepared"
  /** returned from a function: runs where the caller awaits it */
  | "returned"
  /** left as a builder (pushed to an array, assigned, passed to db.batch) */
  | "built";

function chainStart(program: ts.Program, call: ts.CallExpression): Omit<QueryChain, "calls" | "end" | "tableExpr"> | undefined {
  const m = methodCall(call);
  if (!m) return undefined;
  // db.query.posts.findMany(...)
  if (RELATIONAL_METHODS.has(m.name)) {
    const table = skipOuter(m.object);
    if (!ts.isPropertyAccessExpression(table) && !ts.isElementAccessExpression(table)) return undefined;
    const query = skipOuter(table.expression);
    if (!ts.isPropertyAccessExpression(query) || query.name.text !== "query") return undefined;
    const root = query.expression;
    const kind = rootKindOf(program, root);
    if (!kind) return undefined;
    const key = ts.isPropertyAccessExpression(table) ? table.name.text : staticPropertyName(table.argumentExpression as ts.PropertyName);
    return { root, rootKind: kind, operation: "relational", start: call, relationalKey: key };
  }
  const operation = ROOT_METHODS.get(m.name);
  let root = m.object;
  // db.with(cte).select()/update()/... : the operation is the method called on `with(...)`
  if (operation) {
    const inner = skipOuter(m.object);
    if (ts.isCallExpression(inner)) {
      const innerM = methodCall(inner);
      if (innerM && innerM.name === "with") root = innerM.object;
    }
  }
  if (!operation) return undefined;
  // `caller.delete({ id })`, `params.delete("page")`, `cipher.update("text")`: these Drizzle methods take a
  // table (or view) first, never a literal, so the receiver need not be typed
  const first = call.arguments[0];
  if (TABLE_FIRST_OPERATIONS.has(operation) && first && isLiteralValue(skipOuter(first))) return undefined;
  // `db.delete(t).where(…).returning().execute()`: a builder's method named like a database's; the receiver
  // extends the chain that starts at `db.delete(t)`, so it is a builder, never a database (typing it would
  // infer the query's whole result type)
  if (extendsQueryChain(program, root)) return undefined;
  const kind = rootKindOf(program, root);
  if (!kind) return undefined;
  return { root, rootKind: kind, operation, start: call };
}

/** Whether an expression is a method call chain (`a.b(…).c(…)`) whose innermost call starts a Drizzle query. */
function extendsQueryChain(program: ts.Program, expr: ts.Expression): boolean {
  const outer = skipOuter(expr);
  if (!ts.isCallExpression(outer)) return false;
  let innermost: ts.CallExpression = outer;
  for (;;) {
    const receiver = methodCall(innermost)?.object;
    const inner = receiver && skipOuter(receiver);
    if (!inner || !ts.isCallExpression(inner)) break;
    innermost = inner;
  }
  const start = innermost;
  return guard(() => chainStart(program, start), undefined) !== undefined;
}

/** Operations whose root method's first argument is a table or view. */
const TABLE_FIRST_OPERATIONS: ReadonlySet<QueryOperation> = new Set(["insert", "update", "delete", "count", "refresh"]);

/** A value written out in place: an object, array, string, number or boolean literal, a template, a function. */
function isLiteralValue(node: ts.Expression): boolean {
  switch (node.kind) {
    case ts.SyntaxKind.ObjectLiteralExpression:
    case ts.SyntaxKind.ArrayLiteralExpression:
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
    case ts.SyntaxKind.TemplateExpression:
    case ts.SyntaxKind.NumericLiteral:
    case ts.SyntaxKind.BigIntLiteral:
    case ts.SyntaxKind.TrueKeyword:
    case ts.SyntaxKind.FalseKeyword:
    case ts.SyntaxKind.NullKeyword:
    case ts.SyntaxKind.ArrowFunction:
    case ts.SyntaxKind.FunctionExpression:
      return true;
    default:
      return false;
  }
}

const rootKinds = programCache(() => new WeakMap<ts.Expression, "database" | "transaction" | null>());

/** Whether an expression is a Drizzle database or transaction, by type; memoized per node (several rules ask). */
function rootKindOf(program: ts.Program, root: ts.Expression): "database" | "transaction" | undefined {
  const cache = rootKinds(program);
  let kind = cache.get(root);
  if (kind === undefined) {
    kind = timed(program, "queries.rootKind", () =>
      exprIsDbLike(program, root) !== "yes" ? null : exprIsTransaction(program, root) === "yes" ? "transaction" : "database",
    );
    cache.set(root, kind);
  }
  return kind ?? undefined;
}

/**
 * Extends an expression outwards through `.method(...)` calls: a chain start,
 * or any builder value such as a variable holding one (`q.where(...).returning()`).
 */
export function extendChain(start: ts.Expression): { calls: ChainCall[]; end: ts.Expression } {
  const calls: ChainCall[] = [];
  let end: ts.Expression = start;
  for (;;) {
    const up = skipOuterUp(end);
    const parent = up.parent;
    if (parent && ts.isPropertyAccessExpression(parent) && parent.expression === up) {
      const grand = parent.parent;
      if (grand && ts.isCallExpression(grand) && grand.expression === parent) {
        calls.push({ name: parent.name.text, call: grand });
        end = grand;
        continue;
      }
    }
    return { calls, end: up as ts.Expression };
  }
}

function tableOf(chain: Pick<QueryChain, "operation" | "start" | "calls">): ts.Expression | undefined {
  switch (chain.operation) {
    case "select":
      return chain.calls.find((c) => c.name === "from")?.call.arguments[0];
    case "insert":
    case "update":
    case "delete":
    case "count":
      return chain.start.arguments[0];
    default:
      return undefined;
  }
}

interface FileQueries {
  chains: QueryChain[];
  byStart: Map<ts.CallExpression, QueryChain>;
  /** Every call of every chain: its start and the builder methods after it. */
  calls: Set<ts.CallExpression>;
}

const fileQueries = programCache(() => new WeakMap<ts.SourceFile, FileQueries>());

/**
 * Every Drizzle query chain in a file, found by the type of its root. Cached
 * per program and file; shared by all rules.
 */
export function queryChainsIn(program: ts.Program, sourceFile: ts.SourceFile): QueryChain[] {
  return fileQueryIndex(program, sourceFile).chains;
}

function fileQueryIndex(program: ts.Program, sourceFile: ts.SourceFile): FileQueries {
  const cache = fileQueries(program);
  let entry = cache.get(sourceFile);
  if (entry) return entry;
  entry = timed(program, "queries.fileIndex", () => indexQueries(program, sourceFile));
  cache.set(sourceFile, entry);
  return entry;
}

/** The chain that starts at `call`, classified by its root, if it is one. */
function chainFrom(program: ts.Program, call: ts.CallExpression): QueryChain | undefined {
  const start = guard<ReturnType<typeof chainStart>>(() => chainStart(program, call), undefined);
  if (!start) return undefined;
  const { calls, end } = extendChain(call);
  const chain: QueryChain = { ...start, calls, end, tableExpr: undefined };
  chain.tableExpr = tableOf(chain);
  return chain;
}

function indexQueries(program: ts.Program, sourceFile: ts.SourceFile): FileQueries {
  const found: FileQueries = { chains: [], byStart: new Map(), calls: new Set() };
  for (const node of fileSyntax(sourceFile).calls) {
    const chain = chainFrom(program, node);
    if (!chain) continue;
    found.chains.push(chain);
    found.byStart.set(node, chain);
    found.calls.add(node);
    for (const c of chain.calls) found.calls.add(c.call);
  }
  return found;
}

/** The chain whose start call is `call`, if any. */
export function chainAtStart(program: ts.Program, call: ts.CallExpression): QueryChain | undefined {
  return fileQueryIndex(program, call.getSourceFile()).byStart.get(call);
}

/**
 * `chainAtStart`'s answer without indexing the file: only `call`'s root is
 * classified (and typed if need be), not the roots of the file's other
 * chains. For the program-wide passes, which look at a few calls of every
 * file (`emailFallback.execute(…)` next to a `cache.delete(key)` is not
 * their business).
 */
export function chainStartingAt(program: ts.Program, call: ts.CallExpression): QueryChain | undefined {
  const indexed = fileQueries(program).get(call.getSourceFile());
  return indexed ? indexed.byStart.get(call) : chainFrom(program, call);
}

/** A call that belongs to a Drizzle query chain (`db.select()`, `.from(t)`, `.where(…)`): a drizzle-orm method, never user code. */
export function isQueryChainCall(program: ts.Program, call: ts.CallExpression): boolean {
  return fileQueryIndex(program, call.getSourceFile()).calls.has(call);
}

/** The chain that contains `node` as its start, a call, or its end. */
export function chainContaining(program: ts.Program, node: ts.Node): QueryChain | undefined {
  for (const chain of queryChainsIn(program, node.getSourceFile())) {
    if (chain.start === node || chain.end === node || chain.calls.some((c) => c.call === node)) return chain;
  }
  return undefined;
}

/** How a chain's value is used: executed, prepared, returned, or only built. */
export function chainUse(chain: QueryChain): ChainUse {
  if (chain.calls.some((c) => c.name === "prepare")) return "prepared";
  if (chain.calls.some((c) => RUNNER_METHODS.has(c.name))) return "executed";
  return valueUse(chain.end);
}

/**
 * How a promise-like value at `expr` is consumed: awaited (or `yield`ed in an
 * async generator, `for await`), returned, or left alone.
 */
export function valueUse(expr: ts.Expression): ChainUse {
  const up = skipOuterUp(expr);
  const parent = up.parent;
  if (!parent) return "built";
  if (ts.isAwaitExpression(parent)) return "executed";
  if (ts.isReturnStatement(parent)) return "returned";
  if (ts.isArrowFunction(parent) && parent.body === up) return "returned";
  if (ts.isForOfStatement(parent) && parent.awaitModifier && parent.expression === up) return "executed";
  // Promise.all([q1, q2]) — the array is awaited by the caller
  if (ts.isArrayLiteralExpression(parent)) {
    const arrayUp = skipOuterUp(parent);
    const call = arrayUp.parent;
    if (call && ts.isCallExpression(call) && isPromiseCombinator(call) && call.arguments[0] === arrayUp) {
      const use = valueUse(call);
      return use === "built" ? "built" : use;
    }
  }
  // cond ? q1 : q2 / a ?? q
  if (ts.isConditionalExpression(parent) && parent.condition !== up) return valueUse(parent);
  if (ts.isBinaryExpression(parent) && parent.right === up && isLogical(parent.operatorToken.kind)) return valueUse(parent);
  return "built";
}

function isLogical(kind: ts.SyntaxKind): boolean {
  return (
    kind === ts.SyntaxKind.BarBarToken ||
    kind === ts.SyntaxKind.AmpersandAmpersandToken ||
    kind === ts.SyntaxKind.QuestionQuestionToken
  );
}

/** `X.batch([...])` / `X.transaction(fn)` with X a Drizzle database or transaction, by type. */
export function isDbMethodCall(program: ts.Program, node: ts.Node | undefined, name: string): node is ts.CallExpression {
  if (!node || !ts.isCallExpression(node)) return false;
  const m = methodCall(node);
  return !!m && m.name === name && rootKindOf(program, m.object) !== undefined;
}

/** `node` is the first argument of `X.<name>(...)` on a Drizzle database or transaction. */
export function isFirstArgumentOfDbMethod(program: ts.Program, node: ts.Node, name: string): boolean {
  const up = skipOuterUp(node);
  return isDbMethodCall(program, up.parent, name) && up.parent.arguments[0] === up;
}

/** `.where(...)` arguments of a chain (and the relational `where` option / `$count` second argument). */
export function whereArguments(chain: QueryChain): ts.Expression[] {
  const out: ts.Expression[] = [];
  for (const c of chain.calls) if (c.name === "where" && c.call.arguments[0]) out.push(c.call.arguments[0]);
  if (chain.operation === "count" && chain.start.arguments[1]) out.push(chain.start.arguments[1]);
  if (chain.operation === "relational") {
    const config = chain.start.arguments[0] && skipOuter(chain.start.arguments[0]);
    if (config && ts.isObjectLiteralExpression(config)) {
      for (const p of config.properties) {
        if (ts.isPropertyAssignment(p) && staticPropertyName(p.name) === "where") out.push(p.initializer);
        else if (ts.isShorthandPropertyAssignment(p) && p.name.text === "where") out.push(p.name);
        else if (ts.isMethodDeclaration(p) && staticPropertyName(p.name) === "where") out.push(p as unknown as ts.Expression);
      }
    }
  }
  return out;
}

/** The table model behind `db.query.<key>`: from the declarations, the database's schema type argument, else the builder's `dbName`/`schema` type arguments. */
function relationalTable(program: ts.Program, chain: QueryChain): TableModel | undefined {
  const key = chain.relationalKey;
  const known = key === undefined ? undefined : (relationalTableByDeclaration(program, chain.root, key) ?? relationalTableByRootType(program, chain.root, key));
  if (known) return known;
  const checker = program.getTypeChecker();
  const callee = skipOuter(chain.start.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const builderType = typeOf(checker, callee.expression);
  const args = builderType ? checker.getTypeArguments(builderType as ts.TypeReference) : [];
  for (const arg of args ?? []) {
    const dbNameSym = arg.getProperty("dbName");
    if (!dbNameSym) continue;
    const dbNameType = checker.getTypeOfSymbol(dbNameSym);
    if (!dbNameType.isStringLiteral()) continue;
    const schemaSym = arg.getProperty("schema");
    const schemaType = schemaSym ? checker.getTypeOfSymbol(schemaSym) : undefined;
    const pgSchema = schemaType?.isStringLiteral() ? schemaType.value : undefined;
    const matches = tablesWithSqlName(program, dbNameType.value).filter((t) => t.pgSchema === pgSchema);
    if (matches.length === 1) return matches[0];
    const byJsName = matches.filter((t) => t.jsName === chain.relationalKey);
    return byJsName.length === 1 ? byJsName[0] : undefined;
  }
  return undefined;
}

/** The table model a chain targets, when it can be resolved. */
export function chainTable(program: ts.Program, chain: QueryChain): TableModel | undefined {
  return guard(() => {
    if (chain.operation === "relational") return relationalTable(program, chain);
    return chain.tableExpr ? resolveTable(program, chain.tableExpr) : undefined;
  }, undefined);
}

/** A short display of the chain for messages: `db.select().from(posts)`. */
export function chainLabel(chain: QueryChain, sourceFile: ts.SourceFile): string {
  const rootText = chain.root.getText(sourceFile);
  if (chain.operation === "relational") return `${rootText}.query.${chain.relationalKey ?? "?"}.${methodCall(chain.start)?.name ?? "find"}`;
  const method = methodCall(chain.start)?.name ?? chain.operation;
  return `${rootText}.${method}`;
}
