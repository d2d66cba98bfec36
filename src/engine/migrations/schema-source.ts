/**
 * Back to the source: the TypeScript schema line a migration statement comes
 * from. The drizzle config whose `out` is the migration's folder names the
 * schema files (`schema`: a path, a folder, a glob, or a list of them,
 * relative to where drizzle-kit runs); those files, and the files they
 * re-export (`export * from "./users"`, drizzle-kit reads the exports), are
 * read with the engine's schema reader (src/engine/schema/) over a small
 * program of just these files: syntax and import bindings, no type checking
 * and no node_modules. Each SQL table, column, index and enum is then named as
 * the schema names it: `userProfiles.firstName in src/db/schema.ts:12`.
 */
import fs from "node:fs";
import path from "node:path";
import { globSync } from "tinyglobby";
import ts from "typescript";
import { keyedCache } from "../cache.js";
import { guard, guardInput } from "../guard.js";
import { topLevelDeclaration } from "../bindings.js";
import { skipOuter, stringValue } from "../ts-utils.js";
import type { Casing, ColumnModel, IndexModel, TableModel } from "../schema/model.js";
import { applyCasing, drizzleBinding, parseTableCall } from "../schema/parse-table.js";
import { tableCallNames } from "../schema/resolve.js";
import { drizzleConfigsIn, readConfigFields, type DrizzleConfigFields } from "./config.js";
import { tableKey } from "./state.js";

/** How the TypeScript schema names a table, column, index or enum, and where. */
export interface SchemaName {
  /** `userProfiles.firstName`, `userProfiles`, `index on posts.authorId`, `statusEnum`. */
  name: string;
  /** The schema file, relative to the folder drizzle-kit runs in (or to the project, for a file outside it). */
  file: string;
  line: number;
}

/** Lookups by SQL name (keys as in {@link tableKey}: `schema.name`). */
export interface SchemaSource {
  table(key: string): SchemaName | undefined;
  column(key: string, column: string): SchemaName | undefined;
  /** An index by its name, else the unnamed schema index on these SQL columns. */
  index(table: string, name: string, columns: readonly string[]): SchemaName | undefined;
  enum(key: string): SchemaName | undefined;
}

/** A drizzle config that writes migrations to a folder, and the folder drizzle-kit runs in. */
export interface DrizzleConfigPlace {
  file: string;
  text: string;
  /** The folder its relative paths (`out`, `schema`) are resolved from. */
  base: string;
  fields: DrizzleConfigFields;
}

const MAX_FILES = 400;
const SCHEMA_EXTENSIONS = /\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/u;

/**
 * The drizzle config whose `out` (default `drizzle`) is `folder`, found in
 * `folder`'s ancestors: a `drizzle.config.*` there, or one a `drizzle-kit`
 * script of the package.json there names with `--config`.
 */
export function drizzleConfigFor(folder: string): DrizzleConfigPlace | undefined {
  const target = path.resolve(folder);
  for (let dir = target; ; dir = path.dirname(dir)) {
    for (const file of drizzleConfigsIn(dir)) {
      const text = guardInput(() => fs.readFileSync(file, "utf8"), undefined);
      if (text === undefined) continue;
      const fields = readConfigFields(text, file);
      if (path.resolve(dir, fields.out ?? "drizzle") === target) return { file, text, base: dir, fields };
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The files a `schema` entry names: a file, a folder (its files, as drizzle-kit reads it) or a glob. */
function schemaFiles(base: string, entries: readonly string[]): string[] {
  const files = new Set<string>();
  for (const entry of entries) {
    const matches = globSync(entry, { cwd: base, absolute: true, onlyFiles: false, expandDirectories: false, ignore: ["**/node_modules/**"] });
    for (const match of matches.length > 0 ? matches : [path.resolve(base, entry)]) {
      const stat = guardInput(() => fs.statSync(match), undefined);
      if (stat?.isDirectory()) {
        for (const name of guardInput(() => fs.readdirSync(match), [])) files.add(path.join(match, name));
      } else if (stat?.isFile()) files.add(path.resolve(match));
    }
  }
  return [...files].filter((f) => SCHEMA_EXTENSIONS.test(f) && !f.endsWith(".d.ts") && guardInput(() => fs.statSync(f).isFile(), false));
}

/** Compiler options for resolving the schema's imports: the nearest tsconfig's (paths, baseUrl), without its file list. */
function compilerOptions(base: string): ts.CompilerOptions {
  const configFile = ts.findConfigFile(base, (file) => ts.sys.fileExists(file));
  const parsed = configFile
    ? guard(() => {
        const json = ts.readConfigFile(configFile, (file) => ts.sys.readFile(file));
        const host: ts.ParseConfigHost = { ...ts.sys, readDirectory: () => [] };
        return ts.parseJsonConfigFileContent(json.config, host, path.dirname(configFile)).options;
      }, undefined)
    : undefined;
  return {
    ...parsed,
    moduleResolution: parsed?.moduleResolution ?? ts.ModuleResolutionKind.Bundler,
    module: parsed?.module ?? ts.ModuleKind.ESNext,
    allowJs: true,
    noResolve: true,
    noLib: true,
    types: [],
    noEmit: true,
  };
}

/**
 * Resolves the schema's imports to the project's own files: relative paths,
 * tsconfig `paths`, workspace packages linked into node_modules. A package
 * installed in node_modules is not resolved (drizzle-orm, zod: not schema).
 */
interface Resolver {
  resolve(specifier: string, from: string): string | undefined;
  /** For the program's host: the same answers as resolved modules. */
  resolveLiterals(literals: readonly ts.StringLiteralLike[], from: string): ts.ResolvedModuleWithFailedLookupLocations[];
}

function createResolver(base: string, options: ts.CompilerOptions): Resolver {
  const cache = ts.createModuleResolutionCache(base, (f) => f, options);
  const installed = new Map<string, boolean>();
  /** A bare specifier whose package is installed in node_modules (not a linked workspace package). */
  const isInstalledPackage = (specifier: string, from: string): boolean => {
    const parts = specifier.split("/");
    const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
    for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, "node_modules", name);
      const known = installed.get(candidate);
      if (known !== undefined) return known;
      if (fs.existsSync(candidate)) {
        const real = guardInput(() => fs.realpathSync(candidate), candidate);
        const answer = /[\\/]node_modules[\\/]/u.test(real);
        installed.set(candidate, answer);
        return answer;
      }
      if (path.dirname(dir) === dir) return false;
    }
  };
  const mapped = Object.keys(options.paths ?? {}).map((key) => key.replace(/\*.*$/u, ""));
  const resolve = (specifier: string, from: string): string | undefined => {
    const relative = specifier.startsWith(".") || path.isAbsolute(specifier);
    if (!relative && !mapped.some((prefix) => specifier.startsWith(prefix)) && isInstalledPackage(specifier, from)) return undefined;
    const resolved = ts.resolveModuleName(specifier, from, options, ts.sys, cache).resolvedModule?.resolvedFileName;
    if (!resolved || resolved.endsWith(".d.ts") || /[\\/]node_modules[\\/]/u.test(resolved)) return undefined;
    return path.resolve(resolved);
  };
  return {
    resolve,
    resolveLiterals: (literals, from) =>
      literals.map((literal) => {
        const resolvedFileName = resolve(literal.text, from);
        const extension = resolvedFileName && Object.values(ts.Extension).find((e) => resolvedFileName.endsWith(e));
        return { resolvedModule: resolvedFileName && extension ? { resolvedFileName, extension } : undefined };
      }),
  };
}

interface SchemaFiles {
  /** Files whose exports drizzle-kit reads: the config's schema files and what they re-export. */
  schema: ts.SourceFile[];
  /** Every file of the small program: the schema files and the project files they import (for spreads, aliases). */
  all: Map<string, ts.SourceFile>;
}

/** Reads the schema files and follows their re-exports (schema) and imports (helpers) within the project, not into node_modules. */
function collectFiles(roots: string[], resolver: Resolver): SchemaFiles {
  const all = new Map<string, ts.SourceFile>();
  const schema: ts.SourceFile[] = [];
  const read = (file: string): ts.SourceFile | undefined => {
    const known = all.get(file);
    if (known || all.size >= MAX_FILES) return known;
    const text = guardInput(() => fs.readFileSync(file, "utf8"), undefined);
    if (text === undefined) return undefined;
    const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    all.set(file, sourceFile);
    return sourceFile;
  };
  const resolve = (specifier: string, from: string): string | undefined => {
    const resolved = resolver.resolve(specifier, from);
    return resolved && SCHEMA_EXTENSIONS.test(resolved) ? resolved : undefined;
  };
  const queue = [...roots];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const sourceFile = read(file);
    if (!sourceFile) continue;
    schema.push(sourceFile);
    for (const statement of sourceFile.statements) {
      const specifier = (ts.isExportDeclaration(statement) || ts.isImportDeclaration(statement)) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
        ? statement.moduleSpecifier.text
        : undefined;
      const target = specifier === undefined ? undefined : resolve(specifier, file);
      if (!target) continue;
      if (ts.isExportDeclaration(statement)) queue.push(target);
      else read(target);
    }
  }
  return { schema, all };
}

interface Built {
  source: SchemaSource | undefined;
  /** Modification times of the files read and of the folders of the schema files (a file added to a glob's folder), to revalidate the cache. */
  stamps: Map<string, number>;
}

const mtime = (file: string): number => guardInput(() => fs.statSync(file).mtimeMs, -1);

/** `posts.authorId` → its location. */
function nameAt(node: ts.Node, name: string, display: (file: string) => string): SchemaName {
  const sourceFile = node.getSourceFile();
  return { name, file: display(sourceFile.fileName), line: sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1 };
}

/** A path for messages: relative to `base`, or to the folder `base` and the file share when the file is outside `base`. */
function displayPath(base: string, file: string): string {
  let root = base;
  while (path.relative(root, file).startsWith("..") && path.dirname(root) !== root) root = path.dirname(root);
  return path.relative(root, file).split(path.sep).join("/");
}

/** `const status = pgEnum("status", [...])`, `const s = pgSchema("x"); s.enum("status", [...])`: the enum's key. */
function enumKey(checker: ts.TypeChecker, init: ts.Expression): string | undefined {
  const call = skipOuter(init);
  if (!ts.isCallExpression(call)) return undefined;
  const name = stringValue(call.arguments[0]);
  if (name === undefined) return undefined;
  const callee = skipOuter(call.expression);
  if (ts.isIdentifier(callee)) return drizzleBinding(checker, callee) === "pgEnum" ? tableKey(undefined, name) : undefined;
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== "enum") return undefined;
  let owner = skipOuter(callee.expression);
  if (ts.isIdentifier(owner)) {
    const decl = topLevelDeclaration(owner.getSourceFile(), owner.text);
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer) owner = skipOuter(decl.initializer);
  }
  if (!ts.isCallExpression(owner) || drizzleBinding(checker, owner.expression) !== "pgSchema") return undefined;
  return tableKey(stringValue(owner.arguments[0]), name);
}

function buildSource(place: DrizzleConfigPlace): Built {
  const stamps = new Map<string, number>();
  const roots = schemaFiles(place.base, place.fields.schema ?? []);
  for (const folder of new Set(roots.length > 0 ? roots.map((file) => path.dirname(file)) : [place.base])) stamps.set(folder, mtime(folder));
  if (roots.length === 0) return { source: undefined, stamps };
  const options = compilerOptions(place.base);
  const resolver = createResolver(place.base, options);
  const files = collectFiles(roots, resolver);
  for (const file of files.all.keys()) stamps.set(file, mtime(file));
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError) => files.all.get(path.resolve(fileName)) ?? getSourceFile(fileName, languageVersion, onError);
  host.resolveModuleNameLiterals = (literals, containingFile) => resolver.resolveLiterals(literals, containingFile);
  const program = ts.createProgram({ rootNames: [...files.all.keys()], options, host });
  const checker = program.getTypeChecker();
  const casing: Casing = place.fields.casing === "snake_case" || place.fields.casing === "camelCase" ? place.fields.casing : "none";
  const display = (file: string) => displayPath(place.base, file);
  const tables = new Map<string, TableModel>();
  const enums = new Map<string, SchemaName>();
  for (const file of files.schema) {
    const sourceFile = program.getSourceFile(file.fileName);
    if (!sourceFile) continue;
    for (const statement of sourceFile.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const decl of statement.declarationList.declarations) {
        if (!decl.initializer || !ts.isIdentifier(decl.name)) continue;
        const init = decl.initializer;
        // only declarations shaped like a table call are parsed (the others, zod schemas and helpers, would make the checker type them)
        const table = tableCallNames(init) ? guard(() => parseTableCall(checker, init, decl), undefined) : undefined;
        if (table?.sqlName !== undefined) {
          const key = tableKey(table.pgSchema, table.sqlName);
          if (!tables.has(key)) tables.set(key, table);
          continue;
        }
        const key = guard(() => enumKey(checker, init), undefined);
        if (key && !enums.has(key)) enums.set(key, nameAt(decl, decl.name.text, display));
      }
    }
  }
  /** The SQL name drizzle-kit gives a column: its own, or its key under the table's or the config's casing. */
  const sqlNameOf = (table: TableModel, column: ColumnModel): string =>
    column.nameFromKey && table.casing === "none" ? applyCasing(column.key, casing) : column.sqlName;
  const tableName = (table: TableModel) => table.jsName ?? table.declaredName ?? table.sqlName ?? "";
  const columnOf = (table: TableModel, sqlName: string) => [...table.columns.values()].find((c) => sqlNameOf(table, c) === sqlName);
  const source: SchemaSource = {
    table: (key) => {
      const table = tables.get(key);
      return table && nameAt(table.variable ?? table.call, tableName(table), display);
    },
    column: (key, sqlName) => {
      const table = tables.get(key);
      const column = table && columnOf(table, sqlName);
      return table && column && nameAt(column.node, `${tableName(table)}.${column.key}`, display);
    },
    index: (key, name, columns) => {
      const table = tables.get(key);
      if (!table) return undefined;
      const keysOf = (index: IndexModel) => index.columns.map((c) => ("key" in c ? c.key : undefined));
      const sqlColumns = (index: IndexModel) =>
        keysOf(index).map((k) => {
          const column = k === undefined ? undefined : table.columns.get(k);
          return column && sqlNameOf(table, column);
        });
      const index =
        table.indexes.find((i) => i.name === name) ??
        table.indexes.find((i) => i.name === undefined && sqlColumns(i).join("\0") === columns.join("\0"));
      if (!index) return undefined;
      const keys = keysOf(index).filter((k): k is string => k !== undefined);
      const on = keys.length > 0 ? keys.map((k) => `${tableName(table)}.${k}`).join(", ") : tableName(table);
      return nameAt(index.node, `index on ${on}`, display);
    },
    enum: (key) => enums.get(key),
  };
  return { source, stamps };
}

/** The schema of a drizzle config, cached by the config's path, folder and text, and reused while its files are unchanged. */
const sourceByConfig = keyedCache(
  (key: string): Built => {
    const [file, base, text] = key.split("\0") as [string, string, string];
    return buildSource({ file, base, text, fields: readConfigFields(text, file) });
  },
  (built) => [...built.stamps].every(([file, stamp]) => mtime(file) === stamp),
);

/** The TypeScript schema of the drizzle config that writes to `folder`; undefined when there is none (or it names no readable schema). */
export function schemaSourceFor(folder: string): SchemaSource | undefined {
  const place = drizzleConfigFor(folder);
  if (!place?.fields.schema) return undefined;
  return sourceByConfig(`${place.file}\0${place.base}\0${place.text}`).source;
}

/** The text messages add after a SQL name: ` (userProfiles.firstName in src/db/schema.ts:12)`, or "". */
export function sourceNote(name: SchemaName | undefined): string {
  return name ? ` (${name.name} in ${name.file}:${name.line})` : "";
}

/** What the notes read: a migration's schema, on first use. */
interface WithSchema {
  schema: () => SchemaSource | undefined;
}

const note = (migration: WithSchema, find: (source: SchemaSource) => SchemaName | undefined): string =>
  guard(() => {
    const source = migration.schema();
    return sourceNote(source && find(source));
  }, "");

/** The note for a table (`schema.name` key): ` (userProfiles in src/db/schema.ts:10)`, or "". */
export function tableSource(migration: WithSchema, table: string): string {
  return note(migration, (source) => source.table(table));
}

/** The note for a column; the table's when the schema no longer has the column (a dropped one); "" when neither is known. */
export function columnSource(migration: WithSchema, table: string, column: string): string {
  return note(migration, (source) => source.column(table, column) ?? source.table(table));
}

/** The note for an index (by name, else by its SQL columns); the table's when the schema has no such index. */
export function indexSource(migration: WithSchema, table: string, index: string, columns: readonly string[]): string {
  return note(migration, (source) => source.index(table, index, columns) ?? source.table(table));
}

/** The note for an enum type (`schema.name` key). */
export function enumSource(migration: WithSchema, key: string): string {
  return note(migration, (source) => source.enum(key));
}
