import ts from "typescript";
import { sourceFileCache } from "./cache.js";
import { isFunctionLike, Kind, skipOuter, staticPropertyName } from "./ts-utils.js";

/**
 * Syntax walks per file version, so that no analysis walks the whole file
 * again. `fileSyntax` has what the program-wide passes read of every user
 * file (calls, functions and loops, the names definitions declare and
 * mention); `fileNames` (identifiers and bindings by name) is walked only for
 * the files that analyses look into, a small part of a large program. Syntax
 * only, keyed by the file's tree (`sourceFileCache`): an editor's new program
 * reuses the index of every unchanged file.
 */

/** A declaration that binds a value name. */
export type BindingDeclaration = ts.NamedDeclaration & { name: ts.Identifier };

/** What a file's definitions declare and mention, for the program's callable-names fixed point (`callable-names.ts`). */
export interface FileDefinitions {
  /** Names called as `name(…)`. */
  bindings: Set<string>;
  /** Names called as `x.name(…)` on objects: methods, accessors, fields, object-literal properties that are not plain data, `x.name = …`. */
  members: Set<string>;
  /** Names this file's module namespace object has (`ns.name(…)` after `import * as ns`): its top-level functions and variables, export names, `default`. */
  moduleMembers: Set<string>;
  /** `name: o.m` in an object literal: `name` holds a function only if some member `m` may. */
  memberAliases: Array<[name: string, member: string]>;
  /** `name: x` and `{ x }` in an object literal: `name` holds a function only if a binding `x` of the user's code may. */
  bindingAliases: Array<[name: string, binding: string]>;
  /** Module specifiers whose namespace object this file holds as a value: `import * as`, `import x = require()`, `export * as`, `import()` and `require()` not destructured on the spot. */
  namespaceModules: ts.StringLiteralLike[];
  /** `export * from "m"`: m's names are this file's namespace's too. */
  reexportedModules: ts.StringLiteralLike[];
  /** An `import()` or `require()` of a computed specifier, not destructured on the spot: any module's namespace. */
  unknownNamespace: boolean;
  /**
   * Member name → the nodes that make a user value reachable as `x.name`: the declarations and aliases
   * above that put the name in `members`, `moduleMembers`, `memberAliases` or `bindingAliases` (plain
   * data excluded, as there). What a call `x.name(…)` may land on in user code, whatever `x` is.
   */
  memberSites: Map<string, ts.Node[]>;
  /** Per definition of the file: the names it is reachable under. */
  definitions: string[][];
  /** Per definition: the definition whose text contains it (-1: none). Its text holds all that the inner one's does. */
  enclosing: number[];
  /** Identifier text → the innermost definitions whose text mentions it (a definition may repeat, not in a row). */
  mentionedBy: Map<string, number[]>;
}

export interface FileSyntax {
  /** Every call expression, in source order (pre-order, so by position). */
  calls: ts.CallExpression[];
  /** Per call: the innermost definition (index into `definitions.definitions`) whose text contains it, -1 for none. */
  callDefinition: number[];
  /** Every tagged template (`` $`cmd` ``), in source order. */
  taggedTemplates: ts.TaggedTemplateExpression[];
  /** Every function-like node and loop statement, in source order. */
  scopes: Array<ts.FunctionLikeDeclaration | ts.IterationStatement>;
  definitions: FileDefinitions;
}

export interface FileNames {
  /** Every identifier, by text. */
  identifiers: Map<string, ts.Identifier[]>;
  /** Every value-binding declaration (any scope), by name. */
  bindings: Map<string, BindingDeclaration[]>;
}

/**
 * The identifiers of a file with the text `name`. A file whose parser table of
 * identifier texts (TypeScript keeps one on each SourceFile, escapes decoded)
 * lacks the name has none, known without walking it: a search across the
 * program's files (a function's call sites) walks only the files that
 * mention the name. Without that table, the file is walked.
 */
export function identifiersNamed(file: ts.SourceFile, name: string): readonly ts.Identifier[] {
  const texts = (file as { identifiers?: unknown }).identifiers;
  if (texts instanceof Map && !texts.has(name)) return [];
  return fileNames(file).identifiers.get(name) ?? [];
}

/** The identifiers and binding declarations of a file, by name: a second walk, for the files analyses look into. */
export const fileNames = sourceFileCache((file: ts.SourceFile): FileNames => {
  const index: FileNames = { identifiers: new Map(), bindings: new Map() };
  const visit = (node: ts.Node): void => {
    if (node.kind === Kind.Identifier) {
      const text = (node as ts.Identifier).text;
      const list = index.identifiers.get(text);
      if (list) list.push(node as ts.Identifier);
      else index.identifiers.set(text, [node as ts.Identifier]);
      return;
    }
    if (bindsName(node)) {
      const list = index.bindings.get(node.name.text);
      if (list) list.push(node);
      else index.bindings.set(node.name.text, [node]);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(file, visit);
  return index;
});

export const fileSyntax = sourceFileCache((file: ts.SourceFile): FileSyntax => {
  const definitions: FileDefinitions = {
    bindings: new Set(),
    members: new Set(),
    moduleMembers: new Set(),
    memberAliases: [],
    bindingAliases: [],
    namespaceModules: [],
    reexportedModules: [],
    unknownNamespace: false,
    memberSites: new Map(),
    definitions: [],
    enclosing: [],
    mentionedBy: new Map(),
  };
  const index: FileSyntax = { calls: [], callDefinition: [], taggedTemplates: [], scopes: [], definitions };
  let current = -1;
  /** The parameters and top-level locals of the functions around the walk. */
  const locals: Set<string>[] = [];
  const mention = (text: string): void => {
    if (current < 0) return;
    const list = definitions.mentionedBy.get(text);
    if (!list) definitions.mentionedBy.set(text, [current]);
    // a definition's mentions of a name are mostly in a row; a repeat elsewhere is harmless to the fixed point
    else if (list[list.length - 1] !== current) list.push(current);
  };
  const visit = (node: ts.Node): void => {
    const kind = node.kind;
    if (kind === Kind.Identifier) {
      const text = (node as ts.Identifier).text;
      // a function's own parameter or top-level local read as a value (`current - previous`) is not the
      // program's definition of that name; a call of it (`fn()`) and a property name (`x.current`) still count
      if (!(locals.length > 0 && locals.some((names) => names.has(text)) && isLocalValueUse(node as ts.Identifier))) mention(text);
      return;
    }
    if (kind === Kind.PrivateIdentifier) {
      mention((node as ts.PrivateIdentifier).text);
      return;
    }
    if (kind === Kind.CallExpression) {
      index.calls.push(node as ts.CallExpression);
      index.callDefinition.push(current);
      namespaceCall(node as ts.CallExpression, definitions);
    } else if (kind === Kind.TaggedTemplateExpression) {
      index.taggedTemplates.push(node as ts.TaggedTemplateExpression);
    } else if (isFunctionLike(node) || ts.isIterationStatement(node, false)) {
      index.scopes.push(node);
    }
    const names = collect(node, definitions);
    const outer = current;
    if (names) {
      definitions.definitions.push(names);
      definitions.enclosing.push(outer);
      current = definitions.definitions.length - 1;
      // a default import names no "default" in its text
      if (kind === Kind.ImportClause) mention("default");
    }
    const scope = isFunctionLike(node) ? functionLocals(node) : undefined;
    if (scope) locals.push(scope);
    ts.forEachChild(node, visit);
    if (scope) locals.pop();
    current = outer;
  };
  ts.forEachChild(file, visit);
  // `export default function` / `export default class` are reached as `.default` too
  const defaults = file.statements.filter(isDefaultExport);
  if (defaults.length) {
    definitions.moduleMembers.add("default");
    definitions.memberSites.set("default", [...(definitions.memberSites.get("default") ?? []), ...defaults]);
  }
  return index;
});

/** The names a function's parameters bind, and the declarations of its body's top level (visible in all of the body). */
function functionLocals(fn: ts.FunctionLikeDeclaration): Set<string> {
  const names = new Set<string>();
  for (const parameter of fn.parameters) for (const name of bindingNames(parameter.name).local) names.add(name);
  if (fn.body && ts.isBlock(fn.body)) {
    for (const statement of fn.body.statements) {
      if (ts.isVariableStatement(statement)) for (const decl of statement.declarationList.declarations) for (const name of bindingNames(decl.name).local) names.add(name);
      else if (ts.isFunctionDeclaration(statement) && statement.name) names.add(statement.name.text);
    }
  }
  return names;
}

/**
 * An identifier that, when a local of an enclosing function has its name,
 * refers to that local as a value: not a callee (`fn()`, `new Fn()`, a tag),
 * not a property or member name, not an import or export name.
 */
function isLocalValueUse(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression === node) return false;
  if (ts.isTaggedTemplateExpression(parent) && parent.tag === node) return false;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (ts.isQualifiedName(parent) || ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent) || ts.isJsxAttribute(parent)) return false;
  if (ts.isBindingElement(parent) && parent.propertyName === node) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isAccessor(parent) || ts.isPropertySignature(parent) || ts.isMethodSignature(parent) || ts.isEnumMember(parent)) && parent.name === node) return false;
  return true;
}

/** The calls inside a node (the node itself included when it is a call), from its file's index: no walk. */
export function callsWithin(node: ts.Node): ts.CallExpression[] {
  const { calls } = fileSyntax(node.getSourceFile());
  // first call that does not start before the node (calls are sorted by position)
  let lo = 0;
  let hi = calls.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (calls[mid]!.pos < node.pos) lo = mid + 1;
    else hi = mid;
  }
  const out: ts.CallExpression[] = [];
  // a call that starts with the node may enclose it (`function () {}.call(this)`): keep those that end inside
  for (let i = lo; i < calls.length && calls[i]!.pos < node.end; i++) if (calls[i]!.end <= node.end) out.push(calls[i]!);
  return out;
}

/** Declarations that bind a value name in some scope. */
export function bindsName(node: ts.Node): node is ts.NamedDeclaration & { name: ts.Identifier } {
  switch (node.kind) {
    case Kind.VariableDeclaration:
    case Kind.Parameter:
    case Kind.BindingElement:
    case Kind.FunctionDeclaration:
    case Kind.FunctionExpression:
    case Kind.ClassDeclaration:
    case Kind.ClassExpression:
    case Kind.EnumDeclaration:
    case Kind.EnumMember:
    case Kind.ModuleDeclaration:
    case Kind.ImportSpecifier:
    case Kind.ImportClause:
    case Kind.NamespaceImport:
    case Kind.ImportEqualsDeclaration: {
      const name = (node as ts.NamedDeclaration).name;
      return name !== undefined && name.kind === Kind.Identifier;
    }
    default:
      return false;
  }
}

/**
 * Records the callable names a node declares into the file's definitions
 * (bindings, members, module members, aliases, namespace modules), and
 * returns the names it defines for the query fixed point (undefined when it
 * defines nothing callable).
 */
function collect(node: ts.Node, facts: FileDefinitions): string[] | undefined {
  const { bindings, members } = facts;
  const site = (name: string): void => {
    const list = facts.memberSites.get(name);
    if (list) list.push(node);
    else facts.memberSites.set(name, [node]);
  };
  switch (node.kind) {
    case Kind.FunctionDeclaration: {
      const fn = node as ts.FunctionDeclaration;
      const name = fn.name?.text;
      if (name !== undefined) {
        bindings.add(name);
        // a top-level function is reached as a member only through its module's namespace; one in a `namespace` as `N.f`
        (ts.isSourceFile(fn.parent) ? facts.moduleMembers : members).add(name);
        site(name);
      }
      return [...(name !== undefined ? [name] : []), ...(isDefaultExport(fn) ? ["default"] : [])];
    }
    case Kind.ClassDeclaration:
      return isDefaultExport(node as ts.ClassDeclaration) ? ["default"] : undefined;
    case Kind.MethodDeclaration:
    case Kind.GetAccessor:
    case Kind.SetAccessor:
    case Kind.PropertyDeclaration:
    case Kind.PropertyAssignment: {
      const decl = node as ts.MethodDeclaration | ts.AccessorDeclaration | ts.PropertyDeclaration | ts.PropertyAssignment;
      const name = staticPropertyName(decl.name);
      if (name === undefined) return undefined;
      if (ts.isPropertyAssignment(decl)) {
        const value = skipOuter(decl.initializer);
        if (ts.isPropertyAccessExpression(value)) facts.memberAliases.push([name, value.name.text]);
        else if (ts.isIdentifier(value)) facts.bindingAliases.push([name, value.text]);
        else if (!isPlainData(decl.initializer)) members.add(name);
        else return [name];
      } else {
        members.add(name);
      }
      site(name);
      return [name];
    }
    case Kind.ShorthandPropertyAssignment: {
      const name = (node as ts.ShorthandPropertyAssignment).name.text;
      facts.bindingAliases.push([name, name]);
      site(name);
      return undefined;
    }
    case Kind.VariableDeclaration: {
      const decl = node as ts.VariableDeclaration;
      const names = bindingNames(decl.name);
      for (const name of names.local) bindings.add(name);
      if (isModuleLevel(decl)) {
        for (const name of names.local) {
          (ts.isSourceFile(decl.parent.parent.parent) ? facts.moduleMembers : members).add(name);
          site(name);
        }
      }
      return [...names.local, ...names.keys];
    }
    case Kind.Parameter:
      for (const name of bindingNames((node as ts.ParameterDeclaration).name).local) bindings.add(name);
      return undefined;
    case Kind.ImportEqualsDeclaration: {
      const decl = node as ts.ImportEqualsDeclaration;
      bindings.add(decl.name.text);
      if (ts.isExternalModuleReference(decl.moduleReference) && ts.isStringLiteralLike(decl.moduleReference.expression)) facts.namespaceModules.push(decl.moduleReference.expression);
      return undefined;
    }
    case Kind.NamespaceImport: {
      const declaration = (node as ts.NamespaceImport).parent.parent;
      if (ts.isStringLiteralLike(declaration.moduleSpecifier)) facts.namespaceModules.push(declaration.moduleSpecifier);
      return undefined;
    }
    case Kind.ExportDeclaration: {
      const declaration = node as ts.ExportDeclaration;
      const specifier = declaration.moduleSpecifier;
      if (specifier && ts.isStringLiteralLike(specifier) && !declaration.isTypeOnly) {
        if (!declaration.exportClause) facts.reexportedModules.push(specifier);
        else if (ts.isNamespaceExport(declaration.exportClause)) {
          facts.namespaceModules.push(specifier);
          facts.moduleMembers.add(declaration.exportClause.name.text);
          site(declaration.exportClause.name.text);
        }
      }
      return undefined;
    }
    case Kind.ImportClause: {
      const name = (node as ts.ImportClause).name?.text;
      if (name === undefined) return undefined;
      // `import x from "./m"` reaches m's default export
      bindings.add(name);
      return [name];
    }
    case Kind.ImportSpecifier: {
      // a renamed import is called under its local name (which mentions the imported one); others under the name their module declares
      const spec = node as ts.ImportSpecifier;
      if (!spec.propertyName) return undefined;
      bindings.add(spec.name.text);
      return [spec.name.text];
    }
    case Kind.ExportSpecifier: {
      const spec = node as ts.ExportSpecifier;
      facts.moduleMembers.add(spec.name.text);
      site(spec.name.text);
      return spec.propertyName ? [spec.name.text] : undefined;
    }
    case Kind.ExportAssignment:
      facts.moduleMembers.add("default");
      site("default");
      return ["default"];
    case Kind.BinaryExpression: {
      const binary = node as ts.BinaryExpression;
      if (binary.operatorToken.kind !== Kind.EqualsToken) return undefined;
      const left = skipOuter(binary.left);
      if (ts.isIdentifier(left)) return [left.text];
      const name = ts.isPropertyAccessExpression(left)
        ? left.name.text
        : ts.isElementAccessExpression(left) && ts.isStringLiteralLike(left.argumentExpression)
          ? left.argumentExpression.text
          : undefined;
      if (name === undefined) return undefined;
      members.add(name);
      site(name);
      return [name];
    }
    default:
      return undefined;
  }
}

/**
 * `import("./m")` and `require("./m")`: the module's namespace object, held as
 * a value unless destructured on the spot (`const { f } = await import("./m")`
 * binds names, which `f(…)` calls reach as bindings).
 */
function namespaceCall(call: ts.CallExpression, facts: FileDefinitions): void {
  const isImport = call.expression.kind === Kind.ImportKeyword;
  const isRequire = ts.isIdentifier(call.expression) && call.expression.text === "require" && call.arguments.length === 1;
  if (!isImport && !isRequire) return;
  let up: ts.Node = call;
  while (ts.isParenthesizedExpression(up.parent) || ts.isAwaitExpression(up.parent)) up = up.parent;
  const holder = up.parent;
  if (ts.isVariableDeclaration(holder) && holder.initializer === up && ts.isObjectBindingPattern(holder.name) && !holder.name.elements.some((e) => e.dotDotDotToken)) return;
  const specifier = call.arguments[0];
  if (specifier && ts.isStringLiteralLike(specifier)) facts.namespaceModules.push(specifier);
  else facts.unknownNamespace = true;
}

function isDefaultExport(node: ts.Node): boolean {
  const modifiers = (node as { modifiers?: ts.NodeArray<ts.ModifierLike> }).modifiers;
  return !!modifiers?.some((m) => m.kind === Kind.DefaultKeyword);
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

/** A variable declared at the top level of a module or namespace. The one "is it module-level" of the engine. */
export function isModuleLevel(decl: ts.VariableDeclaration): boolean {
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
    expr.kind === Kind.TrueKeyword ||
    expr.kind === Kind.FalseKeyword ||
    expr.kind === Kind.NullKeyword
  );
}
