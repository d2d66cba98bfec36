import ts from "typescript";
import { mayRunQueries } from "../engine/callable-names.js";
import { describeCondition } from "../engine/conditions.js";
import { constantCollectionLength, constantKeysLength, countedLoopLength } from "../engine/constants.js";
import { transactionlessDriver } from "../engine/drizzle-symbols.js";
import type { QueryExecution, RegionOptions } from "../engine/effects.js";
import { callbackRole, visitRegion } from "../engine/effects.js";
import { declaredTypesOf } from "../engine/declared-types.js";
import { isArrayValue, isRowObjectBinding, isRowsArray } from "../engine/rows.js";
import { resolveCallee } from "../engine/callees.js";
import type { QueryChain, QueryOperation } from "../engine/queries.js";
import { programCache } from "../engine/cache.js";
import { chainContaining, chainTable, whereArguments } from "../engine/queries.js";
import { isAssignmentOperator, isIncrementOrDecrement } from "../engine/references.js";
import { fileSyntax } from "../engine/syntax-index.js";
import { bindingElementKey, isFunctionLike, literalProperty, methodCall, skipOuter, skipOuterUp, typeOf, walk } from "../engine/ts-utils.js";
import { symbolAt, valueSymbolAt } from "../engine/symbols.js";
import type { AnalysisContext, Finding } from "../engine/types.js";
import { guard } from "../engine/guard.js";

export interface QueryInLoopOptions {
  /** How deep to follow helper calls from the loop. */
  maxDepth: number;
  /** Extra iteration helpers, by callee text (`pMap`, `Effect.forEach`, `_.map`). */
  iterationFunctions: readonly string[];
  /** Report loops whose continuation depends on the query's own result (pagination). */
  reportPagination: boolean;
  /** Loops over a constant collection of at most this many elements are not reported (-1: report them all). */
  maxConstantLoopLength: number;
}

export type QueryInLoopMessageId = "readInLoop" | "countInLoop" | "insertInLoop" | "writeInLoop" | "rawInLoop";

/** A loop statement, or a function invoked once per element (`rows.map(fn)`, `pMap(rows, fn)`). */
type Loop = ts.IterationStatement | ts.ArrowFunction | ts.FunctionExpression;

function loopBody(loop: Loop): ts.Node {
  return ts.isArrowFunction(loop) || ts.isFunctionExpression(loop) ? loop : loop.statement;
}

/** Every loop of a file: loop statements and iteration callbacks. */
function loopsIn(program: ts.Program, sourceFile: ts.SourceFile, iteration: ReadonlySet<string>): Loop[] {
  const loops: Loop[] = [];
  for (const node of fileSyntax(sourceFile).scopes) {
    if (ts.isIterationStatement(node, false)) loops.push(node);
    else if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && mayRunQueries(program, node) && callbackRole(program, node, iteration).role === "iteration") {
      loops.push(node);
    }
  }
  return loops;
}

/**
 * Loops over a collection whose size is fixed where the program is written,
 * with at most `max` elements: an array literal (`for (const t of [users,
 * posts])`, `[a, b].map(...)`), a `const` holding one, an `as const` tuple,
 * the keys of a constant object or an enum (`for (k in PROVIDERS)`,
 * `Object.values(Role)`). A fixed, small number of queries: not N+1.
 */
function iteratesConstant(program: ts.Program, loop: Loop, max: number): boolean {
  const checker = program.getTypeChecker();
  let collection: ts.Expression | undefined;
  let keys = false;
  if (ts.isForStatement(loop)) {
    const count = countedLoopLength(checker, loop);
    return count !== undefined && count <= max;
  }
  if (ts.isForOfStatement(loop)) collection = loop.expression;
  else if (ts.isForInStatement(loop)) {
    collection = loop.expression;
    keys = true;
  } else if (ts.isArrowFunction(loop) || ts.isFunctionExpression(loop)) {
    const call = skipOuterUp(loop).parent;
    const callee = call && ts.isCallExpression(call) ? skipOuter(call.expression) : undefined;
    if (callee && ts.isPropertyAccessExpression(callee)) collection = callee.expression;
  }
  if (!collection || (!keys && (isQueryResult(program, collection) || isRowsArray(program, collection)))) return false;
  const length = keys ? constantKeysLength(checker, collection) : constantCollectionLength(checker, collection);
  return length !== undefined && length <= max;
}

/**
 * A `const` holding the awaited result of a Drizzle query (`const rows = await
 * db.select()…`): rows in an array, never a fixed tuple. Said by the query
 * index, without typing the rows (which infers the query's whole result type).
 */
function isQueryResult(program: ts.Program, collection: ts.Expression): boolean {
  const e = skipOuter(collection);
  if (!ts.isIdentifier(e)) return false;
  const decl = symbolAt(program.getTypeChecker(), e)?.valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer || !(ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const)) return false;
  const init = skipOuter(decl.initializer);
  if (!ts.isAwaitExpression(init)) return false;
  const awaited = skipOuter(init.expression);
  const chain = ts.isCallExpression(awaited) ? chainContaining(program, awaited) : undefined;
  return chain !== undefined && chain.end === awaited && ROW_ARRAY_OPERATIONS.has(chain.operation) && (chain.operation !== "relational" || methodCall(chain.start)?.name === "findMany");
}

/** Operations whose awaited chain is an array of rows (`returning()` included). */
const ROW_ARRAY_OPERATIONS: ReadonlySet<QueryOperation> = new Set(["select", "relational", "insert", "update", "delete"]);

/** Whether the statement `exit` leaves `loop`: a `return`, a `throw`, or a `break` that targets it or an outer statement. */
function exitsLoop(exit: ts.Statement, loop: ts.IterationStatement): boolean {
  if (ts.isReturnStatement(exit) || ts.isThrowStatement(exit)) return true;
  if (!ts.isBreakStatement(exit)) return false;
  const label = exit.label?.text;
  for (let node: ts.Node | undefined = exit.parent; node; node = node.parent) {
    if (node === loop) return true;
    if (isFunctionLike(node)) return false;
    if (label === undefined && (ts.isIterationStatement(node, false) || ts.isSwitchStatement(node))) return false;
    if (label !== undefined && ts.isLabeledStatement(node) && node.label.text === label) return node.statement === loop;
  }
  return false;
}

/** Whether some `return`/`throw`/`break` in `node` (outside nested functions) leaves `loop`. */
function canLeave(node: ts.Node, loop: ts.IterationStatement): boolean {
  let leaves = false;
  walk(node, (n) => {
    if (leaves || isFunctionLike(n)) return false;
    if (ts.isStatement(n) && exitsLoop(n, loop)) leaves = true;
    return undefined;
  });
  return leaves;
}

/**
 * An execution in a loop statement runs at most once per loop run when it is
 * a lazy initialisation, part of a `return`/`throw`, or a statement after it
 * in the same block leaves the loop (`await db.insert(...); break;`).
 */
function runsAtMostOnce(checker: ts.TypeChecker, site: ts.Node, loop: ts.IterationStatement): boolean {
  if (isLazyInit(checker, site, loop)) return true;
  // inside a callback invoked in the loop, its `return`s only leave the callback
  let start = site;
  for (let node: ts.Node | undefined = site.parent; node && node !== loop; node = node.parent) {
    if (isFunctionLike(node)) start = node;
  }
  for (let node: ts.Node = start; node.parent && node !== loop.statement; node = node.parent) {
    const parent = node.parent;
    if (start === site && (ts.isReturnStatement(parent) || ts.isThrowStatement(parent))) return true;
    const statements = ts.isBlock(parent) || ts.isCaseClause(parent) || ts.isDefaultClause(parent) ? parent.statements : undefined;
    if (!statements) continue;
    const index = statements.indexOf(node as ts.Statement);
    if (index >= 0 && statements.slice(index + 1).some((s) => exitsLoop(s, loop))) return true;
  }
  return false;
}

/**
 * `x ??= await q`, or `if (!x) x = await q` where `x` holds the query's own
 * result: the query runs once, then its result is reused.
 */
function isLazyInit(checker: ts.TypeChecker, site: ts.Node, loop: ts.IterationStatement): boolean {
  const assignment = resultAssignment(site);
  const kind = assignment && ts.isBinaryExpression(assignment) ? assignment.operatorToken.kind : undefined;
  if (kind === ts.SyntaxKind.QuestionQuestionEqualsToken || kind === ts.SyntaxKind.BarBarEqualsToken) return true;
  const results = new Set(resultSymbols(checker, site));
  if (results.size === 0) return false;
  for (let node = site.parent; node && node !== loop; node = node.parent) {
    if (isFunctionLike(node)) return false;
    if (ts.isIfStatement(node) && references(checker, node.expression, results)) return true;
  }
  return false;
}

/** The declaration or assignment that stores an execution's (awaited) result. */
function resultAssignment(site: ts.Node): ts.VariableDeclaration | ts.BinaryExpression | undefined {
  let up = skipOuterUp(site);
  if (up.parent && ts.isAwaitExpression(up.parent)) up = skipOuterUp(up.parent);
  const parent = up.parent;
  if (parent && ts.isVariableDeclaration(parent) && parent.initializer === up) return parent;
  if (parent && ts.isBinaryExpression(parent) && parent.right === up && isAssignmentOperator(parent.operatorToken.kind)) return parent;
  return undefined;
}

/** Variables that receive the result of an execution: `const rows = await q`, `batch = await q`, `const [a] = await q`. */
function resultSymbols(checker: ts.TypeChecker, site: ts.Node): ts.Symbol[] {
  const assignment = resultAssignment(site);
  if (!assignment) return [];
  return boundSymbols(checker, ts.isVariableDeclaration(assignment) ? assignment.name : assignment.left);
}

/** Symbols of the identifiers a binding name or assignment target binds. */
function boundSymbols(checker: ts.TypeChecker, target: ts.Node): ts.Symbol[] {
  const out: ts.Symbol[] = [];
  walk(target, (node) => {
    if (ts.isIdentifier(node)) {
      const symbol = symbolAt(checker, node);
      if (symbol) out.push(symbol);
    }
    // `state.cursor = ...` and `list[i] = ...` bind no variable
    return !ts.isPropertyAccessExpression(node) && !ts.isElementAccessExpression(node);
  });
  return out;
}

/** Whether `node` mentions one of `symbols`, or contains one of the `sources` expressions. */
function references(checker: ts.TypeChecker, node: ts.Node, symbols: ReadonlySet<ts.Symbol>, sources?: ReadonlySet<ts.Node>): boolean {
  let found = false;
  walk(node, (n) => {
    if (found) return false;
    if (sources?.has(n)) found = true;
    // `x.name`: a property name is never one of the variables looked for (and finding its symbol types `x`)
    else if (ts.isIdentifier(n) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) {
      const symbol = valueSymbolAt(checker, n);
      if (symbol && symbols.has(symbol)) found = true;
    }
    return undefined;
  });
  return found;
}

/**
 * Symbols derived from `seed` (or from the `sources` expressions) by
 * declarations, assignments and `for…of` loops inside `scope`
 * (`cursor = rows.at(-1)?.id`, `offset += rows.length`,
 * `const batch = ids.slice(i, i + 100)`).
 */
function derivedSymbols(checker: ts.TypeChecker, scope: ts.Node, seed: ts.Symbol[], sources?: ReadonlySet<ts.Node>): Set<ts.Symbol> {
  const tainted = new Set(seed);
  const assignments: Array<{ target: ts.Node; value: ts.Node }> = [];
  walk(scope, (node) => {
    if (ts.isVariableDeclaration(node) && node.initializer) assignments.push({ target: node.name, value: node.initializer });
    else if (ts.isBinaryExpression(node) && isAssignmentOperator(node.operatorToken.kind)) assignments.push({ target: node.left, value: node.right });
    // `for (const part of parts)`: the loop variable holds elements of the collection
    else if (ts.isForOfStatement(node)) assignments.push({ target: node.initializer, value: node.expression });
  });
  for (let changed = true, rounds = 0; changed && rounds < 8; rounds++) {
    changed = false;
    for (const { target, value } of assignments) {
      if (!references(checker, value, tainted, sources)) continue;
      for (const symbol of boundSymbols(checker, target)) {
        if (!tainted.has(symbol)) {
          tainted.add(symbol);
          changed = true;
        }
      }
    }
  }
  return tainted;
}

/**
 * Expressions that decide whether a `while`/`do`/`for` loop goes on: its
 * condition, and the conditions of `if`s in its body that leave it.
 * `for-of`/`for-in` loops are bounded by their collection.
 */
function continuationConditions(loop: ts.IterationStatement): ts.Expression[] {
  const out: ts.Expression[] = [];
  if (ts.isWhileStatement(loop) || ts.isDoStatement(loop)) out.push(loop.expression);
  else if (ts.isForStatement(loop)) {
    if (loop.condition) out.push(loop.condition);
  } else return out;
  walk(loop.statement, (node) => {
    if (isFunctionLike(node)) return false;
    if (ts.isIfStatement(node) && [node.thenStatement, node.elseStatement].some((branch) => branch && canLeave(branch, loop))) {
      out.push(node.expression);
    }
    return undefined;
  });
  return out;
}

/**
 * `while (true)` / `for (;;)` with no exit at all: a worker or poller that
 * runs until the process stops, not a pass over N rows.
 */
function isEndlessWorkerLoop(loop: ts.IterationStatement): boolean {
  const condition = ts.isWhileStatement(loop) || ts.isDoStatement(loop) ? loop.expression : ts.isForStatement(loop) ? loop.condition : undefined;
  if (!(ts.isForStatement(loop) && !condition) && !(condition && skipOuter(condition).kind === ts.SyntaxKind.TrueKeyword)) return false;
  return !canLeave(loop.statement, loop);
}

/** A loop whose continuation depends on the result of a query it runs: cursor/offset pagination, batch processing. */
function isPaginationLoop(checker: ts.TypeChecker, loop: ts.IterationStatement, sites: ts.Node[]): boolean {
  const seed = sites.flatMap((site) => resultSymbols(checker, site));
  if (seed.length === 0) return false;
  const tainted = derivedSymbols(checker, loop, seed);
  return continuationConditions(loop).some((condition) => references(checker, condition, tainted));
}

/** Every non-nullish constituent is an array, readonly array or tuple (and there is one). */
function isArrayType(checker: ts.TypeChecker, type: ts.Type | undefined): boolean {
  if (!type) return false;
  const members = (type.isUnion() ? type.types : [type]).filter((t) => (t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)) === 0);
  return members.length > 0 && members.every((t) => checker.isArrayType(t) || checker.isTupleType(t));
}

/**
 * The argument a helper's caller passed for `decl`: a parameter of `callee`
 * (the whole argument), or a name destructured from one
 * (`{ messages }: { messages: Row[] }` → the `messages` property of the
 * caller's object literal). Undefined for rest parameters and spreads.
 */
function argumentFor(callee: ts.FunctionLikeDeclaration, call: ts.CallExpression, decl: ts.Declaration): ts.Expression | undefined {
  const path: string[] = [];
  let node: ts.Node = decl;
  while (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
    const key = bindingElementKey(node);
    if (key === undefined) return undefined;
    path.unshift(key);
    node = node.parent.parent;
  }
  if (!ts.isParameter(node) || node.parent !== callee || node.dotDotDotToken) return undefined;
  let arg: ts.Expression | undefined = call.arguments[callee.parameters.indexOf(node)];
  for (const key of path) {
    const object: ts.Expression | undefined = arg && skipOuter(arg);
    if (!object || !ts.isObjectLiteralExpression(object)) return undefined;
    const property = literalProperty(object, key);
    if (property && ts.isPropertyAssignment(property)) arg = property.initializer;
    else if (property && ts.isShorthandPropertyAssignment(property)) arg = property.name;
    else return undefined;
  }
  return arg && !ts.isSpreadElement(arg) ? arg : undefined;
}

/**
 * Whether `expr`, at step `hop` of the execution's trail (0: in the loop; k:
 * in the helper called by `calls[k - 1]`), is an array literal without spreads
 * (`[{ name }]`: a fixed number of rows), followed through `const`s and from a
 * helper's parameters to its caller's arguments.
 */
function isFixedList(program: ts.Program, execution: QueryExecution, hop: number, expr: ts.Expression, depth = 0): boolean {
  const e = skipOuter(expr);
  if (ts.isArrayLiteralExpression(e)) return !e.elements.some(ts.isSpreadElement);
  if (!ts.isIdentifier(e) || depth > 8) return false;
  const decl = valueSymbolAt(program.getTypeChecker(), e)?.valueDeclaration;
  if (!decl) return false;
  if (ts.isVariableDeclaration(decl) && decl.initializer && (ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const) !== 0) {
    return isFixedList(program, execution, hop, decl.initializer, depth + 1);
  }
  const call = hop > 0 ? execution.calls[hop - 1] : undefined;
  const callee = call && resolveCallee(program, call);
  const arg = callee && argumentFor(callee, call, decl);
  return !!arg && isFixedList(program, execution, hop - 1, arg, depth + 1);
}

/**
 * A collection of rows whose size is not fixed where it is written: an
 * array-typed value, but not an array literal without spreads (`[{ name }]`
 * is one row, written as an array), here or where a helper's caller wrote it.
 */
function isRowCollection(program: ts.Program, execution: QueryExecution, hop: number, expr: ts.Expression): boolean {
  const checker = program.getTypeChecker();
  // `values({ name, … })`: one row, never an array (typing it would type the insert against the database's whole schema)
  let written = expr;
  while (ts.isParenthesizedExpression(written)) written = written.expression;
  if (ts.isObjectLiteralExpression(written)) return false;
  // an array by syntax (`memberships.map((m) => m.organizationId)` on query rows, `ids.filter(…)`): typing it would type the rows;
  // declared as arrays (`batch.map(…)` on `batch = data.slice(…)`, `data: Row[]`): so is what a guard narrows it to
  const array =
    isRowsArray(program, expr) ||
    isArrayValue(checker, expr) ||
    declaredTypesOf(checker, expr)?.every((t) => isArrayType(checker, t)) ||
    isArrayType(checker, typeOf(checker, expr));
  return array && !isFixedList(program, execution, hop, expr);
}

/** `db.insert(t).values(rows)` with an array of rows: each iteration writes a batch (a chunked bulk insert). */
function insertsRowCollection(program: ts.Program, execution: QueryExecution): boolean {
  const { chain } = execution;
  if (chain.operation !== "insert") return false;
  const values = chain.calls.find((c) => c.name === "values")?.call.arguments[0];
  return !!values && !ts.isSpreadElement(values) && isRowCollection(program, execution, execution.calls.length, values);
}

/** What a loop steps through in chunks: variables holding the current chunk, and `slice`/`splice` calls taking one. */
interface LoopChunks {
  symbols: ReadonlySet<ts.Symbol>;
  sources: ReadonlySet<ts.Node>;
}

function hasChunks(chunks: LoopChunks): boolean {
  return chunks.symbols.size > 0 || chunks.sources.size > 0;
}

/** The variables a loop binds per iteration: its loop variables, callback parameters, and what it assigns (counters, cursors). */
function iterationSymbols(checker: ts.TypeChecker, loop: Loop): { bound: ts.Symbol[]; all: Set<ts.Symbol> } {
  const bound: ts.Symbol[] = [];
  const names = (list: ts.ForInitializer | undefined): ts.Node[] =>
    !list ? [] : ts.isVariableDeclarationList(list) ? list.declarations.map((d) => d.name) : [list];
  if (ts.isForStatement(loop) || ts.isForOfStatement(loop) || ts.isForInStatement(loop)) {
    for (const name of names(loop.initializer)) bound.push(...boundSymbols(checker, name));
  } else if (ts.isArrowFunction(loop) || ts.isFunctionExpression(loop)) for (const p of loop.parameters) bound.push(...boundSymbols(checker, p.name));
  const all = new Set(bound);
  walk(loop, (node) => {
    if (ts.isBinaryExpression(node) && isAssignmentOperator(node.operatorToken.kind)) boundSymbols(checker, node.left).forEach((s) => all.add(s));
    else if (isIncrementOrDecrement(node)) boundSymbols(checker, node.operand).forEach((s) => all.add(s));
  });
  return { bound, all };
}

/**
 * The chunks a loop steps through: a loop variable (or callback parameter)
 * that is itself an array (`for (const chunk of chunks)`,
 * `chunks.map((chunk) => ...)`), `xs.slice(i, i + n)` with a bound that
 * changes per iteration, `xs.splice(0, n)`, and variables derived from those.
 */
function loopChunks(program: ts.Program, loop: Loop): LoopChunks {
  const checker = program.getTypeChecker();
  const { bound, all } = iterationSymbols(checker, loop);
  // one row of a query is an object, never a chunk (typing it would infer the query's rows)
  const seeds = bound.filter((symbol) => !isRowObjectBinding(program, symbol.valueDeclaration) && guard(() => isArrayType(checker, checker.getTypeOfSymbol(symbol)), false));
  const sources = new Set<ts.Node>();
  walk(loopBody(loop), (node) => {
    if (!ts.isCallExpression(node)) return;
    const m = methodCall(node);
    if (!m || (m.name !== "slice" && m.name !== "splice") || !isArrayType(checker, typeOf(checker, m.object))) return;
    if (m.name === "splice" || node.arguments.some((arg) => references(checker, arg, all))) sources.add(node);
  });
  return { symbols: derivedSymbols(checker, loop, seeds, sources), sources };
}

/**
 * Whether `expr`, evaluated at step `hop` of the execution's trail (0: in the
 * loop; k: in the helper called by `calls[k - 1]`), depends on the loop's
 * chunk: directly, or through the helpers' parameters and the arguments
 * passed to them.
 */
function dependsOnChunk(program: ts.Program, execution: QueryExecution, hop: number, expr: ts.Expression, chunks: LoopChunks): boolean {
  const checker = program.getTypeChecker();
  if (hop === 0) return references(checker, expr, chunks.symbols, chunks.sources);
  const call = execution.calls[hop - 1];
  const callee = call && resolveCallee(program, call);
  if (!callee?.body) return false;
  return callee.parameters.some((param) => {
    const arg = argumentFor(callee, call, param);
    if (!arg) return false;
    const derived = derivedSymbols(checker, callee.body!, boundSymbols(checker, param.name));
    return references(checker, expr, derived) && dependsOnChunk(program, execution, hop - 1, arg, chunks);
  });
}

/** A read or write filtered with `inArray(column, chunk)` on the loop's current chunk: each iteration handles a batch. */
function filtersByChunk(program: ts.Program, execution: QueryExecution, loopChunks: () => LoopChunks): boolean {
  const { chain } = execution;
  if (chain.operation === "insert" || chain.operation === "execute" || chain.operation === "refresh") return false;
  const wheres = whereArguments(chain);
  if (wheres.length === 0) return false;
  const scope = chain.operation === "relational" ? { table: chainTable(program, chain) } : {};
  return wheres.some((where) =>
    describeCondition(program, where, scope).mentions.some((mention) => {
      const [values] = mention.values;
      return (
        mention.operator === "inArray" &&
        !mention.negated &&
        mention.values.length === 1 &&
        !!values &&
        isRowCollection(program, execution, execution.calls.length, values) &&
        hasChunks(loopChunks()) &&
        dependsOnChunk(program, execution, execution.calls.length, values, loopChunks())
      );
    }),
  );
}

/** A function passed as the handler of `.catch(...)`. */
function isCatchHandler(fn: ts.Node): boolean {
  const up = skipOuterUp(fn);
  const call = up.parent;
  if (!call || !ts.isCallExpression(call) || call.arguments[0] !== up) return false;
  return methodCall(call)?.name === "catch";
}

/** Whether `node` sits in a `catch` block or a `.catch(...)` handler below `container`. */
function inErrorHandler(node: ts.Node, container: ts.Node): boolean {
  for (let n: ts.Node = node; n.parent && n !== container; n = n.parent) {
    if (ts.isCatchClause(n.parent) && n.parent.block === n) return true;
    if (isFunctionLike(n) && isCatchHandler(n)) return true;
  }
  return false;
}

/**
 * An execution that runs only when something failed: the query, or a helper
 * call on its trail, sits in a `catch` block (or a `.catch(...)` handler) of
 * the loop body or of a helper. Error paths are not the per-iteration cost.
 */
function onErrorPath(program: ts.Program, execution: QueryExecution, loop: Loop): boolean {
  const steps: ts.Node[] = [...execution.calls, execution.chain.start];
  return steps.some((node, hop) => {
    const container = hop === 0 ? loopBody(loop) : resolveCallee(program, execution.calls[hop - 1]!);
    return !!container && inErrorHandler(node, container);
  });
}

/** The executions that run once per iteration of `loop`. */
function perIterationExecutions(program: ts.Program, loop: Loop, options: RegionOptions): QueryExecution[] {
  const out: QueryExecution[] = [];
  visitRegion(program, loopBody(loop), options, (execution, use) => {
    if (use === "executed") out.push(execution);
  });
  return out;
}

const MESSAGE_BY_OPERATION: Record<QueryOperation, QueryInLoopMessageId> = {
  select: "readInLoop",
  relational: "readInLoop",
  count: "countInLoop",
  insert: "insertInLoop",
  update: "writeInLoop",
  delete: "writeInLoop",
  execute: "rawInLoop",
  refresh: "rawInLoop",
};

/**
 * The fix for a write per row. One update with `inArray` only works when every
 * row gets the same values; per-row values need one `UPDATE … FROM (VALUES …)`
 * or `CASE`. A loop outside a transaction pays a commit per row.
 */
function writeAdvice(program: ts.Program, execution: QueryExecution): string {
  if (execution.operation === "delete") return "Run one delete for all rows, filtered with `inArray(...)`.";
  const statement =
    "Use one statement for all rows: an update filtered with `inArray(...)` when every row gets the same values, or a single `UPDATE … FROM (VALUES …)` or `CASE` built with `sql` when the values differ";
  const { chain } = execution;
  // neon-http and the like have no interactive transactions: do not advise one
  if (chain.rootKind === "transaction" || transactionlessDriver(program, chain.root)) return `${statement}.`;
  return `${statement} (or at least run the loop in one transaction, to commit once).`;
}

function finding(program: ts.Program, sourceFile: ts.SourceFile, site: ts.Node, executions: QueryExecution[]): Finding<QueryInLoopMessageId> {
  const [first] = executions;
  const tables = [...new Set(executions.flatMap((e) => e.tables))];
  const operation = first.operation;
  return {
    messageId: MESSAGE_BY_OPERATION[operation],
    data: {
      query: first.trail.join(" → "),
      tables: tables.length ? tables.join(", ") : "a table",
      operation,
      verb: operation === "delete" ? "deletes from" : "updates",
      advice: operation === "update" || operation === "delete" ? writeAdvice(program, first) : "",
    },
    start: site.getStart(sourceFile),
    end: site.getEnd(),
  };
}

/** The executions a loop reports, before the check against helpers' own loops. */
function loopExecutions(context: AnalysisContext, loop: Loop, options: QueryInLoopOptions, regionOptions: RegionOptions): QueryExecution[] {
  const { program, checker } = context;
  let executions = perIterationExecutions(program, loop, regionOptions);
  if (executions.length === 0) return executions;
  // after the executions: a loop that runs no query need not have its collection typed
  if (iteratesConstant(program, loop, options.maxConstantLoopLength)) return [];
  if (ts.isIterationStatement(loop, false)) {
    if (isEndlessWorkerLoop(loop)) return [];
    if (!options.reportPagination && isPaginationLoop(checker, loop, executions.map((e) => e.site))) return [];
    executions = executions.filter((e) => !runsAtMostOnce(checker, e.site, loop));
  }
  // batches (chunked bulk writes and reads) and error paths are not one query per row
  executions = executions.filter((e) => !insertsRowCollection(program, e) && !onErrorPath(program, e, loop));
  if (executions.length === 0) return executions;
  // typing the loop's variables can be costly: only when a query filters with `inArray`
  let chunks: LoopChunks | undefined;
  const chunksOfLoop = (): LoopChunks => (chunks ??= loopChunks(program, loop));
  return executions.filter((e) => !filtersByChunk(program, e, chunksOfLoop));
}

/** The chains each loop reports, per program and options: a helper's loop is asked again from every caller's loop. */
const reportedChainsCache = programCache(() => new Map<string, WeakMap<ts.Node, ReadonlySet<QueryChain>>>());

function reportedChains(context: AnalysisContext, loop: Loop, options: QueryInLoopOptions, regionOptions: RegionOptions): ReadonlySet<QueryChain> {
  const byOptions = reportedChainsCache(context.program);
  const key = JSON.stringify(options);
  let cache = byOptions.get(key);
  if (!cache) byOptions.set(key, (cache = new WeakMap()));
  let chains = cache.get(loop);
  if (!chains) {
    chains = new Set(loopExecutions(context, loop, options, regionOptions).map((e) => e.chain));
    cache.set(loop, chains);
  }
  return chains;
}

/** The loops (statements and iteration callbacks) around `node` inside `container`, with `node` in their body. */
function loopsAround(program: ts.Program, node: ts.Node, container: ts.Node, iteration: ReadonlySet<string>): Loop[] {
  const out: Loop[] = [];
  for (let n: ts.Node = node; n.parent && n !== container; n = n.parent) {
    const parent = n.parent;
    if (ts.isIterationStatement(parent, false) && parent.statement === n) out.push(parent);
    else if ((ts.isArrowFunction(parent) || ts.isFunctionExpression(parent)) && parent.body === n && callbackRole(program, parent, iteration).role === "iteration") {
      out.push(parent);
    }
  }
  return out;
}

/**
 * An execution that a helper's own loop already reports: the query (or a
 * helper call on its trail) runs in a loop inside a helper called from this
 * loop, and that loop reports the same query. One N+1, one report — at the
 * innermost loop, where the fix goes.
 */
function reportedInHelper(context: AnalysisContext, execution: QueryExecution, options: QueryInLoopOptions, regionOptions: RegionOptions): boolean {
  const { program } = context;
  const steps: ts.Node[] = [...execution.calls, execution.chain.start];
  for (let hop = 1; hop < steps.length; hop++) {
    const helper = resolveCallee(program, execution.calls[hop - 1]!);
    if (!helper) continue;
    for (const inner of loopsAround(program, steps[hop]!, helper, regionOptions.iterationFunctions ?? new Set())) {
      if (reportedChains(context, inner, options, regionOptions).has(execution.chain)) return true;
    }
  }
  return false;
}

/**
 * N+1 queries: Drizzle queries (direct, or through helpers in any file) that
 * run once per iteration of a loop or iteration callback. Reported once per
 * site, and once per query: not again at a caller's loop when a helper's own
 * loop reports it; pagination loops only with `reportPagination`.
 */
export function analyzeQueriesInLoops(context: AnalysisContext, options: QueryInLoopOptions): Finding<QueryInLoopMessageId>[] {
  const { program, sourceFile } = context;
  const iterationFunctions = new Set(options.iterationFunctions);
  const regionOptions: RegionOptions = { maxDepth: options.maxDepth, iterationFunctions };
  const bySite = new Map<ts.Node, QueryExecution[]>();
  for (const loop of loopsIn(program, sourceFile, iterationFunctions)) {
    const executions = loopExecutions(context, loop, options, regionOptions).filter(
      (e) => e.calls.length === 0 || !reportedInHelper(context, e, options, regionOptions),
    );
    for (const execution of executions) {
      const list = bySite.get(execution.site);
      if (!list) bySite.set(execution.site, [execution]);
      else if (!list.some((e) => e.chain === execution.chain)) list.push(execution);
    }
  }
  return [...bySite]
    .sort(([a], [b]) => a.getStart(sourceFile) - b.getStart(sourceFile))
    .map(([site, executions]) => finding(program, sourceFile, site, executions));
}
