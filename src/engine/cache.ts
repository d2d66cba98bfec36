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
