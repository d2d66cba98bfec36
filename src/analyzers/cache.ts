import type ts from "typescript";

/**
 * Per-program caches. Nothing is stored at module level except the WeakMaps
 * themselves, which hold no data once their Program is garbage collected.
 */
export function programCache<V>(create: (program: ts.Program) => V): (program: ts.Program) => V {
  const cache = new WeakMap<ts.Program, V>();
  return (program) => {
    let value = cache.get(program);
    if (value === undefined) {
      value = create(program);
      cache.set(program, value);
    }
    return value;
  };
}

/**
 * A per-file fact, computed once per file of a program. Keyed by the
 * program's type checker (one per program) for callers that hold a checker.
 */
export function checkerFileCache<V>(compute: (sourceFile: ts.SourceFile) => V): (checker: ts.TypeChecker, sourceFile: ts.SourceFile) => V {
  const cache = new WeakMap<ts.TypeChecker, WeakMap<ts.SourceFile, V>>();
  return (checker, sourceFile) => {
    let perChecker = cache.get(checker);
    if (!perChecker) cache.set(checker, (perChecker = new WeakMap()));
    let value = perChecker.get(sourceFile);
    if (value === undefined) {
      value = compute(sourceFile);
      perChecker.set(sourceFile, value);
    }
    return value;
  };
}

/** A per-checker (so per-program) value, for callers that hold a checker rather than a program. */
export function checkerCache<V>(create: () => V): (checker: ts.TypeChecker) => V {
  const cache = new WeakMap<ts.TypeChecker, V>();
  return (checker) => {
    let value = cache.get(checker);
    if (value === undefined) {
      value = create();
      cache.set(checker, value);
    }
    return value;
  };
}

/**
 * A syntax-only fact of a source file, keyed by the file's tree. An editor
 * builds a new program on every change but keeps the trees of unchanged
 * files, so the fact is not recomputed for them. Only for facts that read
 * nothing but the tree (no checker, no other file); the WeakMap holds nothing
 * once the tree is collected.
 */
export function sourceFileCache<V>(compute: (sourceFile: ts.SourceFile) => V): (sourceFile: ts.SourceFile) => V {
  const cache = new WeakMap<ts.SourceFile, V>();
  return (sourceFile) => {
    let value = cache.get(sourceFile);
    if (value === undefined) {
      value = compute(sourceFile);
      cache.set(sourceFile, value);
    }
    return value;
  };
}
