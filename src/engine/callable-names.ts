import ts from "typescript";
import { programCache, programTextCache, sourceFileCache } from "./cache.js";
import { QUERY_METHOD_NAMES } from "./queries.js";
import { callsWithin, fileSyntax } from "./syntax-index.js";
import { calleeName, isUserSourceFile, methodCall, skipOuter, userSourceFiles } from "./ts-utils.js";
import { timed } from "./profile.js";
import { guard } from "./guard.js";

/**
 * Names under which the program's own code may hold a function, from one
 * syntax walk of the user's files per program. They let the engine answer
 * "this call cannot land in user code" or "cannot run a query" without asking
 * the checker — which, for `x.name(…)`, types the receiver: for `rows.map(…)`
 * a whole query, for a framework's `app.get(…).onError(…)` every handler.
 */
export interface UserDeclaredNames {
  /** `name(…)`: functions, variables, parameters, renamed and default imports. */
  bindings: ReadonlySet<string>;
  /**
   * `x.name(…)`: methods, accessors, class fields, object-literal properties
   * that are not plain data, module-level functions and variables (reached as
   * `ns.fn` through namespace imports), export aliases, `x.name = …`.
   */
  members: ReadonlySet<string>;
  /**
   * The names under which a call may reach a query through user code. Every
   * named definition (function, method, class field, variable, object
   * property, export or import alias, `x.name = …`) is *querying* when its
   * text calls a method named like a Drizzle query method (`select`,
   * `findMany`, `transaction`, `execute`, …), makes a call whose callee cannot
   * be named (`handlers[kind]()`), or mentions the name of a querying
   * definition; this is the fixed point. An over-approximation: names are
   * not scoped.
   */
  queryReaching: ReadonlySet<string>;
  /**
   * Member name → the user files holding its sites (`memberSites` of the syntax index), by file name: a
   * later program with the same texts (this index's reuse) finds them without walking every file again.
   */
  memberSiteFiles: ReadonlyMap<string, readonly string[]>;
}

/** Definitions of a file that query by themselves (innermost only): from its index, once per file version. */
const directDefinitions = sourceFileCache((sourceFile: ts.SourceFile): number[] => {
  const { calls, callDefinition } = fileSyntax(sourceFile);
  const direct = new Set<number>();
  calls.forEach((call, i) => {
    const def = callDefinition[i]!;
    if (def >= 0 && queriesByItself(call)) direct.add(def);
  });
  return [...direct];
});

/** Per program; a later program of the same project with the same texts (typescript-eslint's project service makes one whenever a file outside its projects is linted) reuses it. */
export const userDeclaredNames = programTextCache(isUserSourceFile, (program: ts.Program): UserDeclaredNames =>
  timed(program, "callable-names.fixedPoint", () => computeUserDeclaredNames(program)),
);

function computeUserDeclaredNames(program: ts.Program): UserDeclaredNames {
  const bindings = new Set<string>();
  const members = new Set<string>();
  /** Per definition of the program (files' definitions, offset): the names it is reachable under. */
  const definitions: string[][] = [];
  const enclosing: number[] = [];
  const direct: number[] = [];
  const mentionedBy = new Map<string, number[]>();
  const memberSiteFiles = new Map<string, string[]>();
  const userFiles = userSourceFiles(program);
  for (const sourceFile of userFiles) {
    const facts = fileSyntax(sourceFile).definitions;
    const offset = definitions.length;
    for (const name of facts.memberSites.keys()) {
      const files = memberSiteFiles.get(name);
      if (files) files.push(sourceFile.fileName);
      else memberSiteFiles.set(name, [sourceFile.fileName]);
    }
    for (const name of facts.bindings) bindings.add(name);
    for (const name of facts.members) members.add(name);
    // a loop, not a spread: a generated file may hold more definitions than a call takes arguments
    for (const names of facts.definitions) definitions.push(names);
    for (const outer of facts.enclosing) enclosing.push(outer < 0 ? -1 : offset + outer);
    for (const def of directDefinitions(sourceFile)) direct.push(offset + def);
    for (const [text, defs] of facts.mentionedBy) {
      let list = mentionedBy.get(text);
      if (!list) mentionedBy.set(text, (list = []));
      for (const def of defs) list.push(offset + def);
    }
  }

  addReachableMembers(program, userFiles, bindings, members);

  // fixed point: a definition that mentions a querying name is querying, and so are the definitions around it
  const queryReaching = new Set<string>();
  const flagged = new Set<number>();
  const work: string[] = [];
  const flag = (def: number): void => {
    for (let d = def; d >= 0 && !flagged.has(d); d = enclosing[d]!) {
      flagged.add(d);
      for (const name of definitions[d]!) {
        if (!queryReaching.has(name)) {
          queryReaching.add(name);
          work.push(name);
        }
      }
    }
  };
  for (const def of direct) flag(def);
  for (let name = work.pop(); name !== undefined; name = work.pop()) {
    for (const def of mentionedBy.get(name) ?? []) flag(def);
  }
  return { bindings, members, queryReaching, memberSiteFiles };
}

/**
 * Completes `members`: the names of the module namespaces the program holds
 * as values (`import * as ns`, `import()`, through `export *` chains) — a
 * top-level function is reached as `x.name(…)` only so — and object
 * properties that copy something that may be a function: `name: x` or
 * `{ x }` when the user's code binds `x`, `name: o.m` when `m` is a member
 * (a fixed point).
 */
function addReachableMembers(program: ts.Program, userFiles: readonly ts.SourceFile[], bindings: ReadonlySet<string>, members: Set<string>): void {
  const checker = program.getTypeChecker();
  const reachable = new Set<ts.SourceFile>();
  let anyModule = false;
  const work: ts.SourceFile[] = [];
  const reach = (specifier: ts.StringLiteralLike): void => {
    const module = guard(() => checker.getSymbolAtLocation(specifier), undefined);
    const file = module?.valueDeclaration;
    if (file && ts.isSourceFile(file) && isUserSourceFile(file) && !reachable.has(file)) {
      reachable.add(file);
      work.push(file);
    }
  };
  for (const file of userFiles) {
    const facts = fileSyntax(file).definitions;
    anyModule ||= facts.unknownNamespace;
    facts.namespaceModules.forEach(reach);
  }
  for (let file = work.pop(); file !== undefined; file = work.pop()) fileSyntax(file).definitions.reexportedModules.forEach(reach);
  for (const file of anyModule ? userFiles : reachable) for (const name of fileSyntax(file).definitions.moduleMembers) members.add(name);
  const aliasedBy = new Map<string, string[]>();
  for (const file of userFiles) {
    const facts = fileSyntax(file).definitions;
    for (const [name, binding] of facts.bindingAliases) if (bindings.has(binding)) members.add(name);
    for (const [name, member] of facts.memberAliases) {
      const names = aliasedBy.get(member);
      if (names) names.push(name);
      else aliasedBy.set(member, [name]);
    }
  }
  // a Set's iteration visits what is added during it: the fixed point
  for (const member of members) for (const name of aliasedBy.get(member) ?? []) members.add(name);
}

/** Per program: member name → its sites across the user's files. */
const memberSitesCache = programCache(() => new Map<string, readonly ts.Node[]>());

/**
 * The nodes across the program's user files that make a user value
 * reachable as `x.name` (each file's `memberSites`): what a call `x.name(…)`
 * may land on in user code, whatever `x` is. Only the files the name index
 * lists are read: a program rebuilt with new trees walks those, not all.
 */
export function memberSitesNamed(program: ts.Program, name: string): readonly ts.Node[] {
  const cache = memberSitesCache(program);
  let sites = cache.get(name);
  if (!sites) {
    const out: ts.Node[] = [];
    for (const fileName of userDeclaredNames(program).memberSiteFiles.get(name) ?? []) {
      const file = program.getSourceFile(fileName);
      for (const site of (file && fileSyntax(file).definitions.memberSites.get(name)) ?? []) out.push(site);
    }
    cache.set(name, (sites = out));
  }
  return sites;
}

const mayRunQueriesCache = programCache(() => new WeakMap<ts.Node, boolean>());

/**
 * Whether code (a callback, a function) contains a call that may run a query:
 * a Drizzle query method, a call under a query-reaching name, or a call whose
 * callee cannot be named. Syntax only: when this is false, asking how a
 * callback is invoked (which types its receiver) is not needed.
 */
export function mayRunQueries(program: ts.Program, node: ts.Node): boolean {
  const cache = mayRunQueriesCache(program);
  let answer = cache.get(node);
  if (answer === undefined) {
    const { queryReaching, bindings, members } = userDeclaredNames(program);
    answer = callsWithin(node).some((call) => {
      if (queriesByItself(call)) return true;
      const name = calleeName(call);
      // under a name that user code declares as what the call is (`x.name(…)`: a member; `name(…)`: a binding):
      // the same test that callee resolution starts with, so nothing else can land in user code
      return name !== undefined && queryReaching.has(name) && (methodCall(call) ? members : bindings).has(name);
    });
    cache.set(node, answer);
  }
  return answer;
}

/** A call that may run a query without going through a named user function. */
function queriesByItself(call: ts.CallExpression): boolean {
  const m = methodCall(call);
  if (m) return QUERY_METHOD_NAMES.has(m.name);
  const callee = skipOuter(call.expression);
  // `f(…)` is judged through the name `f`, an IIFE through its body (part of the text);
  // `handlers[kind]()`, `(await load())()` cannot be named
  if (ts.isIdentifier(callee) || ts.isArrowFunction(callee) || ts.isFunctionExpression(callee)) return false;
  return callee.kind !== ts.SyntaxKind.SuperKeyword && callee.kind !== ts.SyntaxKind.ImportKeyword;
}
