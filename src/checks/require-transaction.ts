import ts from "typescript";
import { mayRunQueries } from "../engine/callable-names.js";
import { callbackRole, type QueryExecution, visitRegion } from "../engine/effects.js";
import { mayRunOnSamePath } from "../engine/paths.js";
import { chainTable, WRITE_OPERATIONS } from "../engine/queries.js";
import { type TableModel, tableDisplayName, tableNames } from "../engine/schema/model.js";
import { fileSyntax } from "../engine/syntax-index.js";
import { isAppendOnlyTable } from "../engine/table-writes.js";
import { enclosingTransactionCallback } from "../engine/transactions.js";
import { isFunctionLike, skipOuterUp } from "../engine/ts-utils.js";
import type { AnalysisContext, Finding } from "../engine/types.js";

/** The messages this check reports (the rule defines their text). */
export type MessageId = "requireTransaction" | "requireTransactionWithLog";

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
  /** Also report a path that writes one table plus append-only log tables. */
  reportLogTables: boolean;
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
 * The innermost `try` within `region` around `node` whose `catch` logs and
 * carries on: no `throw` and no `return` in it (nested functions aside), so
 * a failure of what its block writes is tolerated by design, as with
 * `helper().catch(log)`. A write inside and one outside it are not paired;
 * two writes inside the same block still are. A `catch` that returns or
 * throws makes the write part of the operation.
 */
function bestEffortTry(node: ts.Node, region: ts.Node): ts.TryStatement | undefined {
  for (let n: ts.Node = node; n !== region && n.parent; n = n.parent) {
    const parent = n.parent;
    if (isFunctionLike(parent)) return undefined;
    if (ts.isTryStatement(parent) && parent.tryBlock === n && parent.catchClause && carriesOn(parent.catchClause.block)) return parent;
  }
  return undefined;
}

/** A `catch` block with no `throw` and no `return` (nested functions aside). */
function carriesOn(block: ts.Block): boolean {
  let exits = false;
  const visit = (node: ts.Node): void => {
    if (exits || isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isThrowStatement(node) || ts.isReturnStatement(node)) exits = true;
    else ts.forEachChild(node, visit);
  };
  ts.forEachChild(block, visit);
  return !exits;
}

/**
 * `require-transaction`: two or more writes to different tables that can run
 * on one path of a function, outside any transaction or batch.
 */
export function analyzeRequireTransaction(context: AnalysisContext, options: RequireTransactionOptions): Finding<MessageId>[] {
  const { program, sourceFile } = context;
  /**
   * The tables written in this file, by display name. Whether one is an
   * append-only log is asked only of a path that writes two tables: that
   * reads every write of the program (once per program).
   */
  const written = new Map<string, TableModel[]>();
  const isLogTable = (name: string): boolean => written.get(name)?.some((table) => isAppendOnlyTable(program, table, context.settings)) ?? false;
  const findings: Finding<MessageId>[] = [];
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
      if (table) {
        const name = tableDisplayName(table);
        const tables = written.get(name);
        if (!tables) written.set(name, [table]);
        else if (!tables.includes(table)) tables.push(table);
      }
      let tables = sites.get(execution.site);
      if (!tables) sites.set(execution.site, (tables = new Set()));
      for (const t of execution.tables) tables.add(t);
    });
    const ordered = [...sites.entries()].sort(([a], [b]) => a.getStart(sourceFile) - b.getStart(sourceFile));
    const tolerating = new Map(ordered.map(([site]) => [site, bestEffortTry(site, region)]));
    for (let i = 0; i < ordered.length; i++) {
      const [first, firstTables] = ordered[i];
      const partners = ordered.slice(i + 1).filter(([second]) => mayRunOnSamePath(first, second) && tolerating.get(second) === tolerating.get(first));
      const differs = partners.some(([, tables]) => [...tables].some((t) => [...firstTables].some((f) => f !== t)));
      if (!differs) continue;
      const all = new Set(firstTables);
      for (const [, tables] of partners) for (const t of tables) all.add(t);
      // one business table plus append-only logs (when every table is append-only, none is known to be the log)
      const logs = [...all].filter(isLogTable);
      const withLog = logs.length > 0 && all.size - logs.length === 1;
      if (withLog && !options.reportLogTables) continue;
      findings.push({
        messageId: withLog ? "requireTransactionWithLog" : "requireTransaction",
        data: withLog ? { tables: [...all].join(", "), logTables: logs.join(", ") } : { tables: [...all].join(", ") },
        start: first.getStart(sourceFile),
        end: first.getEnd(),
      });
      break;
    }
  }
  return findings;
}
