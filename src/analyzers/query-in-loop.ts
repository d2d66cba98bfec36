import ts from "typescript";
import type { QueryExecution, RegionOptions } from "./effects.js";
import { callbackRole, visitRegion } from "./effects.js";
import type { QueryOperation } from "./queries.js";
import { isFunctionLike, skipOuter, skipOuterUp, symbolAt, walk } from "./ts-utils.js";
import type { AnalysisContext, Finding } from "./types.js";

export interface QueryInLoopOptions {
  /** How deep to follow helper calls from the loop. */
  maxDepth: number;
  /** Extra iteration helpers, by callee text (`pMap`, `Effect.forEach`, `_.map`). */
  iterationFunctions: readonly string[];
  /** Report loops whose continuation depends on the query's own result (pagination). */
  reportPagination: boolean;
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
  walk(sourceFile, (node) => {
    if (ts.isIterationStatement(node, false)) loops.push(node);
    else if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && callbackRole(program, node, iteration).role === "iteration") loops.push(node);
  });
  return loops;
}

/**
 * Loops over an array literal (`for (const t of [users, posts])`,
 * `[a, b].map(...)`) run a fixed, small number of times: not N+1.
 */
function iteratesLiteral(loop: Loop): boolean {
  let collection: ts.Expression | undefined;
  if (ts.isForOfStatement(loop) || ts.isForInStatement(loop)) collection = loop.expression;
  else if (ts.isArrowFunction(loop) || ts.isFunctionExpression(loop)) {
    const call = skipOuterUp(loop).parent;
    const callee = call && ts.isCallExpression(call) ? skipOuter(call.expression) : undefined;
    if (callee && ts.isPropertyAccessExpression(callee)) collection = callee.expression;
  }
  if (!collection) return false;
  const expr = skipOuter(collection);
  return ts.isArrayLiteralExpression(expr) || ts.isObjectLiteralExpression(expr);
}

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
  if (parent && ts.isBinaryExpression(parent) && parent.right === up && isAssignment(parent.operatorToken.kind)) return parent;
  return undefined;
}

/** Variables that receive the result of an execution: `const rows = await q`, `batch = await q`, `const [a] = await q`. */
function resultSymbols(checker: ts.TypeChecker, site: ts.Node): ts.Symbol[] {
  const assignment = resultAssignment(site);
  if (!assignment) return [];
  return boundSymbols(checker, ts.isVariableDeclaration(assignment) ? assignment.name : assignment.left);
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
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

function references(checker: ts.TypeChecker, node: ts.Node, symbols: ReadonlySet<ts.Symbol>): boolean {
  let found = false;
  walk(node, (n) => {
    if (found) return false;
    if (ts.isIdentifier(n)) {
      const symbol = symbolAt(checker, n);
      if (symbol && symbols.has(symbol)) found = true;
    }
    return undefined;
  });
  return found;
}

/** Symbols derived from `seed` by assignments inside `loop` (`cursor = rows.at(-1)?.id`, `offset += rows.length`). */
function derivedSymbols(checker: ts.TypeChecker, loop: ts.IterationStatement, seed: ts.Symbol[]): Set<ts.Symbol> {
  const tainted = new Set(seed);
  const assignments: Array<{ target: ts.Node; value: ts.Node }> = [];
  walk(loop, (node) => {
    if (ts.isVariableDeclaration(node) && node.initializer) assignments.push({ target: node.name, value: node.initializer });
    else if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind)) assignments.push({ target: node.left, value: node.right });
  });
  for (let changed = true, rounds = 0; changed && rounds < 8; rounds++) {
    changed = false;
    for (const { target, value } of assignments) {
      if (!references(checker, value, tainted)) continue;
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

function finding(sourceFile: ts.SourceFile, site: ts.Node, executions: QueryExecution[]): Finding {
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
    },
    start: site.getStart(sourceFile),
    end: site.getEnd(),
  };
}

/**
 * N+1 queries: Drizzle queries (direct, or through helpers in any file) that
 * run once per iteration of a loop or iteration callback. Reported once per
 * site; pagination loops only with `reportPagination`.
 */
export function analyzeQueriesInLoops(context: AnalysisContext, options: QueryInLoopOptions): Finding[] {
  const { program, checker, sourceFile } = context;
  const iterationFunctions = new Set(options.iterationFunctions);
  const regionOptions: RegionOptions = { maxDepth: options.maxDepth, iterationFunctions };
  const bySite = new Map<ts.Node, QueryExecution[]>();
  for (const loop of loopsIn(program, sourceFile, iterationFunctions)) {
    if (iteratesLiteral(loop)) continue;
    let executions = perIterationExecutions(program, loop, regionOptions);
    if (executions.length === 0) continue;
    if (ts.isIterationStatement(loop, false)) {
      if (isEndlessWorkerLoop(loop)) continue;
      if (!options.reportPagination && isPaginationLoop(checker, loop, executions.map((e) => e.site))) continue;
      executions = executions.filter((e) => !runsAtMostOnce(checker, e.site, loop));
    }
    for (const execution of executions) {
      const list = bySite.get(execution.site);
      if (!list) bySite.set(execution.site, [execution]);
      else if (!list.some((e) => e.chain === execution.chain)) list.push(execution);
    }
  }
  return [...bySite]
    .sort(([a], [b]) => a.getStart(sourceFile) - b.getStart(sourceFile))
    .map(([site, executions]) => finding(sourceFile, site, executions));
}
