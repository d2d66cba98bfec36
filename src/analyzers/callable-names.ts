import ts from "typescript";
import { programCache, sourceFileCache } from "./cache.js";
import { QUERY_METHOD_NAMES } from "./queries.js";
import { calleeName, isUserSourceFile, methodCall, skipOuter, staticPropertyName } from "./ts-utils.js";

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
}

/** What one file contributes: syntax only, so it is computed once per file version and shared by the programs that contain it. */
interface FileNames {
  bindings: Set<string>;
  members: Set<string>;
  /** Per definition of the file: the names it is reachable under. */
  definitions: string[][];
  /** Per definition: the definition whose text contains it (-1: none). Its text holds all that the inner one's does. */
  enclosing: number[];
  /** Definitions (indices into `definitions`) that query by themselves, innermost only. */
  direct: Set<number>;
  /** Identifier text → the innermost definitions whose text mentions it. */
  mentionedBy: Map<string, Set<number>>;
}

/** One walk per file version (see `sourceFileCache`): unchanged files are not walked again for a new program. */
const fileNames = sourceFileCache((sourceFile: ts.SourceFile): FileNames => {
  const facts: FileNames = { bindings: new Set(), members: new Set(), definitions: [], enclosing: [], direct: new Set(), mentionedBy: new Map() };
  let current = -1;
  const mention = (text: string): void => {
    if (current < 0) return;
    let set = facts.mentionedBy.get(text);
    if (!set) facts.mentionedBy.set(text, (set = new Set()));
    set.add(current);
  };
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.Identifier || node.kind === ts.SyntaxKind.PrivateIdentifier) {
      mention((node as ts.Identifier).text);
      return;
    }
    if (current >= 0 && node.kind === ts.SyntaxKind.CallExpression && queriesByItself(node as ts.CallExpression)) facts.direct.add(current);
    const names = collect(node, facts.bindings, facts.members);
    const outer = current;
    if (names) {
      facts.definitions.push(names);
      facts.enclosing.push(outer);
      current = facts.definitions.length - 1;
      // a default import names no "default" in its text
      if (ts.isImportClause(node)) mention("default");
    }
    ts.forEachChild(node, visit);
    current = outer;
  };
  ts.forEachChild(sourceFile, visit);
  // `export default function` / `export default class` are reached as `.default` too
  if (sourceFile.statements.some(isDefaultExport)) facts.members.add("default");
  return facts;
});

export const userDeclaredNames = programCache((program: ts.Program): UserDeclaredNames => {
  const bindings = new Set<string>();
  const members = new Set<string>();
  /** Per definition of the program (files' definitions, offset): the names it is reachable under. */
  const definitions: string[][] = [];
  const enclosing: number[] = [];
  const direct: number[] = [];
  const mentionedBy = new Map<string, number[]>();
  for (const sourceFile of program.getSourceFiles()) {
    if (!isUserSourceFile(sourceFile)) continue;
    const facts = fileNames(sourceFile);
    const offset = definitions.length;
    for (const name of facts.bindings) bindings.add(name);
    for (const name of facts.members) members.add(name);
    definitions.push(...facts.definitions);
    for (const outer of facts.enclosing) enclosing.push(outer < 0 ? -1 : offset + outer);
    for (const def of facts.direct) direct.push(offset + def);
    for (const [text, defs] of facts.mentionedBy) {
      let list = mentionedBy.get(text);
      if (!list) mentionedBy.set(text, (list = []));
      for (const def of defs) list.push(offset + def);
    }
  }

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
  return { bindings, members, queryReaching };
});

/**
 * Records the callable names a node declares into `bindings`/`members`, and
 * returns the names it defines for the query fixed point (undefined when it
 * defines nothing callable).
 */
function collect(node: ts.Node, bindings: Set<string>, members: Set<string>): string[] | undefined {
  switch (node.kind) {
    case ts.SyntaxKind.FunctionDeclaration: {
      const fn = node as ts.FunctionDeclaration;
      const name = fn.name?.text;
      if (name !== undefined) {
        bindings.add(name);
        members.add(name);
      }
      return [...(name !== undefined ? [name] : []), ...(isDefaultExport(fn) ? ["default"] : [])];
    }
    case ts.SyntaxKind.ClassDeclaration:
      return isDefaultExport(node as ts.ClassDeclaration) ? ["default"] : undefined;
    case ts.SyntaxKind.MethodDeclaration:
    case ts.SyntaxKind.GetAccessor:
    case ts.SyntaxKind.SetAccessor:
    case ts.SyntaxKind.PropertyDeclaration:
    case ts.SyntaxKind.PropertyAssignment: {
      const decl = node as ts.MethodDeclaration | ts.AccessorDeclaration | ts.PropertyDeclaration | ts.PropertyAssignment;
      const name = staticPropertyName(decl.name);
      if (name === undefined) return undefined;
      if (!ts.isPropertyAssignment(decl) || !isPlainData(decl.initializer)) members.add(name);
      return [name];
    }
    case ts.SyntaxKind.ShorthandPropertyAssignment:
      members.add((node as ts.ShorthandPropertyAssignment).name.text);
      return undefined;
    case ts.SyntaxKind.VariableDeclaration: {
      const decl = node as ts.VariableDeclaration;
      const names = bindingNames(decl.name);
      for (const name of names.local) bindings.add(name);
      if (isModuleLevel(decl)) for (const name of names.local) members.add(name);
      return [...names.local, ...names.keys];
    }
    case ts.SyntaxKind.Parameter:
      for (const name of bindingNames((node as ts.ParameterDeclaration).name).local) bindings.add(name);
      return undefined;
    case ts.SyntaxKind.ImportEqualsDeclaration:
      bindings.add((node as ts.ImportEqualsDeclaration).name.text);
      return undefined;
    case ts.SyntaxKind.ImportClause: {
      const name = (node as ts.ImportClause).name?.text;
      if (name === undefined) return undefined;
      // `import x from "./m"` reaches m's default export
      bindings.add(name);
      return [name];
    }
    case ts.SyntaxKind.ImportSpecifier: {
      // a renamed import is called under its local name (which mentions the imported one); others under the name their module declares
      const spec = node as ts.ImportSpecifier;
      if (!spec.propertyName) return undefined;
      bindings.add(spec.name.text);
      return [spec.name.text];
    }
    case ts.SyntaxKind.ExportSpecifier: {
      const spec = node as ts.ExportSpecifier;
      members.add(spec.name.text);
      return spec.propertyName ? [spec.name.text] : undefined;
    }
    case ts.SyntaxKind.ExportAssignment:
      members.add("default");
      return ["default"];
    case ts.SyntaxKind.BinaryExpression: {
      const binary = node as ts.BinaryExpression;
      if (binary.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
      const left = skipOuter(binary.left);
      if (ts.isIdentifier(left)) return [left.text];
      const name = ts.isPropertyAccessExpression(left)
        ? left.name.text
        : ts.isElementAccessExpression(left) && ts.isStringLiteralLike(left.argumentExpression)
          ? left.argumentExpression.text
          : undefined;
      if (name === undefined) return undefined;
      members.add(name);
      return [name];
    }
    default:
      return undefined;
  }
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
    const { queryReaching } = userDeclaredNames(program);
    const find = (n: ts.Node): boolean => {
      if (ts.isCallExpression(n)) {
        if (queriesByItself(n)) return true;
        const name = calleeName(n);
        if (name !== undefined && queryReaching.has(name)) return true;
      }
      return !!ts.forEachChild(n, (child) => (find(child) ? true : undefined));
    };
    cache.set(node, (answer = find(node)));
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

function isDefaultExport(node: ts.Node): boolean {
  const modifiers = (node as { modifiers?: ts.NodeArray<ts.ModifierLike> }).modifiers;
  return !!modifiers?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
}

/** Names bound by a binding name: the local names, and the property keys a destructuring reads. */
function bindingNames(name: ts.BindingName): { local: string[]; keys: string[] } {
  const out = { local: [] as string[], keys: [] as string[] };
  const add = (n: ts.BindingName): void => {
    if (ts.isIdentifier(n)) {
      out.local.push(n.text);
      return;
    }
    for (const element of n.elements) {
      if (ts.isOmittedExpression(element)) continue;
      const key = element.propertyName && staticPropertyName(element.propertyName);
      if (key !== undefined) out.keys.push(key);
      add(element.name);
    }
  };
  add(name);
  return out;
}

/** A variable declared at the top level of a module or namespace. */
function isModuleLevel(decl: ts.VariableDeclaration): boolean {
  const statement = decl.parent?.parent;
  return !!statement && ts.isVariableStatement(statement) && (ts.isSourceFile(statement.parent) || ts.isModuleBlock(statement.parent));
}

/** A value that is never a function: literals, object and array literals, templates, arithmetic. */
function isPlainData(expr: ts.Expression): boolean {
  return (
    ts.isLiteralExpression(expr) ||
    ts.isNoSubstitutionTemplateLiteral(expr) ||
    ts.isTemplateExpression(expr) ||
    ts.isObjectLiteralExpression(expr) ||
    ts.isArrayLiteralExpression(expr) ||
    ts.isPrefixUnaryExpression(expr) ||
    expr.kind === ts.SyntaxKind.TrueKeyword ||
    expr.kind === ts.SyntaxKind.FalseKeyword ||
    expr.kind === ts.SyntaxKind.NullKeyword
  );
}
