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

/** A lazily filled per-key memo, meant to live inside a per-program cache. */
export class Memo<K extends object, V> {
  private readonly map = new WeakMap<K, V>();
  get(key: K, compute: (key: K) => V): V {
    if (this.map.has(key)) return this.map.get(key) as V;
    const value = compute(key);
    this.map.set(key, value);
    return value;
  }
  /** For recursive computations: seed a provisional value before computing. */
  seed(key: K, value: V): void {
    if (!this.map.has(key)) this.map.set(key, value);
  }
  has(key: K): boolean {
    return this.map.has(key);
  }
}

/** Per-file, per-options results (rules run once per file with one option set). */
export function fileResultCache<R>(): (
  program: ts.Program,
  sourceFile: ts.SourceFile,
  key: string,
  compute: () => R,
) => R {
  const cache = new WeakMap<ts.Program, WeakMap<ts.SourceFile, Map<string, R>>>();
  return (program, sourceFile, key, compute) => {
    let perProgram = cache.get(program);
    if (!perProgram) cache.set(program, (perProgram = new WeakMap()));
    let perFile = perProgram.get(sourceFile);
    if (!perFile) perProgram.set(sourceFile, (perFile = new Map()));
    if (perFile.has(key)) return perFile.get(key) as R;
    const value = compute();
    perFile.set(key, value);
    return value;
  };
}
