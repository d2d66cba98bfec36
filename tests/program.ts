import path from "node:path";
import ts from "typescript";
import { fixturesDir } from "./rule-tester.js";

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
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, rootDir);
  Object.assign(parsed.options, compilerOptions);
  const virtual = new Map(Object.entries(overrides).map(([f, text]) => [path.join(rootDir, f), text]));
  const host = ts.createCompilerHost(parsed.options, true);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (f) => virtual.get(path.resolve(f)) ?? readFile(f);
  host.fileExists = (f) => virtual.has(path.resolve(f)) || fileExists(f);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError, shouldCreate) => {
    const text = virtual.get(path.resolve(f));
    if (text !== undefined) return ts.createSourceFile(f, text, lang, true);
    return getSourceFile(f, lang, onError, shouldCreate);
  };
  const rootNames = [...new Set([...parsed.fileNames, ...virtual.keys()])];
  return ts.createProgram({ rootNames, options: parsed.options, host });
}

export function sourceFileOf(program: ts.Program, relative: string, rootDir = fixturesDir): ts.SourceFile {
  const sf = program.getSourceFile(path.join(rootDir, relative));
  if (!sf) throw new Error(`no source file ${relative}`);
  return sf;
}
