import ts from "typescript";
import { programCache } from "../cache.js";
import { isUserSourceFile, skipOuter } from "../ts-utils.js";
import { symbolAt } from "../symbols.js";
import { declaredMembers } from "../declared-types.js";
import type { TableModel } from "./model.js";
import { parseTableCall, shorthandValueDeclaration, valueDeclarationOf } from "./parse-table.js";
import { guard } from "../guard.js";
import { timed } from "../profile.js";

const MAX_ALIAS_DEPTH = 8;

interface SchemaIndex {
  /** Table model per declaring variable (or call); null = looked at, not a table. */
  byDeclaration: WeakMap<ts.Node, TableModel | null>;
  /** Tables declared at the top level of each file. */
  byFile: WeakMap<ts.SourceFile, TableModel[]>;
}

/** The per-program schema model, shared by all rules and computed lazily, once per declaration. */
const schemaIndex = programCache<SchemaIndex>(() => ({ byDeclaration: new WeakMap(), byFile: new WeakMap() }));

function modelForVariable(program: ts.Program, decl: ts.VariableDeclaration, depth: number): TableModel | undefined {
  const index = schemaIndex(program);
  const cached = index.byDeclaration.get(decl);
  if (cached !== undefined) return cached ?? undefined;
  index.byDeclaration.set(decl, null); // cycle guard
  const model = guard<TableModel | undefined>(() => {
    const init = decl.initializer && skipOuter(decl.initializer);
    if (!init) return undefined;
    // const p = posts;  const p = schema.posts
    const parsed = parseTableCall(program.getTypeChecker(), init, decl);
    if (!parsed && (ts.isIdentifier(init) || ts.isPropertyAccessExpression(init))) return resolveTable(program, init, depth + 1);
    return parsed;
  }, undefined);
  index.byDeclaration.set(decl, model ?? null);
  return model;
}

/**
 * Resolves any expression that denotes a Drizzle table to its model, across
 * files: identifiers, aliased and namespace imports, re-exports, `export *`
 * barrels and local aliases. Returns undefined when unknown.
 */
export function resolveTable(program: ts.Program, expr: ts.Expression, depth = 0): TableModel | undefined {
  if (depth > MAX_ALIAS_DEPTH) return undefined;
  const checker = program.getTypeChecker();
  const e = skipOuter(expr);
  if (ts.isCallExpression(e)) {
    const index = schemaIndex(program);
    const cached = index.byDeclaration.get(e);
    if (cached !== undefined) return cached ?? undefined;
    const model = guard(() => parseTableCall(checker, e), undefined);
    index.byDeclaration.set(e, model ?? null);
    return model;
  }
  if (!ts.isIdentifier(e) && !ts.isPropertyAccessExpression(e) && !ts.isElementAccessExpression(e)) return undefined;
  if (ts.isPropertyAccessExpression(e)) {
    // `config.table` on `config: QueryConfig`: the member of the declared type, found without typing `config`
    // (typing it would type every table the member's type names); when the members disagree, the checker says which
    const members = declaredMembers(checker, e.expression, e.name.text);
    const models = new Set(members?.map((member) => resolveTableSymbol(program, member, depth)));
    if (members && models.size === 1) return [...models][0];
  }
  const nameNode = ts.isPropertyAccessExpression(e) ? e.name : ts.isElementAccessExpression(e) ? e.argumentExpression : e;
  return resolveTableSymbol(program, symbolAt(checker, nameNode), depth);
}

/** The table a value symbol (resolved through aliases) denotes: a table variable, a default export, a schema object's property. */
export function resolveTableSymbol(program: ts.Program, symbol: ts.Symbol | undefined, depth = 0): TableModel | undefined {
  if (depth > MAX_ALIAS_DEPTH) return undefined;
  const checker = program.getTypeChecker();
  const decl = valueDeclarationOf(symbol);
  if (!decl) return undefined;
  if (ts.isVariableDeclaration(decl)) return modelForVariable(program, decl, depth);
  // import t from "./table"  →  export default pgTable(...)
  if (ts.isExportAssignment(decl)) return resolveTable(program, decl.expression, depth + 1);
  // { posts } shorthand or `posts: posts` inside an exported schema object
  if (ts.isShorthandPropertyAssignment(decl)) {
    const value = shorthandValueDeclaration(checker, decl);
    return value && ts.isVariableDeclaration(value) ? modelForVariable(program, value, depth + 1) : undefined;
  }
  if (ts.isPropertyAssignment(decl)) return resolveTable(program, decl.initializer, depth + 1);
  return undefined;
}

/** Tables declared at the top level of a file (`const x = pgTable(...)`, exported or not). */
export function tablesInFile(program: ts.Program, sourceFile: ts.SourceFile): TableModel[] {
  const index = schemaIndex(program);
  const cached = index.byFile.get(sourceFile);
  if (cached) return cached;
  const tables: TableModel[] = [];
  for (const statement of sourceFile.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        const model = modelForVariable(program, decl, 0);
        // only tables declared here, not local aliases of imported ones
        if (model && model.variable === decl) tables.push(model);
      }
    } else if (ts.isExportAssignment(statement)) {
      const model = resolveTable(program, statement.expression);
      if (model && model.call.getSourceFile() === sourceFile) tables.push(model);
    }
  }
  index.byFile.set(sourceFile, tables);
  return tables;
}

/** Top-level declarations that may declare a table, by the string literal they name it with. */
interface TableNameIndex {
  byName: Map<string, ts.VariableDeclaration[]>;
  /** Table-like calls whose name is not a literal. */
  unnamed: ts.VariableDeclaration[];
}

/**
 * A syntax-only index of the program's table-like declarations: top-level
 * `const x = f("name", { … })` (or a callback for columns), through chained
 * calls such as `.enableRLS()` and `schema.table(…)`. Finding a table by its
 * SQL name then parses only the few declarations that can be it, instead of
 * resolving every top-level call of every file.
 */
const tableNameIndex = programCache((program: ts.Program): TableNameIndex => timed(program, "schema.tableNameIndex", () => indexTableNames(program)));

function indexTableNames(program: ts.Program): TableNameIndex {
  const index: TableNameIndex = { byName: new Map(), unnamed: [] };
  for (const sourceFile of program.getSourceFiles()) {
    if (!isUserSourceFile(sourceFile)) continue;
    for (const statement of sourceFile.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const decl of statement.declarationList.declarations) {
        const names = tableCallNames(decl.initializer);
        if (!names) continue;
        if (names.length === 0) index.unnamed.push(decl);
        for (const name of names) {
          const list = index.byName.get(name);
          if (list) list.push(decl);
          else index.byName.set(name, [decl]);
        }
      }
    }
  }
  return index;
}

/** The literal names of the table-like calls in an initializer's call chain ([] when not literal); undefined when none is table-like. */
export function tableCallNames(initializer: ts.Expression | undefined): string[] | undefined {
  let names: string[] | undefined;
  let e = initializer && skipOuter(initializer);
  while (e && ts.isCallExpression(e)) {
    const [name, columns] = e.arguments;
    const columnsLike = columns && (ts.isObjectLiteralExpression(columns) || ts.isArrowFunction(columns) || ts.isFunctionExpression(columns));
    if (name && columnsLike) {
      names ??= [];
      if (ts.isStringLiteralLike(name)) names.push(name.text);
    }
    const callee = skipOuter(e.expression);
    e = ts.isPropertyAccessExpression(callee) ? skipOuter(callee.expression) : undefined;
  }
  return names;
}

/** The program's tables with this SQL name (declared at the top level of the user's files). */
export function tablesWithSqlName(program: ts.Program, sqlName: string): TableModel[] {
  const index = tableNameIndex(program);
  const out: TableModel[] = [];
  for (const decl of [...(index.byName.get(sqlName) ?? []), ...index.unnamed]) {
    const model = modelForVariable(program, decl, 0);
    if (model && model.variable === decl && model.sqlName === sqlName) out.push(model);
  }
  return out;
}

/** Every table declared at the top level of the program's user files (found through the name index, parsed once). */
export const programTables = programCache((program: ts.Program): TableModel[] => {
  const index = tableNameIndex(program);
  const out: TableModel[] = [];
  for (const decl of new Set([...[...index.byName.values()].flat(), ...index.unnamed])) {
    const model = modelForVariable(program, decl, 0);
    if (model && model.variable === decl) out.push(model);
  }
  return out;
});
