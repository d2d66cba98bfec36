import path from "node:path";
import type ts from "typescript";
import { programCache } from "./cache.js";

/**
 * Code roles: where a file sits in the application (a test, a script, the
 * application itself). Rules differ by place, so the engine knows it once.
 */

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

/** Test files by path relative to the project directory: `*.test.*`, `*.spec.*`, `__tests__/`, `tests/`. */
export function isTestFile(program: ts.Program, fileName: string): boolean {
  const base = projectDirectory(program);
  const relative = path.relative(base, fileName).split(path.sep).join("/");
  const inProject = relative !== "" && !relative.startsWith("../") && !path.isAbsolute(relative);
  const checked = inProject ? relative : path.basename(fileName);
  return /\.(test|spec)\.[cm]?[jt]sx?$/.test(checked) || /(^|\/)(__tests__|tests?|__mocks__|e2e)\//.test(checked);
}
