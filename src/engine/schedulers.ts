import ts from "typescript";
import { programCache } from "./cache.js";
import { guard } from "./guard.js";
import { callSitesOf } from "./result-checks.js";
import { localSymbolAt, symbolAt } from "./symbols.js";
import { enclosingFunction, skipOuter, skipOuterUp } from "./ts-utils.js";

/**
 * Code that only a scheduler runs: the callbacks of timers and job
 * schedulers, and the project functions called only from them. Such code
 * runs on no one's behalf (a background job): there is no request, so no
 * signed-in user. The engine's "job" code role (see code-roles.ts).
 *
 * Schedulers are identified by symbol, never by name alone:
 * - a bare name (`"setInterval"`) is the global function of that name, as
 *   declared by TypeScript's lib or `@types/node` (a declaration file, at
 *   global scope); a function of the project with the same name is not it;
 * - `"<module>#<export>"` (`"node-cron#schedule"`, `"cron#CronJob"`) is an
 *   export of a package, through the import binding that names it: `import {
 *   schedule } from "node-cron"`, `import cron from "node-cron"` then
 *   `cron.schedule(...)`, `import * as cron`, `new CronJob(...)`. A `node:`
 *   prefix is ignored.
 *
 * Any function passed as an argument of a scheduler call is run by it.
 */

/**
 * The built-in schedulers: the recurring timer (`setInterval`), node-cron,
 * cron, node-schedule. `setTimeout` and `setImmediate` are not among them:
 * in a request handler they defer that request's own work, on its user's
 * behalf. `settings["drizzle-guard"].jobSchedulers` replaces the list.
 */
export const DEFAULT_JOB_SCHEDULERS: readonly string[] = [
  "setInterval",
  "timers#setInterval",
  "node-cron#schedule",
  "cron#CronJob",
  "node-schedule#scheduleJob",
];

/** Functions followed from a job up to its callers (`setInterval(run)` → `run` → `sendAll` → the query). */
const MAX_DEPTH = 4;

const moduleName = (specifier: string) => specifier.replace(/^node:/, "");

/** A declaration of the global scope in a declaration file: TypeScript's lib, or a `declare global` of `@types/node`. */
function isGlobalLibraryDeclaration(declaration: ts.Declaration): boolean {
  const file = declaration.getSourceFile();
  if (!file.isDeclarationFile) return false;
  if (!ts.isExternalModule(file) && !ts.findAncestor(declaration, ts.isModuleDeclaration)) return true;
  return !!ts.findAncestor(declaration, (n) => ts.isModuleDeclaration(n) && (n.flags & ts.NodeFlags.GlobalAugmentation) !== 0);
}

/** The import that binds `name` in its file: the module and the name imported (`default`, a named export, or `*`). */
function importOf(checker: ts.TypeChecker, name: ts.Identifier): { module: string; imported: string } | undefined {
  const declaration = localSymbolAt(checker, name)?.declarations?.[0];
  if (!declaration) return undefined;
  let imported: string;
  let clause: ts.ImportClause;
  if (ts.isImportSpecifier(declaration)) {
    imported = (declaration.propertyName ?? declaration.name).text;
    clause = declaration.parent.parent;
  } else if (ts.isNamespaceImport(declaration)) {
    imported = "*";
    clause = declaration.parent;
  } else if (ts.isImportClause(declaration)) {
    imported = "default";
    clause = declaration;
  } else return undefined;
  const specifier = clause.parent.moduleSpecifier;
  return ts.isStringLiteral(specifier) ? { module: moduleName(specifier.text), imported } : undefined;
}

/** Whether a call (or `new`) invokes one of `schedulers`. */
export function isSchedulerCall(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression, schedulers: readonly string[]): boolean {
  return guard(() => {
    const callee = skipOuter(call.expression);
    for (const entry of schedulers) {
      const hash = entry.indexOf("#");
      if (hash < 0) {
        // a global: `setInterval(...)`, `globalThis.setInterval(...)`
        const name = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
        if (!name || name.text !== entry) continue;
        const declarations = symbolAt(checker, name)?.declarations ?? [];
        if (declarations.length > 0 && declarations.every(isGlobalLibraryDeclaration)) return true;
        continue;
      }
      const module = moduleName(entry.slice(0, hash));
      const exported = entry.slice(hash + 1);
      if (ts.isIdentifier(callee)) {
        const found = importOf(checker, callee);
        if (found?.module === module && found.imported === exported) return true;
      } else if (ts.isPropertyAccessExpression(callee) && callee.name.text === exported) {
        // `cron.schedule(...)` with `cron` the module's default or namespace import
        const object = skipOuter(callee.expression);
        const found = ts.isIdentifier(object) ? importOf(checker, object) : undefined;
        if (found?.module === module && (found.imported === "default" || found.imported === "*")) return true;
      }
    }
    return false;
  }, false);
}

/** The scheduler call that `node` (a function, or a reference to one) is an argument of. */
function schedulerCallOf(checker: ts.TypeChecker, node: ts.Node, schedulers: readonly string[]): ts.CallExpression | ts.NewExpression | undefined {
  const argument = skipOuterUp(node);
  const call = argument.parent;
  if (!call || !(ts.isCallExpression(call) || ts.isNewExpression(call)) || !call.arguments?.includes(argument as ts.Expression)) return undefined;
  return isSchedulerCall(checker, call, schedulers) ? call : undefined;
}

const caches = programCache(() => new Map<string, Map<ts.Node, boolean>>());

/**
 * Whether `fn` runs only from a scheduler: it is a function passed to a
 * scheduler (`setInterval(async () => …)`); or a callback written inside
 * such code (`rows.map(async (row) => …)` in a job); or a named function
 * every reference to which is either passed to a scheduler (`setInterval(run,
 * ms)`) or a call from code that runs only from a scheduler, or from the
 * function (or module top level) that schedules it (the first run of "run
 * now, then every 5 minutes": `run(); setInterval(run, ms)`). A function with
 * no reference at all (a route handler the framework calls, dead code), or
 * one reference elsewhere (a request handler, other top-level code, a value
 * stored anywhere else), does not.
 */
export function runsOnlyFromScheduler(program: ts.Program, fn: ts.FunctionLikeDeclaration, schedulers: readonly string[]): boolean {
  const key = JSON.stringify(schedulers);
  const byList = caches(program);
  let cache = byList.get(key);
  if (!cache) byList.set(key, (cache = new Map<ts.Node, boolean>()));
  const known = cache.get(fn);
  if (known !== undefined) return known;
  const result = guard(() => decide(program, fn, schedulers, cache, 0), false);
  cache.set(fn, result);
  return result;
}

function decide(program: ts.Program, fn: ts.FunctionLikeDeclaration, schedulers: readonly string[], cache: Map<ts.Node, boolean>, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const known = cache.get(fn);
  if (known !== undefined) return known;
  // a function being decided (recursion) adds no entry point; counted as not proven
  cache.set(fn, false);
  const result = decideUncached(program, fn, schedulers, cache, depth);
  cache.set(fn, result);
  return result;
}

function decideUncached(program: ts.Program, fn: ts.FunctionLikeDeclaration, schedulers: readonly string[], cache: Map<ts.Node, boolean>, depth: number): boolean {
  const checker = program.getTypeChecker();
  if (schedulerCallOf(checker, fn, schedulers)) return true;
  const sites = callSitesOf(program, fn);
  // a function literal passed elsewhere (`rows.map(async (row) => …)`, `.then(() => …)`) runs as part of the code around it
  if (sites.calls.length === 0 && sites.values.length === 0) {
    if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && !ts.isVariableDeclaration(skipOuterUp(fn).parent)) {
      const around = enclosingFunction(fn);
      return !!around && decide(program, around, schedulers, cache, depth + 1);
    }
    return false;
  }
  // an unnamed function stored somewhere: its callers are unknown
  if (sites.escapes && sites.values.length === 0) return false;
  // the functions (or module top levels) that hand `fn` to a scheduler: a call of `fn` there is its first run
  const scheduling = new Set<ts.Node>();
  for (const value of sites.values) {
    const call = schedulerCallOf(checker, value, schedulers);
    if (!call) return false;
    scheduling.add(enclosingFunction(call) ?? call.getSourceFile());
  }
  return sites.calls.every((call) => {
    const around = enclosingFunction(call);
    if (scheduling.has(around ?? call.getSourceFile())) return true;
    return !!around && decide(program, around, schedulers, cache, depth + 1);
  });
}
