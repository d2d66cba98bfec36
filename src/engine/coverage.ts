import path from "node:path";
import ts from "typescript";
import { programCache } from "./cache.js";
import { guard } from "./guard.js";
import { isQueryChainCall, queryChainsIn } from "./queries.js";
import { fileSyntax } from "./syntax-index.js";
import { isFunctionLike, isUserSourceFile, methodCall, skipOuter, skipOuterUp } from "./ts-utils.js";

/**
 * Coverage: what the engine analysed in a file and what it could not see.
 * Every rule stays quiet where a query's database has no type (`any`: a
 * wrapper package missing from node_modules, an import that does not
 * resolve), which is right for findings but leaves users unaware. This
 * module counts, per file, the Drizzle query chains found by type and the
 * calls that look like queries (`x.select(…)`, `x.insert(t)`, `x.query.t.findMany(…)`)
 * whose receiver's type is `any`, and names the likely cause.
 *
 * Computed on demand only (the CLI's `--coverage`, `DRIZZLE_GUARD_COVERAGE=1`
 * under ESLint), from the file's syntax index and the program's query index:
 * no extra walk of the file.
 */

export interface SkippedCall {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** `ctx.db.insert(…)` */
  call: string;
  /** Why the receiver is `any`, when the engine can tell: `import "@acme/db" does not resolve (src/trpc.ts:3)`. */
  cause?: string;
}

export interface FileCoverage {
  fileName: string;
  /** Drizzle query chains found by the type of their root (what the rules analyse). */
  analysed: number;
  /** Calls that look like queries, skipped because their receiver's type is `any`. */
  skipped: number;
  /** The first few skipped calls. */
  examples: SkippedCall[];
}

export interface UnresolvedImport {
  module: string;
  /** The importing file (absolute). */
  fileName: string;
  line: number;
}

/** How many skipped calls a file's report lists. */
export const EXAMPLES_PER_FILE = 3;

/** Starts of a query on a database or transaction, as the engine recognises them (`queries.ts`). */
const SELECTS = new Set(["select", "selectDistinct", "selectDistinctOn"]);
const TABLE_FIRST = new Set(["insert", "update", "delete"]);
const RELATIONAL = new Set(["findMany", "findFirst"]);

/** Explanations follow declarations this deep (imports, initializers, annotations, callees). */
const MAX_DEPTH = 40;

/** `DRIZZLE_GUARD_COVERAGE=1`: ESLint runs print a coverage summary to stderr at exit. */
export function coverageMode(): boolean {
  const value = process.env.DRIZZLE_GUARD_COVERAGE;
  return value !== undefined && value !== "" && value !== "0";
}

const fileCoverages = programCache(() => new WeakMap<ts.SourceFile, FileCoverage>());

/** The coverage of one file of a program; memoized per program and file. */
export function fileCoverage(program: ts.Program, sourceFile: ts.SourceFile): FileCoverage {
  const cache = fileCoverages(program);
  let coverage = cache.get(sourceFile);
  if (!coverage) {
    coverage = computeCoverage(program, sourceFile);
    cache.set(sourceFile, coverage);
  }
  return coverage;
}

function computeCoverage(program: ts.Program, sourceFile: ts.SourceFile): FileCoverage {
  const checker = program.getTypeChecker();
  const coverage: FileCoverage = { fileName: sourceFile.fileName, analysed: queryChainsIn(program, sourceFile).length, skipped: 0, examples: [] };
  for (const call of fileSyntax(sourceFile).calls) {
    const receiver = queryLikeReceiver(call);
    if (!receiver || isQueryChainCall(program, call)) continue;
    const type = guard(() => checker.getTypeAtLocation(receiver), undefined);
    if (!type || (type.flags & ts.TypeFlags.Any) === 0) continue;
    coverage.skipped++;
    if (coverage.examples.length >= EXAMPLES_PER_FILE) continue;
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(call.getStart(sourceFile));
    const name = methodCall(call)?.name ?? "";
    const receiverText = abbreviate(receiver.getText(sourceFile));
    const cause = guard(() => explainExpression(program, receiver, new Set(), 0), undefined);
    coverage.examples.push({ line: line + 1, column: character + 1, call: `${receiverText}${RELATIONAL.has(name) ? ".query.…" : ""}.${name}(…)`, cause });
  }
  return coverage;
}

/**
 * The database-like receiver of a call that looks like a Drizzle query start,
 * judged by syntax only: `x.select()` / `x.select({…})`, `x.insert(t)` with a
 * non-literal first argument (`params.delete("page")` is not a query),
 * `x.query.t.findMany(…)`, and the same after `x.with(cte)`.
 */
function queryLikeReceiver(call: ts.CallExpression): ts.Expression | undefined {
  const m = methodCall(call);
  if (!m) return undefined;
  const first = call.arguments[0] && skipOuter(call.arguments[0]);
  if (RELATIONAL.has(m.name)) {
    const table = skipOuter(m.object);
    if (!ts.isPropertyAccessExpression(table) && !ts.isElementAccessExpression(table)) return undefined;
    const query = skipOuter(table.expression);
    return ts.isPropertyAccessExpression(query) && query.name.text === "query" ? query.expression : undefined;
  }
  if (SELECTS.has(m.name)) {
    if (first && !ts.isObjectLiteralExpression(first) && !ts.isIdentifier(first) && !ts.isPropertyAccessExpression(first)) return undefined;
  } else if (TABLE_FIRST.has(m.name)) {
    if (!first || !(ts.isIdentifier(first) || ts.isPropertyAccessExpression(first) || ts.isElementAccessExpression(first))) return undefined;
  } else {
    return undefined;
  }
  const inner = skipOuter(m.object);
  if (ts.isCallExpression(inner)) {
    const innerM = methodCall(inner);
    if (innerM?.name === "with") return innerM.object;
  }
  return m.object;
}

function abbreviate(text: string): string {
  const oneLine = text.replace(/\s+/g, " ");
  return oneLine.length > 40 ? `${oneLine.slice(0, 37)}…` : oneLine;
}

function where(node: ts.Node): string {
  const file = node.getSourceFile();
  return `${displayPath(file.fileName)}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`;
}

function displayPath(fileName: string): string {
  const relative = path.relative(process.cwd(), fileName);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative.split(path.sep).join("/") : fileName;
}

/** The import declaration (or `import x = require()`) an alias declaration belongs to. */
function importOf(decl: ts.Node | undefined): { specifier: ts.Expression; node: ts.Node } | undefined {
  let node: ts.Node | undefined = decl;
  while (node && !ts.isSourceFile(node)) {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return node.moduleSpecifier ? { specifier: node.moduleSpecifier, node } : undefined;
    if (ts.isImportEqualsDeclaration(node)) {
      return ts.isExternalModuleReference(node.moduleReference) ? { specifier: node.moduleReference.expression, node } : undefined;
    }
    node = node.parent;
  }
  return undefined;
}

function unresolvedImportCause(checker: ts.TypeChecker, imported: { specifier: ts.Expression; node: ts.Node }): string | undefined {
  if (!ts.isStringLiteralLike(imported.specifier) || checker.getSymbolAtLocation(imported.specifier)) return undefined;
  return `import "${imported.specifier.text}" does not resolve (${where(imported.node)}): not installed, or without type declarations`;
}

/** Why an expression's type is `any`: follows the names it is built from to an unresolved import or an explicit `any`. */
function explainExpression(program: ts.Program, node: ts.Node, seen: Set<ts.Node>, depth: number): string | undefined {
  if (depth > MAX_DEPTH || seen.has(node)) return undefined;
  seen.add(node);
  const checker = program.getTypeChecker();
  const expr = ts.isExpression(node) ? skipOuter(node) : node;
  if (ts.isAwaitExpression(expr)) return explainExpression(program, expr.expression, seen, depth + 1);
  if (ts.isCallExpression(expr) || ts.isNewExpression(expr)) {
    for (const typeArgument of expr.typeArguments ?? []) {
      const cause = explainType(program, typeArgument, seen, depth + 1);
      if (cause) return cause;
    }
    return explainExpression(program, expr.expression, seen, depth + 1);
  }
  if (ts.isPropertyAccessExpression(expr) || ts.isElementAccessExpression(expr)) {
    const member = ts.isPropertyAccessExpression(expr) ? expr.name : expr.argumentExpression;
    const symbol = checker.getSymbolAtLocation(member);
    return (symbol && explainSymbol(program, symbol, seen, depth + 1)) ?? explainExpression(program, expr.expression, seen, depth + 1);
  }
  if (ts.isIdentifier(expr)) {
    // `{ db }`: the value, not the property it defines
    const symbol = ts.isShorthandPropertyAssignment(expr.parent) && expr.parent.name === expr ? checker.getShorthandAssignmentValueSymbol(expr.parent) : checker.getSymbolAtLocation(expr);
    return symbol ? explainSymbol(program, symbol, seen, depth + 1) : undefined;
  }
  if (isFunctionLike(expr)) return explainFunctionResult(program, expr, seen, depth + 1);
  if (ts.isObjectLiteralExpression(expr)) {
    for (const property of expr.properties) {
      const value = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
      const cause = value && explainExpression(program, value, seen, depth + 1);
      if (cause) return cause;
    }
  }
  return undefined;
}

function explainSymbol(program: ts.Program, symbol: ts.Symbol, seen: Set<ts.Node>, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const checker = program.getTypeChecker();
  if (symbol.flags & ts.SymbolFlags.Alias) {
    const decl = symbol.declarations?.[0];
    const imported = importOf(decl);
    const unresolved = imported && unresolvedImportCause(checker, imported);
    if (unresolved) return unresolved;
    const target = checker.getAliasedSymbol(symbol);
    return target !== symbol && target.declarations?.length ? explainSymbol(program, target, seen, depth + 1) : undefined;
  }
  for (const decl of symbol.declarations ?? []) {
    const cause = explainDeclaration(program, decl, seen, depth + 1);
    if (cause) return cause;
  }
  return undefined;
}

function explainDeclaration(program: ts.Program, decl: ts.Declaration, seen: Set<ts.Node>, depth: number): string | undefined {
  if (depth > MAX_DEPTH || seen.has(decl) || program.isSourceFileDefaultLibrary(decl.getSourceFile())) return undefined;
  seen.add(decl);
  // in a library's declarations only a declared value's annotation can explain (`export declare const db: NodePgDatabase`
  // from a dependency that is missing); its functions and methods (tRPC's `.query`, `.use`) are generic plumbing
  if (!isUserSourceFile(decl.getSourceFile()) && !ts.isVariableDeclaration(decl)) return undefined;
  const typeNode = (decl as { type?: ts.TypeNode }).type;
  if (typeNode && !isFunctionLike(decl)) return explainType(program, typeNode, seen, depth + 1);
  if (isFunctionLike(decl)) return explainFunctionResult(program, decl, seen, depth + 1);
  if (ts.isBindingElement(decl)) {
    // `const { db } = ctx`, `({ ctx }) => …`: the pattern's own declaration says where the value comes from
    let root: ts.Node = decl.parent;
    while (ts.isBindingElement(root) || ts.isObjectBindingPattern(root) || ts.isArrayBindingPattern(root)) root = root.parent;
    return ts.isVariableDeclaration(root) || ts.isParameter(root) ? explainDeclaration(program, root, seen, depth + 1) : undefined;
  }
  const initializer = (decl as { initializer?: ts.Expression }).initializer;
  if (initializer) return explainExpression(program, initializer, seen, depth + 1);
  if (ts.isShorthandPropertyAssignment(decl)) return explainExpression(program, decl.name, seen, depth + 1);
  if (ts.isParameter(decl)) {
    // an unannotated callback parameter takes its type from the call it is passed to: `procedure.mutation(({ ctx }) => …)`
    const fn = decl.parent;
    const call = skipOuterUp(fn).parent;
    const index = call && ts.isCallExpression(call) ? call.arguments.indexOf(skipOuterUp(fn) as ts.Expression) : -1;
    if (!call || !ts.isCallExpression(call) || index < 0) return undefined;
    const parameters = program.getTypeChecker().getResolvedSignature(call)?.declaration?.parameters;
    const parameter = parameters?.[Math.min(index, parameters.length - 1)];
    const type = parameter && ts.isParameter(parameter) ? parameter.type : undefined;
    return (type && explainType(program, type, seen, depth + 1)) ?? explainExpression(program, call, seen, depth + 1);
  }
  return undefined;
}

function explainType(program: ts.Program, typeNode: ts.TypeNode, seen: Set<ts.Node>, depth: number): string | undefined {
  if (depth > MAX_DEPTH || seen.has(typeNode)) return undefined;
  seen.add(typeNode);
  const checker = program.getTypeChecker();
  if (typeNode.kind === ts.SyntaxKind.AnyKeyword) {
    // an `any` inside a library's declarations (`Awaited`, a package's d.ts) is how the library is typed, not the cause
    return isUserSourceFile(typeNode.getSourceFile()) ? `declared as \`any\` (${where(typeNode)})` : undefined;
  }
  if (ts.isTypeQueryNode(typeNode)) return explainExpression(program, typeNode.exprName, seen, depth + 1);
  if (ts.isTypeReferenceNode(typeNode)) {
    // `Awaited<ReturnType<typeof createContext>>`: the arguments first, then what the name refers to
    for (const argument of typeNode.typeArguments ?? []) {
      const cause = explainType(program, argument, seen, depth + 1);
      if (cause) return cause;
    }
    let name: ts.EntityName = typeNode.typeName;
    while (ts.isQualifiedName(name)) name = name.left;
    const symbol = checker.getSymbolAtLocation(name);
    const cause = symbol && explainSymbol(program, symbol, seen, depth + 1);
    if (cause) return cause;
  }
  if (ts.isImportTypeNode(typeNode) && ts.isLiteralTypeNode(typeNode.argument) && ts.isStringLiteral(typeNode.argument.literal)) {
    const cause = unresolvedImportCause(checker, { specifier: typeNode.argument.literal, node: typeNode });
    if (cause) return cause;
  }
  // the types inside: union members, properties of a type literal, a function type's parameters and result
  let found: string | undefined;
  const visit = (child: ts.Node): void => {
    if (found) return;
    if (ts.isTypeNode(child)) found = explainType(program, child, seen, depth + 1);
    else ts.forEachChild(child, visit);
  };
  ts.forEachChild(typeNode, visit);
  return found;
}

/** A function's result: its return annotation, else its expression body or returned values (nested functions excluded). */
function explainFunctionResult(program: ts.Program, fn: ts.SignatureDeclaration, seen: Set<ts.Node>, depth: number): string | undefined {
  if (fn.type) return explainType(program, fn.type, seen, depth + 1);
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (!body) return undefined;
  if (!ts.isBlock(body)) return explainExpression(program, body, seen, depth + 1);
  let found: string | undefined;
  const visit = (node: ts.Node): void => {
    if (found || isFunctionLike(node)) return;
    if (ts.isReturnStatement(node) && node.expression) found = explainExpression(program, node.expression, seen, depth + 1);
    else ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return found;
}

const unresolvedImportsOf = programCache((program: ts.Program): UnresolvedImport[] => {
  const checker = program.getTypeChecker();
  const out: UnresolvedImport[] = [];
  for (const file of program.getSourceFiles()) {
    if (!isUserSourceFile(file)) continue;
    for (const statement of file.statements) {
      if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement) && !ts.isImportEqualsDeclaration(statement)) continue;
      const imported = importOf(statement);
      if (!imported) continue;
      if (!ts.isStringLiteralLike(imported.specifier) || guard(() => checker.getSymbolAtLocation(imported.specifier), undefined)) continue;
      out.push({ module: imported.specifier.text, fileName: file.fileName, line: file.getLineAndCharacterOfPosition(statement.getStart(file)).line + 1 });
    }
  }
  return out;
});

/** Imports anywhere in the program's own files that do not resolve: the usual reason a database is `any`. */
export function unresolvedImports(program: ts.Program): UnresolvedImport[] {
  return unresolvedImportsOf(program);
}

/** A plain-text report for the linted files of one program and the program's unresolved imports. */
export function formatCoverage(files: readonly FileCoverage[], unresolved: readonly UnresolvedImport[]): string {
  const analysed = files.reduce((n, f) => n + f.analysed, 0);
  const skipped = files.reduce((n, f) => n + f.skipped, 0);
  const lines = [
    `drizzle-guard coverage: ${files.length} file${files.length === 1 ? "" : "s"}, ${analysed} Drizzle quer${analysed === 1 ? "y" : "ies"} analysed, ${skipped} query-like call${skipped === 1 ? "" : "s"} skipped (receiver type is \`any\`)`,
  ];
  for (const file of [...files].sort((a, b) => a.fileName.localeCompare(b.fileName))) {
    if (file.analysed === 0 && file.skipped === 0) continue;
    lines.push(`  ${displayPath(file.fileName)}: ${file.analysed} analysed${file.skipped ? `, ${file.skipped} skipped` : ""}`);
    for (const example of file.examples) {
      lines.push(`    ${example.line}:${example.column}  ${example.call}${example.cause ? ` — ${example.cause}` : ""}`);
    }
    if (file.skipped > file.examples.length) lines.push(`    … and ${file.skipped - file.examples.length} more`);
  }
  if (skipped > 0) {
    const modules = [...new Map(unresolved.map((u) => [u.module, u])).values()];
    if (modules.length > 0) {
      lines.push(`  Imports that do not resolve (${modules.length}), the usual reason a database is \`any\`:`);
      for (const u of modules.slice(0, 10)) lines.push(`    "${u.module}" (${displayPath(u.fileName)}:${u.line})`);
      if (modules.length > 10) lines.push(`    … and ${modules.length - 10} more`);
    }
    lines.push("  Rules do not report on these calls. Install the missing packages (or build the workspace packages they point to) and lint again.");
  }
  return `${lines.join("\n")}\n`;
}

const exitReports = programCache((program: ts.Program): Map<string, FileCoverage> => {
  const files = new Map<string, FileCoverage>();
  // one summary per program, printed when the ESLint process ends; the listener holds plain data only, not the program
  const unresolved = unresolvedImports(program);
  process.once("exit", () => {
    if (files.size > 0) process.stderr.write(formatCoverage([...files.values()], unresolved));
  });
  return files;
});

/**
 * Under `DRIZZLE_GUARD_COVERAGE=1`, records a linted file's coverage for the
 * summary printed to stderr when the process exits (one per program).
 */
export function noteCoverage(program: ts.Program, sourceFile: ts.SourceFile): void {
  if (!coverageMode()) return;
  guard(() => exitReports(program).set(sourceFile.fileName, fileCoverage(program, sourceFile)), undefined);
}
