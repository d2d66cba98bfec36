/**
 * Where drizzle-kit writes migrations: the `out` of `drizzle.config.*`
 * (default `drizzle`), read from the config file's syntax (never executed).
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { guard } from "../guard.js";

const CONFIG_NAMES = ["drizzle.config.ts", "drizzle.config.mts", "drizzle.config.cts", "drizzle.config.js", "drizzle.config.mjs", "drizzle.config.cjs", "drizzle.config.json"];
const SKIP_DIRS = new Set(["node_modules", "dist", "build", "out", "coverage"]);

/** The string `out` property of a drizzle config file's text, if written literally. */
export function configOut(text: string, fileName: string): string | undefined {
  if (fileName.endsWith(".json")) return guard(() => (JSON.parse(text) as { out?: unknown }).out, undefined) as string | undefined;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  let out: string | undefined;
  const visit = (node: ts.Node): void => {
    if (out !== undefined) return;
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === "out" && ts.isStringLiteralLike(node.initializer)) {
      out = node.initializer.text;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
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
    for (const name of CONFIG_NAMES) {
      const file = path.join(cwd, dir, name);
      if (!fs.existsSync(file)) continue;
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
    for (const name of CONFIG_NAMES) {
      const file = path.join(cwd, dir, name);
      if (!fs.existsSync(file)) continue;
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
