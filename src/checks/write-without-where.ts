import ts from "typescript";
import { builderUses, mayGetWhere, mayRun } from "../engine/builder-fate.js";
import { drizzleImportName } from "../engine/drizzle-symbols.js";
import { ensureNamedImport } from "../engine/imports.js";
import { tableDisplayName } from "../engine/schema/model.js";
import { chainLabel, chainTable, type QueryChain, queryChainsIn } from "../engine/queries.js";
import { isExportedVariable, variableReferences } from "../engine/references.js";
import { calledPlainFunction, returnedExpressions } from "../engine/declared-types.js";
import { enclosingFunction, isAsyncFunction, isFunctionLike, skipOuter, skipOuterUp, typeOf, unannotatedConstInitializer } from "../engine/ts-utils.js";
import { symbolAt } from "../engine/symbols.js";
import type { AnalysisContext, Finding, SuggestionResult } from "../engine/types.js";

/** The messages this check reports (the rule defines their text). */
export type MessageId = "missingWhere" | "whereMatchesAll" | "addWhereTrue";

/** The write operations whose chains must carry a `.where(...)`. */
export type GuardedOperation = "delete" | "update";

/** How deeply nested spreads (`and(...[...a, ...b])`) are followed. */
const MAX_DEPTH = 6;

/** True when `expr` is exactly `undefined` by type (`undefined`, `void 0`, a variable of type undefined). */
function isUndefinedValue(context: AnalysisContext, expr: ts.Expression): boolean {
  if (neverUndefined(context.checker, expr, 0)) return false;
  const type = typeOf(context.checker, expr);
  return !!type && (type.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) !== 0 && !type.isUnion();
}

/**
 * By syntax, an expression whose type is never exactly `undefined`: a
 * literal, a drizzle-orm call or `sql` template (SQL, or SQL | undefined),
 * a conditional with such a branch, a call of an async user function or of
 * one with such a return (its type is the union of its returns), a `const`
 * without a type annotation holding one. Typing a call to a condition helper
 * resolves it, and with it the tables it names; typing a held condition
 * (`const where = all ? inArray(t.userId, ids) : and(…)`) types its values,
 * as far as the query rows they come from.
 */
function neverUndefined(checker: ts.TypeChecker, expr: ts.Expression, depth: number): boolean {
  const e = skipOuter(expr);
  if (ts.isObjectLiteralExpression(e) || ts.isArrayLiteralExpression(e) || ts.isStringLiteralLike(e) || ts.isNumericLiteral(e) || ts.isTemplateExpression(e)) return true;
  if (ts.isConditionalExpression(e)) return neverUndefined(checker, e.whenTrue, depth) || neverUndefined(checker, e.whenFalse, depth);
  if (ts.isIdentifier(e)) {
    if (depth > 3) return false;
    // an annotated `const` is typed from its annotation, cheaply: left to the checker
    const initializer = unannotatedConstInitializer(symbolAt(checker, e)?.valueDeclaration);
    return !!initializer && neverUndefined(checker, initializer, depth + 1);
  }
  if (ts.isTaggedTemplateExpression(e)) return drizzleImportName(checker, e.tag) === "sql";
  if (!ts.isCallExpression(e) || depth > 3) return false;
  if (drizzleImportName(checker, e.expression) !== undefined) return true;
  const fn = calledPlainFunction(checker, e);
  if (!fn) return false;
  if (isAsyncFunction(fn)) return true;
  return returnedExpressions(fn.body)?.some((r) => neverUndefined(checker, r, depth + 1)) ?? false;
}

/** The declaration of a local `const`/`let` array variable referenced by `expr`, with its initializer. */
function localArrayDeclaration(context: AnalysisContext, expr: ts.Expression): ts.VariableDeclaration | undefined {
  const id = skipOuter(expr);
  if (!ts.isIdentifier(id)) return undefined;
  const symbol = symbolAt(context.checker, id);
  const decl = symbol?.valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name) || !decl.initializer) return undefined;
  if (decl.getSourceFile() !== context.sourceFile || isExportedVariable(decl)) return undefined;
  return decl;
}

/** An array literal that may have no elements: only spreads that may be empty. */
function literalMayBeEmpty(context: AnalysisContext, literal: ts.ArrayLiteralExpression, use: ts.Node, depth: number): boolean {
  return literal.elements.every((e) => ts.isSpreadElement(e) && spreadMayBeEmpty(context, e.expression, use, depth + 1));
}

/**
 * A push that surely ran before `use`: an unconditional statement
 * `xs.push(a, ...)` (with a non-spread argument) in a block that contains `use`,
 * earlier in the same function.
 */
function pushDominates(call: ts.CallExpression, use: ts.Node): boolean {
  if (!call.arguments.some((a) => !ts.isSpreadElement(a))) return false;
  let statement: ts.Node = skipOuterUp(call);
  if (statement.parent && ts.isAwaitExpression(statement.parent)) statement = skipOuterUp(statement.parent);
  statement = statement.parent;
  if (!statement || !ts.isExpressionStatement(statement)) return false;
  const block = statement.parent;
  if (!block || statement.getEnd() > use.getStart()) return false;
  if (enclosingFunction(statement) !== enclosingFunction(use)) return false;
  for (let n: ts.Node | undefined = use.parent; n; n = n.parent) if (n === block) return true;
  return false;
}

/**
 * Whether the array spread at `expr` may be empty where it is used. Only local
 * arrays built from a literal are judged: every other use of the variable
 * (a length check, passing it to a function, reassignment) makes the answer "no".
 */
function spreadMayBeEmpty(context: AnalysisContext, expr: ts.Expression, use: ts.Node, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const inner = skipOuter(expr);
  if (ts.isArrayLiteralExpression(inner)) return literalMayBeEmpty(context, inner, use, depth);
  const decl = localArrayDeclaration(context, inner);
  if (!decl) return false;
  const init = skipOuter(decl.initializer!);
  if (!ts.isArrayLiteralExpression(init) || !literalMayBeEmpty(context, init, use, depth)) return false;
  for (const ref of variableReferences(context.checker, decl as ts.VariableDeclaration & { name: ts.Identifier })) {
    const up = skipOuterUp(ref);
    const parent = up.parent;
    if (parent && ts.isSpreadElement(parent)) continue;
    if (parent && ts.isPropertyAccessExpression(parent) && parent.expression === up) {
      const call = parent.parent;
      const isAdd = parent.name.text === "push" || parent.name.text === "unshift";
      if (isAdd && call && ts.isCallExpression(call) && call.expression === parent) {
        if (pushDominates(call, use)) return false;
        continue;
      }
    }
    // a length check, an escape, a reassignment: we cannot tell
    return false;
  }
  return true;
}

/** `.where(undefined)`, `.where(and())`, `.where(and(...conds))` with conds possibly empty. */
function matchesAllRows(context: AnalysisContext, arg: ts.Expression | undefined, whereCall: ts.CallExpression): boolean {
  if (!arg) return false;
  const expr = skipOuter(arg);
  // a drizzle-orm operator (`eq(…)`, `and(…)`) or a `sql` template never evaluates to plain `undefined`:
  // known without typing the condition, which would type its columns
  const operator = ts.isCallExpression(expr) ? drizzleImportName(context.checker, expr.expression) : undefined;
  if (operator === undefined && !ts.isTaggedTemplateExpression(expr) && isUndefinedValue(context, expr)) return true;
  if (!ts.isCallExpression(expr)) return false;
  if (operator !== "and" && operator !== "or") return false;
  return expr.arguments.every((a) => ts.isSpreadElement(a) && spreadMayBeEmpty(context, a.expression, whereCall, 0));
}

/**
 * Where `.where(sql\`true\`)` goes: right after `db.delete(t)`, or after
 * `.set(...)` of an update (the first point where `where` exists).
 */
function insertionPoint(chain: QueryChain, operation: GuardedOperation): number | undefined {
  if (operation === "delete") return chain.start.getEnd();
  return chain.calls.find((c) => c.name === "set")?.call.getEnd();
}

function whereTrueSuggestion(context: AnalysisContext, chain: QueryChain, operation: GuardedOperation): SuggestionResult<MessageId> | undefined {
  const at = insertionPoint(chain, operation);
  if (at === undefined) return undefined;
  const imported = ensureNamedImport(context.sourceFile, "drizzle-orm", "sql");
  if (!imported) return undefined;
  return {
    messageId: "addWhereTrue",
    edits: [...imported.edits, { start: at, end: at, text: `.where(${imported.reference}\`true\`)` }],
  };
}

function tableName(context: AnalysisContext, chain: QueryChain): string {
  const table = chainTable(context.program, chain);
  if (table) return tableDisplayName(table);
  return chain.tableExpr ? skipOuter(chain.tableExpr).getText(context.sourceFile) : "the table";
}

/** What identifies a chain's table: its model's declaration, else the table expression's text. */
function tableKey(context: AnalysisContext, chain: QueryChain): ts.Node | string | undefined {
  const table = chainTable(context.program, chain);
  if (table) return table.call;
  return chain.tableExpr ? skipOuter(chain.tableExpr).getText(context.sourceFile) : undefined;
}

/** The table expression is the variable of a loop or iteration callback over tables (`for (const t of tables) db.delete(t)`). */
function deletesEachTable(context: AnalysisContext, chain: QueryChain): boolean {
  const expr = chain.tableExpr && skipOuter(chain.tableExpr);
  if (!expr || !ts.isIdentifier(expr)) return false;
  const decl = symbolAt(context.checker, expr)?.valueDeclaration;
  if (!decl) return false;
  // for (const table of tables)
  if (ts.isVariableDeclaration(decl) && ts.isVariableDeclarationList(decl.parent) && ts.isForOfStatement(decl.parent.parent)) return true;
  // tables.map((table) => db.delete(table)) / Object.values(schema).forEach(...)
  if (ts.isParameter(decl) && decl.parent.parameters[0] === decl) {
    const fn = decl.parent;
    const call = skipOuterUp(fn).parent;
    return !!call && ts.isCallExpression(call) && call.arguments.includes(skipOuterUp(fn) as ts.Expression) && ITERATING.has(methodName(call) ?? "");
  }
  return false;
}

/**
 * The first statement after the one holding `node`, in the same block, that
 * holds a Drizzle query (statements between that run none, such as a log
 * line or preparing the rows, are skipped).
 */
function nextQueryStatement(node: ts.Node, chains: readonly QueryChain[]): ts.Statement | undefined {
  for (let n: ts.Node = node; n.parent; n = n.parent) {
    const parent = n.parent;
    if (ts.isBlock(parent) || ts.isSourceFile(parent) || ts.isModuleBlock(parent)) {
      const statements = parent.statements;
      for (const statement of statements.slice(statements.indexOf(n as ts.Statement) + 1)) {
        if (chains.some((c) => isWithin(c.start, statement))) return statement;
      }
      return undefined;
    }
    if (isFunctionLike(parent)) return undefined;
  }
  return undefined;
}

function isWithin(node: ts.Node, ancestor: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) if (n === ancestor) return true;
  return false;
}

/** How many tables a function must empty without a where to be a reset (two may be two forgotten wheres). */
const RESET_TABLES = 3;

const ITERATING = new Set(["map", "forEach", "flatMap", "reduce"]);

function methodName(call: ts.CallExpression): string | undefined {
  const callee = skipOuter(call.expression);
  return ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
}

/**
 * Deletes without a where that are deliberate resets, not reported unless
 * `reportResets`: a function (or a file's top level) that empties three or
 * more tables, a loop or iteration over tables that empties each, or a delete
 * whose next query in the same block inserts into the same table (a seed
 * clearing a table before refilling it).
 */
function deliberateResets(context: AnalysisContext, chains: readonly QueryChain[], unfiltered: readonly QueryChain[]): Set<QueryChain> {
  const resets = new Set<QueryChain>();
  const scopeOf = (chain: QueryChain): ts.Node => enclosingFunction(chain.start) ?? context.sourceFile;
  const tablesByScope = new Map<ts.Node, Set<ts.Node | string>>();
  for (const chain of unfiltered) {
    const key = tableKey(context, chain);
    if (key === undefined) continue;
    const scope = scopeOf(chain);
    let tables = tablesByScope.get(scope);
    if (!tables) tablesByScope.set(scope, (tables = new Set()));
    tables.add(key);
  }
  for (const chain of unfiltered) {
    if ((tablesByScope.get(scopeOf(chain))?.size ?? 0) >= RESET_TABLES || deletesEachTable(context, chain)) {
      resets.add(chain);
      continue;
    }
    const key = tableKey(context, chain);
    const next = key === undefined ? undefined : nextQueryStatement(chain.start, chains);
    const refilled = next && chains.some((other) => other.operation === "insert" && isWithin(other.start, next) && tableKey(context, other) === key);
    if (refilled) resets.add(chain);
  }
  return resets;
}

/**
 * `enforce-delete-with-where` / `enforce-update-with-where`: a delete or update
 * chain on a Drizzle database or transaction (by type) that runs without a
 * `.where(...)`, or whose last `.where(...)` argument is undefined at runtime.
 */
export function analyzeWriteWithoutWhere(context: AnalysisContext, operation: GuardedOperation, options: { reportResets?: boolean } = {}): Finding<MessageId>[] {
  const findings: Finding<MessageId>[] = [];
  const chains = queryChainsIn(context.program, context.sourceFile);
  const unfiltered = chains.filter((chain) => {
    if (chain.operation !== operation || chain.calls.some((c) => c.name === "where")) return false;
    const uses = builderUses(context.program, chain);
    return mayRun(uses) && !mayGetWhere(uses);
  });
  const resets = operation === "delete" && !options.reportResets ? deliberateResets(context, chains, unfiltered) : new Set<QueryChain>();
  for (const chain of chains) {
    if (chain.operation !== operation) continue;
    const uses = builderUses(context.program, chain);
    if (!mayRun(uses) || mayGetWhere(uses)) continue;
    const wheres = chain.calls.filter((c) => c.name === "where");
    const data = { query: chainLabel(chain, context.sourceFile), table: tableName(context, chain) };
    const lastWhere = wheres[wheres.length - 1];
    if (!lastWhere) {
      if (resets.has(chain)) continue;
      const suggestion = whereTrueSuggestion(context, chain, operation);
      findings.push({
        messageId: "missingWhere",
        data,
        start: chain.start.getStart(context.sourceFile),
        end: chain.start.getEnd(),
        suggestions: suggestion ? [suggestion] : undefined,
      });
      continue;
    }
    const arg = lastWhere.call.arguments[0];
    if (arg && matchesAllRows(context, arg, lastWhere.call)) {
      findings.push({
        messageId: "whereMatchesAll",
        data: { ...data, condition: skipOuter(arg).getText(context.sourceFile) },
        start: arg.getStart(context.sourceFile),
        end: arg.getEnd(),
      });
    }
  }
  return findings;
}
