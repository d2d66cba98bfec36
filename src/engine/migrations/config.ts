/**
 * Where drizzle-kit writes migrations: the `out` of `drizzle.config.*`
 * (default `drizzle`), read from the config file's syntax (never executed).
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { guard, guardInput } from "../guard.js";
import { shellWords } from "../shell.js";

export const CONFIG_NAMES = ["drizzle.config.ts", "drizzle.config.mts", "drizzle.config.cts", "drizzle.config.js", "drizzle.config.mjs", "drizzle.config.cjs", "drizzle.config.json"];
const SKIP_DIRS = new Set(["node_modules", "dist", "build", "out", "coverage"]);

/** The fields of a drizzle config that the migration rules read. */
export interface DrizzleConfigFields {
  /** `out`, when written as a string literal. */
  out?: string;
  /** `schema`: a string or an array of strings (paths or globs); undefined when not written literally. */
  schema?: string[];
  /** `casing` ("snake_case" | "camelCase"): the SQL names of columns declared without one. */
  casing?: string;
}

const strings = (node: ts.Expression): string[] | undefined => {
  if (ts.isStringLiteralLike(node)) return [node.text];
  if (ts.isArrayLiteralExpression(node) && node.elements.every(ts.isStringLiteralLike)) return node.elements.map((e) => (e as ts.StringLiteralLike).text);
  return undefined;
};

/**
 * The literal fields of a drizzle config file's text. The config object is the
 * first object literal (outermost first) with an `out`, `schema` or `dialect`
 * property; nested objects (`migrations: { schema }`) are not read.
 */
export function readConfigFields(text: string, fileName: string): DrizzleConfigFields {
  if (fileName.endsWith(".json")) {
    const json = guard(() => JSON.parse(text) as Record<string, unknown>, undefined);
    const schema = json?.schema;
    return {
      out: typeof json?.out === "string" ? json.out : undefined,
      schema: typeof schema === "string" ? [schema] : Array.isArray(schema) && schema.every((s) => typeof s === "string") ? (schema as string[]) : undefined,
      casing: typeof json?.casing === "string" ? json.casing : undefined,
    };
  }
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  let config: ts.ObjectLiteralExpression | undefined;
  const named = (p: ts.ObjectLiteralElementLike, name: string): boolean =>
    ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name;
  const visit = (node: ts.Node): void => {
    if (config) return;
    if (ts.isObjectLiteralExpression(node) && node.properties.some((p) => named(p, "out") || named(p, "schema") || named(p, "dialect"))) {
      config = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const fields: DrizzleConfigFields = {};
  for (const p of config?.properties ?? []) {
    if (!ts.isPropertyAssignment(p)) continue;
    if (named(p, "out") && ts.isStringLiteralLike(p.initializer)) fields.out = p.initializer.text;
    if (named(p, "schema")) fields.schema = strings(p.initializer);
    if (named(p, "casing") && ts.isStringLiteralLike(p.initializer)) fields.casing = p.initializer.text;
  }
  return fields;
}

/** The string `out` property of a drizzle config file's text, if written literally. */
export function configOut(text: string, fileName: string): string | undefined {
  return readConfigFields(text, fileName).out;
}

/**
 * Config files drizzle-kit uses when it runs in `dir`: the default names, and
 * the `--config <file>` of the package.json scripts there that run drizzle-kit.
 * Their relative `out` and `schema` are resolved from `dir`, as drizzle-kit does.
 */
export function drizzleConfigsIn(dir: string): string[] {
  const files = CONFIG_NAMES.map((name) => path.join(dir, name)).filter((file) => fs.existsSync(file));
  const manifest = path.join(dir, "package.json");
  if (!fs.existsSync(manifest)) return files;
  const scripts = guardInput(() => (JSON.parse(fs.readFileSync(manifest, "utf8")) as { scripts?: Record<string, unknown> }).scripts, undefined);
  for (const script of Object.values(scripts ?? {})) {
    if (typeof script !== "string" || !script.includes("drizzle-kit")) continue;
    const words = shellWords(script);
    for (const [i, word] of words.entries()) {
      const value = word === "--config" ? words[i + 1] : word.startsWith("--config=") ? word.slice("--config=".length) : undefined;
      const file = value && path.resolve(dir, value);
      if (file && !files.includes(file) && fs.existsSync(file)) files.push(file);
    }
  }
  return files;
}

/** Folders (relative to `cwd`, forward slashes) of drizzle configs in `cwd` and up to two levels below. */
function configDirs(cwd: string): string[] {
  const dirs = [""];
  const below = (rel: string): string[] =>
    guard(() => fs.readdirSync(path.join(cwd, rel), { withFileTypes: true }), [])
      .filter((d) => d.isDirectory() && !d.name.startsWith(".") && !SKIP_DIRS.has(d.name))
      .map((d) => (rel ? `${rel}/${d.name}` : d.name));
  for (const first of below("")) {
    dirs.push(first);
    dirs.push(...below(first));
  }
  return dirs;
}

/**
 * Glob patterns of drizzle-kit migration files for ESLint's `files`: the
 * `out` folder of each drizzle config found near `cwd`, and any `drizzle/` folder.
 */
export function migrationFilePatterns(cwd: string): string[] {
  const patterns = new Set(["**/drizzle/**/*.sql"]);
  for (const dir of guard(() => configDirs(cwd), [""])) {
    for (const file of drizzleConfigsIn(path.join(cwd, dir))) {
      const out = guard(() => configOut(fs.readFileSync(file, "utf8"), file), undefined) ?? "drizzle";
      const folder = path.posix.normalize(path.posix.join(dir, out.split(path.sep).join("/"))).replace(/^\.\/?/u, "").replace(/\/$/u, "");
      if (folder && !folder.startsWith("..")) patterns.add(`${folder}/**/*.sql`);
    }
  }
  return [...patterns];
}

/** Absolute migration folders: each drizzle config's `out` near `cwd`, else `cwd/drizzle`. */
export function migrationFolders(cwd: string): string[] {
  const folders = new Set<string>();
  for (const dir of guard(() => configDirs(cwd), [""])) {
    for (const file of drizzleConfigsIn(path.join(cwd, dir))) {
      const out = guard(() => configOut(fs.readFileSync(file, "utf8"), file), undefined) ?? "drizzle";
      folders.add(path.resolve(cwd, dir, out));
    }
  }
  if (folders.size === 0) folders.add(path.join(cwd, "drizzle"));
  return [...folders].filter((folder) => fs.existsSync(folder));
}

/** The migration files of a folder, in order: `NNNN_name.sql` (0.x) and `<folder>/migration.sql` (1.x). */
export function migrationFilesIn(folder: string): string[] {
  const entries = guard(() => fs.readdirSync(folder, { withFileTypes: true }), []);
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isFile() && entry.name.endsWith(".sql")) files.push(path.join(folder, entry.name));
    else if (entry.isDirectory() && fs.existsSync(path.join(folder, entry.name, "migration.sql"))) files.push(path.join(folder, entry.name, "migration.sql"));
  }
  return files;
}
