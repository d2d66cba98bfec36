import path from "node:path";
import { Linter, RuleTester as ESLintRuleTester, type Rule } from "eslint";
import * as jsoncParser from "jsonc-eslint-parser";
import * as yamlParser from "yaml-eslint-parser";
import { describe, expect, it } from "vitest";
import { plainTextParser } from "../src/file-languages.js";
import plugin from "../src/index.js";
import rule from "../src/rules/no-push-in-production.js";
import { fixturesDir } from "./rule-tester.js";

ESLintRuleTester.describe = describe;
ESLintRuleTester.it = it;
ESLintRuleTester.itOnly = it.only;

/**
 * Deploy files: the command each production entry point runs is followed
 * through shell scripts, Makefile targets and package.json scripts read from
 * tests/fixtures/push-deploy/ (entrypoint-app: docker-entrypoint.sh runs
 * `npm run db:push -- --force`; migrate-app: only `drizzle-kit migrate` in
 * production scripts).
 */
const eslintRule = rule as unknown as Rule.RuleModule;
const app = path.join(fixturesDir, "push-deploy", "entrypoint-app");
const migrateApp = path.join(fixturesDir, "push-deploy", "migrate-app");
const force = " --force also accepts data-loss statements without asking.";

const start = "on every container start";
const data = (surface: string, when: string, chain: string, forced = "") => ({ surface, when, chain, force: forced });

/** 1-based line of the first line containing `marker`. */
function lineOf(code: string, marker: string): number {
  const index = code.split("\n").findIndex((l) => l.includes(marker));
  if (index < 0) throw new Error(`marker not found: ${marker}`);
  return index + 1;
}

const text = new ESLintRuleTester({ languageOptions: { parser: plainTextParser } });
const yaml = new ESLintRuleTester({ languageOptions: { parser: yamlParser } });
const json = new ESLintRuleTester({ languageOptions: { parser: jsoncParser } });

const entrypointDockerfile = `FROM node:20-alpine
WORKDIR /app
COPY . .
RUN npm ci && npx drizzle-kit generate && npm run build
COPY docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["npm", "start"]
`;

const buildTimePush = `FROM node:20 AS build
WORKDIR /app
COPY . .
RUN npm ci \\
 && npx drizzle-kit push \\
 && npm run build

FROM node:20-slim
COPY --from=build /app /app
CMD ["node", "server.js"]
`;

text.run("no-push-in-production (Dockerfile)", eslintRule, {
  valid: [
    {
      name: "RUN only generates; CMD starts the server",
      filename: path.join(app, "Dockerfile"),
      code: `FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npx drizzle-kit generate && npm run build\nCMD ["node", "server.js"]\n`,
    },
    { name: "a dev Dockerfile (by name)", filename: path.join(app, "Dockerfile.dev"), code: entrypointDockerfile },
    { name: "a dev Dockerfile (dev.Dockerfile)", filename: path.join(app, "dev.Dockerfile"), code: entrypointDockerfile },
    {
      name: "a dev stage",
      filename: path.join(app, "Dockerfile"),
      code: `FROM node:20 AS dev\nWORKDIR /app\nCOPY . .\nRUN npx drizzle-kit push\nCMD ["npm", "run", "dev"]\n\nFROM node:20 AS prod\nCMD ["node", "server.js"]\n`,
    },
    {
      name: "ENV NODE_ENV=development",
      filename: path.join(app, "Dockerfile"),
      code: `FROM node:20\nWORKDIR /app\nCOPY . .\nENV NODE_ENV=development\nCMD npm run db:push && npm run dev\n`,
    },
    {
      name: "the entrypoint only pushes under NODE_ENV=development",
      filename: path.join(app, "Dockerfile"),
      code: `FROM node:20\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["./guarded-entrypoint.sh"]\n`,
    },
    {
      name: "CMD npm run dev (a dev chain)",
      filename: path.join(app, "Dockerfile"),
      code: `FROM node:20\nWORKDIR /app\nCOPY . .\nCMD ["npm", "run", "dev"]\n`,
    },
    {
      name: "a dev image: the entrypoint pushes, but CMD starts the dev server",
      filename: path.join(app, "Dockerfile"),
      code: `FROM node:20\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["./docker-entrypoint.sh"]\nCMD ["npm", "run", "dev"]\n`,
    },
    {
      name: "a dev image: RUN pushes at build time, CMD starts the dev server",
      filename: path.join(app, "Dockerfile"),
      code: `FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm run db:push\nCMD npm run start:dev\n`,
    },
    {
      name: "make migrate",
      filename: path.join(app, "Dockerfile"),
      code: `FROM node:20\nWORKDIR /app\nCOPY . .\nCMD make migrate && node server.js\n`,
    },
    {
      name: "allowFiles",
      filename: path.join(app, "Dockerfile"),
      code: entrypointDockerfile,
      options: [{ allowFiles: ["**/entrypoint-app/Dockerfile"] }],
    },
    {
      name: "a script on the PATH that is not in the build context",
      filename: path.join(app, "Dockerfile"),
      code: `FROM node:20\nENTRYPOINT ["missing-entrypoint.sh"]\n`,
    },
  ],
  invalid: [
    {
      name: "ENTRYPOINT → docker-entrypoint.sh → npm run db:push -- --force (the entrypoint-script case)",
      filename: path.join(app, "Dockerfile"),
      code: entrypointDockerfile,
      errors: [
        {
          messageId: "pushInDeployFile",
          line: lineOf(entrypointDockerfile, "ENTRYPOINT"),
          data: {
            surface: "Dockerfile ENTRYPOINT",
            when: "on every container start",
            chain: "ENTRYPOINT docker-entrypoint.sh → npm run db:push -- --force → drizzle-kit push --force",
            force,
          },
        },
      ],
    },
    {
      name: "RUN pushes at image build time (continuation lines), in a build stage",
      filename: path.join(app, "Dockerfile"),
      code: buildTimePush,
      errors: [
        {
          messageId: "pushInDeployFile",
          line: lineOf(buildTimePush, "RUN npm ci"),
          data: { surface: "Dockerfile RUN", when: "at image build time", chain: "RUN drizzle-kit push", force: "" },
        },
      ],
    },
    {
      name: "CMD shell form through a package script",
      filename: path.join(app, "Containerfile"),
      code: `FROM node:20\nWORKDIR /app\nCOPY . .\nCMD npm run db:push && npm start\n`,
      errors: [{ messageId: "pushInDeployFile", line: 4, data: data("Dockerfile CMD", start, "CMD npm run db:push → drizzle-kit push") }],
    },
    {
      name: "CMD sh -c through a Makefile target (and its prerequisite)",
      filename: path.join(app, "api.Dockerfile"),
      code: `FROM node:20\nWORKDIR /app\nCOPY . .\nCMD ["sh", "-c", "make sync && node server.js"]\n`,
      errors: [{ messageId: "pushInDeployFile", line: 4, data: data("Dockerfile CMD", start, "CMD make sync → npm run db:push → drizzle-kit push") }],
    },
    {
      name: "ENTRYPOINT runs a script with a bash shebang and no extension",
      filename: path.join(app, "Dockerfile"),
      code: `FROM node:20\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["/app/bin/boot"]\n`,
      errors: [{ messageId: "pushInDeployFile", line: 4, data: data("Dockerfile ENTRYPOINT", start, "ENTRYPOINT boot → drizzle-kit push --force", force) }],
    },
  ],
});

text.run("no-push-in-production (Procfile, TOML, shell scripts)", eslintRule, {
  valid: [
    { name: "Procfile release runs drizzle-kit migrate", filename: path.join(migrateApp, "Procfile"), code: "release: npx drizzle-kit migrate\nweb: npm start\n" },
    { name: "Procfile release through a migrate script", filename: path.join(migrateApp, "Procfile"), code: "release: npm run db:migrate\nweb: npm start\n" },
    { name: "Procfile worker lines are not release/web", filename: path.join(migrateApp, "Procfile"), code: "worker: npx drizzle-kit push\n" },
    { name: "fly.toml release_command migrates", filename: path.join(migrateApp, "fly.toml"), code: `app = "shop"\n\n[deploy]\n  release_command = "npx drizzle-kit migrate"\n` },
    { name: "fly.staging.toml", filename: path.join(migrateApp, "fly.staging.toml"), code: `[deploy]\n  release_command = "npx drizzle-kit push"\n` },
    { name: "a dev shell script", filename: path.join(app, "scripts", "dev-reset.sh"), code: "#!/bin/sh\nnpx drizzle-kit push --force\n" },
    { name: "a shell script whose name is not production-facing", filename: path.join(app, "scripts", "reset-db.sh"), code: "#!/bin/sh\nnpx drizzle-kit push --force\n" },
    { name: "nixpacks build only generates", filename: path.join(migrateApp, "nixpacks.toml"), code: `[phases.build]\ncmds = ["npx drizzle-kit generate", "npm run build"]\n` },
  ],
  invalid: [
    {
      name: "Procfile release runs push through a script",
      filename: path.join(migrateApp, "Procfile"),
      code: "web: npm start\nrelease: npm run db:push\n",
      errors: [{ messageId: "pushInDeployFile", line: 2, data: data("Procfile release process", "before every release", "release: npm run db:push → drizzle-kit push") }],
    },
    {
      name: "fly.toml release_command runs push",
      filename: path.join(migrateApp, "fly.toml"),
      code: `app = "shop"\n\n[deploy]\n  release_command = "npx drizzle-kit push --force"\n`,
      errors: [
        {
          messageId: "pushInDeployFile",
          line: 4,
          data: { surface: "fly.toml [deploy] release_command", when: "before every release", chain: "drizzle-kit push --force", force },
        },
      ],
    },
    {
      name: "railway.toml startCommand",
      filename: path.join(migrateApp, "railway.toml"),
      code: `[build]\nbuilder = "NIXPACKS"\n\n[deploy]\nstartCommand = "npm run db:push && npm start"\n`,
      errors: [{ messageId: "pushInDeployFile", line: 5, data: data("railway.toml deploy.startCommand", "on every start", "npm run db:push → drizzle-kit push") }],
    },
    {
      name: "nixpacks.toml start cmd",
      filename: path.join(migrateApp, "nixpacks.toml"),
      code: `[phases.build]\ncmds = ["npm run build"]\n\n[start]\ncmd = "npx drizzle-kit push && npm start"\n`,
      errors: [{ messageId: "pushInDeployFile", line: 5, data: data("nixpacks.toml [start] cmd", "on every start", "drizzle-kit push") }],
    },
    {
      name: "scripts/deploy.sh: reported on the line that runs push",
      filename: path.join(app, "scripts", "deploy.sh"),
      code: "#!/usr/bin/env bash\nset -euo pipefail\ngit pull\nnpm run db:push -- --force\npm2 reload all\n",
      errors: [{ messageId: "pushInDeployFile", line: 4, data: data("deploy.sh", "when it runs", "npm run db:push -- --force → drizzle-kit push --force", force) }],
    },
  ],
});

const composeApp = `services:
  db:
    image: postgres:16
  app:
    build: .
    depends_on: [db]
    command: sh -c "npm run db:push && npm start"
`;

yaml.run("no-push-in-production (compose, render.yaml)", eslintRule, {
  valid: [
    { name: "a dev-only compose file", filename: path.join(app, "docker-compose.dev.yml"), code: composeApp },
    { name: "compose.override.yaml", filename: path.join(app, "compose.override.yaml"), code: composeApp },
    {
      name: "a service in the dev profile",
      filename: path.join(app, "docker-compose.yml"),
      code: `services:\n  app:\n    build: .\n    profiles: ["dev"]\n    command: npx drizzle-kit push\n`,
    },
    {
      name: "a service with NODE_ENV=development",
      filename: path.join(app, "docker-compose.yml"),
      code: `services:\n  app:\n    build: .\n    environment:\n      - NODE_ENV=development\n    command: npx drizzle-kit push\n`,
    },
    {
      name: "a dev service: its entrypoint pushes, its command is the dev server",
      filename: path.join(app, "docker-compose.yml"),
      code: `services:\n  app:\n    build: .\n    entrypoint: ["docker-entrypoint.sh"]\n    command: npx next dev\n`,
    },
    { name: "command: npm run dev", filename: path.join(app, "docker-compose.yml"), code: `services:\n  app:\n    build: .\n    command: npm run dev\n` },
    {
      name: "render.yaml preDeployCommand migrates",
      filename: path.join(migrateApp, "render.yaml"),
      code: `services:\n  - type: web\n    name: shop\n    preDeployCommand: npm run db:migrate\n    startCommand: npm start\n`,
    },
  ],
  invalid: [
    {
      name: "compose command (and the image's entrypoint is not this file's business)",
      filename: path.join(app, "docker-compose.yml"),
      code: composeApp,
      errors: [
        {
          messageId: "pushInDeployFile",
          line: 7,
          data: data('compose service "app" command', start, "command: npm run db:push → drizzle-kit push"),
        },
      ],
    },
    {
      name: "compose entrypoint in exec form, mapped through the Dockerfile's COPY",
      filename: path.join(app, "compose.yaml"),
      code: `services:\n  app:\n    build:\n      context: .\n    entrypoint: ["docker-entrypoint.sh"]\n    command: ["npm", "start"]\n`,
      errors: [{ messageId: "pushInDeployFile", line: 5, data: data('compose service "app" entrypoint', start, "entrypoint: docker-entrypoint.sh → npm run db:push -- --force → drizzle-kit push --force", force) }],
    },
    {
      name: "render.yaml preDeployCommand",
      filename: path.join(migrateApp, "render.yaml"),
      code: `services:\n  - type: web\n    name: shop\n    preDeployCommand: npm run db:push\n    startCommand: npm start\n  - type: web\n    name: shop-staging\n    preDeployCommand: npm run db:push\n`,
      errors: [{ messageId: "pushInDeployFile", line: 4, data: data('render.yaml service "shop" preDeployCommand', "before every deploy", "preDeployCommand: npm run db:push → drizzle-kit push") }],
    },
  ],
});

json.run("no-push-in-production (railway.json, vercel.json, app.json)", eslintRule, {
  valid: [
    { name: "vercel.json builds with migrate", filename: path.join(migrateApp, "vercel.json"), code: `{ "buildCommand": "drizzle-kit migrate && next build" }` },
    { name: "app.json postdeploy migrates", filename: path.join(migrateApp, "app.json"), code: `{ "scripts": { "postdeploy": "npm run db:migrate" } }` },
    { name: "package.json is not a deploy file", filename: path.join(migrateApp, "other.json"), code: `{ "buildCommand": "drizzle-kit push" }` },
  ],
  invalid: [
    {
      name: "vercel.json buildCommand",
      filename: path.join(migrateApp, "vercel.json"),
      code: `{\n  "buildCommand": "drizzle-kit push && next build"\n}`,
      errors: [{ messageId: "pushInDeployFile", line: 2, data: data("vercel.json buildCommand", "on every build", "drizzle-kit push") }],
    },
    {
      name: "railway.json deploy.startCommand",
      filename: path.join(migrateApp, "railway.json"),
      code: `{\n  "deploy": {\n    "startCommand": "npm run db:push && npm start"\n  }\n}`,
      errors: [{ messageId: "pushInDeployFile", line: 3, data: data("railway.json deploy.startCommand", "on every start", "npm run db:push → drizzle-kit push") }],
    },
    {
      name: "app.json postdeploy",
      filename: path.join(migrateApp, "app.json"),
      code: `{\n  "scripts": {\n    "postdeploy": "npx drizzle-kit push"\n  }\n}`,
      errors: [{ messageId: "pushInDeployFile", line: 3, data: data("app.json scripts.postdeploy", "after the app is first deployed", "drizzle-kit push") }],
    },
  ],
});

describe("configs wire the deploy files", () => {
  it("configs.recommended lints Dockerfile, Procfile, fly.toml, compose and vercel.json with their parsers", () => {
    const config = plugin.configs.recommended as Linter.Config[];
    const linter = new Linter({ configType: "flat", cwd: app });
    const verify = (code: string, file: string) => linter.verify(code, config, path.join(app, file)).map((m) => [m.ruleId, m.line]);
    const rule = "drizzle-guard/no-push-in-production";
    expect(verify(entrypointDockerfile, "Dockerfile")).toEqual([[rule, 6]]);
    expect(verify("release: npx drizzle-kit push\n", "Procfile")).toEqual([[rule, 1]]);
    expect(verify(`[deploy]\nrelease_command = "npx drizzle-kit push"\n`, "fly.toml")).toEqual([[rule, 2]]);
    expect(verify(composeApp, "docker-compose.yml")).toEqual([[rule, 7]]);
    expect(verify(`{ "buildCommand": "drizzle-kit push" }`, "vercel.json")).toEqual([[rule, 1]]);
    expect(verify("#!/bin/sh\nnpx drizzle-kit push\n", "scripts/release.sh")).toEqual([[rule, 2]]);
  });
});
