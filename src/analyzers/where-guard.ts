import ts from "typescript";
import { drizzleImportName, exprIsDbLike } from "./drizzle-symbols.js";
import { ensureNamedImport } from "./imports.js";
import { tableDisplayName } from "./schema/model.js";
import {
  chainLabel,
  chainTable,
  extendChain,
  RUNNER_METHODS,
  type QueryChain,
  queryChainsIn,
  valueUse,
} from "./queries.js";
import { isAssignmentTarget, isExportedVariable, variableReferences } from "./references.js";
import { enclosingFunction, methodCall, skipOuter, skipOuterUp, symbolAt, typeOf } from "./ts-utils.js";
import type { AnalysisContext, Finding, SuggestionResult } from "./types.js";

/** The write operations whose chains must carry a `.where(...)`. */
export type GuardedOperation = "delete" | "update";

/**
 * What can happen to a builder value: it may run (awaited, executed, returned
 * from an async function, batched), and a `.where(...)` may be added to it
 * later (a `.where` call on a derived value, or the value escapes somewhere we
 * cannot follow). A chain is reported only when it runs and no where may be added.
 */
interface Fate {
  runs: boolean;
  whereMayBeAdded: boolean;
}

const NOTHING: Fate = { runs: false, whereMayBeAdded: false };
const ESCAPES: Fate = { runs: false, whereMayBeAdded: true };
/** Calls that turn a builder into something that never runs (`.toSQL()`). */
const INSPECTION_METHODS = new Set(["toSQL", "getSQL"]);
/** Calls after which the query runs (directly or through a prepared statement). */
const RUNS_AFTER = new Set([...RUNNER_METHODS, "prepare"]);
const MAX_DEPTH = 6;

function merge(a: Fate, b: Fate): Fate {
  return { runs: a.runs || b.runs, whereMayBeAdded: a.whereMayBeAdded || b.whereMayBeAdded };
}

/** `X.batch([...])` / `X.transaction(fn)` with X a Drizzle database or transaction, by type. */
function isDbMethodCall(context: AnalysisContext, node: ts.Node | undefined, name: string): node is ts.CallExpression {
  if (!node || !ts.isCallExpression(node)) return false;
  const m = methodCall(node);
  return !!m && m.name === name && exprIsDbLike(context.program, m.object) === "yes";
}

/**
 * The fate of the builder value `expr` (a chain start or a reference to a
 * variable holding a builder). `ownCalls` says whether `.where` calls on `expr`
 * itself count as "a where may be added" (they do for references, not for the
 * chain being judged, whose own where calls are judged separately).
 */
function fateOf(context: AnalysisContext, expr: ts.Expression, depth: number, ownCalls: boolean): Fate {
  if (depth > MAX_DEPTH) return ESCAPES;
  const { calls, end } = extendChain(expr);
  let fate = NOTHING;
  for (const c of calls) {
    if (INSPECTION_METHODS.has(c.name)) return fate;
    if (c.name === "where" && ownCalls) fate = merge(fate, ESCAPES);
    if (RUNS_AFTER.has(c.name)) return merge(fate, { runs: true, whereMayBeAdded: false });
  }
  return merge(fate, endFate(context, end, depth));
}

function endFate(context: AnalysisContext, end: ts.Expression, depth: number): Fate {
  switch (valueUse(end)) {
    case "executed":
    case "prepared":
      return { runs: true, whereMayBeAdded: false };
    case "returned":
      return returnedFate(context, end);
    case "built":
      return builtFate(context, end, depth);
  }
}

/**
 * A builder returned from a function runs when the function is async, is the
 * callback of `db.transaction(...)`, or is declared to return something without
 * a `where` method (a Promise). Otherwise the caller may still add a where.
 */
function returnedFate(context: AnalysisContext, end: ts.Expression): Fate {
  const fn = enclosingFunction(end);
  if (!fn) return ESCAPES;
  if (fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) return { runs: true, whereMayBeAdded: false };
  const fnUp = skipOuterUp(fn);
  if (isDbMethodCall(context, fnUp.parent, "transaction") && fnUp.parent.arguments[0] === fnUp) {
    return { runs: true, whereMayBeAdded: false };
  }
  if (!fn.type) return ESCAPES;
  const signature = context.checker.getSignatureFromDeclaration(fn);
  const returnType = signature?.getReturnType();
  if (!returnType || returnType.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return ESCAPES;
  return returnType.getProperty("where") ? ESCAPES : { runs: true, whereMayBeAdded: false };
}

function builtFate(context: AnalysisContext, end: ts.Expression, depth: number): Fate {
  const up = skipOuterUp(end);
  const parent = up.parent;
  if (!parent) return ESCAPES;
  // db.batch([db.delete(t), ...]) runs every element
  if (ts.isArrayLiteralExpression(parent)) {
    const arrayUp = skipOuterUp(parent);
    if (isDbMethodCall(context, arrayUp.parent, "batch") && arrayUp.parent.arguments[0] === arrayUp) {
      return { runs: true, whereMayBeAdded: false };
    }
    return ESCAPES;
  }
  // a bare `db.delete(t);` statement never runs (drizzle builders are lazy)
  if (ts.isExpressionStatement(parent) || ts.isVoidExpression(parent)) return NOTHING;
  if (ts.isVariableDeclaration(parent) && parent.initializer === up && ts.isIdentifier(parent.name)) {
    return variableFate(context, parent as ts.VariableDeclaration & { name: ts.Identifier }, depth);
  }
  return ESCAPES;
}

/** `const q = db.delete(t)`: the union of the fates of every use of `q` in its scope. */
function variableFate(
  context: AnalysisContext,
  declaration: ts.VariableDeclaration & { name: ts.Identifier },
  depth: number,
): Fate {
  if (isExportedVariable(declaration)) return ESCAPES;
  let fate = NOTHING;
  for (const ref of variableReferences(context.checker, declaration)) {
    if (isAssignmentTarget(ref)) return ESCAPES;
    fate = merge(fate, fateOf(context, ref, depth + 1, true));
    if (fate.whereMayBeAdded) return fate;
  }
  return fate;
}

/** True when `expr` is exactly `undefined` by type (`undefined`, `void 0`, a variable of type undefined). */
function isUndefinedValue(context: AnalysisContext, expr: ts.Expression): boolean {
  const type = typeOf(context.checker, expr);
  return !!type && (type.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) !== 0 && !type.isUnion();
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
  if (isUndefinedValue(context, expr)) return true;
  if (!ts.isCallExpression(expr)) return false;
  const combinator = drizzleImportName(context.checker, expr.expression);
  if (combinator !== "and" && combinator !== "or") return false;
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

function whereTrueSuggestion(context: AnalysisContext, chain: QueryChain, operation: GuardedOperation): SuggestionResult | undefined {
  const at = insertionPoint(chain, operation);
  if (at === undefined) return undefined;
  const imported = ensureNamedImport(context.checker, context.sourceFile, "drizzle-orm", "sql");
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

/**
 * `enforce-delete-with-where` / `enforce-update-with-where`: a delete or update
 * chain on a Drizzle database or transaction (by type) that runs without a
 * `.where(...)`, or whose last `.where(...)` argument is undefined at runtime.
 */
export function analyzeWriteWithoutWhere(context: AnalysisContext, operation: GuardedOperation): Finding[] {
  const findings: Finding[] = [];
  for (const chain of queryChainsIn(context.program, context.sourceFile)) {
    if (chain.operation !== operation) continue;
    const fate = fateOf(context, chain.start, 0, false);
    if (!fate.runs || fate.whereMayBeAdded) continue;
    const wheres = chain.calls.filter((c) => c.name === "where");
    const data = { query: chainLabel(chain, context.sourceFile), table: tableName(context, chain) };
    const lastWhere = wheres[wheres.length - 1];
    if (!lastWhere) {
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
