import path from "node:path";
import { parseForESLint } from "yaml-eslint-parser";
import { describe, expect, it } from "vitest";
import { commandTextSteps, directPush, splitCommands } from "../../src/checks/no-push-in-production/command.js";
import { entry, fromYamlAst } from "../../src/checks/no-push-in-production/plain.js";
import { ChainResolver, isProductionScript, productionScriptsRunningPush } from "../../src/checks/no-push-in-production/scripts.js";
import { classifyEnvironment, productionPushSteps, productionTrigger } from "../../src/checks/no-push-in-production/workflow.js";
import {
  nodeFileSystem,
  readPackage,
  selectPackages,
  workspacePackages,
  type FileSystemHost,
  type PackageInfo,
} from "../../src/checks/no-push-in-production/workspace.js";
import rule from "../../src/rules/no-push-in-production.js";
import { fixturesDir } from "../rule-tester.js";
import { fixtureProgram, sourceFileOf } from "../program.js";

const monorepo = path.join(fixturesDir, "push-monorepo");
const noPolicy = { productionScripts: [], devScripts: [], allowScripts: [] };

function pkg(scripts: Record<string, string>, dir = "/virtual"): PackageInfo {
  return { dir, name: undefined, scripts, workspaces: undefined };
}

/** An in-memory host: no file exists. */
const emptyHost: FileSystemHost = { readText: () => undefined, globDirs: () => [] };

describe("splitCommands", () => {
  it("splits on &&, ||, ;, |, & and newlines, keeping quoted words whole", () => {
    expect(splitCommands(`a && b || c; d | e & f\ng`)).toEqual([["a"], ["b"], ["c"], ["d"], ["e"], ["f"], ["g"]]);
    expect(splitCommands(`echo "x && y" 'z;w' && npx drizzle-kit push`)).toEqual([
      ["echo", "x && y", "z;w"],
      ["npx", "drizzle-kit", "push"],
    ]);
  });

  it("joins backslash-continued lines and drops comments", () => {
    expect(splitCommands("npx drizzle-kit \\\n  push --force # reset it\nnext build")).toEqual([
      ["npx", "drizzle-kit", "push", "--force"],
      ["next", "build"],
    ]);
  });
});

describe("drizzle-kit push recognition", () => {
  const pushes: [string, string][] = [
    ["drizzle-kit push", "drizzle-kit push"],
    ["drizzle-kit push --force", "drizzle-kit push --force"],
    ["drizzle-kit push:pg", "drizzle-kit push:pg"],
    ["npx drizzle-kit push", "drizzle-kit push"],
    ["npx --yes drizzle-kit@0.31 push --config drizzle.prod.ts", "drizzle-kit push"],
    ["bunx drizzle-kit push --force", "drizzle-kit push --force"],
    ["bun x drizzle-kit push", "drizzle-kit push"],
    ["pnpm exec drizzle-kit push", "drizzle-kit push"],
    ["pnpm dlx drizzle-kit push", "drizzle-kit push"],
    ["pnpm drizzle-kit push", "drizzle-kit push"],
    ["yarn drizzle-kit push", "drizzle-kit push"],
    ["yarn dlx drizzle-kit push", "drizzle-kit push"],
    ["npm exec -- drizzle-kit push", "drizzle-kit push"],
    ["./node_modules/.bin/drizzle-kit push", "drizzle-kit push"],
    ["node node_modules/drizzle-kit/bin.cjs push", "drizzle-kit push"],
    ["DATABASE_URL=$PROD_URL drizzle-kit push", "drizzle-kit push"],
    ["cross-env NODE_ENV=production drizzle-kit push", "drizzle-kit push"],
    ["dotenv -e .env.production -- drizzle-kit push --force", "drizzle-kit push --force"],
    ["sh -c 'npx drizzle-kit push'", "drizzle-kit push"],
    ['concurrently "next start" "drizzle-kit push"', "drizzle-kit push"],
    ["drizzle-kit --config=drizzle.config.ts push", "drizzle-kit push"],
  ];
  for (const [command, display] of pushes) {
    it(`recognises \`${command}\``, () => expect(directPush(command)?.display).toBe(display));
  }

  const notPushes = [
    "drizzle-kit generate",
    "drizzle-kit migrate",
    "drizzle-kit studio",
    "git push",
    "git push origin main",
    "echo drizzle-kit push",
    'echo "run drizzle-kit push in dev only"',
    "docker push registry/app",
    "npm run push",
    "npx prisma db push",
    "npx drizzle-kit-push-helper push",
  ];
  for (const command of notPushes) {
    it(`ignores \`${command}\``, () => expect(directPush(command)).toBeUndefined());
  }
});

describe("script calls", () => {
  it("recognises npm/pnpm/yarn/bun script runners", () => {
    const script = (command: string) => commandTextSteps(command).map((s) => (s.type === "script" ? s.script : s.type));
    expect(script("npm run db:push")).toEqual(["db:push"]);
    expect(script("npm run -s db:push -- --verbose")).toEqual(["db:push"]);
    expect(script("npm start")).toEqual(["start"]);
    expect(script("npm install")).toEqual([]);
    expect(script("pnpm db:push")).toEqual(["db:push"]);
    expect(script("pnpm run db:push")).toEqual(["db:push"]);
    expect(script("pnpm install")).toEqual([]);
    expect(script("pnpm deploy ./out")).toEqual([]);
    expect(script("yarn db:push")).toEqual(["db:push"]);
    expect(script("yarn run db:push")).toEqual(["db:push"]);
    expect(script("yarn add drizzle-kit")).toEqual([]);
    expect(script("bun run db:push")).toEqual(["db:push"]);
    expect(script("run-s db:push build")).toEqual(["db:push", "build"]);
  });

  it("recognises workspace calls", () => {
    expect(commandTextSteps("pnpm -F @shop/db db:push")).toEqual([{ type: "workspace", script: "db:push", filters: ["@shop/db"] }]);
    expect(commandTextSteps("pnpm --filter=@shop/db run migrate")).toEqual([{ type: "workspace", script: "migrate", filters: ["@shop/db"] }]);
    expect(commandTextSteps("turbo run build --filter=web")).toEqual([{ type: "workspace", script: "build", filters: ["web"] }]);
    expect(commandTextSteps("turbo build lint")).toEqual([
      { type: "workspace", script: "build", filters: undefined },
      { type: "workspace", script: "lint", filters: undefined },
    ]);
    expect(commandTextSteps("npm run sync -w db")).toEqual([{ type: "workspace", script: "sync", filters: ["db"] }]);
    expect(commandTextSteps("yarn workspace db sync")).toEqual([{ type: "workspace", script: "sync", filters: ["db"] }]);
    expect(commandTextSteps("pnpm -r build")).toEqual([{ type: "workspace", script: "build", filters: undefined }]);
  });
});

describe("production-facing script names", () => {
  it("lifecycle and deploy names, words prod/production/deploy/release", () => {
    for (const name of ["start", "build", "postinstall", "prepare", "vercel-build", "heroku-postbuild", "deploy", "predeploy", "start:prod", "db:push:production", "release", "deploy-api", "startProd"]) {
      expect(isProductionScript(name, noPolicy), name).toBe(true);
    }
    for (const name of ["dev", "db:push", "test", "lint", "products:import", "reproduce", "db:seed"]) {
      expect(isProductionScript(name, noPolicy), name).toBe(false);
    }
  });

  it("productionScripts adds names, devScripts exempts them (and wins)", () => {
    expect(isProductionScript("boot", { ...noPolicy, productionScripts: ["boot"] })).toBe(true);
    expect(isProductionScript("serve:*", { ...noPolicy, productionScripts: ["serve:*"] })).toBe(true);
    expect(isProductionScript("deploy:preview", { ...noPolicy, devScripts: ["deploy:preview"] })).toBe(false);
    expect(isProductionScript("start", { ...noPolicy, productionScripts: ["start"], devScripts: ["start"] })).toBe(false);
  });
});

describe("script chains", () => {
  it("follows a chain and shows it", () => {
    const found = productionScriptsRunningPush(
      pkg({ deploy: "npm run db:push && next build", "db:push": "drizzle-kit push --force" }),
      noPolicy,
      emptyHost,
    );
    expect(found).toEqual([{ script: "deploy", chain: expect.objectContaining({ links: ["deploy", "db:push", "drizzle-kit push --force"] }) }]);
  });

  it("follows npm pre/post hooks", () => {
    const found = productionScriptsRunningPush(pkg({ deploy: "npm run migrate", premigrate: "drizzle-kit push", migrate: "echo ok" }), noPolicy, emptyHost);
    expect(found.map((f) => f.chain.links)).toEqual([["deploy", "premigrate", "drizzle-kit push"]]);
  });

  it("survives cycles", () => {
    const found = productionScriptsRunningPush(pkg({ start: "npm run a", a: "npm run b", b: "npm run a && npm start" }), noPolicy, emptyHost);
    expect(found).toEqual([]);
  });

  it("allowScripts stops a chain", () => {
    const scripts = { deploy: "npm run db:bluegreen", "db:bluegreen": "drizzle-kit push" };
    expect(productionScriptsRunningPush(pkg(scripts), { ...noPolicy, allowScripts: ["db:bluegreen"] }, emptyHost)).toEqual([]);
    expect(productionScriptsRunningPush(pkg(scripts), noPolicy, emptyHost)).toHaveLength(1);
  });

  it("follows pnpm -F and turbo into workspace packages on disk", () => {
    const root = readPackage(monorepo, nodeFileSystem) as PackageInfo;
    expect(root.workspaces).toEqual(["packages/*", "apps/*"]);
    const packages = workspacePackages(root, nodeFileSystem);
    expect(packages.map((p) => p.name).sort()).toEqual(["@shop/api", "@shop/db", "@shop/web"]);
    expect(selectPackages(root, packages, "@shop/*")?.length).toBe(3);
    expect(selectPackages(root, packages, "./apps/*")?.map((p) => p.name).sort()).toEqual(["@shop/api", "@shop/web"]);
    expect(selectPackages(root, packages, "!@shop/db")).toBeUndefined();

    const resolver = new ChainResolver(nodeFileSystem, []);
    expect(resolver.command(root, "pnpm -F @shop/db db:push")?.links).toEqual(["@shop/db#db:push", "drizzle-kit push --force"]);
    expect(resolver.command(root, "pnpm --filter @shop/db migrate")).toBeUndefined();
    // turbo's `build` runs no push in any package; `dev` does (through @shop/api#dev → db:sync)
    expect(resolver.command(root, "turbo run build")).toBeUndefined();
    expect(resolver.command(root, "turbo run dev")?.links).toEqual(["@shop/api#dev", "db:sync", "drizzle-kit push"]);
  });

  it("follows `cd dir`, `pnpm -C dir`, `npm --prefix dir` into that directory's package.json", () => {
    const root = readPackage(monorepo, nodeFileSystem) as PackageInfo;
    const resolver = new ChainResolver(nodeFileSystem, []);
    const expected = ["@shop/db#db:push", "drizzle-kit push --force"];
    expect(resolver.command(root, "cd packages/db && npm run db:push")?.links).toEqual(expected);
    expect(resolver.command(root, "pnpm -C packages/db db:push")?.links).toEqual(expected);
    expect(resolver.command(root, "npm --prefix ./packages/db run db:push")?.links).toEqual(expected);
    expect(resolver.command(root, "yarn --cwd packages/db migrate")).toBeUndefined();
    // unknown directories: scripts are not followed (the root's own db:push is not the one that runs)
    expect(resolver.command(root, "cd $APP_DIR && pnpm db:push")).toBeUndefined();
    expect(resolver.command(root, "cd apps/web && pnpm db:push")).toBeUndefined();
    expect(resolver.command(root, "cd apps/web && npx drizzle-kit push")?.links).toEqual(["drizzle-kit push"]);
  });

  it("npm workspaces: `-w` by name", () => {
    const root = readPackage(path.join(fixturesDir, "push-npm-workspaces"), nodeFileSystem) as PackageInfo;
    const resolver = new ChainResolver(nodeFileSystem, []);
    expect(resolver.command(root, "npm run sync -w db")?.links).toEqual(["db#sync", "drizzle-kit push:pg"]);
    expect(resolver.command(root, "npm run sync -w nope")).toBeUndefined();
  });
});

function workflow(yaml: string) {
  const { ast } = parseForESLint(yaml, {});
  const tree = fromYamlAst(ast.body[0]);
  if (!tree) throw new Error("no YAML document");
  return tree;
}

describe("workflows", () => {
  it("production triggers", () => {
    const on = (yaml: string) => productionTrigger(entry(workflow(yaml), "on"));
    expect(on("on:\n  push:\n    branches: [main]\n")).toBe("on push to main");
    expect(on("on:\n  push:\n    branches:\n      - master\n")).toBe("on push to master");
    expect(on("on:\n  push:\n    tags: ['v*']\n")).toBe("on tag push");
    expect(on("on: [push, release]\n")).toBe("on release");
    expect(on("on:\n  release:\n    types: [published]\n")).toBe("on release");
    // unsure: every branch, pull requests, manual runs
    expect(on("on: push\n")).toBeUndefined();
    expect(on("on:\n  push:\n    branches: [feature/*]\n")).toBeUndefined();
    expect(on("on: [pull_request, workflow_dispatch]\n")).toBeUndefined();
  });

  it("environment names", () => {
    expect(classifyEnvironment("production")).toBe("production");
    expect(classifyEnvironment("prod-eu")).toBe("production");
    expect(classifyEnvironment("preview")).toBe("throwaway");
    expect(classifyEnvironment("ci-db")).toBe("throwaway");
    expect(classifyEnvironment("specific")).toBeUndefined();
    expect(classifyEnvironment("${{ inputs.env }}")).toBe("dynamic");
  });

  const options = { file: ".github/workflows/deploy.yml", allowWorkflows: [], packageAt: () => undefined, resolver: new ChainResolver(emptyHost, []) };

  it("reports a push step in a job that deploys on main, with its range", () => {
    const yaml = "on:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx drizzle-kit push --force\n";
    const found = productionPushSteps(workflow(yaml), options);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ job: "deploy", reason: "on push to main", chain: { links: ["drizzle-kit push --force"] } });
    expect(yaml.slice(...(found[0]?.range as [number, number]))).toBe("npx drizzle-kit push --force");
  });

  it("skips throwaway databases and non-production jobs", () => {
    const base = "on:\n  push:\n    branches: [main]\njobs:\n  test:\n";
    const cases = [
      "    services:\n      postgres:\n        image: postgres:16\n    steps:\n      - run: npx drizzle-kit push\n",
      "    env:\n      DATABASE_URL: postgres://postgres:postgres@localhost:5432/test\n    steps:\n      - run: npx drizzle-kit push\n",
      "    steps:\n      - run: npx drizzle-kit push\n        env:\n          DATABASE_URL: postgresql://u:p@127.0.0.1/db\n",
      "    environment: preview\n    steps:\n      - run: npx drizzle-kit push\n",
      "    environment:\n      name: ${{ github.ref_name }}\n    steps:\n      - run: npx drizzle-kit push\n",
      "    if: github.event_name == 'pull_request'\n    steps:\n      - run: npx drizzle-kit push\n",
      "    steps:\n      - run: docker run -d -p 5432:5432 postgres:16\n      - run: npx drizzle-kit push\n",
    ];
    for (const job of cases) expect(productionPushSteps(workflow(base + job), options), job).toEqual([]);
    // the same push step alone is reported: the exemptions above are what makes them valid
    expect(productionPushSteps(workflow(`${base}    steps:\n      - run: npx drizzle-kit push\n`), options)).toHaveLength(1);
  });

  it("CI on main and pull requests, and pushes reached through test scripts, are not deploys", () => {
    const job = "jobs:\n  ci:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n";
    const resolver = new ChainResolver(emptyHost, []);
    const withTestScript = { ...options, resolver, packageAt: () => pkg({ test: "drizzle-kit push && vitest", deploy: "drizzle-kit push" }) };
    expect(productionPushSteps(workflow(`on:\n  push:\n    branches: [main]\n${job}`), withTestScript)).toEqual([]);
    const deployJob = job.replace("npm test", "npm run deploy");
    expect(productionPushSteps(workflow(`on:\n  push:\n    branches: [main]\n${deployJob}`), withTestScript)).toHaveLength(1);
    expect(productionPushSteps(workflow(`on:\n  push:\n    branches: [main]\n  pull_request:\n${deployJob}`), withTestScript)).toEqual([]);
    // unless the job itself is limited to main or targets production
    const mainOnly = deployJob.replace("    runs-on", "    if: github.ref == 'refs/heads/main'\n    runs-on");
    expect(productionPushSteps(workflow(`on: [push, pull_request]\n${mainOnly}`), withTestScript).map((f) => f.reason)).toEqual(["runs on the default branch"]);
  });

  it("environment: production counts without a production trigger; allowWorkflows exempts", () => {
    const yaml = "on: workflow_dispatch\njobs:\n  migrate:\n    environment: production\n    steps:\n      - run: npx drizzle-kit push\n";
    expect(productionPushSteps(workflow(yaml), options).map((f) => f.reason)).toEqual(["environment: production"]);
    expect(productionPushSteps(workflow(yaml), { ...options, allowWorkflows: ["deploy.yml"] })).toEqual([]);
    expect(productionPushSteps(workflow(yaml), { ...options, allowWorkflows: ["deploy.yml#migrate"] })).toEqual([]);
    expect(productionPushSteps(workflow(yaml), { ...options, allowWorkflows: ["deploy.yml#other"] })).toHaveLength(1);
  });
});

describe("the code analyzer (what the transformer runs)", () => {
  const code = `import { execSync } from "node:child_process";
import { pushSchema } from "drizzle-kit/api";
execSync("npx drizzle-kit push --force");
export const p = pushSchema;
`;
  // one program for the three files: the analysis is per file
  const files = ["file.ts", "push/seed.test.ts", "push/__tests__/setup.ts"];
  let shared: ReturnType<typeof fixtureProgram> | undefined;
  const run = (file: string) => {
    if (!files.includes(file)) throw new Error(`not in the shared program: ${file}`);
    const program = (shared ??= fixtureProgram(Object.fromEntries(files.map((f) => [f, code]))));
    const sourceFile = sourceFileOf(program, file);
    return rule.analyze({ program, checker: program.getTypeChecker(), sourceFile, settings: {} }, rule.defaultOptions);
  };

  it("reports exec and pushSchema in application code, without a tsconfig path on the program", () => {
    const findings = run("file.ts");
    expect(findings.map((f) => [f.messageId, f.data])).toEqual([
      ["pushSchemaImport", { name: "pushSchema", module: "drizzle-kit/api" }],
      ["pushInCode", { callee: "execSync", command: "drizzle-kit push --force" }],
    ]);
    expect(code.slice(findings[1]?.start, findings[1]?.end)).toBe(`execSync("npx drizzle-kit push --force")`);
  });

  it("skips test files", () => {
    expect(run("push/seed.test.ts")).toEqual([]);
    expect(run("push/__tests__/setup.ts")).toEqual([]);
  });
});
