import path from "node:path";
import { DockerfileParser } from "dockerfile-ast";
import { parseJSON } from "jsonc-eslint-parser";
import { parse as parseToml, TomlError } from "smol-toml";
import { parseYAML } from "yaml-eslint-parser";
import { commandTextSteps, splitCommands } from "./command.js";
import { entry, fromJsonAst, fromYamlAst, items, text, type PlainNode } from "./plain.js";
import { ChainResolver, hostPaths, isShellScript, matchesAny, type PathMapper, type PushChain } from "./scripts.js";
import { nodeFileSystem, readPackage, type FileSystemHost, type PackageInfo } from "./workspace.js";
import { words } from "./workflow.js";

/**
 * Deploy surfaces of `no-push-in-production`: the files that decide what runs
 * when an app is built, released or started — Dockerfiles, compose files,
 * Procfiles, platform configs (fly.toml, render.yaml, railway.json/toml,
 * vercel.json, nixpacks.toml, app.json) and shell scripts. Each command is
 * followed through shell scripts, Makefile targets and package scripts
 * (ChainResolver) to `drizzle-kit push`.
 */

export type SurfaceKind =
  | "dockerfile"
  | "compose"
  | "procfile"
  | "fly"
  | "render"
  | "railway-json"
  | "railway-toml"
  | "vercel"
  | "nixpacks"
  | "app-json"
  | "shell";

export interface SurfacePolicy {
  devScripts: readonly string[];
  allowScripts: readonly string[];
  /** Deploy files not checked: globs of paths relative to `root`, or of file names. */
  allowFiles: readonly string[];
}

export interface SurfaceFinding {
  /** What runs the command: `Dockerfile ENTRYPOINT`, `Procfile release process`, `fly.toml release_command`. */
  surface: string;
  /** When it runs: `on every container start`, `at image build time`. */
  when: string;
  chain: PushChain;
  start: number;
  end: number;
}

/** The deploy surface a file is, by its name; undefined for other files. */
export function surfaceKind(filename: string): SurfaceKind | undefined {
  const base = path.basename(filename);
  const lower = base.toLowerCase();
  if (lower.endsWith(".dockerignore")) return undefined;
  if (lower === "dockerfile" || lower === "containerfile" || lower.endsWith(".dockerfile") || /^(dockerfile|containerfile)\./.test(lower)) return "dockerfile";
  if (/^(docker-)?compose([.-][^/]*)?\.ya?ml$/.test(lower)) return "compose";
  if (base === "Procfile") return "procfile";
  if (/^fly(\.[^.]+)?\.toml$/.test(lower)) return "fly";
  if (lower === "render.yaml" || lower === "render.yml") return "render";
  if (lower === "railway.json") return "railway-json";
  if (lower === "railway.toml") return "railway-toml";
  if (lower === "vercel.json") return "vercel";
  if (lower === "nixpacks.toml") return "nixpacks";
  if (lower === "app.json") return "app-json";
  if (/\.(ba|z|da)?sh$/.test(lower)) return "shell";
  return undefined;
}

const DEV_WORD = /^(dev|devel|develop|development|test|tests|testing|e2e|spec|local|staging|stage|preview|previews|qa|sandbox|storybook|debug|ci|override)$/;
/** Words of a script name that keep its chain out of production (`npm run dev`, `start:test`). */
const DEV_SCRIPT_WORD = /^(dev|develop|development|test|tests|testing|e2e|spec|storybook|local)$/;
/** Words of a shell script's file name that make it a production entry point. */
const PRODUCTION_SCRIPT_WORD = /^(prod|production|deploy|deployment|release|entrypoint|start|startup|boot|docker|container|server|serve|run|launch|init|heroku|fly|render|railway)$/;


/** A dev/test/staging name (`Dockerfile.dev`, `docker-compose.test.yml`, `app-dev`, `test`). */
export function isDevName(name: string): boolean {
  return words(name).some((w) => DEV_WORD.test(w));
}

/** Whether a chain passes through a dev/test script (`npm run dev`) or a `devScripts` name. */
function throughDevScript(chain: PushChain, devScripts: readonly string[]): boolean {
  return chain.links.slice(0, -1).some((link) =>
    link.split(/\s+/).some((word) => words(word).some((w) => DEV_SCRIPT_WORD.test(w)) || matchesAny(word, devScripts)),
  );
}

/**
 * Whether a command starts a development server (`npm run dev`, `next dev`,
 * `nodemon`, `tsx watch`, `--watch`): the container is a dev container, so its
 * entrypoint is not a production start either.
 */
export function isDevCommand(command: string): boolean {
  if (commandTextSteps(command).some((step) => (step.type === "script" || step.type === "workspace") && words(step.script).some((w) => DEV_SCRIPT_WORD.test(w)))) {
    return true;
  }
  return splitCommands(command).some((argv) =>
    argv.some((w, i) => w === "--watch" || DEV_SERVER.test(w) || (DEV_SUBCOMMAND.test(w) && (argv[i + 1] === "dev" || argv[i + 1] === "watch"))),
  );
}

const DEV_SERVER = /(^|\/)(nodemon|ts-node-dev)$/;
const DEV_SUBCOMMAND = /(^|\/)(next|nuxt|nuxi|vite|astro|remix|tsx|bun|wrangler)$/;

/** The nearest package.json at or above `dir`. */
function packageNear(dir: string, host: FileSystemHost): PackageInfo | undefined {
  let current = dir;
  for (let i = 0; i < 8; i++) {
    const pkg = readPackage(current, host);
    if (pkg) return pkg;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
  return undefined;
}

/** Shell text of an exec-form command (`["sh", "-c", "…"]`), quoted so the parser reads the same words. */
export function execFormText(argv: readonly string[]): string {
  return argv.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`)).join(" ");
}

interface Context {
  file: string;
  dir: string;
  host: FileSystemHost;
  policy: SurfacePolicy;
  resolver: (paths?: PathMapper) => ChainResolver;
}

interface Entry {
  surface: string;
  when: string;
  /** Shell text of the command. */
  command: string;
  /** Where to report. */
  range: [number, number];
  /** Offset of `command` in the file when the command text is a verbatim slice of it (reports then go on the command's own line). */
  textOffset?: number;
  pkg: PackageInfo | undefined;
  cwd: string | undefined;
  paths?: PathMapper;
  /** The keyword shown before the first link (`ENTRYPOINT`, `release:`). */
  label: string;
}

function follow(ctx: Context, e: Entry): SurfaceFinding | undefined {
  const located = ctx.resolver(e.paths).located(e.pkg, e.command, e.cwd);
  if (!located || throughDevScript(located.chain, ctx.policy.devScripts)) return undefined;
  const [first, ...rest] = located.chain.links;
  const chain = { links: [`${e.label} ${first}`.trim(), ...rest], push: located.chain.push };
  const range: [number, number] = e.textOffset === undefined ? e.range : [e.textOffset + located.start, e.textOffset + located.end];
  return { surface: e.surface, when: e.when, chain, start: range[0], end: range[1] };
}

/** The line of a TOML key (after its `[section]` header, when given), where its value is reported. */
function keyRange(source: string, key: string, section?: string): [number, number] {
  const header = section === undefined ? -1 : source.search(new RegExp(`^\\s*\\[${section.replace(/\./g, "\\.")}\\]`, "m"));
  const from = Math.max(header, 0);
  const re = new RegExp(`^[ \\t]*["']?${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?[ \\t]*=.*$`, "m");
  const match = re.exec(source.slice(from));
  if (!match) return [0, Math.min(source.length, source.indexOf("\n") === -1 ? source.length : source.indexOf("\n"))];
  return [from + match.index, from + match.index + match[0].length];
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function commandOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return execFormText(value as string[]);
  return undefined;
}

function parseTomlOrUndefined(source: string): Record<string, unknown> | undefined {
  try {
    return parseToml(source) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) return undefined;
    throw error;
  }
}

// ---------------------------------------------------------------- Dockerfile

interface CopyEntry {
  sources: string[];
  dest: string;
  /** `--from=stage`: the sources are container paths. */
  fromStage: boolean;
}

/** Maps container paths to files of the build context through COPY/ADD and WORKDIR, else by file name in the context. */
export function dockerPaths(contextDir: string, copies: readonly CopyEntry[], host: FileSystemHost, workdir = "/"): PathMapper {
  const exists = (file: string) => host.readText(file) !== undefined || readPackage(file, host) !== undefined;
  const toContainer = (word: string, cwd: string): string => path.posix.resolve(cwd, word);
  const mapContainer = (p: string, depth: number): string | undefined => {
    if (depth > 4) return undefined;
    for (const copy of [...copies].reverse()) {
      const dirLike = copy.dest.endsWith("/") || copy.sources.length > 1;
      const dest = path.posix.resolve(workdir, copy.dest);
      for (const src of copy.sources) {
        const srcIsDir = src === "." || src.endsWith("/") || !path.posix.basename(src).includes(".");
        let candidate: string | undefined;
        if (srcIsDir) {
          if (p === dest) candidate = src;
          else if (p.startsWith(`${dest.replace(/\/$/, "")}/`)) candidate = path.posix.join(src, p.slice(dest.replace(/\/$/, "").length + 1));
        } else if (dirLike || !path.posix.basename(copy.dest).includes(".")) {
          if (p === path.posix.join(dest, path.posix.basename(src))) candidate = src;
        } else if (p === dest) candidate = src;
        if (candidate === undefined) continue;
        if (copy.fromStage) return mapContainer(path.posix.resolve("/", candidate), depth + 1);
        const onHost = path.resolve(contextDir, candidate);
        if (exists(onHost)) return onHost;
      }
    }
    return undefined;
  };
  return (word, cwd) => {
    if (/[$`*~]/.test(word)) return undefined;
    if (!word.includes("/")) {
      // a bare name: a file in the working directory, or a command on the PATH copied in by name
      const inCwd = mapContainer(toContainer(word, cwd ?? workdir), 0);
      if (inCwd) return inCwd;
      for (const copy of copies) {
        const src = copy.sources.find((s) => path.posix.basename(s) === word);
        if (src && !copy.fromStage && exists(path.resolve(contextDir, src))) return path.resolve(contextDir, src);
      }
    }
    // `cwd` here is a container path (we hand container paths around and map at the end)
    const containerPath = toContainer(word, cwd && cwd.startsWith("/") && !cwd.startsWith(contextDir) ? cwd : workdir);
    const mapped = mapContainer(containerPath, 0);
    if (mapped) return mapped;
    // unknown layout: the same relative path, or the same file name, in the build context
    const relative = containerPath.replace(/^\/+/, "");
    for (const candidate of [relative, path.posix.basename(containerPath), `scripts/${path.posix.basename(containerPath)}`, `docker/${path.posix.basename(containerPath)}`]) {
      const onHost = path.resolve(contextDir, candidate);
      if (candidate !== "" && exists(onHost)) return onHost;
    }
    return hostPaths(word, cwd && cwd.startsWith(contextDir) ? cwd : undefined);
  };
}

function dockerfileEntries(ctx: Context, source: string): Entry[] {
  const dockerfile = DockerfileParser.parse(source);
  const instructions = dockerfile.getInstructions();
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === "\n") lineStarts.push(i + 1);
  const offset = (pos: { line: number; character: number }) => (lineStarts[pos.line] ?? source.length) + pos.character;
  const pkg = packageNear(ctx.dir, ctx.host);
  const entries: Entry[] = [];
  const froms = instructions.filter((i) => i.getKeyword() === "FROM");
  const lastFrom = froms[froms.length - 1];
  let stageIndex = -1;
  let devStage = false;
  let devEnv = false;
  let workdir = "/";
  const copies: CopyEntry[] = [];
  let cmd: Entry | undefined;
  let entrypoint: Entry | undefined;
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    const args = instruction.getArguments().map((a) => a.getValue());
    const range: [number, number] = [offset(instruction.getRange().start), offset(instruction.getRange().end)];
    if (keyword === "FROM") {
      stageIndex++;
      const asIndex = args.findIndex((a) => a.toLowerCase() === "as");
      const stageName = asIndex === -1 ? undefined : args[asIndex + 1];
      devStage = stageName !== undefined && isDevName(stageName);
      devEnv = false;
      workdir = "/";
      cmd = undefined;
      entrypoint = undefined;
      continue;
    }
    if (devStage) continue;
    const final = froms.length === 0 || instruction.getRange().start.line > (lastFrom?.getRange().start.line ?? -1);
    if (keyword === "WORKDIR" && args[0] !== undefined) workdir = path.posix.resolve(workdir, args[0]);
    else if (keyword === "ENV") {
      const properties = (instruction as unknown as { getProperties?: () => { getName(): string; getValue(): string | null }[] }).getProperties?.() ?? [];
      const nodeEnv = properties.find((p) => p.getName() === "NODE_ENV")?.getValue();
      if (nodeEnv) devEnv = isDevName(nodeEnv);
    } else if (keyword === "COPY" || keyword === "ADD") {
      const flags = (instruction as unknown as { getFlags?: () => { getName(): string }[] }).getFlags?.() ?? [];
      const json = jsonStrings(instruction);
      const paths = json ?? args;
      if (paths.length >= 2) {
        copies.push({ sources: paths.slice(0, -1), dest: paths[paths.length - 1] as string, fromStage: flags.some((f) => f.getName() === "from") });
      }
    } else if (keyword === "RUN" || keyword === "CMD" || keyword === "ENTRYPOINT") {
      if (devEnv) continue;
      const json = jsonStrings(instruction);
      const content = json ? execFormText(json) : instructionContent(source, instruction, offset);
      if (content === undefined || content.trim() === "") continue;
      const paths = dockerPaths(ctx.dir, [...copies], ctx.host, workdir);
      const entry: Entry = {
        surface: `Dockerfile ${keyword}`,
        when: keyword === "RUN" ? "at image build time" : "on every container start",
        command: content,
        range,
        pkg,
        cwd: workdir,
        paths,
        label: keyword,
      };
      if (keyword === "RUN") entries.push(entry);
      else if (final || stageIndex === -1) {
        if (keyword === "CMD") cmd = entry;
        else entrypoint = entry;
      }
    }
  }
  // a CMD that starts a dev server makes this a dev image: neither its ENTRYPOINT nor its RUN steps are production
  if (cmd && isDevCommand(cmd.command)) return [];
  if (entrypoint) entries.push(entrypoint);
  if (cmd) entries.push(cmd);
  return entries;
}

/**
 * The exec form (`["sh", "-c", "…"]`) of an instruction, read with JSON.parse
 * from its argument text (dockerfile-ast's getJSONValue drops the spaces
 * inside strings); undefined for the shell form.
 */
function jsonStrings(instruction: unknown): string[] | undefined {
  const content = (instruction as { getArgumentsContent?: () => string | null }).getArgumentsContent?.();
  if (!content || !content.trimStart().startsWith("[")) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(content.replace(/\\\r?\n/g, " "));
  } catch (error) {
    if (error instanceof SyntaxError) return undefined; // not valid JSON: Docker runs it in the shell form
    throw error;
  }
  return Array.isArray(parsed) && parsed.every((w) => typeof w === "string") ? (parsed as string[]) : undefined;
}

/** The shell-form text of an instruction (after its keyword), continuation lines and all. */
function instructionContent(
  source: string,
  instruction: { getArgumentsRange(): { start: { line: number; character: number }; end: { line: number; character: number } } | null },
  offset: (pos: { line: number; character: number }) => number,
): string | undefined {
  const range = instruction.getArgumentsRange();
  if (!range) return undefined;
  // dockerfile-ast keeps `\`-newlines in the range; the shell parser joins them; comment lines inside continuations are dropped
  return source
    .slice(offset(range.start), offset(range.end))
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n");
}

// ---------------------------------------------------------------- YAML and JSON surfaces

function composeEntries(ctx: Context, source: string): Entry[] {
  const program = parseYAML(source);
  const entries: Entry[] = [];
  for (const document of program.body) {
    const root = fromYamlAst(document);
    const services = entry(root, "services");
    if (services?.kind !== "map") continue;
    for (const { key: name, value: service } of services.entries) {
      if (service.kind !== "map" || isDevName(name)) continue;
      if (items(entry(service, "profiles")).some((p) => isDevName(text(p) ?? ""))) continue;
      if (composeNodeEnvIsDev(entry(service, "environment"))) continue;
      const build = entry(service, "build");
      const context = text(build) ?? text(entry(build, "context"));
      const contextDir = context === undefined ? ctx.dir : path.resolve(ctx.dir, context);
      const dockerfileName = text(entry(build, "dockerfile")) ?? "Dockerfile";
      const { copies, workdir } = dockerLayout(path.resolve(contextDir, dockerfileName), ctx.host);
      for (const volume of items(entry(service, "volumes"))) {
        const spec = text(volume)?.split(":");
        if (spec && spec.length >= 2 && /^[./]/.test(spec[0] as string)) {
          copies.push({ sources: [path.relative(contextDir, path.resolve(ctx.dir, spec[0] as string)) || "."], dest: `${spec[1]}/`, fromStage: false });
        }
      }
      const cwd = text(entry(service, "working_dir")) ?? workdir;
      const paths = dockerPaths(contextDir, copies, ctx.host, cwd);
      const pkg = packageNear(contextDir, ctx.host);
      const serviceCommand = plainCommand(entry(service, "command"));
      if (serviceCommand !== undefined && isDevCommand(serviceCommand)) continue;
      for (const key of ["entrypoint", "command"] as const) {
        const node = entry(service, key);
        const command = plainCommand(node);
        if (!node || command === undefined) continue;
        entries.push({
          surface: `compose service "${name}" ${key}`,
          when: "on every container start",
          command,
          range: node.range,
          pkg,
          cwd,
          paths,
          label: key === "command" ? "command:" : "entrypoint:",
        });
      }
    }
  }
  return entries;
}

function composeNodeEnvIsDev(env: PlainNode | undefined): boolean {
  if (env?.kind === "map") {
    const value = text(entry(env, "NODE_ENV"));
    return value !== undefined && isDevName(value);
  }
  return items(env).some((item) => {
    const match = /^NODE_ENV=(.*)$/.exec(text(item) ?? "");
    return !!match && isDevName(match[1] as string);
  });
}

/** COPY entries and the final WORKDIR of a Dockerfile on disk (empty when there is none). */
function dockerLayout(file: string, host: FileSystemHost): { copies: CopyEntry[]; workdir: string } {
  const source = host.readText(file);
  const copies: CopyEntry[] = [];
  let workdir = "/";
  if (source === undefined) return { copies, workdir };
  for (const instruction of DockerfileParser.parse(source).getInstructions()) {
    const keyword = instruction.getKeyword();
    const args = jsonStrings(instruction) ?? instruction.getArguments().map((a) => a.getValue());
    if (keyword === "FROM") workdir = "/";
    else if (keyword === "WORKDIR" && args[0] !== undefined) workdir = path.posix.resolve(workdir, args[0]);
    else if ((keyword === "COPY" || keyword === "ADD") && args.length >= 2) {
      const flags = (instruction as unknown as { getFlags?: () => { getName(): string }[] }).getFlags?.() ?? [];
      copies.push({ sources: args.slice(0, -1), dest: args[args.length - 1] as string, fromStage: flags.some((f) => f.getName() === "from") });
    }
  }
  return { copies, workdir };
}

/** A command given as a string (shell text) or a list of words (exec form). */
function plainCommand(node: PlainNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind === "seq") {
    const argv = node.items.map(text);
    return argv.every((w): w is string => w !== undefined) ? execFormText(argv) : undefined;
  }
  return text(node);
}

function renderEntries(ctx: Context, source: string): Entry[] {
  const entries: Entry[] = [];
  for (const document of parseYAML(source).body) {
    const root = fromYamlAst(document);
    for (const service of items(entry(root, "services"))) {
      const name = text(entry(service, "name")) ?? "";
      if (isDevName(name)) continue;
      const rootDir = text(entry(service, "rootDir"));
      const dir = rootDir === undefined ? ctx.dir : path.resolve(ctx.dir, rootDir);
      const pkg = readPackage(dir, ctx.host) ?? packageNear(dir, ctx.host);
      for (const [key, when] of [
        ["preDeployCommand", "before every deploy"],
        ["startCommand", "on every start"],
        ["buildCommand", "on every build"],
      ] as const) {
        const node = entry(service, key);
        const command = text(node);
        if (!node || command === undefined) continue;
        entries.push({ surface: `render.yaml service "${name}" ${key}`, when, command, range: node.range, pkg, cwd: dir, label: `${key}:` });
      }
    }
  }
  return entries;
}

/** railway.json, vercel.json, app.json: commands at JSON paths. */
function jsonEntries(ctx: Context, source: string, kind: "railway-json" | "vercel" | "app-json"): Entry[] {
  const root = fromJsonAst(parseJSON(source));
  const pkg = readPackage(ctx.dir, ctx.host) ?? packageNear(ctx.dir, ctx.host);
  const targets: [PlainNode | undefined, string, string][] =
    kind === "railway-json"
      ? [
          [entry(entry(root, "deploy"), "preDeployCommand"), "railway.json deploy.preDeployCommand", "before every deploy"],
          [entry(entry(root, "deploy"), "startCommand"), "railway.json deploy.startCommand", "on every start"],
          [entry(entry(root, "build"), "buildCommand"), "railway.json build.buildCommand", "on every build"],
        ]
      : kind === "vercel"
        ? [[entry(root, "buildCommand"), "vercel.json buildCommand", "on every build"]]
        : (() => {
            const postdeploy = entry(entry(root, "scripts"), "postdeploy");
            return [[postdeploy?.kind === "map" ? entry(postdeploy, "command") : postdeploy, "app.json scripts.postdeploy", "after the app is first deployed"]];
          })();
  const entries: Entry[] = [];
  for (const [node, surface, when] of targets) {
    const commands = node?.kind === "seq" ? node.items : node ? [node] : [];
    for (const item of commands) {
      const command = text(item);
      if (command !== undefined) entries.push({ surface, when, command, range: item.range, pkg, cwd: ctx.dir, label: "" });
    }
  }
  return entries;
}

// ---------------------------------------------------------------- line and TOML surfaces

function procfileEntries(ctx: Context, source: string): Entry[] {
  const pkg = readPackage(ctx.dir, ctx.host) ?? packageNear(ctx.dir, ctx.host);
  const entries: Entry[] = [];
  const lineRe = /^([A-Za-z0-9_-]+)[ \t]*:[ \t]*(.*)$/gm;
  for (let match = lineRe.exec(source); match; match = lineRe.exec(source)) {
    const processType = match[1] as string;
    if (processType !== "release" && processType !== "web") continue;
    const command = match[2] as string;
    const commandStart = match.index + match[0].length - command.length;
    entries.push({
      surface: `Procfile ${processType} process`,
      when: processType === "release" ? "before every release" : "on every start",
      command,
      range: [match.index, match.index + match[0].length],
      textOffset: commandStart,
      pkg,
      cwd: ctx.dir,
      label: `${processType}:`,
    });
  }
  return entries;
}

function tomlEntries(ctx: Context, source: string, kind: "fly" | "railway-toml" | "nixpacks"): Entry[] {
  const data = parseTomlOrUndefined(source);
  if (!data) return [];
  const pkg = readPackage(ctx.dir, ctx.host) ?? packageNear(ctx.dir, ctx.host);
  const name = path.basename(ctx.file);
  const out: Entry[] = [];
  const add = (value: unknown, key: string, surface: string, when: string, section?: string) => {
    const values = Array.isArray(value) && !value.every((v) => typeof v === "string" && !/\s/.test(v)) ? value : [value];
    for (const v of values) {
      const command = commandOf(v);
      if (command !== undefined) out.push({ surface, when, command, range: keyRange(source, key, section), pkg, cwd: ctx.dir, label: "" });
    }
  };
  if (kind === "fly") {
    add(asRecord(data.deploy)?.release_command, "release_command", `${name} [deploy] release_command`, "before every release", "deploy");
    for (const [process, command] of Object.entries(asRecord(data.processes) ?? {})) {
      if (!isDevName(process)) add(command, process, `${name} [processes] ${process}`, "on every start", "processes");
    }
  } else if (kind === "railway-toml") {
    const deploy = asRecord(data.deploy);
    add(deploy?.preDeployCommand, "preDeployCommand", "railway.toml deploy.preDeployCommand", "before every deploy", "deploy");
    add(deploy?.startCommand, "startCommand", "railway.toml deploy.startCommand", "on every start", "deploy");
    add(asRecord(data.build)?.buildCommand, "buildCommand", "railway.toml build.buildCommand", "on every build", "build");
  } else {
    add(asRecord(data.start)?.cmd, "cmd", "nixpacks.toml [start] cmd", "on every start", "start");
    for (const [phase, body] of Object.entries(asRecord(data.phases) ?? {})) {
      const cmds = asRecord(body)?.cmds;
      if (Array.isArray(cmds)) for (const c of cmds) add(c, "cmds", `nixpacks.toml [phases.${phase}] cmds`, "on every build", `phases.${phase}`);
    }
  }
  return out;
}

/** A shell script linted on its own: production-facing by its name (`deploy.sh`, `docker-entrypoint.sh`) or its `NODE_ENV=production`. */
function shellEntries(ctx: Context, source: string): Entry[] {
  const base = path.basename(ctx.file).replace(/\.(ba|z|da)?sh$/, "");
  const production = words(base).some((w) => PRODUCTION_SCRIPT_WORD.test(w)) || /\bNODE_ENV=["']?production\b/.test(source);
  if (!production || !isShellScript(ctx.file, source)) return [];
  const pkg = packageNear(ctx.dir, ctx.host);
  return [{ surface: path.basename(ctx.file), when: "when it runs", command: source, range: [0, 0], textOffset: 0, pkg, cwd: pkg?.dir ?? ctx.dir, label: "" }];
}

/**
 * Push findings of a deploy file: the command each production entry runs,
 * followed to `drizzle-kit push`. `root` is the directory `allowFiles`
 * paths are relative to (ESLint's cwd).
 */
export function surfacePushFindings(
  source: string,
  filename: string,
  policy: SurfacePolicy,
  root: string,
  host: FileSystemHost = nodeFileSystem,
): SurfaceFinding[] {
  const kind = surfaceKind(filename);
  if (!kind) return [];
  const relative = path.relative(root, filename).split(path.sep).join("/");
  if (matchesAny(relative, policy.allowFiles) || matchesAny(path.basename(filename), policy.allowFiles)) return [];
  // dev/test files by name: Dockerfile.dev, docker-compose.test.yml, fly.staging.toml, scripts/dev-setup.sh
  const base = path.basename(filename).replace(/\.(ya?ml|toml|json|sh)$/i, "");
  if (isDevName(base.replace(/^(docker-)?compose|^dockerfile|^containerfile|^fly/i, ""))) return [];
  const dir = path.dirname(filename);
  const ctx: Context = {
    file: filename,
    dir,
    host,
    policy,
    resolver: (paths) => new ChainResolver(host, policy.allowScripts, { paths, commandLabels: true }),
  };
  let entries: Entry[];
  switch (kind) {
    case "dockerfile":
      entries = dockerfileEntries(ctx, source);
      break;
    case "compose":
      entries = composeEntries(ctx, source);
      break;
    case "procfile":
      entries = procfileEntries(ctx, source);
      break;
    case "render":
      entries = renderEntries(ctx, source);
      break;
    case "railway-json":
    case "vercel":
    case "app-json":
      entries = jsonEntries(ctx, source, kind);
      break;
    case "fly":
    case "railway-toml":
    case "nixpacks":
      entries = tomlEntries(ctx, source, kind);
      break;
    case "shell":
      entries = shellEntries(ctx, source);
      break;
  }
  return entries.flatMap((e) => follow(ctx, e) ?? []);
}
