import fs from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import { globSync } from "tinyglobby";
import { parse as parseYaml } from "yaml";
import { guardInput } from "../../engine/guard.js";

/** The file access the push analysis needs; tests may pass their own. Implementations never throw. */
export interface FileSystemHost {
  readText(file: string): string | undefined;
  /**
   * Directories under `cwd` matching workspace globs (`packages/*`, `apps/**`,
   * `{a,b}/*`, `!excluded`), as absolute paths; `node_modules` and dot
   * directories excluded.
   */
  globDirs(cwd: string, patterns: readonly string[]): string[];
}

export const nodeFileSystem: FileSystemHost = {
  readText(file) {
    return guardInput<string | undefined>(() => fs.readFileSync(file, "utf8"), undefined);
  },
  globDirs(cwd, patterns) {
    if (!fs.existsSync(cwd)) return [];
    return guardInput(
      () =>
        globSync([...patterns], {
          cwd,
          onlyDirectories: true,
          absolute: true,
          expandDirectories: false,
          ignore: ["**/node_modules/**"],
          followSymbolicLinks: false,
        }).map((dir) => path.resolve(dir)),
      [],
    );
  },
};

/** A package.json reduced to what the analysis needs. */
export interface PackageInfo {
  dir: string;
  name: string | undefined;
  scripts: Record<string, string>;
  /** `workspaces` globs of package.json or `packages` of pnpm-workspace.yaml; undefined when not a workspace root. */
  workspaces: string[] | undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === "string") : undefined;
}

/** Reads the string-valued scripts of a parsed package.json. */
export function scriptsOf(json: unknown): Record<string, string> {
  const scripts = asRecord(asRecord(json)?.scripts);
  const out: Record<string, string> = {};
  if (!scripts) return out;
  for (const [name, value] of Object.entries(scripts)) if (typeof value === "string") out[name] = value;
  return out;
}

/** Builds a PackageInfo from parsed package.json content (and the directory's pnpm-workspace.yaml, if any). */
export function packageInfo(dir: string, json: unknown, host: FileSystemHost): PackageInfo {
  const record = asRecord(json);
  let workspaces = stringList(record?.workspaces) ?? stringList(asRecord(record?.workspaces)?.packages);
  const pnpmWorkspace = host.readText(path.join(dir, "pnpm-workspace.yaml"));
  if (pnpmWorkspace !== undefined) {
    // malformed pnpm-workspace.yaml: ignore it
    workspaces = guardInput(() => stringList(asRecord(parseYaml(pnpmWorkspace))?.packages) ?? workspaces ?? [], workspaces);
  }
  return { dir, name: typeof record?.name === "string" ? record.name : undefined, scripts: scriptsOf(json), workspaces };
}

/** Reads `<dir>/package.json` from disk; undefined when missing or malformed. */
export function readPackage(dir: string, host: FileSystemHost): PackageInfo | undefined {
  const text = host.readText(path.join(dir, "package.json"));
  if (text === undefined) return undefined;
  return guardInput<PackageInfo | undefined>(() => packageInfo(dir, JSON.parse(text), host), undefined);
}

/** The nearest workspace root at or above `pkg.dir` (the package itself when it declares workspaces). */
export function findWorkspaceRoot(pkg: PackageInfo, host: FileSystemHost): PackageInfo | undefined {
  if (pkg.workspaces) return pkg;
  let dir = pkg.dir;
  for (let i = 0; i < 8; i++) {
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
    const candidate = readPackage(dir, host);
    if (candidate?.workspaces) return candidate;
  }
  return undefined;
}

const MAX_PACKAGES = 400;

/** The packages of a workspace root, read from disk (globs expanded by tinyglobby, `!` patterns exclude). */
export function workspacePackages(root: PackageInfo, host: FileSystemHost): PackageInfo[] {
  const patterns = (root.workspaces ?? []).map((p) => (p.startsWith("!") ? `!${clean(p.slice(1))}` : clean(p))).filter((p) => p !== "" && p !== "!");
  const packages: PackageInfo[] = [];
  if (patterns.every((p) => p.startsWith("!"))) return packages;
  for (const dir of host.globDirs(root.dir, patterns)) {
    if (path.resolve(dir) === path.resolve(root.dir)) continue;
    const pkg = readPackage(dir, host);
    if (pkg) packages.push(pkg);
    if (packages.length >= MAX_PACKAGES) break;
  }
  return packages;
}

/** Strips a leading `./` and trailing slashes. */
function clean(pattern: string): string {
  return pattern.trim().replace(/^\.\//, "").replace(/\/+$/, "");
}

/**
 * Packages a pnpm/turbo/npm workspace filter selects: package name (globs
 * allowed, `...` dependency markers ignored) or a directory (`./apps/web`,
 * `{apps/web}`). Undefined when the filter cannot be resolved (negations,
 * git ranges): the caller then does not follow it.
 */
export function selectPackages(root: PackageInfo, packages: readonly PackageInfo[], filter: string): PackageInfo[] | undefined {
  let f = filter.trim();
  if (f === "" || f.startsWith("!") || f.includes("[")) return undefined;
  f = f.replace(/^\.\.\.\^?/, "").replace(/\^?\.\.\.$/, "");
  const byDir = (rel: string): PackageInfo[] => {
    const matches = picomatch(path.posix.normalize(rel.replace(/^\.\//, "")).replace(/\/+$/, ""), { dot: true });
    return packages.filter((p) => matches(path.relative(root.dir, p.dir).split(path.sep).join("/")));
  };
  const braced = /^\{(.*)\}$/.exec(f);
  if (braced) return byDir(braced[1] as string);
  if (f.startsWith("./") || f.startsWith("../")) return byDir(f);
  // a name glob: `*` also crosses the `/` of a scope (`@acme/*`, `*db*`), as in pnpm
  const matchesName = picomatch(f.replace(/\*+/g, "**"), { dot: true });
  const byName = packages.filter((p) => p.name !== undefined && matchesName(p.name));
  // npm's `-w apps/web` names a directory
  return byName.length === 0 && f.includes("/") && !f.startsWith("@") ? byDir(f) : byName;
}
