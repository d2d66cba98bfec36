import path from "node:path";
import { commandTextSteps, type PushStep } from "./command.js";
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

/** `*` matches any run of characters; everything else literally. */
export function matchesAny(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) =>
    p.includes("*") ? new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(name) : p === name,
  );
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

/** State of one resolution: file access, policy, cycle guard and the lazily read workspace. */
export class ChainResolver {
  private workspace: { root: PackageInfo; packages: PackageInfo[] } | null | undefined;
  private readonly active = new Set<string>();
  private steps = 0;

  constructor(
    private readonly host: FileSystemHost,
    private readonly allowScripts: readonly string[],
  ) {}

  /** The push a shell command runs, directly or through scripts of `pkg` and its workspace. */
  command(pkg: PackageInfo, text: string): PushChain | undefined {
    if (++this.steps > 2000) return undefined;
    // the package scripts run in; unknown after `cd $SOMEWHERE`
    let current: PackageInfo | undefined = pkg;
    for (const step of commandTextSteps(text)) {
      if (step.type === "push") return { links: [step.display], push: step };
      if (step.type === "cd") {
        current = current && this.packageIn(current, step.dir);
      } else if (step.type === "script") {
        const target = step.cwd === undefined ? current : current && this.packageIn(current, step.cwd);
        if (!target) continue;
        const names = step.hooks ? [`pre${step.script}`, step.script, `post${step.script}`] : [step.script];
        for (const name of names) {
          const found = this.script(target, name, target === pkg ? name : `${target.name ?? target.dir}#${name}`);
          if (found) return found;
        }
      } else {
        if (!current) continue;
        const ws = this.workspaceOf(current);
        if (!ws) continue;
        let targets: PackageInfo[] = [];
        if (step.filters === undefined) targets = ws.packages;
        else {
          for (const filter of step.filters) {
            const selected = selectPackages(ws.root, [ws.root, ...ws.packages], filter);
            if (selected) targets.push(...selected);
          }
        }
        for (const target of targets) {
          const found = this.script(target, step.script, `${target.name ?? target.dir}#${step.script}`);
          if (found) return found;
        }
      }
    }
    return undefined;
  }

  /** The push script `name` of `pkg` runs; `label` is its link in the chain. */
  script(pkg: PackageInfo, name: string, label: string): PushChain | undefined {
    const body = Object.hasOwn(pkg.scripts, name) ? pkg.scripts[name] : undefined;
    if (body === undefined || matchesAny(name, this.allowScripts)) return undefined;
    const key = `${pkg.dir}\0${name}`;
    if (this.active.has(key) || this.active.size > 50) return undefined;
    this.active.add(key);
    try {
      const found = this.command(pkg, body);
      return found ? { links: [label, ...found.links], push: found.push } : undefined;
    } finally {
      this.active.delete(key);
    }
  }

  /** The package.json of a directory relative to a package's; undefined for dynamic paths or no package. */
  private packageIn(pkg: PackageInfo, dir: string): PackageInfo | undefined {
    if (/[$~`*]/.test(dir) || pkg.dir === "") return undefined;
    return readPackage(path.resolve(pkg.dir, dir), this.host);
  }

  private workspaceOf(pkg: PackageInfo): { root: PackageInfo; packages: PackageInfo[] } | undefined {
    if (this.workspace === undefined) {
      const root = findWorkspaceRoot(pkg, this.host);
      this.workspace = root ? { root, packages: workspacePackages(root, this.host) } : null;
    }
    return this.workspace ?? undefined;
  }
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
