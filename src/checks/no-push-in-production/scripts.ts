import path from "node:path";
import picomatch from "picomatch";
import { commandSteps, stepCommand, type CommandStep, type PushStep } from "./command.js";
import { parseShell } from "../../engine/shell.js";
import { findWorkspaceRoot, readPackage, selectPackages, workspacePackages, type FileSystemHost, type PackageInfo } from "./workspace.js";

/** Script names that run in production: lifecycle hooks and platform build/deploy hooks. */
export const PRODUCTION_SCRIPT_NAMES: readonly string[] = [
  "start",
  "prestart",
  "poststart",
  "build",
  "prebuild",
  "postbuild",
  "preinstall",
  "install",
  "postinstall",
  "prepare",
  "deploy",
  "release",
  "vercel-build",
  "now-build",
  "heroku-prebuild",
  "heroku-postbuild",
  "heroku-cleanup",
  "gcp-build",
  "cf-build",
  "netlify-build",
  "render-build",
  "railway-build",
];

/** Words in a script name that mark it production-facing (`start:prod`, `db:push:production`, `predeploy`). */
const PRODUCTION_WORD = /^(pre|post|re)?(prod|production|deploy|deployment|release)s?$/;

/** Glob match (picomatch: `*`, `?`, `{a,b}`, `[…]`; `*` does not cross `/`, `**` does), or the exact name. */
export function matchesAny(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => p === name || picomatch.isMatch(name, p, { dot: true }));
}

export interface ScriptPolicy {
  /** More production-facing script names (globs). */
  productionScripts: readonly string[];
  /** Names never production-facing (globs); wins over everything. */
  devScripts: readonly string[];
  /** Scripts allowed to run push (globs): not reported, and chains through them are not followed. */
  allowScripts: readonly string[];
}

/**
 * Whether a script runs in production: a lifecycle/deploy name, a name with
 * a word prod/production/deploy/release, or `productionScripts`; never a
 * `devScripts` name.
 */
export function isProductionScript(name: string, policy: ScriptPolicy): boolean {
  if (matchesAny(name, policy.devScripts)) return false;
  if (PRODUCTION_SCRIPT_NAMES.includes(name) || matchesAny(name, policy.productionScripts)) return true;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((w) => PRODUCTION_WORD.test(w));
}

/** How a command reaches `drizzle-kit push`: the scripts on the way, then the push. */
export interface PushChain {
  /** Script links (`db:push`, `@app/db#db:push`) followed by the push command (`drizzle-kit push --force`). */
  links: string[];
  push: PushStep;
}

/** Maps a path as a command names it (relative to `cwd`, absolute, or a bare name on the PATH) to a file or directory on disk. */
export type PathMapper = (word: string, cwd: string | undefined) => string | undefined;

/** Paths on the machine that runs the command: relative to the current directory. */
export const hostPaths: PathMapper = (word, cwd) => {
  if (/[$`*~]/.test(word)) return undefined;
  if (path.isAbsolute(word)) return word;
  return cwd === undefined ? undefined : path.resolve(cwd, word);
};

export interface ResolverOptions {
  /** Where command paths (`./entrypoint.sh`, `cd /app`) point on disk; default: `hostPaths`. */
  paths?: PathMapper;
  /** Label script links by the command that runs them (`npm run db:push -- --force`) instead of the script name. */
  commandLabels?: boolean;
}

/** A push chain and the command of the resolved text that starts it. */
export interface LocatedChain {
  chain: PushChain;
  /** Offsets of that command in the text (end exclusive). */
  start: number;
  end: number;
}

const SHELL_SHEBANG = /^#!\s*\S*\b(env\s+(-\S+\s+)*)?(ba|z|da|k|a)?sh\b/;

/** Whether a file's text is a shell script: a `.sh` name, or a shell shebang. */
export function isShellScript(file: string, text: string): boolean {
  if (/\.(ba|z|da)?sh$/.test(file)) return true;
  return SHELL_SHEBANG.test(text);
}

/** The recipe of a Makefile target, prerequisites' recipes first (tab-indented lines; `@`, `-`, `+` prefixes dropped). */
export function makeRecipe(makefile: string, target: string, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  const lines = makefile.replace(/\\\r?\n/g, " ").split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const rule = /^([^\t#=:][^=:]*?)\s*::?(?!=)\s*([^=;#]*?)(?:;(.*))?\s*(#.*)?$/.exec(line);
    if (!rule || !(rule[1] as string).split(/\s+/).includes(target)) continue;
    const recipe: string[] = [];
    for (const prerequisite of (rule[2] ?? "").split(/\s+/).filter((p) => p !== "" && !p.includes("%") && !p.includes("$"))) {
      const before = makeRecipe(makefile, prerequisite, depth + 1);
      if (before) recipe.push(before);
    }
    if (rule[3]?.trim()) recipe.push(rule[3].trim());
    for (let j = i + 1; j < lines.length && /^\t|^\s*$|^#/.test(lines[j] as string); j++) {
      const body = (lines[j] as string).trim().replace(/^[@+-]+/, "");
      if (body !== "" && !body.startsWith("#")) recipe.push(body.replace(/\$\$/g, "$"));
    }
    return recipe.join("\n");
  }
  return undefined;
}

/** State of one resolution: file access, policy, cycle guard and the lazily read workspace. */
export class ChainResolver {
  private workspace: { root: PackageInfo; packages: PackageInfo[] } | null | undefined;
  private readonly active = new Set<string>();
  private steps = 0;
  private readonly paths: PathMapper;
  private readonly commandLabels: boolean;

  constructor(
    private readonly host: FileSystemHost,
    private readonly allowScripts: readonly string[],
    options: ResolverOptions = {},
  ) {
    this.paths = options.paths ?? hostPaths;
    this.commandLabels = options.commandLabels ?? false;
  }

  /** The push a shell command runs, directly or through scripts of `pkg` and its workspace. */
  command(pkg: PackageInfo, text: string): PushChain | undefined {
    return this.located(pkg, text)?.chain;
  }

  /**
   * The first command of a shell text that reaches push, run in `cwd` with
   * the scripts of `pkg` (undefined: no package.json there). Commands in a
   * branch a NODE_ENV-like condition keeps out of production are skipped.
   */
  located(pkg: PackageInfo | undefined, text: string, cwd: string | undefined = pkg?.dir || undefined): LocatedChain | undefined {
    if (++this.steps > 2000) return undefined;
    // the package scripts run in; unknown after `cd $SOMEWHERE`
    let current = pkg;
    let dir = cwd;
    for (const command of parseShell(text)) {
      if (command.nonProduction) continue;
      for (const step of commandSteps(command.words)) {
        if (step.type === "cd") {
          dir = this.paths(step.dir, dir);
          current = dir === undefined ? undefined : readPackage(dir, this.host);
          continue;
        }
        const chain = this.stepChain(step, current, dir, pkg, command.words);
        if (chain) return { chain, start: command.start, end: command.end };
      }
    }
    return undefined;
  }

  private stepChain(step: CommandStep, current: PackageInfo | undefined, dir: string | undefined, pkg: PackageInfo | undefined, words: string[]): PushChain | undefined {
    const commandLabel = (): string => stepCommand(step) ?? words.join(" ");
    switch (step.type) {
      case "push":
        return { links: [step.display], push: step };
      case "cd":
        return undefined;
      case "script": {
        const targetDir = step.cwd === undefined ? undefined : this.paths(step.cwd, dir);
        const target = step.cwd === undefined ? current : targetDir && readPackage(targetDir, this.host);
        if (!target) return undefined;
        const names = step.hooks ? [`pre${step.script}`, step.script, `post${step.script}`] : [step.script];
        for (const name of names) {
          const label = this.commandLabels && name === step.script ? commandLabel() : target === pkg ? name : `${target.name ?? target.dir}#${name}`;
          const found = this.script(target, name, label, name === step.script ? step.args : undefined);
          if (found) return found;
        }
        return undefined;
      }
      case "file": {
        const file = this.paths(step.path, dir);
        if (file === undefined) return undefined;
        const text = this.host.readText(file);
        if (text === undefined || !isShellScript(file, text)) return undefined;
        return this.nested(`file\0${file}`, path.basename(file), () => this.located(current, text, dir)?.chain);
      }
      case "make": {
        const makeDir = this.paths(step.dir ?? ".", dir);
        if (makeDir === undefined) return undefined;
        const makefile = ["Makefile", "makefile", "GNUmakefile"].map((f) => this.host.readText(path.join(makeDir, f))).find((t) => t !== undefined);
        const recipe = makefile === undefined ? undefined : makeRecipe(makefile, step.target);
        if (recipe === undefined) return undefined;
        return this.nested(`make\0${makeDir}\0${step.target}`, `make ${step.target}`, () => this.located(current, recipe, makeDir)?.chain);
      }
      case "workspace": {
        if (!current) return undefined;
        const ws = this.workspaceOf(current);
        if (!ws) return undefined;
        let targets: PackageInfo[] = [];
        if (step.filters === undefined) targets = ws.packages;
        else {
          for (const filter of step.filters) {
            const selected = selectPackages(ws.root, [ws.root, ...ws.packages], filter);
            if (selected) targets.push(...selected);
          }
        }
        for (const target of targets) {
          const found = this.script(target, step.script, this.commandLabels ? commandLabel() : `${target.name ?? target.dir}#${step.script}`);
          if (found) return found;
        }
        return undefined;
      }
    }
  }

  /** Follows a file or Makefile target once per chain (cycle guard), prefixing `label`. */
  private nested(key: string, label: string, follow: () => PushChain | undefined): PushChain | undefined {
    if (this.active.has(key) || this.active.size > 50) return undefined;
    this.active.add(key);
    try {
      const found = follow();
      return found ? { links: [label, ...found.links], push: found.push } : undefined;
    } finally {
      this.active.delete(key);
    }
  }

  /** The push script `name` of `pkg` runs (with `args` appended, as npm does); `label` is its link in the chain. */
  script(pkg: PackageInfo, name: string, label: string, args?: readonly string[]): PushChain | undefined {
    const body = Object.hasOwn(pkg.scripts, name) ? pkg.scripts[name] : undefined;
    if (body === undefined || matchesAny(name, this.allowScripts)) return undefined;
    const full = args && args.length > 0 ? `${body} ${args.map(shellWord).join(" ")}` : body;
    return this.nested(`${pkg.dir}\0${name}`, label, () => this.command(pkg, full));
  }

  private workspaceOf(pkg: PackageInfo): { root: PackageInfo; packages: PackageInfo[] } | undefined {
    if (this.workspace === undefined) {
      const root = findWorkspaceRoot(pkg, this.host);
      this.workspace = root ? { root, packages: workspacePackages(root, this.host) } : null;
    }
    return this.workspace ?? undefined;
  }
}

/** A word quoted for appending to a command line. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

export interface ScriptFinding {
  script: string;
  chain: PushChain;
}

/** Every production-facing script of a package that runs `drizzle-kit push`. */
export function productionScriptsRunningPush(pkg: PackageInfo, policy: ScriptPolicy, host: FileSystemHost): ScriptFinding[] {
  const findings: ScriptFinding[] = [];
  const resolver = new ChainResolver(host, policy.allowScripts);
  for (const name of Object.keys(pkg.scripts)) {
    if (!isProductionScript(name, policy)) continue;
    const chain = resolver.script(pkg, name, name);
    if (chain) findings.push({ script: name, chain });
  }
  return findings;
}
