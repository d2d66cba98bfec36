import { parseShell } from "../../engine/shell.js";

/**
 * Shell command parsing for `no-push-in-production`: splits a script or a
 * workflow `run:` block into simple commands and recognises what each one
 * does — run `drizzle-kit push`, run another package script, or run scripts
 * of workspace packages. Pure functions on strings.
 */

/** A `drizzle-kit push` invocation. */
export interface PushStep {
  type: "push";
  /** `drizzle-kit push`, `drizzle-kit push:pg`, with ` --force` when given. */
  display: string;
  force: boolean;
}

/** `npm run X`, `pnpm X`, `yarn X`, `bun run X`, `run-s X`: a script of the same package. */
export interface LocalScriptStep {
  type: "script";
  script: string;
  /** npm also runs `preX`/`postX`. */
  hooks: boolean;
  /** `npm --prefix dir`, `pnpm -C dir`, `yarn --cwd dir`: the package directory, relative to the current one. */
  cwd?: string;
  /** Arguments passed on to the script (`npm run X -- --force`, `pnpm X --force`): appended to its command. */
  args?: string[];
}

/** `./entrypoint.sh`, `sh scripts/start.sh`, `. ./env.sh`: a shell script file (path as written). */
export interface ShellFileStep {
  type: "file";
  path: string;
}

/** `make migrate`, `make -C db push`: a Makefile target. */
export interface MakeStep {
  type: "make";
  target: string;
  dir?: string;
}

/** `cd dir`: later commands run in another directory. */
export interface ChangeDirectoryStep {
  type: "cd";
  dir: string;
}

/**
 * `pnpm -F pkg X`, `pnpm --filter pkg X`, `npm run X -w pkg`, `yarn workspace pkg X`,
 * `turbo run X`: script X of workspace packages. `filters` undefined = all packages.
 */
export interface WorkspaceScriptStep {
  type: "workspace";
  script: string;
  filters: string[] | undefined;
}

export type CommandStep = PushStep | LocalScriptStep | WorkspaceScriptStep | ChangeDirectoryStep | ShellFileStep | MakeStep;

/**
 * Splits shell text into simple commands, each a list of words with quotes
 * removed (see `parseShell`: a real shell parser, so `2>&1`, quotes, `$(…)`,
 * `\`-newline, comments and compound commands are read as a shell does).
 */
export function splitCommands(text: string): string[][] {
  return parseShell(text).map((command) => command.words);
}

const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** Commands that run the rest of the line: `cross-env A=1 cmd`, `dotenv -e f -- cmd`, `time cmd`. */
const WRAPPERS = new Set([
  "cross-env",
  "cross-env-shell",
  "env",
  "dotenv",
  "dotenv-cli",
  "dotenvx",
  "env-cmd",
  "infisical",
  "doppler",
  "op",
  "time",
  "nice",
  "nohup",
  "exec",
  "command",
  "sudo",
]);
const PNPM_BUILTINS = new Set([
  "add", "install", "i", "update", "up", "upgrade", "remove", "rm", "uninstall", "un", "link", "ln", "unlink",
  "import", "rebuild", "rb", "prune", "fetch", "patch", "patch-commit", "audit", "list", "ls", "outdated", "why",
  "licenses", "publish", "pack", "store", "root", "bin", "env", "setup", "init", "create", "deploy", "doctor",
  "config", "c", "help", "server", "self-update", "approve-builds", "dedupe", "catalog", "cat-file", "cat-index",
]);
const YARN_BUILTINS = new Set([
  "add", "install", "remove", "upgrade", "up", "upgrade-interactive", "info", "init", "cache", "config", "set",
  "why", "node", "npm", "pack", "publish", "version", "versions", "constraints", "plugin", "rebuild", "link",
  "unlink", "bin", "patch", "patch-commit", "explain", "search", "stage", "unplug", "dedupe", "global", "login",
  "logout", "owner", "team", "tag", "list", "outdated", "audit", "check", "autoclean", "licenses", "help", "import",
  "generate-lock-entry", "policies", "create",
]);
const TURBO_BUILTINS = new Set(["prune", "login", "logout", "link", "unlink", "gen", "generate", "daemon", "ls", "info", "query", "scan", "telemetry", "boundaries", "watch", "devtools", "docs", "bin", "completion"]);
const NPM_LIFECYCLE = new Set(["start", "stop", "restart", "test", "t", "tst"]);

/** The program name of a word: `./node_modules/.bin/drizzle-kit` → `drizzle-kit`, `drizzle-kit@0.31` → `drizzle-kit`. */
function programName(word: string): string {
  const base = word.split(/[\\/]/).pop() ?? word;
  const at = base.indexOf("@", 1);
  return (at > 0 ? base.slice(0, at) : base).replace(/\.(c|m)?js$/, "");
}

function isDrizzleKit(word: string): boolean {
  if (/(^|[\\/])node_modules[\\/]drizzle-kit[\\/]bin\.c?js$/.test(word)) return true;
  return programName(word) === "drizzle-kit";
}

/** Skips leading flags (`-x`, `--x=y`); flags in `withValue` also consume the next word. Returns the index after them. */
function skipFlags(words: readonly string[], from: number, withValue: ReadonlySet<string> = new Set()): number {
  let i = from;
  while (i < words.length && (words[i] as string).startsWith("-") && words[i] !== "--") {
    if (withValue.has(words[i] as string)) i++;
    i++;
  }
  return i;
}

/** Index of the real command after env assignments and wrappers such as `cross-env`, `dotenv --`. */
function commandStart(words: readonly string[]): number {
  let i = 0;
  for (let guard = 0; guard < 8 && i < words.length; guard++) {
    while (i < words.length && ENV_ASSIGNMENT.test(words[i] as string)) i++;
    const head = words[i];
    if (head === undefined || !WRAPPERS.has(programName(head))) return i;
    const dashDash = words.indexOf("--", i + 1);
    if (dashDash !== -1) {
      i = dashDash + 1;
      continue;
    }
    // no `--`: the command is the first word that is neither a flag, an assignment nor a subcommand of the wrapper
    i++;
    while (i < words.length) {
      const w = words[i] as string;
      if (ENV_ASSIGNMENT.test(w) || w === "run") i++;
      else if (w.startsWith("-")) i += w.includes("=") || !/^-(e|f|c|-env|-file|-config|-environment|-project)$/.test(w) ? 1 : 2;
      else break;
    }
  }
  return i;
}

/** `pnpm`/`turbo` filter flags between `from` and the subcommand; returns the filters and the subcommand index. */
function readFilters(
  words: readonly string[],
  from: number,
  filterFlags: ReadonlySet<string>,
  valueFlags: ReadonlySet<string>,
): { filters: string[]; index: number; recursive: boolean } {
  const filters: string[] = [];
  let recursive = false;
  let i = from;
  while (i < words.length && (words[i] as string).startsWith("-")) {
    const w = words[i] as string;
    const eq = w.indexOf("=");
    const flag = eq === -1 ? w : w.slice(0, eq);
    if (filterFlags.has(flag)) {
      if (eq !== -1) filters.push(w.slice(eq + 1));
      else if (words[i + 1] !== undefined) filters.push(words[++i] as string);
    } else if (flag === "-r" || flag === "--recursive") {
      recursive = true;
    } else if (valueFlags.has(flag) && eq === -1) {
      i++;
    }
    i++;
  }
  return { filters, index: i, recursive };
}

const PNPM_FILTER_FLAGS = new Set(["-F", "--filter", "--filter-prod"]);
const PNPM_VALUE_FLAGS = new Set(["-C", "--dir", "--workspace-root", "--reporter", "--loglevel", "--workspace-concurrency", "--stream"]);

/**
 * What one simple command (a word list from `splitCommands`) does, as steps.
 * Unknown commands yield no steps.
 */
export function commandSteps(words: readonly string[], depth = 0): CommandStep[] {
  if (depth > 4) return [];
  const start = commandStart(words);
  const head = words[start];
  if (head === undefined) return [];
  const rest = words.slice(start + 1);
  const program = programName(head);
  switch (program) {
    case "npx":
    case "pnpx":
    case "bunx": {
      const i = skipFlags(rest, 0, new Set(["-p", "--package", "-c", "--call"]));
      return binarySteps(rest.slice(i), depth);
    }
    case "node":
    case "tsx": {
      const i = skipFlags(rest, 0, new Set(["-r", "--require", "--import", "--loader"]));
      const script = rest[i];
      return script !== undefined && isDrizzleKit(script) ? binarySteps(rest.slice(i), depth) : [];
    }
    case "cd":
      return [{ type: "cd", dir: rest[0] ?? "~" }];
    case "npm":
      return inDirectory(npmSteps(rest), rest);
    case "pnpm":
      return inDirectory(pnpmSteps(rest, depth), rest);
    case "yarn":
      return inDirectory(yarnSteps(rest, depth), rest);
    case "bun": {
      const i = skipFlags(rest, 0);
      const sub = rest[i];
      if (sub === "x") return binarySteps(rest.slice(skipFlags(rest, i + 1)), depth);
      if (sub !== "run") return [];
      const { filters, index } = readFilters(rest, i + 1, new Set(["--filter", "-F"]), new Set());
      const name = rest[index];
      if (name === undefined) return [];
      if (isDrizzleKit(name)) return binarySteps(rest.slice(index), depth);
      return filters.length > 0
        ? [{ type: "workspace", script: name, filters }]
        : [{ type: "script", script: name, hooks: false, args: forwarded(rest.slice(index + 1)) }];
    }
    default:
      return binarySteps(words.slice(start), depth);
  }
}

/** Arguments after the script name, without a leading `--` (pnpm, yarn and bun pass them on as npm does after `--`). */
function forwarded(args: readonly string[]): string[] | undefined {
  const rest = args[0] === "--" ? args.slice(1) : [...args];
  return rest.length > 0 ? rest : undefined;
}

const DIRECTORY_FLAGS = new Set(["--prefix", "-C", "--dir", "--cwd"]);

/** Applies a package manager's directory flag (`--prefix`, `-C`, `--dir`, `--cwd`) to its script steps. */
function inDirectory(steps: CommandStep[], args: readonly string[]): CommandStep[] {
  let cwd: string | undefined;
  for (let i = 0; i < args.length && args[i] !== "--" && cwd === undefined; i++) {
    const w = args[i] as string;
    const eq = w.indexOf("=");
    if (DIRECTORY_FLAGS.has(eq === -1 ? w : w.slice(0, eq))) cwd = eq === -1 ? args[i + 1] : w.slice(eq + 1);
  }
  return cwd === undefined ? steps : steps.map((step) => (step.type === "script" ? { ...step, cwd } : step));
}

/** Steps of a command whose first word is a program: drizzle-kit, turbo, run-s, sh -c, concurrently. */
function binarySteps(words: readonly string[], depth: number): CommandStep[] {
  const head = words[0];
  if (head === undefined) return [];
  if (isDrizzleKit(head)) {
    const push = pushStep(words.slice(1));
    return push ? [push] : [];
  }
  const program = programName(head);
  const rest = words.slice(1);
  switch (program) {
    case "turbo": {
      let { filters, index } = readFilters(rest, 0, new Set(["--filter", "-F"]), new Set(["--cache-dir", "--concurrency", "--log-order", "--output-logs", "--env-mode", "--cache"]));
      if (rest[index] === "run") index++;
      else if (rest[index] === undefined || TURBO_BUILTINS.has(rest[index] as string)) return [];
      const steps: CommandStep[] = [];
      for (let i = index; i < rest.length; i++) {
        const w = rest[i] as string;
        if (w === "--") break;
        if (w.startsWith("-")) {
          const more = readFilters(rest, i, new Set(["--filter", "-F"]), new Set(["--cache-dir", "--concurrency", "--log-order", "--output-logs", "--env-mode", "--cache"]));
          filters = [...filters, ...more.filters];
          i = more.index - 1;
          continue;
        }
        // `turbo run web#build` targets one package's task
        const hash = w.indexOf("#");
        if (hash > 0) steps.push({ type: "workspace", script: w.slice(hash + 1), filters: [w.slice(0, hash)] });
        else if (hash === -1) steps.push({ type: "workspace", script: w, filters: undefined });
      }
      return steps.map((s) => (s.type === "workspace" && s.filters === undefined && filters.length > 0 ? { ...s, filters } : s));
    }
    case "run-s":
    case "run-p":
    case "npm-run-all":
    case "npm-run-all2": {
      const steps: CommandStep[] = [];
      for (let i = 0; i < rest.length; i++) {
        const w = rest[i] as string;
        if (w === "--") break;
        if (w.startsWith("-")) {
          if (/^(--max-parallel|--npm-path)$/.test(w)) i++;
          continue;
        }
        if (!/[*{}]/.test(w)) steps.push({ type: "script", script: w.split(" ")[0] as string, hooks: true });
      }
      return steps;
    }
    case "concurrently": {
      const steps: CommandStep[] = [];
      for (let i = 0; i < rest.length; i++) {
        const w = rest[i] as string;
        if (w.startsWith("-")) {
          if (!w.includes("=") && /^(-n|--names|-c|--prefix-colors|-p|--prefix|--max-processes|-m|--success|-s|--kill-signal|--restart-tries|--restart-after|--timings|--handle-input|--default-input-target|-P|--passthrough-arguments)$/.test(w)) {
            if (!/^(--timings|--handle-input|-P|--passthrough-arguments)$/.test(w)) i++;
          }
          continue;
        }
        if (w.startsWith("npm:") || w.startsWith("pnpm:") || w.startsWith("yarn:") || w.startsWith("bun:")) {
          const script = w.slice(w.indexOf(":") + 1);
          if (!/[*{}]/.test(script)) steps.push({ type: "script", script, hooks: w.startsWith("npm:") });
          continue;
        }
        steps.push(...commandTextSteps(w, depth + 1));
      }
      return steps;
    }
    case "sh":
    case "bash":
    case "zsh":
    case "dash": {
      const c = rest.findIndex((w) => /^-[a-z]*c[a-z]*$/.test(w));
      if (c !== -1) {
        const script = rest[c + 1];
        return script === undefined ? [] : commandTextSteps(script, depth + 1);
      }
      // `sh scripts/start.sh`, `bash -e ./entrypoint.sh`
      const file = rest[skipFlags(rest, 0, new Set(["-o", "+o"]))];
      return file === undefined ? [] : [{ type: "file", path: file }];
    }
    case "source":
    case ".":
      return rest[0] === undefined ? [] : [{ type: "file", path: rest[0] }];
    case "make":
    case "gmake": {
      let dir: string | undefined;
      const targets: string[] = [];
      for (let i = 0; i < rest.length; i++) {
        const w = rest[i] as string;
        if (w === "-C" || w === "--directory") dir = rest[++i];
        else if (w.startsWith("--directory=")) dir = w.slice("--directory=".length);
        else if (w === "-f" || w === "--file" || w === "-j" || w === "-l") i++;
        else if (!w.startsWith("-") && !w.includes("=")) targets.push(w);
      }
      return targets.map((target) => ({ type: "make" as const, target, ...(dir === undefined ? {} : { dir }) }));
    }
    default:
      // `./docker-entrypoint.sh`, `/app/scripts/start.sh`, `docker-entrypoint.sh` on the PATH
      return /\.(ba|z|da)?sh$/.test(head) || /^\.{0,2}\/[^\s]/.test(head) ? [{ type: "file", path: head }] : [];
  }
}

/** `push`, `push:pg` after the drizzle-kit binary, with `--force`. */
function pushStep(args: readonly string[]): PushStep | undefined {
  let i = 0;
  while (i < args.length && (args[i] as string).startsWith("-")) {
    if (/^--(config|dialect)$/.test(args[i] as string)) i++;
    i++;
  }
  const sub = args[i];
  if (sub === undefined || !(sub === "push" || /^push:[a-z]+$/.test(sub))) return undefined;
  const force = args.slice(i + 1).some((a) => a === "--force" || a === "--force=true");
  return { type: "push", display: `drizzle-kit ${sub}${force ? " --force" : ""}`, force };
}

function npmSteps(rest: readonly string[]): CommandStep[] {
  const valueFlags = new Set(["--prefix", "-C", "--userconfig", "--loglevel"]);
  const workspaceFlags = new Set(["-w", "--workspace"]);
  const read = readFilters(rest, 0, workspaceFlags, valueFlags);
  let filters = read.filters;
  const index = read.index;
  const sub = rest[index];
  if (sub === undefined) return [];
  if (sub === "exec" || sub === "x") {
    let i = index + 1;
    while (i < rest.length && (rest[i] as string).startsWith("-") && rest[i] !== "--") i++;
    if (rest[i] === "--") i++;
    return binarySteps(rest.slice(i), 0);
  }
  let script: string | undefined;
  let all = rest.includes("--workspaces") || rest.includes("-ws");
  if (sub === "run" || sub === "run-script" || sub === "rum" || sub === "urn") {
    let i = index + 1;
    for (; i < rest.length && (rest[i] as string).startsWith("-") && rest[i] !== "--"; i++) {
      const w = rest[i] as string;
      if (workspaceFlags.has(w)) filters = [...filters, rest[++i] as string];
      else if (w.startsWith("--workspace=")) filters = [...filters, w.slice("--workspace=".length)];
    }
    script = rest[i];
  } else if (NPM_LIFECYCLE.has(sub)) {
    script = sub === "t" || sub === "tst" ? "test" : sub;
  }
  if (script === undefined || script === "--") return [];
  // flags after the script name (before `--`) still apply to npm
  const dashDash = rest.indexOf("--");
  const tail = rest.slice(rest.indexOf(script) + 1, dashDash === -1 ? undefined : dashDash);
  for (let i = 0; i < tail.length; i++) {
    const w = tail[i] as string;
    if (workspaceFlags.has(w) && tail[i + 1] !== undefined) filters = [...filters, tail[++i] as string];
    else if (w.startsWith("--workspace=")) filters = [...filters, w.slice("--workspace=".length)];
    else if (w === "--workspaces" || w === "-ws") all = true;
  }
  if (all) return [{ type: "workspace", script, filters: undefined }];
  if (filters.length > 0) return [{ type: "workspace", script, filters }];
  return [{ type: "script", script, hooks: true, args: dashDash === -1 ? undefined : forwarded(rest.slice(dashDash + 1)) }];
}

function pnpmSteps(rest: readonly string[], depth: number): CommandStep[] {
  const { filters, index, recursive } = readFilters(rest, 0, PNPM_FILTER_FLAGS, PNPM_VALUE_FLAGS);
  let sub = rest[index];
  let i = index + 1;
  if (sub === undefined) return [];
  if (sub === "exec" || sub === "dlx") return binarySteps(rest.slice(skipFlags(rest, i, new Set(["--package"]))), depth);
  if (sub === "recursive" || sub === "-r") {
    sub = rest[i];
    i++;
    if (sub === undefined) return [];
  }
  let script: string | undefined = sub;
  if (sub === "run" || sub === "run-script") {
    const more = readFilters(rest, i, PNPM_FILTER_FLAGS, PNPM_VALUE_FLAGS);
    filters.push(...more.filters);
    script = rest[more.index];
  } else if (sub === "test" || sub === "t" || sub === "start") {
    script = sub === "t" ? "test" : sub;
  } else if (PNPM_BUILTINS.has(sub)) {
    return [];
  } else if (isDrizzleKit(sub)) {
    // `pnpm drizzle-kit push` runs the binary
    return binarySteps(rest.slice(index), depth);
  }
  if (script === undefined) return [];
  if (filters.length > 0) return [{ type: "workspace", script, filters }];
  if (recursive || rest[index] === "recursive") return [{ type: "workspace", script, filters: undefined }];
  if (programName(script) === "turbo") return binarySteps(rest.slice(index), depth);
  const at = rest.indexOf(script, index);
  return [{ type: "script", script, hooks: false, args: forwarded(rest.slice(at + 1)) }];
}

function yarnSteps(rest: readonly string[], depth: number): CommandStep[] {
  const i = skipFlags(rest, 0, new Set(["--cwd"]));
  const sub = rest[i];
  if (sub === undefined) return [];
  if (sub === "dlx" || sub === "exec") return binarySteps(rest.slice(skipFlags(rest, i + 1, new Set(["-p", "--package"]))), depth);
  if (sub === "workspace") {
    const pkg = rest[i + 1];
    const next = rest[i + 2] === "run" ? rest[i + 3] : rest[i + 2];
    if (pkg === undefined || next === undefined) return [];
    if (isDrizzleKit(next)) return binarySteps(rest.slice(rest.indexOf(next)), depth);
    return [{ type: "workspace", script: next, filters: [pkg] }];
  }
  if (sub === "workspaces") {
    // yarn 1: `yarn workspaces run X`; berry: `yarn workspaces foreach [-A] run X`
    const run = rest.indexOf("run", i + 1);
    const script = run === -1 ? undefined : rest[run + 1];
    return script === undefined ? [] : [{ type: "workspace", script, filters: undefined }];
  }
  const script = sub === "run" ? rest[skipFlags(rest, i + 1)] : sub;
  if (script === undefined || (sub !== "run" && YARN_BUILTINS.has(script))) return [];
  if (isDrizzleKit(script)) return binarySteps(rest.slice(rest.indexOf(script)), depth);
  if (programName(script) === "turbo") return binarySteps(rest.slice(rest.indexOf(script)), depth);
  return [{ type: "script", script, hooks: false, args: forwarded(rest.slice(rest.indexOf(script, i) + 1)) }];
}

/**
 * The simple command each step of a nested shell text came from (`npm run
 * db:push` inside `sh -c "…"`), for chain labels. Keyed weakly by the step
 * objects, which are created per call.
 */
const stepCommands = new WeakMap<CommandStep, string>();

/** The simple command a step came from, when it was read from nested shell text. */
export function stepCommand(step: CommandStep): string | undefined {
  return stepCommands.get(step);
}

/** All steps of a shell text (a script value, a `run:` block, an exec'd command). */
export function commandTextSteps(text: string, depth = 0): CommandStep[] {
  if (depth > 4) return [];
  return splitCommands(text).flatMap((words) => {
    const steps = commandSteps(words, depth);
    for (const step of steps) if (!stepCommands.has(step)) stepCommands.set(step, words.join(" "));
    return steps;
  });
}

/** The first `drizzle-kit push` run directly by a shell text (no script following). */
export function directPush(text: string): PushStep | undefined {
  return commandTextSteps(text).find((s): s is PushStep => s.type === "push");
}
