import path from "node:path";
import { describe, expect, it } from "vitest";
import { commandTextSteps, directPush, splitCommands } from "../../src/checks/no-push-in-production/command.js";
import { ChainResolver, makeRecipe, matchesAny } from "../../src/checks/no-push-in-production/scripts.js";
import { parseShell, shellWords } from "../../src/engine/shell.js";
import { surfaceKind } from "../../src/checks/no-push-in-production/surfaces.js";
import { nodeFileSystem, readPackage, selectPackages, workspacePackages, type PackageInfo } from "../../src/checks/no-push-in-production/workspace.js";
import { fixturesDir } from "../rule-tester.js";

/** The shell parser (bash-parser), the globbing (picomatch, tinyglobby) and the file followers of no-push-in-production. */
describe("shell parsing", () => {
  it("shellWords: the words of every command of a package.json script, quotes removed, operators and redirections dropped", () => {
    expect(shellWords("cross-env NODE_ENV=test tsx 'scripts/seed db.ts' && node dist/reset.js 2>&1 | tee log")).toEqual([
      "cross-env",
      "NODE_ENV=test",
      "tsx",
      "scripts/seed db.ts",
      "node",
      "dist/reset.js",
      "tee",
      "log",
    ]);
    expect(shellWords('drizzle-kit migrate --config="drizzle/prod.config.ts"')).toEqual(["drizzle-kit", "migrate", "--config=drizzle/prod.config.ts"]);
  });

  it("reads `2>&1` as a redirection, not as a word `2>` and a command `1`", () => {
    expect(splitCommands("npm run db:push 2>&1 | tee push.log")).toEqual([
      ["npm", "run", "db:push"],
      ["tee", "push.log"],
    ]);
    expect(commandTextSteps("npx drizzle-kit push --force 2>&1 >/dev/null")).toEqual([{ type: "push", display: "drizzle-kit push --force", force: true }]);
  });

  it("runs the commands of `$(…)` and backquotes", () => {
    expect(directPush('echo "$(npx drizzle-kit push)"')?.display).toBe("drizzle-kit push");
    expect(directPush("OUT=`npx drizzle-kit push --force`")?.display).toBe("drizzle-kit push --force");
  });

  it("keeps && / || / ; lists, subshells, quotes and line continuations apart", () => {
    expect(splitCommands(`(cd web && npm start) & wait; a || "b c"`)).toEqual([["cd", "web"], ["npm", "start"], ["wait"], ["a"], ["b c"]]);
    expect(splitCommands("npx drizzle-kit \\\n  push \\\n  --force")).toEqual([["npx", "drizzle-kit", "push", "--force"]]);
  });

  it("here-document bodies are data", () => {
    expect(directPush("cat <<EOF\nnpx drizzle-kit push\nEOF\necho done")).toBeUndefined();
    expect(directPush("cat <<-'EOF' > notes.txt\n\tnpx drizzle-kit push\n\tEOF\nnpx drizzle-kit push --force")?.display).toBe("drizzle-kit push --force");
  });

  it("falls back to line-by-line parsing when the parser rejects the text (bash arrays)", () => {
    const commands = parseShell("ARGS=(--verbose)\nnpx drizzle-kit push\n");
    expect(commands.map((c) => c.words)).toEqual([["npx", "drizzle-kit", "push"]]);
    expect(commands[0]?.start).toBe("ARGS=(--verbose)\n".length);
  });

  it("marks branches a NODE_ENV condition keeps out of production", () => {
    const commands = parseShell(
      'if [ "$NODE_ENV" = "development" ]; then\n  npx drizzle-kit push\nelse\n  npx drizzle-kit migrate\nfi\nif [ "$NODE_ENV" != production ]; then seed; fi',
    );
    expect(commands.filter((c) => c.nonProduction).map((c) => c.words[0] === "npx" ? c.words.join(" ") : c.words[0])).toEqual(["npx drizzle-kit push", "seed"]);
    expect(commands.find((c) => c.words.includes("migrate"))?.nonProduction).toBe(false);
  });

  it("forwards script arguments: `npm run X -- --force`, `pnpm X --force`", () => {
    const pkg: PackageInfo = { dir: "/virtual", name: undefined, scripts: { "db:push": "drizzle-kit push" }, workspaces: undefined };
    const resolver = new ChainResolver({ readText: () => undefined, globDirs: () => [] }, []);
    expect(resolver.command(pkg, "npm run db:push -- --force")?.push.force).toBe(true);
    expect(resolver.command(pkg, "pnpm db:push --force")?.push.force).toBe(true);
    expect(resolver.command(pkg, "npm run db:push")?.push.force).toBe(false);
  });
});

describe("globs (picomatch) and workspaces (tinyglobby)", () => {
  it("option globs expand braces and keep `*` within a name", () => {
    expect(matchesAny("deploy:prod", ["deploy:{prod,staging}"])).toBe(true);
    expect(matchesAny("deploy:dev", ["deploy:{prod,staging}"])).toBe(false);
    expect(matchesAny("db:push:green", ["db:*"])).toBe(true);
    expect(matchesAny("docker/bluegreen/Dockerfile", ["docker/**/Dockerfile"])).toBe(true);
  });

  it("expands `{a,b}` and `**` at any depth, and honours `!` exclusions", () => {
    const root = readPackage(path.join(fixturesDir, "push-globs"), nodeFileSystem) as PackageInfo;
    expect(root.workspaces).toEqual(["{apps,tools}/*", "deep/**", "!deep/a/b/c/d/e/excluded"]);
    const packages = workspacePackages(root, nodeFileSystem);
    expect(packages.map((p) => p.name).sort()).toEqual(["@globs/db", "deep-pkg", "web"]);
    expect(selectPackages(root, packages, "{tools/db}")?.map((p) => p.name)).toEqual(["@globs/db"]);
    expect(selectPackages(root, packages, "./{apps,tools}/*")?.map((p) => p.name).sort()).toEqual(["@globs/db", "web"]);
    expect(selectPackages(root, packages, "@globs/*")?.map((p) => p.name)).toEqual(["@globs/db"]);
    const resolver = new ChainResolver(nodeFileSystem, []);
    expect(resolver.command(root, "pnpm -r sync")?.links).toEqual(["deep-pkg#sync", "drizzle-kit push --force"]);
  });
});

describe("files a command runs", () => {
  const app = path.join(fixturesDir, "push-deploy", "entrypoint-app");

  it("Makefile targets, prerequisites first", () => {
    expect(makeRecipe("all: build\nbuild:\n\t@npm run build\n\ndeploy: build ; echo go\n\t-npx drizzle-kit push\n", "deploy")).toBe("npm run build\necho go\nnpx drizzle-kit push");
    expect(makeRecipe("x:\n\techo\n", "missing")).toBeUndefined();
  });

  it("follows shell scripts by path or shebang, with the caller's package", () => {
    const pkg = readPackage(app, nodeFileSystem) as PackageInfo;
    const resolver = new ChainResolver(nodeFileSystem, [], { commandLabels: true });
    expect(resolver.command(pkg, "./docker-entrypoint.sh node server.js")?.links).toEqual([
      "docker-entrypoint.sh",
      "npm run db:push -- --force",
      "drizzle-kit push --force",
    ]);
    expect(resolver.command(pkg, "bash bin/boot")?.links).toEqual(["boot", "drizzle-kit push --force"]);
    expect(resolver.command(pkg, "sh ./guarded-entrypoint.sh")).toBeUndefined();
    // a JavaScript file with a node shebang is not a shell script
    expect(resolver.command(pkg, "./package.json")).toBeUndefined();
  });

  it("knows the deploy files by name", () => {
    expect(["Dockerfile", "Dockerfile.prod", "web.Dockerfile", "Containerfile", "docker-compose.prod.yml", "compose.yaml", "Procfile", "fly.toml", "render.yaml", "railway.json", "railway.toml", "vercel.json", "nixpacks.toml", "app.json", "deploy.sh"].map(surfaceKind)).not.toContain(undefined);
    expect(["package.json", "tsconfig.json", "docker-compose.md", "Procfile.dev.md", "README", "Dockerfile.dockerignore"].map(surfaceKind)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
