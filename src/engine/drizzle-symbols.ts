import ts from "typescript";
import { topLevelBindingOf } from "./bindings.js";
import { programCache } from "./cache.js";
import { declaredTypesOf, isObjectLiteralValue } from "./declared-types.js";
import { guard } from "./guard.js";
import { symbolAt } from "./symbols.js";
import { isNullishType, isUnknownType, skipOuter, typeOf } from "./ts-utils.js";
import type { Lookup, Tri } from "./types.js";
import { timed } from "./profile.js";

/** A declaration file that belongs to the drizzle-orm package (installed, linked or in a monorepo). */
const DRIZZLE_ORM_PATH = /[\\/]drizzle-orm[\\/]/;

export function isDrizzleDeclaration(decl: ts.Declaration | undefined): boolean {
  if (!decl) return false;
  return DRIZZLE_ORM_PATH.test(decl.getSourceFile().fileName);
}

/** A module specifier of drizzle-orm: the package or one of its entry points. */
const DRIZZLE_ORM_MODULE = /^drizzle-orm(?:\/|$)/;

/** The exported name a declaration imports from drizzle-orm (`import { eq as equals } from "drizzle-orm"` → "eq"), by the import itself. */
export function drizzleImportSpecifierName(decl: ts.Node): string | undefined {
  if (!ts.isImportSpecifier(decl)) return undefined;
  const declaration = decl.parent.parent.parent;
  const { moduleSpecifier } = declaration;
  return ts.isStringLiteral(moduleSpecifier) && DRIZZLE_ORM_MODULE.test(moduleSpecifier.text) ? (decl.propertyName ?? decl.name).text : undefined;
}

export function isDrizzleSymbol(symbol: ts.Symbol | undefined): boolean {
  return !!symbol?.declarations?.some((d) => isDrizzleDeclaration(d));
}

/**
 * The name under which `node` (an identifier or `ns.name`) is imported from
 * drizzle-orm, following aliases, re-exports and local re-bindings through the
 * checker. `import { pgTable as table } from "drizzle-orm/pg-core"` → "pgTable".
 */
export function drizzleImportName(checker: ts.TypeChecker, node: ts.Expression): string | undefined {
  const expr = skipOuter(node);
  // `import { eq } from "drizzle-orm"` in this file, not shadowed: the import binding says it, no alias to resolve
  const binding = ts.isIdentifier(expr) ? topLevelBindingOf(expr) : undefined;
  const imported = binding && drizzleImportSpecifierName(binding);
  if (imported !== undefined) return imported;
  const symbol = symbolAt(checker, ts.isPropertyAccessExpression(expr) ? expr.name : expr);
  if (!symbol) return undefined;
  if (isDrizzleSymbol(symbol)) return symbol.name;
  // const t = pgTable;  → follow one local re-binding
  const decl = symbol.valueDeclaration;
  if (decl && ts.isVariableDeclaration(decl) && decl.initializer && !isDrizzleDeclaration(decl)) {
    const init = skipOuter(decl.initializer);
    if (init !== expr && (ts.isIdentifier(init) || ts.isPropertyAccessExpression(init))) {
      const inner = symbolAt(checker, ts.isPropertyAccessExpression(init) ? init.name : init);
      if (inner && isDrizzleSymbol(inner)) return inner.name;
    }
  }
  return undefined;
}

/** drizzle-orm class names in the hierarchy of a type (all constituents of unions/intersections). */
export type DrizzleTypeInfo = {
  names: Set<string>;
  /** false when a constituent is `any` or unresolved: names may be missing (engine/types.ts: `complete`) */
  complete: boolean;
  nonDrizzle: boolean;
};

const typeInfoCache = programCache(() => new WeakMap<ts.Type, DrizzleTypeInfo>());

function collectClassNames(checker: ts.TypeChecker, type: ts.Type, names: Set<string>, seen: Set<ts.Type>): void {
  if (seen.has(type)) return;
  seen.add(type);
  const symbol = type.aliasSymbol && isDrizzleSymbol(type.aliasSymbol) ? type.aliasSymbol : undefined;
  if (symbol) names.add(symbol.name);
  const own = type.getSymbol();
  if (own && isDrizzleSymbol(own)) names.add(own.name);
  const target = (type as ts.TypeReference).target ?? type;
  if (target.isClassOrInterface()) {
    const bases = guard<ts.BaseType[]>(() => checker.getBaseTypes(target), []);
    for (const base of bases) collectClassNames(checker, base, names, seen);
  }
  if (type.isIntersection()) for (const t of type.types) collectClassNames(checker, t, names, seen);
}

/** Members by which a database or transaction is known when a wrapper type hides its class. */
const DATABASE_MEMBERS = ["select", "insert", "update", "delete", "execute", "transaction", "rollback"];

/**
 * Evidence by members, for types that name no drizzle-orm class themselves:
 * `Omit<NodePgDatabase<S>, "execute"> & { … }`, `Pick<Db, "select">` and other
 * mapped or intersected types of a database keep drizzle-orm's own members.
 * When `x.select` (or `insert`, `transaction`, …) is declared by a drizzle-orm
 * class, that class and its bases are the type's class names (`rollback`
 * declared by `PgTransaction`: a transaction). Look-alikes (Prisma, KV stores,
 * `Map`) declare such members in their own code and stay non-Drizzle.
 */
function collectMemberEvidence(checker: ts.TypeChecker, type: ts.Type, names: Set<string>): void {
  if (!(type.flags & ts.TypeFlags.Object) && !type.isIntersection()) return;
  for (const name of DATABASE_MEMBERS) {
    const member = guard(() => checker.getPropertyOfType(type, name), undefined);
    for (const decl of member?.declarations ?? []) {
      const owner = decl.parent;
      if (!isDrizzleDeclaration(decl) || !ts.isClassDeclaration(owner) || !owner.name) continue;
      const symbol = symbolAt(checker, owner.name);
      if (symbol) collectClassNames(checker, checker.getDeclaredTypeOfSymbol(symbol), names, new Set());
    }
  }
}

export function drizzleTypeInfo(program: ts.Program, type: ts.Type | undefined): DrizzleTypeInfo {
  if (!type) return { names: new Set(), complete: false, nonDrizzle: false };
  const cache = typeInfoCache(program);
  const cached = cache.get(type);
  if (cached) return cached;
  const checker = program.getTypeChecker();
  const info: DrizzleTypeInfo = { names: new Set(), complete: true, nonDrizzle: false };
  const members = type.isUnion() ? type.types : [type];
  for (const member of members) {
    if (isNullishType(member)) continue;
    if (isUnknownType(member)) {
      info.complete = false;
      continue;
    }
    const names = new Set<string>();
    collectClassNames(checker, member, names, new Set());
    if (names.size === 0) collectMemberEvidence(checker, member, names);
    if (names.size === 0) info.nonDrizzle = true;
    for (const n of names) info.names.add(n);
  }
  cache.set(type, info);
  return info;
}

/** Evaluates a predicate over the class names of a type: yes only when every non-nullish constituent matches. */
function classify(program: ts.Program, type: ts.Type | undefined, match: (names: Set<string>) => boolean): Tri {
  const info = drizzleTypeInfo(program, type);
  if (!info.complete) return "unknown";
  if (info.nonDrizzle || info.names.size === 0) return "no";
  return match(info.names) ? "yes" : "no";
}

export const DATABASE_CLASSES = ["PgDatabase", "PgAsyncDatabase"];
export const TRANSACTION_CLASSES = ["PgTransaction", "PgAsyncTransaction"];

const isDbLikeNames = (n: Set<string>): boolean => DATABASE_CLASSES.some((c) => n.has(c));
const isTransactionNames = (n: Set<string>): boolean => TRANSACTION_CLASSES.some((c) => n.has(c));

/** A Drizzle Postgres database or transaction (both run queries). */
export function isDrizzleDbLike(program: ts.Program, type: ts.Type | undefined): Tri {
  return classify(program, type, isDbLikeNames);
}

/** A Drizzle Postgres transaction (`PgTransaction` and its driver subclasses). */
export function isDrizzleTransaction(program: ts.Program, type: ts.Type | undefined): Tri {
  return classify(program, type, isTransactionNames);
}

/** A Drizzle Postgres database that is not a transaction. */
export function isDrizzleDatabase(program: ts.Program, type: ts.Type | undefined): Tri {
  return classify(
    program,
    type,
    (n) => DATABASE_CLASSES.some((c) => n.has(c)) && !TRANSACTION_CLASSES.some((c) => n.has(c)),
  );
}

export function isDrizzleTable(program: ts.Program, type: ts.Type | undefined): Tri {
  return classify(program, type, (n) => n.has("PgTable") || n.has("Table"));
}

/** Kinds of runnable or buildable query objects, by drizzle-orm class. */
export type BuilderKind =
  | "select"
  | "insert"
  | "update"
  | "delete"
  | "relational"
  | "count"
  | "raw"
  | "refresh"
  | "prepared"
  | "insertBuilder"
  | "updateBuilder"
  | "selectBuilder"
  | "relationalBuilder";

const BUILDER_CLASSES: Array<[string, BuilderKind]> = [
  ["PgSelectQueryBuilderBase", "select"],
  ["PgSelectBase", "select"],
  ["PgInsertBase", "insert"],
  ["PgUpdateBase", "update"],
  ["PgDeleteBase", "delete"],
  ["PgRelationalQuery", "relational"],
  ["PgCountBuilder", "count"],
  ["PgRaw", "raw"],
  ["PgRefreshMaterializedView", "refresh"],
  ["PgPreparedQuery", "prepared"],
  ["PreparedQuery", "prepared"],
  ["PgInsertBuilder", "insertBuilder"],
  ["PgUpdateBuilder", "updateBuilder"],
  ["PgSelectBuilder", "selectBuilder"],
  ["RelationalQueryBuilder", "relationalBuilder"],
];

/** The builder kind of a type, "unknown" when the type is unknown, undefined when not a Drizzle builder. */
export function builderKind(program: ts.Program, type: ts.Type | undefined): Lookup<BuilderKind> {
  const info = drizzleTypeInfo(program, type);
  if (!info.complete) return "unknown";
  if (info.nonDrizzle) return undefined;
  for (const [cls, kind] of BUILDER_CLASSES) if (info.names.has(cls)) return kind;
  return undefined;
}

/**
 * Classifies an expression: first by its declared types (cheap, see
 * declared-types.ts), then by its full type when the declared answer is not
 * conclusive. A declared union with non-Drizzle members is not trusted to say
 * "no": a type guard may narrow it to the Drizzle member at this use.
 */
function classifyExpression(program: ts.Program, expr: ts.Expression, match: (names: Set<string>) => boolean): Tri {
  const declared = declaredDrizzleNames(program, expr);
  if (declared?.names) return match(declared.names) ? "yes" : "no";
  if (declared?.members === 1) return "no";
  // `emailFallback = wireServerFallback({…})`, a user function's object literal: never a Drizzle class instance
  if (isObjectLiteralValue(program.getTypeChecker(), expr)) return "no";
  return timed(program, "types.inferredDrizzleClass", () => classify(program, typeOf(program.getTypeChecker(), expr), match));
}

/** Declared-type answers per expression node (null: none), per program: several rules classify the same receiver. */
const declaredNamesCache = programCache(() => new WeakMap<ts.Expression, DeclaredNames | null>());

interface DeclaredNames {
  /** How many distinct non-nullish members (a class or interface counts once, whatever its type arguments). */
  members: number;
  /** When every member is a Drizzle type: the class names of all members together. */
  names?: Set<string>;
}

/**
 * What an expression's declared types say (undefined: nothing, or an unknown
 * type among them): how many non-nullish members they have, and — when every
 * member is a Drizzle type — the class names of all members together, as for
 * a union type (`Database | TransactionClient` may be a transaction).
 */
function declaredDrizzleNames(program: ts.Program, expr: ts.Expression): DeclaredNames | undefined {
  const cache = declaredNamesCache(program);
  const cached = cache.get(expr);
  if (cached !== undefined) return cached ?? undefined;
  const result = timed(program, "types.declaredDrizzleClass", () => readDeclaredDrizzleNames(program, expr));
  cache.set(expr, result ?? null);
  return result;
}

function readDeclaredDrizzleNames(program: ts.Program, expr: ts.Expression): DeclaredNames | undefined {
  const types = declaredTypesOf(program.getTypeChecker(), expr)
    ?.flatMap((t) => (t.isUnion() ? t.types : [t]))
    .filter((t) => !isNullishType(t));
  const infos = types?.map((t) => drizzleTypeInfo(program, t));
  let result: DeclaredNames | undefined;
  if (types && infos?.length && infos.every((i) => i.complete)) {
    const allDrizzle = infos.every((i) => !i.nonDrizzle && i.names.size > 0);
    // `new Map()` declares `Map<any, any>` and `Map<K, V>` (two construct signatures): one member
    const members = new Set(types.map((t) => t.getSymbol() ?? t)).size;
    result = { members, names: allDrizzle ? new Set(infos.flatMap((i) => [...i.names])) : undefined };
  }
  return result;
}

/** Classify an expression as a Drizzle database or transaction (both run queries). */
export function exprIsDbLike(program: ts.Program, expr: ts.Expression): Tri {
  return classifyExpression(program, expr, isDbLikeNames);
}

export function exprIsTransaction(program: ts.Program, expr: ts.Expression): Tri {
  return classifyExpression(program, expr, isTransactionNames);
}

/** The concrete driver database class names of a type (e.g. "NeonHttpDatabase"). */
function drizzleClassNames(program: ts.Program, expr: ts.Expression): Set<string> {
  return declaredDrizzleNames(program, expr)?.names ?? drizzleTypeInfo(program, typeOf(program.getTypeChecker(), expr)).names;
}

/** Driver database classes whose `transaction()` throws at runtime, with the driver's name. */
const TRANSACTIONLESS_DRIVERS: Record<string, string> = {
  NeonHttpDatabase: "neon-http",
  PgRemoteDatabase: "pg-proxy",
  XataHttpDatabase: "xata-http",
};

/** The driver of a database expression when that driver cannot run interactive transactions ("neon-http"), by type. */
export function transactionlessDriver(program: ts.Program, expr: ts.Expression): string | undefined {
  const names = drizzleClassNames(program, expr);
  const cls = Object.keys(TRANSACTIONLESS_DRIVERS).find((n) => names.has(n));
  return cls && TRANSACTIONLESS_DRIVERS[cls];
}
