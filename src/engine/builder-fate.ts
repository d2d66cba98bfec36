import ts from "typescript";
import { extendChain, isFirstArgumentOfDbMethod, type QueryChain, RUNNER_METHODS, valueUse } from "./queries.js";
import { isAssignmentTarget, isExportedVariable, variableReferences } from "./references.js";
import { enclosingFunction, isAsyncFunction, isUnknownType, skipOuterUp } from "./ts-utils.js";

/**
 * One way a query builder value is used (Drizzle builders are lazy: building
 * one does nothing, running it is a separate step).
 */
export type BuilderUse =
  /** Runs here: awaited, `.execute()`/`.then()`, `.prepare()`d, in `db.batch([...])`, returned from an async function. */
  | "runs"
  /**
   * Returned from a non-async function whose caller runs it as it is: the
   * callback of `db.transaction(...)`, or a function declared to return a
   * type without `where` (a Promise).
   */
  | "runsInCaller"
  /** Returned from a function whose caller may still chain on it (a builder factory). */
  | "returned"
  /** `.where(...)` is called on a value derived from it (a split chain: `const q = db.delete(t); q.where(...)`). */
  | "whereAdded"
  /** Made `$dynamic()`: meant to be extended, possibly with several `.where` calls. */
  | "dynamic"
  /** Only inspected (`.toSQL()`, `.getSQL()`): never runs from there. */
  | "inspected"
  /** Dropped: a bare statement (`db.delete(t);`), `void`, or a variable nobody reads. Never runs. */
  | "discarded"
  /**
   * Goes where we do not follow it: passed to a function, put in an array or
   * object, exported, reassigned, made a subquery (`.as()`), or too many
   * variables away. It may run, and may get a where there.
   */
  | "escapes";

/** Calls that turn a builder into something that never runs (`.toSQL()`). */
const INSPECTION_METHODS = new Set(["toSQL", "getSQL"]);
/** Calls after which the query runs (directly or through a prepared statement). */
const RUNS_AFTER = new Set([...RUNNER_METHODS, "prepare"]);
/** How many variables (`const a = db.delete(t); const b = a; ...`) are followed. */
const MAX_VARIABLE_HOPS = 6;

/**
 * Every way the builder of `chain` is used, as far as it can be followed: the
 * chain's own calls after its start (its own `.where` calls are not a
 * "whereAdded"), how its value is used where it ends, and through local
 * variables (`const q = db.delete(t); if (id) q.where(...); await q;`) every
 * use of each variable, recursively.
 *
 * The result describes all uses; each rule derives its decision from it, e.g.
 * "it may run and no where may be added" ({@link mayRun} and not
 * {@link mayGetWhere}), or "every use runs it as written". Never throws for
 * unusual code; what cannot be followed is `"escapes"`.
 */
export function builderUses(program: ts.Program, chain: Pick<QueryChain, "calls" | "end">): ReadonlySet<BuilderUse> {
  const uses = new Set<BuilderUse>();
  collectUses(program, chain.calls, chain.end, false, 0, uses);
  return uses;
}

/** Some use runs the query (here or in a caller that surely runs it). */
export function mayRun(uses: ReadonlySet<BuilderUse>): boolean {
  return uses.has("runs") || uses.has("runsInCaller");
}

/** Some use may add a `.where(...)` before the query runs: on a derived value, in a caller, or somewhere we cannot follow. */
export function mayGetWhere(uses: ReadonlySet<BuilderUse>): boolean {
  return uses.has("whereAdded") || uses.has("returned") || uses.has("escapes");
}

/**
 * The uses of a builder value: `calls` made on it (in order) and how `end`,
 * the value after them, is used. `whereCounts`: a `.where` call among `calls`
 * adds a where (true for derived values, false for the chain being judged).
 */
function collectUses(
  program: ts.Program,
  calls: readonly { name: string }[],
  end: ts.Expression,
  whereCounts: boolean,
  hops: number,
  uses: Set<BuilderUse>,
): void {
  for (const c of calls) {
    if (INSPECTION_METHODS.has(c.name)) return void uses.add("inspected");
    if (c.name === "as") return void uses.add("escapes");
    if (c.name === "$dynamic") uses.add("dynamic");
    if (c.name === "where" && whereCounts) uses.add("whereAdded");
    if (RUNS_AFTER.has(c.name)) return void uses.add("runs");
  }
  switch (valueUse(end)) {
    case "executed":
    case "prepared":
      uses.add("runs");
      return;
    case "returned":
      uses.add(returnedUse(program, end));
      return;
    case "built":
      builtUses(program, end, hops, uses);
      return;
  }
}

/**
 * A builder returned from a function runs when the function is async, is the
 * callback of `db.transaction(...)`, or is declared to return something without
 * a `where` method (a Promise). Otherwise the caller may still chain on it.
 */
function returnedUse(program: ts.Program, end: ts.Expression): BuilderUse {
  const fn = enclosingFunction(end);
  if (!fn) return "escapes";
  if (isAsyncFunction(fn)) return "runs";
  if (isFirstArgumentOfDbMethod(program, fn, "transaction")) return "runsInCaller";
  if (!fn.type) return "returned";
  const returnType = program.getTypeChecker().getSignatureFromDeclaration(fn)?.getReturnType();
  if (!returnType || isUnknownType(returnType)) return "returned";
  return returnType.getProperty("where") ? "returned" : "runsInCaller";
}

function builtUses(program: ts.Program, end: ts.Expression, hops: number, uses: Set<BuilderUse>): void {
  const up = skipOuterUp(end);
  const parent = up.parent;
  // db.batch([db.delete(t), ...]) runs every element
  if (parent && ts.isArrayLiteralExpression(parent)) {
    uses.add(isFirstArgumentOfDbMethod(program, parent, "batch") ? "runs" : "escapes");
    return;
  }
  // a bare `db.delete(t);` statement never runs (drizzle builders are lazy)
  if (parent && (ts.isExpressionStatement(parent) || ts.isVoidExpression(parent))) {
    uses.add("discarded");
    return;
  }
  if (parent && ts.isVariableDeclaration(parent) && parent.initializer === up && ts.isIdentifier(parent.name)) {
    variableUses(program, parent as ts.VariableDeclaration & { name: ts.Identifier }, hops, uses);
    return;
  }
  uses.add("escapes");
}

/** `const q = db.delete(t)`: the uses of every reference to `q` in its scope. */
function variableUses(
  program: ts.Program,
  declaration: ts.VariableDeclaration & { name: ts.Identifier },
  hops: number,
  uses: Set<BuilderUse>,
): void {
  if (hops >= MAX_VARIABLE_HOPS || isExportedVariable(declaration)) {
    uses.add("escapes");
    return;
  }
  const refs = variableReferences(program.getTypeChecker(), declaration);
  if (refs.length === 0) uses.add("discarded");
  for (const ref of refs) {
    if (isAssignmentTarget(ref)) {
      uses.add("escapes");
      continue;
    }
    const { calls, end } = extendChain(ref);
    collectUses(program, calls, end, true, hops + 1, uses);
  }
}
