import path from "node:path";
import ts from "typescript";

export const fixturesDir = path.join(import.meta.dirname, "fixtures");

/**
 * Parsed files that are not replaced in memory (lib files, drizzle-orm's
 * declarations, fixtures), shared by every program this worker creates, as an
 * editor's language service shares them: a new program parses only its
 * virtual files. Keyed by path, language version and file text.
 */
const parsed = new Map<string, ts.SourceFile>();

/**
 * A typed program over the fixture project, with some files replaced or added
 * in memory (paths relative to tests/fixtures), and optionally some compiler
 * options overridden (e.g. `{ noEmit: false }` to run transformers on emit).
 */
export function fixtureProgram(
  overrides: Record<string, string> = {},
  rootDir = fixturesDir,
  compilerOptions: ts.CompilerOptions = {},
): ts.Program {
  const configPath = path.join(rootDir, "tsconfig.json");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const project = ts.parseJsonConfigFileContent(config.config, ts.sys, rootDir);
  Object.assign(project.options, compilerOptions);
  const virtual = new Map(Object.entries(overrides).map(([f, text]) => [path.join(rootDir, f), text]));
  const host = ts.createCompilerHost(project.options, true);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (f) => virtual.get(path.resolve(f)) ?? readFile(f);
  host.fileExists = (f) => virtual.has(path.resolve(f)) || fileExists(f);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError, shouldCreate) => {
    const text = virtual.get(path.resolve(f));
    if (text !== undefined) return ts.createSourceFile(f, text, lang, true);
    const version = typeof lang === "object" ? `${lang.languageVersion}/${lang.impliedNodeFormat ?? ""}` : String(lang);
    const onDisk = host.readFile(f);
    if (onDisk === undefined) return getSourceFile(f, lang, onError, shouldCreate);
    const key = `${path.resolve(f)}|${version}|${JSON.stringify(project.options)}`;
    const known = parsed.get(key);
    if (known?.text === onDisk) return known;
    const sourceFile = getSourceFile(f, lang, onError, shouldCreate);
    if (sourceFile) parsed.set(key, sourceFile);
    return sourceFile;
  };
  const rootNames = [...new Set([...project.fileNames, ...virtual.keys()])];
  return ts.createProgram({ rootNames, options: project.options, host });
}

export function sourceFileOf(program: ts.Program, relative: string, rootDir = fixturesDir): ts.SourceFile {
  const sf = program.getSourceFile(path.join(rootDir, relative));
  if (!sf) throw new Error(`no source file ${relative}`);
  return sf;
}

/**
 * Programs over the fixture project with files added in memory, each built
 * once, on first use. Files are registered first (absolute paths); a file
 * given again with other text goes into another program ("layer"), and a file
 * registered `alone` gets a program with the fixture project and itself only.
 */
export class SharedPrograms {
  readonly #layers: Map<string, string>[] = [];
  readonly #programs = new Map<Map<string, string>, ts.Program>();

  add(absolute: string, code: string, alone = false): void {
    let layer = alone ? undefined : this.#layers.find((l) => !l.has(absolute) || l.get(absolute) === code);
    if (!layer) this.#layers.push((layer = new Map()));
    layer.set(absolute, code);
    this.#programs.delete(layer);
  }

  /** The program of the layer that has `absolute` with this text, if any. */
  find(absolute: string, code: string): ts.Program | undefined {
    const layer = this.#layers.find((l) => l.get(absolute) === code);
    if (!layer) return undefined;
    let program = this.#programs.get(layer);
    if (!program) {
      program = fixtureProgram(Object.fromEntries([...layer].map(([file, text]) => [path.relative(fixturesDir, file), text])));
      this.#programs.set(layer, program);
    }
    return program;
  }
}

/** Checker methods whose calls the engine tests watch. */
type WatchedMethod = "getTypeAtLocation" | "getSymbolAtLocation" | "getResolvedSignature" | "getTypeFromTypeNode" | "getTypeOfSymbol";

/**
 * Watches a checker method from now on: `record` sees each node it is asked
 * about (for `getTypeOfSymbol`, the symbol's declaration), before it answers.
 * Returns a function that restores the method. Tests use it to show the
 * engine answered without typing something.
 */
export function watchChecker(checker: ts.TypeChecker, method: WatchedMethod, record: (node: ts.Node) => void): () => void {
  const target = checker as unknown as Record<WatchedMethod, (arg: ts.Node | ts.Symbol, ...rest: unknown[]) => unknown>;
  const original = target[method];
  target[method] = (arg, ...rest) => {
    const node = "kind" in arg ? arg : (arg.valueDeclaration ?? arg.declarations?.[0]);
    if (node) record(node);
    return original.call(checker, arg, ...rest);
  };
  return () => {
    target[method] = original;
  };
}
