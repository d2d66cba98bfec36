import fs from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import ts from "typescript";
import { programCache } from "./cache.js";
import { guard } from "./guard.js";
import { DEFAULT_JOB_SCHEDULERS, runsOnlyFromScheduler } from "./schedulers.js";
import { shellWords } from "./shell.js";
import { enclosingFunction } from "./ts-utils.js";
import type { SharedSettings } from "./types.js";

export { DEFAULT_JOB_SCHEDULERS };

/**
 * Code roles: where a file sits in the application (a test, a script, the
 * application itself). Rules differ by place, so the engine knows it once.
 *
 * - "test": a test file (built-in globs {@link DEFAULT_TEST_FILES}, plus the
 *   `include`/`testMatch` globs of a vitest/jest config in the project directory).
 * - "script": a seed, reset, backfill, migration or admin script (built-in
 *   globs {@link DEFAULT_SCRIPT_FILES}, plus the TypeScript files a
 *   package.json `bin` entry or a database/script-named `scripts` entry runs).
 * - "application": everything else.
 * - "job": within application files, code that only a scheduler runs (a
 *   timer or job-scheduler callback, and the functions called only from
 *   one; see schedulers.ts): background jobs, which run on no one's behalf.
 *   A role of code, not of a file: `codeRoleAt`. Schedulers:
 *   `settings["drizzle-guard"].jobSchedulers` (default
 *   {@link DEFAULT_JOB_SCHEDULERS}).
 *
 * `settings["drizzle-guard"].testFiles` / `.scriptFiles` (glob lists) replace
 * the built-in and discovered lists. Globs (picomatch) are matched against the
 * path relative to the project directory (the tsconfig's) and relative to the
 * working directory.
 */
export type CodeRole = "application" | "test" | "script";

/** The roles of code (`codeRoleAt`): a file's role, or "job" for code inside an application file that only a scheduler runs. */
export type CodeRoleAt = CodeRole | "job";

export const CODE_ROLES: readonly CodeRole[] = ["application", "test", "script"];

/** Built-in test globs: `*.test.*`, `*.spec.*`, `__tests__/`, `__mocks__/`, `test/`, `tests/`, `e2e/` folders. */
export const DEFAULT_TEST_FILES: readonly string[] = [
  "**/*.{test,spec}.{ts,tsx,mts,cts,js,jsx,mjs,cjs}",
  "**/{__tests__,__mocks__,test,tests,e2e}/**",
];

/**
 * Built-in script globs: `scripts/`, `seed(s)/`, `seeders/`, `migrations/`,
 * `backfill(s)/` folders; `seed*`, `*-seed`, `*.seed`, `backfill*`, `migrate*`
 * files; reset files that name the database (`reset-db`, `db-reset`,
 * `resetDatabase`, `reset-tables`, …; not `reset-password`), `truncate*`.
 * Case-insensitive.
 */
export const DEFAULT_SCRIPT_FILES: readonly string[] = [
  "**/{scripts,script,seeds,seed,seeders,migrations,backfills,backfill}/**",
  "**/seed*.{ts,tsx,mts,cts}",
  "**/*{-,_,.}{seed,seeds,seeder}.{ts,tsx,mts,cts}",
  "**/{backfill,migrate}*.{ts,tsx,mts,cts}",
  "**/*{-,_}{backfill,migrate}.{ts,tsx,mts,cts}",
  "**/reset{-,_,}{db,database,tables}{,-*,_*,.*}.{ts,tsx,mts,cts}",
  "**/{db,database,tables}{-,_,.,}reset{,-*,_*}.{ts,tsx,mts,cts}",
  "**/truncate*.{ts,tsx,mts,cts}",
];

/** package.json `scripts` names that run scripts (not the application): any `:`/`-`/`_`-separated word of these. */
const SCRIPT_NAME_WORDS = new Set(["seed", "seeds", "reset", "backfill", "migrate", "migration", "migrations", "db", "database", "script", "scripts", "admin", "fixtures", "truncate"]);

const TS_FILE = /\.(ts|tsx|mts|cts)$/;
const JS_FILE = /\.(js|mjs|cjs)$/;

/** The project directory: the tsconfig's, else the deepest directory holding every root file. */
const projectDirectory = programCache((program: ts.Program): string => {
  const configPath = program.getCompilerOptions().configFilePath;
  if (typeof configPath === "string") return path.dirname(configPath);
  let common: string[] | undefined;
  for (const file of program.getRootFileNames()) {
    if (/[\\/]node_modules[\\/]/.test(file) || /\.d\.[cm]?ts$/.test(file)) continue;
    const parts = path.dirname(path.resolve(file)).split(path.sep);
    if (!common) common = parts;
    else {
      let i = 0;
      while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
      common = common.slice(0, i);
    }
  }
  return common && common.length > 0 ? common.join(path.sep) || path.sep : program.getCurrentDirectory();
});

/** A path relative to `base` with forward slashes, or undefined when outside it. */
function relativeTo(base: string, fileName: string): string | undefined {
  const relative = path.relative(base, path.resolve(fileName)).split(path.sep).join("/");
  return relative !== "" && !relative.startsWith("../") && !path.isAbsolute(relative) ? relative : undefined;
}

/**
 * The paths a glob is matched against: relative to the project directory,
 * else the base name; user globs are also matched relative to the working
 * directory (where ESLint's own `files` globs start).
 */
function candidatePaths(program: ts.Program, fileName: string, withWorkingDirectory = false): string[] {
  const out = [relativeTo(projectDirectory(program), fileName)];
  if (withWorkingDirectory) out.push(relativeTo(program.getCurrentDirectory(), fileName));
  const found = out.filter((p): p is string => p !== undefined);
  return found.length > 0 ? [...new Set(found)] : [path.basename(fileName)];
}

function matcher(globs: readonly string[]): (candidates: readonly string[]) => boolean {
  if (globs.length === 0) return () => false;
  const isMatch = picomatch([...globs], { dot: true, nocase: true });
  return (candidates) => candidates.some((c) => isMatch(c));
}

const builtInTest = matcher(DEFAULT_TEST_FILES);
const builtInScript = matcher(DEFAULT_SCRIPT_FILES);

/** Test files by the built-in globs (`*.test.*`, `*.spec.*`, `__tests__/`, `tests/`, …), relative to the project directory. */
export function isTestFile(program: ts.Program, fileName: string): boolean {
  return builtInTest(candidatePaths(program, fileName));
}

function readJson(file: string): unknown {
  return guard(() => (fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as unknown) : undefined), undefined);
}

/** String literals of an array property `name` anywhere in a config file (`include: [...]`, `testMatch: [...]`). */
function arrayLiteralStrings(file: string, names: ReadonlySet<string>): string[] {
  const text = guard(() => fs.readFileSync(file, "utf8"), undefined);
  if (text === undefined) return [];
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node) && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) && names.has(node.name.text)) {
      const value = node.initializer;
      const items = ts.isArrayLiteralExpression(value) ? value.elements : [value];
      for (const item of items) if (ts.isStringLiteralLike(item)) out.push(item.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return out;
}

const RUNNER_CONFIGS = ["vitest.config", "vitest.workspace", "vite.config", "jest.config"].flatMap((base) =>
  ["ts", "mts", "cts", "js", "mjs", "cjs"].map((ext) => `${base}.${ext}`),
);

/**
 * Test globs a test runner configured in the project directory includes:
 * vitest's `include` (jest's `testMatch`), written as string literals, and
 * package.json `jest.testMatch`. Relative to the project directory.
 */
function runnerTestGlobs(directory: string): string[] {
  const globs: string[] = [];
  for (const name of RUNNER_CONFIGS) {
    const file = path.join(directory, name);
    if (fs.existsSync(file)) globs.push(...arrayLiteralStrings(file, new Set(["include", "testMatch"])));
  }
  const pkg = readJson(path.join(directory, "package.json")) as { jest?: { testMatch?: unknown } } | undefined;
  const testMatch = pkg?.jest?.testMatch;
  if (Array.isArray(testMatch)) globs.push(...testMatch.filter((g): g is string => typeof g === "string"));
  // jest's `<rootDir>/` prefix; vitest globs are relative already
  return globs.map((g) => g.replace(/^<rootDir>\//, "").replace(/^\.\//, ""));
}

/** Files (absolute, normalized) that package.json entries run as scripts, in `directory` and its ancestors. */
function packageScriptEntries(directory: string): Set<string> {
  const out = new Set<string>();
  for (let dir = directory, depth = 0; depth < 8; depth++) {
    const pkg = readJson(path.join(dir, "package.json")) as { bin?: unknown; scripts?: unknown } | undefined;
    if (pkg && typeof pkg === "object") {
      const bins = typeof pkg.bin === "string" ? [pkg.bin] : pkg.bin && typeof pkg.bin === "object" ? Object.values(pkg.bin) : [];
      for (const bin of bins) if (typeof bin === "string") addEntry(out, dir, bin);
      if (pkg.scripts && typeof pkg.scripts === "object") {
        for (const [name, command] of Object.entries(pkg.scripts as Record<string, unknown>)) {
          if (typeof command !== "string" || !name.split(/[:_-]/).some((word) => SCRIPT_NAME_WORDS.has(word.toLowerCase()))) continue;
          for (const word of shellWords(command)) addEntry(out, dir, word);
        }
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return out;
}

function addEntry(out: Set<string>, dir: string, word: string): void {
  if (TS_FILE.test(word)) out.add(path.resolve(dir, word));
  // `node scripts/seed.js` next to `scripts/seed.ts`, run through a loader
  else if (JS_FILE.test(word)) out.add(path.resolve(dir, word.replace(JS_FILE, ".ts")));
}

interface RoleMatchers {
  test: (candidates: readonly string[]) => boolean;
  script: (candidates: readonly string[]) => boolean;
  /** Script entry files from package.json, when the script list is not overridden. */
  entries?: Set<string>;
  /** The lists come from the settings. */
  userTest: boolean;
  userScript: boolean;
  roles: Map<string, CodeRole>;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : undefined;
}

/** Matchers per program and per settings (the settings' glob lists as the key). */
const roleMatchers = programCache(() => new Map<string, RoleMatchers>());

/** A key of the settings that decide code roles, for per-settings caches. */
export function roleSettingsKey(settings: SharedSettings): string {
  return JSON.stringify([stringList(settings.testFiles) ?? null, stringList(settings.scriptFiles) ?? null]);
}

function matchersFor(program: ts.Program, settings: SharedSettings): RoleMatchers {
  const testFiles = stringList(settings.testFiles);
  const scriptFiles = stringList(settings.scriptFiles);
  const key = roleSettingsKey(settings);
  const cache = roleMatchers(program);
  let entry = cache.get(key);
  if (entry) return entry;
  const directory = projectDirectory(program);
  entry = {
    test: testFiles ? matcher(testFiles) : matcher([...DEFAULT_TEST_FILES, ...runnerTestGlobs(directory)]),
    script: scriptFiles ? matcher(scriptFiles) : builtInScript,
    entries: scriptFiles ? undefined : packageScriptEntries(directory),
    userTest: testFiles !== undefined,
    userScript: scriptFiles !== undefined,
    roles: new Map(),
  };
  cache.set(key, entry);
  return entry;
}

/**
 * The role of a file in the program: "test", "script" or "application".
 * Cached per program, settings and file.
 */
export function codeRole(program: ts.Program, fileName: string, settings: SharedSettings = {}): CodeRole {
  const matchers = matchersFor(program, settings);
  const cached = matchers.roles.get(fileName);
  if (cached) return cached;
  const candidates = candidatePaths(program, fileName);
  const userCandidates = candidatePaths(program, fileName, true);
  const testCandidates = matchers.userTest ? userCandidates : candidates;
  const scriptCandidates = matchers.userScript ? userCandidates : candidates;
  const role: CodeRole = matchers.test(testCandidates)
    ? "test"
    : matchers.script(scriptCandidates) || matchers.entries?.has(path.resolve(fileName))
      ? "script"
      : "application";
  matchers.roles.set(fileName, role);
  return role;
}

/**
 * Whether a rule with the `codeRoles` option applies to the analysed file:
 * always when the option is not set.
 */
export function appliesToCodeRole(
  context: { program: ts.Program; sourceFile: ts.SourceFile; settings: SharedSettings },
  codeRoles: readonly CodeRole[] | undefined,
): boolean {
  if (codeRoles === undefined || CODE_ROLES.every((role) => codeRoles.includes(role))) return true;
  return codeRoles.includes(codeRole(context.program, context.sourceFile.fileName, context.settings));
}

/** The schedulers whose callbacks are job code: `settings["drizzle-guard"].jobSchedulers`, else the built-in list. */
export function jobSchedulers(settings: SharedSettings): readonly string[] {
  return stringList(settings.jobSchedulers) ?? DEFAULT_JOB_SCHEDULERS;
}

/**
 * The role of the code at `node`: its file's role, or "job" for code of an
 * application file that only a scheduler runs (the function around it, see
 * `runsOnlyFromScheduler`).
 */
export function codeRoleAt(program: ts.Program, node: ts.Node, settings: SharedSettings = {}): CodeRoleAt {
  const role = codeRole(program, node.getSourceFile().fileName, settings);
  if (role !== "application") return role;
  const fn = enclosingFunction(node);
  return fn && runsOnlyFromScheduler(program, fn, jobSchedulers(settings)) ? "job" : role;
}
