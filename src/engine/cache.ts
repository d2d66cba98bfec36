import { isDeepStrictEqual } from "node:util";
import type ts from "typescript";

/**
 * A value memoized per key object. Nothing is stored at module level except
 * the WeakMaps themselves, which hold no data once their key (a Program, a
 * checker, a file's tree) is garbage collected.
 */
function weakCache<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = compute(key);
      cache.set(key, value);
    }
    return value;
  };
}

/** Per-program caches: computed once per `ts.Program` and shared by all rules. */
export function programCache<V>(create: (program: ts.Program) => V): (program: ts.Program) => V {
  return weakCache(create);
}

/**
 * A per-program value that depends on nothing but the text of the program's
 * own files (`isOwn`), which files the program has, and its compiler options:
 * a syntax fact of the whole program (the callable-names fixed point), or a
 * typed fact of the own files (the append-only tables), whose declaration
 * files — the same names — do not change under a running lint. Reused by a
 * later program of the same project with the same files, texts and options.
 * typescript-eslint's project service rebuilds a project's program whenever
 * ESLint opens a file that no project includes (a test file outside the
 * tsconfig), with new trees for some unchanged files; without this, each
 * such program would redo the program-wide walk.
 *
 * Bounded like `keyedCache`: the last value of the `limit` most recent
 * projects (by tsconfig path, or first root file), with the file names and
 * own files' texts it was computed from, which the programs hold anyway.
 */
export function programTextCache<V>(isOwn: (file: ts.SourceFile) => boolean, compute: (program: ts.Program) => V, limit = 4): (program: ts.Program) => V {
  const last = new Map<string, { names: string[]; texts: Map<string, string>; options: ts.CompilerOptions; value: V }>();
  return programCache((program) => {
    const files = program.getSourceFiles();
    const options = program.getCompilerOptions();
    const project = typeof options.configFilePath === "string" ? options.configFilePath : (program.getRootFileNames()[0] ?? "");
    const previous = last.get(project);
    if (previous && previous.names.length === files.length && sameOptions(previous.options, options)) {
      const same = files.every((file, i) => file.fileName === previous.names[i] && (!isOwn(file) || previous.texts.get(file.fileName) === file.text));
      if (same) return previous.value;
    }
    const value = compute(program);
    last.delete(project);
    last.set(project, { names: files.map((f) => f.fileName), texts: new Map(files.filter(isOwn).map((f) => [f.fileName, f.text])), options, value });
    while (last.size > limit) last.delete(last.keys().next().value as string);
    return value;
  });
}

/** Compiler options with the same values; `configFile` (the tsconfig's tree) is compared through the options read from it. */
function sameOptions(a: ts.CompilerOptions, b: ts.CompilerOptions): boolean {
  if (a === b) return true;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  keys.delete("configFile");
  return [...keys].every((key) => a[key] === b[key] || isDeepStrictEqual(a[key], b[key]));
}

/**
 * A per-file fact, computed once per file of a program. Keyed by the
 * program's type checker (one per program) for callers that hold a checker.
 */
export function checkerFileCache<V>(compute: (sourceFile: ts.SourceFile) => V): (checker: ts.TypeChecker, sourceFile: ts.SourceFile) => V {
  const perChecker = weakCache((_checker: ts.TypeChecker) => weakCache(compute));
  return (checker, sourceFile) => perChecker(checker)(sourceFile);
}

/** A per-checker (so per-program) value, for callers that hold a checker rather than a program. */
export function checkerCache<V>(create: () => V): (checker: ts.TypeChecker) => V {
  return weakCache(() => create());
}

/**
 * A syntax-only fact of a source file, keyed by the file's tree. An editor
 * builds a new program on every change but keeps the trees of unchanged
 * files, so the fact is not recomputed for them. Only for facts that read
 * nothing but the tree (no checker, no other file).
 */
export function sourceFileCache<V>(compute: (sourceFile: ts.SourceFile) => V): (sourceFile: ts.SourceFile) => V {
  return weakCache(compute);
}

/**
 * A value memoized per string key (a file's path and contents), for facts read
 * from disk outside any program (a drizzle config's schema). Bounded to the
 * `limit` most recent keys, so a long-running process (an editor's ESLint
 * server) never grows it; `fresh` revalidates an entry (for example against
 * its files' modification times) before it is reused.
 */
export function keyedCache<V>(compute: (key: string) => V, fresh: (value: V) => boolean, limit = 8): (key: string) => V {
  const cache = new Map<string, V>();
  return (key) => {
    const cached = cache.get(key);
    if (cached !== undefined && fresh(cached)) {
      // most recently used last
      cache.delete(key);
      cache.set(key, cached);
      return cached;
    }
    const value = compute(key);
    cache.delete(key);
    cache.set(key, value);
    while (cache.size > limit) cache.delete(cache.keys().next().value as string);
    return value;
  };
}
