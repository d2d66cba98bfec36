import ts from "typescript";
import { isTestFile } from "../../engine/code-roles.js";
import { directPush } from "./command.js";
import { alwaysExits, bindingElementKey, constantString, skipOuter, stringValue } from "../../engine/ts-utils.js";
import { fileSyntax, identifiersNamed } from "../../engine/syntax-index.js";
import { localSymbolAt, resolveAlias } from "../../engine/symbols.js";
import type { AnalysisContext, Finding } from "../../engine/types.js";
import { guard } from "../../engine/guard.js";

/** The messages this check reports (the rule defines their text). */
export type MessageId = "pushInCode" | "pushSchemaImport";

/**
 * The code part of `no-push-in-production`: `execSync`/`exec`/`spawn`/`execa`
 * (bound to child_process or execa by import) running `drizzle-kit push`, and
 * `pushSchema` from `drizzle-kit/api*`, outside test files and outside clear
 * non-production guards.
 */

const CHILD_PROCESS_MODULES = new Set(["child_process", "node:child_process"]);
/** child_process functions whose first argument is a shell command line. */
const SHELL_FUNCTIONS = new Set(["exec", "execSync"]);
/** child_process functions taking a program and an argument array. */
const SPAWN_FUNCTIONS = new Set(["spawn", "spawnSync", "execFile", "execFileSync"]);
const EXECA_COMMAND_FUNCTIONS = new Set(["execaCommand", "execaCommandSync"]);
const EXECA_FUNCTIONS = new Set(["execa", "execaSync", "execaNode", "default"]);
/** Modules whose `$` tagged template runs a command. */
const SHELL_TEMPLATE_MODULES = new Set(["execa", "zx", "bun"]);
const DRIZZLE_KIT_API = /^drizzle-kit\/api(?:[-/][\w./-]*)?$/;
const PUSH_EXPORT = /^push\w*Schema$/;

// ---------------------------------------------------------------------------
// Non-production guards

/** When an expression is truthy (falsy), is the code known to run outside production? */
interface EnvFacts {
  whenTrue: boolean;
  whenFalse: boolean;
}
const NO_FACTS: EnvFacts = { whenTrue: false, whenFalse: false };
const NON_PRODUCTION_ENVS = new Set(["development", "dev", "test", "testing", "local"]);

/** `process.env.NODE_ENV`, `process.env["NODE_ENV"]`, and consts holding it. */
function isNodeEnv(checker: ts.TypeChecker, expr: ts.Expression, depth: number): boolean {
  const e = skipOuter(expr);
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    const name = ts.isPropertyAccessExpression(e) ? e.name.text : stringValue(e.argumentExpression);
    const obj = skipOuter(e.expression);
    return (
      name === "NODE_ENV" &&
      ts.isPropertyAccessExpression(obj) &&
      obj.name.text === "env" &&
      ts.isIdentifier(obj.expression) &&
      obj.expression.text === "process"
    );
  }
  if (ts.isIdentifier(e)) {
    const init = constInitializer(checker, e, depth);
    return init !== undefined && isNodeEnv(checker, init, depth + 1);
  }
  return false;
}

/** The initializer of a `const` an identifier refers to. */
function constInitializer(checker: ts.TypeChecker, id: ts.Identifier, depth: number): ts.Expression | undefined {
  if (depth > 4) return undefined;
  const decl = localSymbolAt(checker, id)?.valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer || !ts.isIdentifier(decl.name)) return undefined;
  const list = decl.parent;
  if (!ts.isVariableDeclarationList(list) || !(list.flags & ts.NodeFlags.Const)) return undefined;
  return decl.initializer;
}

function envFacts(checker: ts.TypeChecker, expr: ts.Expression, depth = 0): EnvFacts {
  if (depth > 8) return NO_FACTS;
  const e = skipOuter(expr);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = envFacts(checker, e.operand, depth + 1);
    return { whenTrue: inner.whenFalse, whenFalse: inner.whenTrue };
  }
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) {
      const l = envFacts(checker, e.left, depth + 1);
      const r = envFacts(checker, e.right, depth + 1);
      return op === ts.SyntaxKind.AmpersandAmpersandToken
        ? { whenTrue: l.whenTrue || r.whenTrue, whenFalse: l.whenFalse && r.whenFalse }
        : { whenTrue: l.whenTrue && r.whenTrue, whenFalse: l.whenFalse || r.whenFalse };
    }
    const equal = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
    const notEqual = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
    if (!equal && !notEqual) return NO_FACTS;
    const left = skipOuter(e.left);
    const right = skipOuter(e.right);
    const literal = ts.isStringLiteralLike(right) ? right.text : ts.isStringLiteralLike(left) ? left.text : undefined;
    const other = ts.isStringLiteralLike(right) ? left : right;
    if (literal === undefined || !isNodeEnv(checker, other, depth + 1)) return NO_FACTS;
    // `=== "production"` false ⇒ not production; `=== "development"` true ⇒ not production
    const facts: EnvFacts =
      literal === "production"
        ? { whenTrue: false, whenFalse: true }
        : NON_PRODUCTION_ENVS.has(literal)
          ? { whenTrue: true, whenFalse: false }
          : NO_FACTS;
    return equal ? facts : { whenTrue: facts.whenFalse, whenFalse: facts.whenTrue };
  }
  if (ts.isIdentifier(e)) {
    const init = constInitializer(checker, e, depth);
    return init ? envFacts(checker, init, depth + 1) : NO_FACTS;
  }
  return NO_FACTS;
}

/** Whether a clear non-production condition (`NODE_ENV !== "production"`, `=== "development"`, an early exit in production) guards `node`. */
export function isNonProductionGuarded(checker: ts.TypeChecker, node: ts.Node): boolean {
  let child: ts.Node = node;
  for (let current = node.parent; current; child = current, current = current.parent) {
    if (ts.isIfStatement(current) && child !== current.expression) {
      const facts = envFacts(checker, current.expression);
      if (child === current.thenStatement ? facts.whenTrue : facts.whenFalse) return true;
    } else if (ts.isConditionalExpression(current) && child !== current.condition) {
      const facts = envFacts(checker, current.condition);
      if (child === current.whenTrue ? facts.whenTrue : facts.whenFalse) return true;
    } else if (ts.isBinaryExpression(current) && child === current.right) {
      const op = current.operatorToken.kind;
      const facts = envFacts(checker, current.left);
      if (op === ts.SyntaxKind.AmpersandAmpersandToken && facts.whenTrue) return true;
      if (op === ts.SyntaxKind.BarBarToken && facts.whenFalse) return true;
    } else if (ts.isBlock(current) || ts.isSourceFile(current) || ts.isCaseClause(current) || ts.isDefaultClause(current)) {
      // `if (process.env.NODE_ENV === "production") return;` earlier in the same block
      for (const statement of current.statements) {
        if (statement === child) break;
        if (ts.isIfStatement(statement) && !statement.elseStatement && alwaysExits(statement.thenStatement)) {
          if (envFacts(checker, statement.expression).whenFalse) return true;
        }
      }
    }
  }
  return false;
}

// ---------------------------------------------------------------------------
// Bindings

interface Binding {
  module: string;
  /** The imported export ("default" for a default import); undefined for a namespace object (`import * as cp`, `require("x")`). */
  name: string | undefined;
}

function moduleOfRequireOrImport(expr: ts.Expression | undefined): string | undefined {
  if (!expr) return undefined;
  let e = skipOuter(expr);
  if (ts.isAwaitExpression(e)) e = skipOuter(e.expression);
  if (!ts.isCallExpression(e) || e.arguments.length !== 1) return undefined;
  const arg = skipOuter(e.arguments[0] as ts.Expression);
  if (!ts.isStringLiteralLike(arg)) return undefined;
  const isRequire = ts.isIdentifier(e.expression) && e.expression.text === "require";
  const isImport = e.expression.kind === ts.SyntaxKind.ImportKeyword;
  return isRequire || isImport ? arg.text : undefined;
}

/** The ambient module (`declare module "child_process"`) or package a resolved declaration lives in. */
function declaringModule(decl: ts.Declaration): string | undefined {
  for (let n: ts.Node | undefined = decl; n; n = n.parent) {
    if (ts.isModuleDeclaration(n) && ts.isStringLiteral(n.name)) return n.name.text;
  }
  const match = /[\\/]node_modules[\\/](execa|zx)[\\/]/.exec(decl.getSourceFile().fileName);
  return match?.[1];
}

/** What module export an identifier is bound to: by its import/require declaration, else by its resolved declaration. */
function bindingOf(checker: ts.TypeChecker, id: ts.Identifier, depth = 0): Binding | undefined {
  if (depth > 3) return undefined;
  const symbol = localSymbolAt(checker, id);
  const decl = symbol?.declarations?.[0];
  if (!symbol || !decl) return undefined;
  if (ts.isImportSpecifier(decl)) {
    const importDecl = decl.parent.parent.parent;
    if (decl.isTypeOnly || importDecl.importClause?.isTypeOnly || !ts.isStringLiteral(importDecl.moduleSpecifier)) return undefined;
    const module = importDecl.moduleSpecifier.text;
    if (!module.startsWith(".")) return { module, name: (decl.propertyName ?? decl.name).text };
  } else if (ts.isNamespaceImport(decl) || ts.isImportClause(decl)) {
    const importDecl = ts.isNamespaceImport(decl) ? decl.parent.parent : decl.parent;
    if (importDecl.importClause?.isTypeOnly || !ts.isStringLiteral(importDecl.moduleSpecifier)) return undefined;
    const module = importDecl.moduleSpecifier.text;
    if (!module.startsWith(".")) return { module, name: ts.isImportClause(decl) ? "default" : undefined };
  } else if (ts.isImportEqualsDeclaration(decl)) {
    const ref = decl.moduleReference;
    if (ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) return { module: ref.expression.text, name: undefined };
  } else if (ts.isBindingElement(decl) && ts.isObjectBindingPattern(decl.parent) && ts.isVariableDeclaration(decl.parent.parent)) {
    const module = moduleOfRequireOrImport(decl.parent.parent.initializer);
    const name = bindingElementKey(decl);
    if (module !== undefined) return { module, name };
  } else if (ts.isVariableDeclaration(decl) && decl.initializer) {
    const module = moduleOfRequireOrImport(decl.initializer);
    if (module !== undefined) return { module, name: undefined };
    // `const run = promisify(exec)`
    const init = skipOuter(decl.initializer);
    const list = decl.parent;
    if (ts.isCallExpression(init) && init.arguments.length === 1 && ts.isVariableDeclarationList(list) && list.flags & ts.NodeFlags.Const) {
      const callee = calleeBinding(checker, init.expression, depth + 1);
      const arg = skipOuter(init.arguments[0] as ts.Expression);
      if (callee && (callee.module === "util" || callee.module === "node:util") && callee.name === "promisify" && ts.isIdentifier(arg)) {
        return bindingOf(checker, arg, depth + 1);
      }
    }
    return undefined;
  }
  // re-exported through a local module: the declaration it resolves to
  const target = resolveAlias(checker, symbol);
  const targetDecl = target?.declarations?.[0];
  if (!target || target === symbol || !targetDecl) return undefined;
  const module = declaringModule(targetDecl);
  return module ? { module, name: target.name } : undefined;
}

/** The binding of a callee: `execSync`, `cp.execSync`, `util.promisify`. */
function calleeBinding(checker: ts.TypeChecker, callee: ts.Expression, depth = 0): Binding | undefined {
  const e = skipOuter(callee);
  if (ts.isIdentifier(e)) return bindingOf(checker, e, depth);
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) {
    // `cp.execSync` on a namespace import, a default import (esModuleInterop) or `require(...)`
    const object = bindingOf(checker, e.expression, depth);
    if (object && (object.name === undefined || object.name === "default")) return { module: object.module, name: e.name.text };
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Command text

const DYNAMIC = "__dynamic__";

/** The text of a string expression; interpolations that are not constant become a placeholder word. */
function staticText(checker: ts.TypeChecker, expr: ts.Expression | undefined, depth = 0): string | undefined {
  if (!expr || depth > 5) return undefined;
  return constantString(expr, (e) => (ts.isIdentifier(e) ? staticText(checker, constInitializer(checker, e, depth), depth + 1) : undefined), DYNAMIC);
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `spawn(program, [args])`: a command line. */
function argvText(checker: ts.TypeChecker, program: ts.Expression | undefined, args: ts.Expression | undefined): string | undefined {
  const head = staticText(checker, program);
  if (head === undefined) return undefined;
  const list = args && skipOuter(args);
  if (!list || !ts.isArrayLiteralExpression(list)) return head;
  const words = list.elements.map((el) => (ts.isSpreadElement(el) ? DYNAMIC : shellQuote(staticText(checker, el) ?? DYNAMIC)));
  return [head, ...words].join(" ");
}

function templateText(checker: ts.TypeChecker, template: ts.TemplateLiteral): string {
  if (ts.isNoSubstitutionTemplateLiteral(template)) return template.text;
  let out = template.head.text;
  for (const span of template.templateSpans) out += ` ${staticText(checker, span.expression) ?? DYNAMIC} ${span.literal.text}`;
  return out;
}

/** The command line a process-spawning call runs, when it is bound to child_process/execa/zx. */
function spawnedCommand(checker: ts.TypeChecker, node: ts.Node): { callee: string; command: string } | undefined {
  if (ts.isTaggedTemplateExpression(node)) {
    // execa's / zx's `$` template, also `$({ ... })` with options
    let tag = skipOuter(node.tag);
    if (ts.isCallExpression(tag)) tag = skipOuter(tag.expression);
    const binding = calleeBinding(checker, tag);
    if (!binding || binding.name !== "$" || !SHELL_TEMPLATE_MODULES.has(binding.module)) return undefined;
    return { callee: "$", command: templateText(checker, node.template) };
  }
  if (!ts.isCallExpression(node)) return undefined;
  const binding = calleeBinding(checker, node.expression);
  if (!binding?.name) return undefined;
  const [first, second] = node.arguments;
  let command: string | undefined;
  if (CHILD_PROCESS_MODULES.has(binding.module)) {
    if (SHELL_FUNCTIONS.has(binding.name)) command = staticText(checker, first);
    else if (SPAWN_FUNCTIONS.has(binding.name)) command = argvText(checker, first, second);
  } else if (binding.module === "execa") {
    if (EXECA_COMMAND_FUNCTIONS.has(binding.name)) command = staticText(checker, first);
    else if (EXECA_FUNCTIONS.has(binding.name)) command = argvText(checker, first, second);
  }
  return command === undefined ? undefined : { callee: binding.name === "default" ? "execa" : binding.name, command };
}

// ---------------------------------------------------------------------------
// pushSchema

function shorthandValueSymbol(checker: ts.TypeChecker, node: ts.ShorthandPropertyAssignment): ts.Symbol | undefined {
  return guard(() => checker.getShorthandAssignmentValueSymbol(node), undefined);
}

/** Uses of a named import in its file (identifiers bound to it, other than the import itself). */
function referencesOf(checker: ts.TypeChecker, sourceFile: ts.SourceFile, specifier: ts.ImportSpecifier): ts.Identifier[] {
  const local = localSymbolAt(checker, specifier.name);
  const refs: ts.Identifier[] = [];
  if (!local) return refs;
  for (const n of identifiersNamed(sourceFile, specifier.name.text)) {
    // the import's own names (an import declaration is the statement that holds them)
    if (ts.findAncestor(n, (a) => (ts.isImportDeclaration(a) ? true : ts.isStatement(a) ? "quit" : false))) continue;
    const shorthand = ts.isShorthandPropertyAssignment(n.parent) && n.parent.name === n;
    if ((shorthand ? shorthandValueSymbol(checker, n.parent) : localSymbolAt(checker, n)) === local) refs.push(n);
  }
  return refs;
}

function pushSchemaImports(checker: ts.TypeChecker, sourceFile: ts.SourceFile, report: (node: ts.Node, name: string, module: string) => void): void {
  for (const statement of sourceFile.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const module = statement.moduleSpecifier.text;
    const clause = statement.importClause;
    if (!DRIZZLE_KIT_API.test(module) || !clause || clause.isTypeOnly) continue;
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const specifier of bindings.elements) {
        const imported = (specifier.propertyName ?? specifier.name).text;
        if (specifier.isTypeOnly || !PUSH_EXPORT.test(imported)) continue;
        const refs = referencesOf(checker, sourceFile, specifier);
        if (refs.length === 0 || refs.some((r) => !isNonProductionGuarded(checker, r))) report(specifier, imported, module);
      }
    } else if (bindings && ts.isNamespaceImport(bindings)) {
      for (const id of identifiersNamed(sourceFile, bindings.name.text)) {
        const n = id.parent;
        if (
          ts.isPropertyAccessExpression(n) &&
          n.expression === id &&
          PUSH_EXPORT.test(n.name.text) &&
          bindingOf(checker, id)?.module === module &&
          !isNonProductionGuarded(checker, n)
        ) {
          report(n, n.name.text, module);
        }
      }
    }
  }
  // `const { pushSchema } = await import("drizzle-kit/api")`, `require(...)`, `(await import(...)).pushSchema`
  for (const n of fileSyntax(sourceFile).calls) {
    const module = moduleOfRequireOrImport(n);
    if (module === undefined || !DRIZZLE_KIT_API.test(module)) continue;
    if (isNonProductionGuarded(checker, n)) continue;
    let outer: ts.Node = n;
    while (ts.isAwaitExpression(outer.parent) || ts.isParenthesizedExpression(outer.parent)) outer = outer.parent;
    const parent = outer.parent;
    if (ts.isVariableDeclaration(parent) && parent.initializer === outer && ts.isObjectBindingPattern(parent.name)) {
      for (const el of parent.name.elements) {
        const name = bindingElementKey(el);
        if (name !== undefined && PUSH_EXPORT.test(name)) report(el, name, module);
      }
    } else if (ts.isPropertyAccessExpression(parent) && parent.expression === outer && PUSH_EXPORT.test(parent.name.text)) {
      report(parent, parent.name.text, module);
    }
  }
}

// ---------------------------------------------------------------------------

/** Findings of the code part of `no-push-in-production` (message ids `pushInCode`, `pushSchemaImport`). */
export function analyzeDrizzleKitPush(context: AnalysisContext): Finding<MessageId>[] {
  const { program, checker, sourceFile } = context;
  if (sourceFile.isDeclarationFile || isTestFile(program, sourceFile.fileName)) return [];
  // both parts need the words "drizzle-kit" in the file: skip the walk in every other file
  if (!sourceFile.text.includes("drizzle-kit")) return [];
  const findings: Finding<MessageId>[] = [];
  pushSchemaImports(checker, sourceFile, (node, name, module) =>
    findings.push({ messageId: "pushSchemaImport", data: { name, module }, start: node.getStart(sourceFile), end: node.getEnd() }),
  );
  const { calls, taggedTemplates } = fileSyntax(sourceFile);
  for (const node of [...calls, ...taggedTemplates]) {
    const spawned = spawnedCommand(checker, node);
    const push = spawned && directPush(spawned.command);
    if (spawned && push && !isNonProductionGuarded(checker, node)) {
      findings.push({
        messageId: "pushInCode",
        data: { callee: spawned.callee, command: push.display },
        start: node.getStart(sourceFile),
        end: node.getEnd(),
      });
    }
  }
  return findings.sort((a, b) => a.start - b.start);
}
