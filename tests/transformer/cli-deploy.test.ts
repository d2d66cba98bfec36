import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLEAN_QUERIES_TS, CLEAN_SCHEMA_TS, COMPILER_OPTIONS, DB_TS, cliReady, ensureBuilt, removeProject, runCli, runCliHere, tempProject } from "./helpers.js";

/** The CLI checks deploy files with no-push-in-production, as the ESLint configs do (the built command once, then its `main()` in this process). */
describe("drizzle-guard CLI on deploy files", () => {
  let project: string;

  beforeAll(async () => {
    ensureBuilt();
    await cliReady();
    project = tempProject({
      "tsconfig.json": JSON.stringify({ compilerOptions: COMPILER_OPTIONS, include: ["src"] }),
      "src/db.ts": DB_TS,
      "src/schema.ts": CLEAN_SCHEMA_TS,
      "src/queries.ts": CLEAN_QUERIES_TS,
      "package.json": JSON.stringify({ name: "app", private: true, scripts: { "db:push": "drizzle-kit push", start: "node server.js" } }, null, 2),
      "docker-entrypoint.sh": '#!/bin/sh\nset -e\nnpm run db:push -- --force 2>&1\nexec "$@"\n',
      Dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npx drizzle-kit generate\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["npm", "start"]\n',
      Procfile: "release: npx drizzle-kit migrate\nweb: npm start\n",
      "fly.toml": 'app = "x"\n\n[deploy]\n  release_command = "npm run db:push"\n',
      "docker-compose.dev.yml": 'services:\n  app:\n    build: .\n    command: sh -c "npm run db:push && npm start"\n',
    });
  });
  afterAll(() => removeProject(project));

  it("reports the Dockerfile ENTRYPOINT and fly.toml release_command, not the migrate Procfile or the dev compose file", () => {
    const result = runCli(["-p", "tsconfig.json", "--format", "json"], project);
    expect(result.status, result.stderr).toBe(1);
    const rows = JSON.parse(result.stdout) as { file: string; line: number; rule: string; message: string }[];
    expect(rows.map((r) => [r.file, r.line, r.rule])).toEqual([
      ["Dockerfile", 6, "drizzle-guard/no-push-in-production"],
      ["fly.toml", 4, "drizzle-guard/no-push-in-production"],
    ]);
    expect(rows[0]?.message).toContain("ENTRYPOINT docker-entrypoint.sh → npm run db:push -- --force → drizzle-kit push --force");
  });

  it("nothing when the rule is not enabled", () => {
    const off = runCliHere(["-p", "tsconfig.json", "--format", "json", "--rule", "enforce-update-with-where"], project);
    expect(JSON.parse(off.stdout)).toEqual([]);
  });

  it("allowFiles exempts files", () => {
    fs.writeFileSync(path.join(project, "allow.json"), JSON.stringify({ rules: { "no-push-in-production": ["error", { allowFiles: ["Dockerfile"] }] } }));
    const allowed = runCliHere(["-p", "tsconfig.json", "--format", "json", "--config", "allow.json", "--rule", "no-push-in-production"], project);
    expect((JSON.parse(allowed.stdout) as { file: string }[]).map((r) => r.file)).toEqual(["fly.toml"]);
  });
});
