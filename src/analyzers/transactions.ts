import ts from "typescript";
import { mayRunQueries } from "./callable-names.js";
import { transactionlessDriver } from "./drizzle-symbols.js";
import { callbackRole, type QueryExecution, visitRegion } from "./effects.js";
import { mayRunOnSamePath } from "./paths.js";
import { chainTable, isDbMethodCall, isFirstArgumentOfDbMethod, isPromiseCombinator, WRITE_OPERATIONS } from "./queries.js";
import { tableNames } from "./schema/model.js";
import { fileSyntax } from "./syntax-index.js";
import { isFunctionLike, methodCall, skipOuter, skipOuterUp } from "./ts-utils.js";
import { symbolAt } from "./symbols.js";
import type { AnalysisContext, Finding } from "./types.js";

/** `X.transaction(cb)` on a Drizzle database or transaction (by type). */
export interface TransactionCall {
  call: ts.CallExpression;
  receiver: ts.Expression;
  callback?: ts.ArrowFunction | ts.FunctionExpression;
  /** The callback's transaction parameter, when it is a plain identifier. */
  txParam?: ts.Identifier;
}

export function transactionCallsIn(context: AnalysisContext): TransactionCall[] {
  const out: TransactionCall[] = [];
  for (const node of fileSyntax(context.sourceFile).calls) {
    if (!isDbMethodCall(context.program, node, "transaction")) continue;
    const m = methodCall(node)!;
    const arg = node.arguments[0] && skipOuter(node.arguments[0]);
    const callback = arg && (ts.isArrowFunction(arg) || ts.isFunctionExpression(arg)) ? arg : undefined;
    const p = callback?.parameters[0];
    out.push({ call: node, receiver: m.object, callback, txParam: p && ts.isIdentifier(p.name) ? p.name : undefined });
  }
  return out;
}

/** The innermost `db.transaction(fn)` callback around `node`, below `stop`. */
function enclosingTransactionCallback(program: ts.Program, node: ts.Node, stop?: ts.Node): ts.Node | undefined {
  for (let n: ts.Node | undefined = node.parent; n && n !== stop; n = n.parent) {
    if (isFunctionLike(n) && isFirstArgumentOfDbMethod(program, n, "transaction")) return n;
  }
  return undefined;
}

/** Regions analysed on their own: the file's top level and every function not invoked in place. */
function independentRegions(program: ts.Program, sourceFile: ts.SourceFile): ts.Node[] {
  const regions: ts.Node[] = [sourceFile];
  for (const node of fileSyntax(sourceFile).scopes) {
    if (isFunctionLike(node) && node.body && mayRunQueries(program, node) && callbackRole(program, node).role === "none") regions.push(node.body);
  }
  return regions;
}

export interface RequireTransactionOptions {
  maxDepth: number;
  /** Tables whose writes do not need to be atomic with others (audit logs, analytics), by JS or SQL name. */
  ignoreTables: readonly string[];
}

/**
 * A call or chain whose result nobody waits for (`helper().catch(log)`,
 * `void helper()`, a bare `helper();`): a deliberately detached, best-effort
 * write whose failure is tolerated by design.
 */
function isDetached(node: ts.Node): boolean {
  let up = skipOuterUp(node);
  for (;;) {
    const parent = up.parent;
    if (!parent) return false;
    if (ts.isExpressionStatement(parent) || ts.isVoidExpression(parent)) return true;
    // helper().catch(...) / .then(...).catch(...)
    if (ts.isPropertyAccessExpression(parent) && parent.expression === up && ["catch", "then", "finally"].includes(parent.name.text)) {
      const call = parent.parent;
      if (call && ts.isCallExpression(call) && call.expression === parent) {
        up = skipOuterUp(call);
        continue;
      }
    }
    return false;
  }
}

/**
 * `require-transaction`: two or more writes to different tables that can run
 * on one path of a function, outside any transaction or batch.
 */
export function analyzeRequireTransaction(context: AnalysisContext, options: RequireTransactionOptions): Finding[] {
  const { program, sourceFile } = context;
  const findings: Finding[] = [];
  for (const region of independentRegions(program, sourceFile)) {
    const sites = new Map<ts.Node, Set<string>>();
    visitRegion(program, region, { maxDepth: options.maxDepth }, (execution: QueryExecution, use) => {
      if (use !== "executed" && use !== "returned") return;
      if (!WRITE_OPERATIONS.has(execution.operation) || execution.chain.rootKind !== "database") return;
      if (execution.tables.length === 0) return;
      if (enclosingTransactionCallback(program, execution.site, region)) return;
      if (isDetached(execution.calls[0] ?? execution.chain.end)) return;
      const table = chainTable(program, execution.chain);
      if (table && options.ignoreTables.some((name) => tableNames(table).has(name))) return;
      let tables = sites.get(execution.site);
      if (!tables) sites.set(execution.site, (tables = new Set()));
      for (const t of execution.tables) tables.add(t);
    });
    const ordered = [...sites.entries()].sort(([a], [b]) => a.getStart(sourceFile) - b.getStart(sourceFile));
    for (let i = 0; i < ordered.length; i++) {
      const [first, firstTables] = ordered[i];
      const partners = ordered.slice(i + 1).filter(([second]) => mayRunOnSamePath(first, second));
      const differs = partners.some(([, tables]) => [...tables].some((t) => [...firstTables].some((f) => f !== t)));
      if (!differs) continue;
      const all = new Set(firstTables);
      for (const [, tables] of partners) for (const t of tables) all.add(t);
      findings.push({
        messageId: "requireTransaction",
        data: { tables: [...all].join(", ") },
        start: first.getStart(sourceFile),
        end: first.getEnd(),
      });
      break;
    }
  }
  return findings;
}

/**
 * `no-db-in-transaction`: inside a transaction callback, queries that run
 * through a database other than the callback's own transaction.
 */
export function analyzeDbInTransaction(context: AnalysisContext): Finding[] {
  const { program, sourceFile, checker } = context;
  const findings: Finding[] = [];
  for (const tx of transactionCallsIn(context)) {
    if (!tx.callback?.body) continue;
    const txSymbol = tx.txParam ? symbolAt(checker, tx.txParam) : undefined;
    const seen = new Set<ts.Node>();
    visitRegion(program, tx.callback.body, { maxDepth: 3 }, (execution) => {
      if (execution.chain.rootKind !== "database") return;
      // nested transactions are checked on their own
      if (enclosingTransactionCallback(program, execution.site) !== tx.callback) return;
      if (seen.has(execution.site)) return;
      seen.add(execution.site);
      const direct = execution.calls.length === 0;
      if (!direct && !rootIsModuleLevel(execution.chain.root, checker)) return;
      const root = execution.chain.root;
      const rootText = direct ? skipOuter(root).getText(sourceFile) : execution.trail.join(" → ");
      findings.push({
        messageId: direct ? "dbInTransaction" : "helperEscapesTransaction",
        data: { db: rootText, tx: tx.txParam?.text ?? "the transaction" },
        start: direct ? root.getStart(sourceFile) : execution.site.getStart(sourceFile),
        end: direct ? root.getEnd() : execution.site.getEnd(),
        suggestions:
          direct && tx.txParam && txSymbol && canReplace(root)
            ? [{ messageId: "useTransaction", data: { tx: tx.txParam.text }, edits: [{ start: root.getStart(sourceFile), end: root.getEnd(), text: tx.txParam.text }] }]
            : undefined,
      });
    });
  }
  return findings;
}

/** The query root is a module-level binding (a shared `db`), not a parameter the caller controls. */
function rootIsModuleLevel(root: ts.Expression, checker: ts.TypeChecker): boolean {
  const e = skipOuter(root);
  if (!ts.isIdentifier(e)) return false;
  const decl = symbolAt(checker, e)?.valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl)) return false;
  const statement = decl.parent?.parent;
  return !!statement && ts.isVariableStatement(statement) && ts.isSourceFile(statement.parent);
}

function canReplace(root: ts.Expression): boolean {
  const e = skipOuter(root);
  return ts.isIdentifier(e) || ts.isPropertyAccessExpression(e);
}

/** `no-unsupported-transaction`: `db.transaction` on drivers that throw at runtime. */
export function analyzeUnsupportedTransaction(context: AnalysisContext): Finding[] {
  const findings: Finding[] = [];
  for (const tx of transactionCallsIn(context)) {
    const driver = transactionlessDriver(context.program, tx.receiver);
    if (!driver) continue;
    const callee = skipOuter(tx.call.expression) as ts.PropertyAccessExpression;
    findings.push({
      messageId: "unsupportedTransaction",
      data: { driver },
      start: callee.name.getStart(context.sourceFile),
      end: tx.call.arguments.length ? callee.name.getEnd() : tx.call.getEnd(),
    });
  }
  return findings;
}

/**
 * `no-parallel-in-transaction`: `Promise.all` (and friends) over two or more
 * queries on the same transaction, or a mapped query per element.
 */
export function analyzeParallelInTransaction(context: AnalysisContext): Finding[] {
  const { program, sourceFile, checker } = context;
  const findings: Finding[] = [];
  for (const node of fileSyntax(sourceFile).calls) {
    if (!isPromiseCombinator(node)) continue;
    const arg = node.arguments[0] && skipOuter(node.arguments[0]);
    if (!arg) continue;
    const counts = new Map<ts.Symbol, { name: string; count: number }>();
    const add = (execution: QueryExecution, weight: number) => {
      if (execution.chain.rootKind !== "transaction" || execution.calls.length > 0) return;
      const root = skipOuter(execution.chain.root);
      const symbol = symbolAt(checker, ts.isPropertyAccessExpression(root) ? root.name : root);
      if (!symbol) return;
      const entry = counts.get(symbol) ?? { name: root.getText(sourceFile), count: 0 };
      entry.count += weight;
      counts.set(symbol, entry);
    };
    if (ts.isArrayLiteralExpression(arg)) {
      for (const el of arg.elements) {
        const sites = new Set<ts.Node>();
        visitRegion(program, el, { maxDepth: 0 }, (e) => {
          if (sites.has(e.chain.start)) return;
          sites.add(e.chain.start);
          add(e, 1);
        });
      }
    } else if (ts.isCallExpression(arg)) {
      // Promise.all(items.map((i) => tx.insert(...)))
      const fn = arg.arguments[0] && skipOuter(arg.arguments[0]);
      if (fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && mayRunQueries(program, fn) && callbackRole(program, fn).role === "iteration") {
        visitRegion(program, fn, { maxDepth: 0 }, (e) => add(e, 2));
      }
    }
    for (const { name, count } of counts.values()) {
      if (count < 2) continue;
      findings.push({
        messageId: "parallelInTransaction",
        data: { tx: name },
        start: node.getStart(sourceFile),
        end: node.expression.getEnd(),
      });
      break;
    }
  }
  return findings;
}
