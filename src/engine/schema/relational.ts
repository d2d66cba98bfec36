import ts from "typescript";
import { type DeclaredFunction, argumentForTypeParameter, declaredTypeNode, calledFunction, returnTypeFunction, returnedExpressions } from "../declared-types.js";
import { drizzleImportName } from "../drizzle-symbols.js";
import { isAsyncFunction, methodCall, skipOuter, skipOuterUp, staticPropertyName, typeOf } from "../ts-utils.js";
import { resolveAlias, symbolAt, valueSymbolAt } from "../symbols.js";
import type { TableModel } from "./model.js";
import { resolveTable, resolveTableSymbol } from "./resolve.js";
import { guard } from "../guard.js";

const MAX_DEPTH = 12;

/**
 * The table behind `db.query.<key>`, read from declarations: the `schema`
 * the database was created with (`drizzle(url, { schema })`, a
 * `NodePgDatabase<typeof schema>` annotation, `typeof db`, the `tx` of a
 * transaction on such a database), then that schema's `<key>` (a namespace
 * import's export, or an object literal's property, spreads included).
 *
 * Undefined when any step is not written in one of these shapes; the caller
 * then asks the type checker, which infers the database's whole schema type.
 */
export function relationalTableByDeclaration(program: ts.Program, root: ts.Expression, key: string): TableModel | undefined {
  return guard(() => {
    const checker = program.getTypeChecker();
    const schema = schemaOfDatabase(checker, root, 0);
    const table = schema ? schemaMember(program, schema, key, 0) : undefined;
    return table ?? undefined;
  }, undefined);
}

/**
 * The table behind `db.query.<key>` from the database's own type, when its
 * declarations cannot be followed (`const { db } = ctx`): the schema type
 * argument (`PostgresJsDatabase<typeof schema>`, `PgTransaction<…, typeof
 * schema, …>`) holds `<key>` as a property whose declaration is the table.
 * Typing `db.query.<key>` itself would map the whole schema's relations.
 */
export function relationalTableByRootType(program: ts.Program, root: ts.Expression, key: string): TableModel | undefined {
  return guard(() => {
    const checker = program.getTypeChecker();
    const type = typeOf(checker, root);
    if (!type) return undefined;
    const candidates = type.isIntersection() || type.isUnion() ? type.types : [type];
    for (const candidate of candidates) {
      if (!(candidate.flags & ts.TypeFlags.Object) || !((candidate as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference)) continue;
      for (const arg of checker.getTypeArguments(candidate as ts.TypeReference)) {
        const member = arg.getProperty(key);
        const table = member ? resolveTableSymbol(program, resolveAlias(checker, member)) : undefined;
        if (table) return table;
      }
    }
    return undefined;
  }, undefined);
}

/** The expression (or `typeof` name) a database's relational schema was given as. */
function schemaOfDatabase(checker: ts.TypeChecker, expr: ts.Expression, depth: number): ts.Expression | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const e = skipOuter(expr);
  if (ts.isCallExpression(e)) {
    if (drizzleImportName(checker, e.expression) !== "drizzle") return schemaOfUserCall(checker, e, depth);
    for (const arg of e.arguments) {
      const config = skipOuter(arg);
      if (!ts.isObjectLiteralExpression(config)) continue;
      for (const p of config.properties) {
        if (ts.isPropertyAssignment(p) && staticPropertyName(p.name) === "schema") return p.initializer;
        if (ts.isShorthandPropertyAssignment(p) && p.name.text === "schema") return p.name;
      }
    }
    return undefined;
  }
  if (!ts.isIdentifier(e) && !ts.isPropertyAccessExpression(e)) return undefined;
  const decl = symbolAt(checker, ts.isPropertyAccessExpression(e) ? e.name : e)?.valueDeclaration;
  if (!decl) return undefined;
  if (ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl) || ts.isPropertySignature(decl) || ts.isParameter(decl)) {
    if (decl.type) return schemaInTypeNode(checker, decl.type, depth + 1);
    if (ts.isParameter(decl)) return schemaOfTransactionParameter(checker, decl, depth);
    const initializer = ts.isPropertySignature(decl) ? undefined : decl.initializer;
    return initializer ? schemaOfDatabase(checker, initializer, depth + 1) : undefined;
  }
  if (ts.isPropertyAssignment(decl)) return schemaOfDatabase(checker, decl.initializer, depth + 1);
  return undefined;
}

/** `tx` in `db.transaction(async (tx) => …)`: the schema of `db`. */
function schemaOfTransactionParameter(checker: ts.TypeChecker, param: ts.ParameterDeclaration, depth: number): ts.Expression | undefined {
  const fn = param.parent;
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || fn.parameters[0] !== param) return undefined;
  const up = skipOuterUp(fn);
  const call = up.parent;
  if (!call || !ts.isCallExpression(call) || call.arguments[0] !== up) return undefined;
  const m = methodCall(call);
  return m?.name === "transaction" ? schemaOfDatabase(checker, m.object, depth + 1) : undefined;
}

/** Type parameters of a generic function or alias bound to the schema of what is passed for them (`withReplicas<Q>(primary: Q, …)` ← `primaryDb`). */
type SchemaBindings = ReadonlyMap<ts.Symbol, ts.Expression | undefined>;

/**
 * `NodePgDatabase<typeof schema>`, `PgDatabase<HKT, typeof schema>`, `typeof
 * db`, through aliases, intersections and unions (of one schema); a computed
 * database type (`Awaited<ReturnType<typeof connectDb>>`: what `connectDb`
 * returns) and a generic alias (`ReplicatedDatabase<Q>` = `Q & { … }`) with its
 * type parameters bound to the schemas of its type arguments — typing such a
 * type would infer the generic call behind it over the whole schema.
 */
function schemaInTypeNode(checker: ts.TypeChecker, node: ts.TypeNode, depth: number, bindings?: SchemaBindings): ts.Expression | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const written = declaredTypeNode(checker, node);
  if (!written) return undefined;
  if (ts.isTypeQueryNode(written)) return ts.isIdentifier(written.exprName) ? schemaOfDatabase(checker, written.exprName, depth + 1) : undefined;
  if (ts.isIntersectionTypeNode(written)) {
    for (const member of written.types) {
      const found = schemaInTypeNode(checker, member, depth + 1, bindings);
      if (found) return found;
    }
    return undefined;
  }
  if (ts.isUnionTypeNode(written)) return sameSchema(checker, written.types.map((member) => schemaInTypeNode(checker, member, depth + 1, bindings)));
  if (ts.isTypeReferenceNode(written)) {
    const query = written.typeArguments?.find(ts.isTypeQueryNode);
    if (query) return ts.isIdentifier(query.exprName) ? query.exprName : undefined;
    const symbol = symbolAt(checker, written.typeName);
    if (symbol && bindings?.has(symbol)) return written.typeArguments?.length ? undefined : bindings.get(symbol);
    const returned = returnTypeFunction(checker, written);
    if (returned) return returned.awaited || !isAsyncFunction(returned.fn) ? schemaOfFunctionResult(checker, returned.fn, depth + 1) : undefined;
    const alias = symbol?.declarations?.find(ts.isTypeAliasDeclaration);
    const args = written.typeArguments;
    if (alias?.typeParameters?.length && args?.length === alias.typeParameters.length) {
      const inner = new Map<ts.Symbol, ts.Expression | undefined>();
      alias.typeParameters.forEach((parameter, i) => {
        const parameterSymbol = symbolAt(checker, parameter.name);
        if (parameterSymbol) inner.set(parameterSymbol, schemaInTypeNode(checker, args[i]!, depth + 1, bindings));
      });
      return schemaInTypeNode(checker, alias.type, depth + 1, inner);
    }
  }
  return undefined;
}

/** The one schema of several answers (the same symbol, or the same node), else undefined. */
function sameSchema(checker: ts.TypeChecker, schemas: (ts.Expression | undefined)[]): ts.Expression | undefined {
  const [first] = schemas;
  if (!first || schemas.some((s) => !s)) return undefined;
  const key = (e: ts.Expression): ts.Symbol | ts.Node | undefined => {
    const inner = skipOuter(e);
    return ts.isIdentifier(inner) ? resolveAlias(checker, valueSymbolAt(checker, inner)) : inner;
  };
  const firstKey = key(first);
  return firstKey && schemas.every((s) => key(s!) === firstKey) ? first : undefined;
}

/**
 * A database made by a call to a function with a declared return type:
 * `withReplicas(primaryDb, [replicaDb])` declared `ReplicatedDatabase<Q>`,
 * with `Q` bound to the schema of the argument passed for `primary: Q`.
 */
function schemaOfUserCall(checker: ts.TypeChecker, call: ts.CallExpression, depth: number): ts.Expression | undefined {
  const fn = calledFunction(checker, call);
  if (!fn?.type || call.typeArguments?.length || isAsyncFunction(fn)) return undefined;
  const bindings = new Map<ts.Symbol, ts.Expression | undefined>();
  for (const parameter of fn.typeParameters ?? []) {
    const symbol = symbolAt(checker, parameter.name);
    const argument = argumentForTypeParameter(fn, parameter, call);
    if (!symbol || !argument) continue;
    bindings.set(symbol, schemaOfDatabase(checker, argument, depth + 1));
  }
  return schemaInTypeNode(checker, fn.type, depth + 1, bindings);
}

/** The schema of what a function returns: by its declared return type, else by its return expressions (one schema). */
function schemaOfFunctionResult(checker: ts.TypeChecker, fn: DeclaredFunction, depth: number): ts.Expression | undefined {
  if (fn.typeParameters?.length) return undefined;
  if (fn.type) return schemaInTypeNode(checker, fn.type, depth + 1);
  if (!fn.body || fn.asteriskToken) return undefined;
  const returned = returnedExpressions(fn.body);
  if (!returned?.length) return undefined;
  return sameSchema(
    checker,
    returned.map((e) => {
      const inner = skipOuter(e);
      return schemaOfDatabase(checker, ts.isAwaitExpression(inner) ? inner.expression : inner, depth + 1);
    }),
  );
}

/**
 * The table under `key` in a schema value: a table, null when the schema
 * surely has no such key, undefined when it cannot be told.
 */
function schemaMember(program: ts.Program, schema: ts.Expression, key: string, depth: number): TableModel | null | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const checker = program.getTypeChecker();
  const e = skipOuter(schema);
  if (ts.isObjectLiteralExpression(e)) {
    // later properties override earlier ones
    for (const p of [...e.properties].reverse()) {
      if (ts.isPropertyAssignment(p)) {
        const name = staticPropertyName(p.name);
        if (name === undefined) return undefined;
        if (name === key) return resolveTable(program, p.initializer);
      } else if (ts.isShorthandPropertyAssignment(p)) {
        if (p.name.text === key) return resolveTableSymbol(program, valueSymbolAt(checker, p.name));
      } else if (ts.isSpreadAssignment(p)) {
        const found = schemaMember(program, p.expression, key, depth + 1);
        if (found !== null) return found;
      } else {
        return undefined;
      }
    }
    return null;
  }
  if (!ts.isIdentifier(e) && !ts.isPropertyAccessExpression(e)) return undefined;
  const symbol = ts.isPropertyAccessExpression(e) ? symbolAt(checker, e.name) : valueSymbolAt(checker, e);
  if (!symbol) return undefined;
  // import * as schema from "./schema"
  if (symbol.flags & ts.SymbolFlags.ValueModule) {
    const exported = checker.tryGetMemberInModuleExports(key, symbol);
    return exported ? resolveTableSymbol(program, resolveAlias(checker, exported)) : null;
  }
  const decl = symbol.valueDeclaration;
  if (decl && ts.isVariableDeclaration(decl) && decl.initializer) return schemaMember(program, decl.initializer, key, depth + 1);
  return undefined;
}
