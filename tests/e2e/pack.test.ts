import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, repoRoot } from "../../scripts/ensure-build.mjs";
import { restore as restoreManifest, strip as stripManifest } from "../../scripts/pack-manifest.mjs";
import plugin from "../../src/index.js";

/**
 * Packs the plugin, installs the tarball in a fresh consumer project in the
 * OS temp dir, and runs `eslint` there the way users do.
 */

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const installedVersion = (name: string): string =>
  (JSON.parse(fs.readFileSync(path.join(repoRoot, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
/** Same versions as the repo's install, so the warm npm cache serves them. */
const CONSUMER_DEPENDENCIES = ["eslint", "typescript", "typescript-eslint", "drizzle-orm", "@types/pg", "@eslint/json"].map(
  (name) => `${name}@${installedVersion(name)}`,
);

/** The consumer's eslint.config.mjs as the README shows it, with extra imports and config objects. */
function eslintConfig(imports = "", objects = ""): string {
  return `${imports}import drizzleGuard from "eslint-plugin-drizzle-guard";
import tseslint from "typescript-eslint";

export default [
  {
    files: ["**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  ...drizzleGuard.configs.recommended,
${objects}];
`;
}

const FILES: Record<string, string> = {
  "package.json": JSON.stringify(
    { name: "drizzle-guard-consumer", private: true, type: "module", scripts: { "db:push": "drizzle-kit push", deploy: "npm run db:push && tsc" } },
    null,
    2,
  ),
  "tsconfig.json": JSON.stringify(
    {
      compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: true, noEmit: true },
      include: ["src"],
    },
    null,
    2,
  ),
  "eslint.config.mjs": eslintConfig(),
  // @eslint/json claims every *.json file with its own language
  "eslint.json.config.mjs": eslintConfig(
    'import json from "@eslint/json";\n',
    '  { files: ["**/*.json"], ignores: ["package-lock.json"], plugins: { json }, language: "json/json", rules: json.configs.recommended.rules },\n',
  ),
  // the database comes from a workspace package that is not installed: its type is any, so no rule sees this delete
  "src/wipe.ts": `import { db } from "@acme/db";
import { comments } from "./schema.js";

export async function wipe() {
  await db.delete(comments);
}
`,
  "src/schema.ts": `import { index, integer, pgTable, serial, text } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  email: text("email").notNull().unique(),
});

export const posts = pgTable("posts", {
  id: serial("id").primaryKey(),
  authorId: integer("author_id").notNull().references(() => users.id),
  title: text("title").notNull(),
});

export const comments = pgTable(
  "comments",
  {
    id: serial("id").primaryKey(),
    postId: integer("post_id").notNull().references(() => posts.id),
    body: text("body").notNull(),
  },
  (t) => [index("comments_post_id_idx").on(t.postId)],
);
`,
  "src/db.ts": `import { drizzle } from "drizzle-orm/node-postgres";
import * as schema from "./schema.js";

export const db = drizzle("postgres://localhost:5432/app", { schema });
`,
  "src/queries.ts": `import { eq } from "drizzle-orm";
import { db } from "./db.js";
import { comments, posts } from "./schema.js";

const cache = new Map<number, string>();

export async function clearComments() {
  await db.delete(comments);
}

export async function deletePost(id: number) {
  cache.delete(id);
  await db.delete(posts).where(eq(posts.id, id));
}
`,
};

/** [file, line, rule] the consumer's lint must report (rules the plugin has). */
const EXPECTED: [string, number, string][] = [
  ["src/schema.ts", 10, "drizzle-guard/require-foreign-key-index"],
  ["src/queries.ts", 8, "drizzle-guard/enforce-delete-with-where"],
  ["package.json", 7, "drizzle-guard/no-push-in-production"],
].filter(([, , rule]) => (rule as string).slice("drizzle-guard/".length) in plugin.rules) as [string, number, string][];

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${what} exited with ${result.status}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

describe("end to end: npm pack → install → eslint", () => {
  let workDir = "";
  let consumer = "";
  let packedFiles: string[] = [];

  beforeAll(() => {
    ensureBuilt();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "drizzle-guard-e2e-"));
    // what `npm pack` does through prepack/postpack (scripts are skipped here: `prepare` would rebuild dist/ under the other tests)
    stripManifest();
    let packOut: string;
    try {
      packOut = ok(run(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", workDir], repoRoot), "npm pack");
    } finally {
      restoreManifest();
    }
    const packed = (JSON.parse(packOut.slice(packOut.indexOf("["))) as { filename: string; files: { path: string }[] }[])[0]!;
    packedFiles = packed.files.map((f) => f.path);
    const tarball = path.join(workDir, path.basename(packed.filename));

    consumer = path.join(workDir, "consumer");
    for (const [file, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(consumer, file)), { recursive: true });
      fs.writeFileSync(path.join(consumer, file), text);
    }
    ok(
      run(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball, ...CONSUMER_DEPENDENCIES], consumer),
      "npm install",
    );
  }, 600_000);

  afterAll(() => {
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("packs the built entries and the docs, not the sources", () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining(["package.json", "README.md", "dist/index.js", "dist/index.cjs", "dist/index.d.ts", "dist/transformer/index.js"]),
    );
    expect(packedFiles.some((f) => f.startsWith("docs/rules/"))).toBe(true);
    expect(packedFiles.filter((f) => f.startsWith("src/") || f.startsWith("tests/") || f.startsWith("examples/"))).toEqual([]);
  });

  const lint = (args: string[] = [], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [path.join(consumer, "node_modules", "eslint", "bin", "eslint.js"), ".", "-f", "json", ...args], {
      cwd: consumer,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, ...env },
    });

  for (const [label, args] of [["", []], [" (with @eslint/json claiming package.json)", ["-c", "eslint.json.config.mjs"]]] as const) {
    it(`\`eslint .\` in the consumer reports the planted bugs and nothing on the near misses${label}`, () => {
      const result = lint([...args]);
      expect(result.error).toBeUndefined();
      // 1 = lint errors found; 2 = configuration or crash
      expect(result.status, result.stderr).toBe(EXPECTED.length > 0 ? 1 : 0);
      const results = JSON.parse(result.stdout) as { filePath: string; messages: { line: number; ruleId: string | null; message: string }[] }[];
      const found = results
        .flatMap((r) => r.messages.map((m) => [path.relative(consumer, r.filePath).split(path.sep).join("/"), m.line, m.ruleId ?? m.message]))
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1]));
      expect(found).toEqual([...EXPECTED].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1]));
      expect(EXPECTED.length).toBeGreaterThan(0);
      // the coverage summary only under DRIZZLE_GUARD_COVERAGE=1
      expect(result.stderr).not.toContain("drizzle-guard coverage");
    }, 600_000);
  }

  it("DRIZZLE_GUARD_COVERAGE=1 and `drizzle-guard --coverage` name the delete they could not see and the missing package", () => {
    const eslint = lint([], { DRIZZLE_GUARD_COVERAGE: "1" });
    const cli = run(process.execPath, [path.join(consumer, "node_modules", "eslint-plugin-drizzle-guard", "dist", "cli.js"), "--coverage"], consumer);
    for (const { stderr } of [eslint, cli]) {
      expect(stderr).toMatch(/^drizzle-guard coverage: \d+ files, \d+ Drizzle queries analysed, 1 query-like call skipped/m);
      expect(stderr).toContain('src/wipe.ts: 0 analysed, 1 skipped\n    5:9  db.delete(…) — import "@acme/db" does not resolve (src/wipe.ts:1)');
    }
  }, 600_000);

  it("the installed package.json has no install-time scripts (npm 11 lists none)", () => {
    const installed = JSON.parse(
      fs.readFileSync(path.join(consumer, "node_modules", "eslint-plugin-drizzle-guard", "package.json"), "utf8"),
    ) as { scripts?: Record<string, string>; repository?: { url: string } };
    expect(Object.keys(installed.scripts ?? {}).filter((name) => /^(pre|post)?install$|^prepare$/.test(name))).toEqual([]);
    expect(installed.repository?.url).toContain("github.com/drizzle-guard/eslint-plugin-drizzle-guard");
    // the repository still builds on `npm install`
    expect((JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.prepare).toBe("npm run build");
  });

  it("require() from the consumer returns the plugin itself (CJS), and import() the same", () => {
    const script = `
      const cjs = require("eslint-plugin-drizzle-guard");
      import("eslint-plugin-drizzle-guard").then(({ default: esm }) => {
        const shape = (p) => ({ name: p.meta.name, version: p.meta.version, rules: Object.keys(p.rules).sort(), configs: Object.keys(p.configs).sort(), recommendedIsArray: Array.isArray(p.configs.recommended) });
        console.log(JSON.stringify({ cjs: shape(cjs), esm: shape(esm), transformer: require.resolve("eslint-plugin-drizzle-guard/transformer") }));
      });`;
    const out = JSON.parse(ok(run(process.execPath, ["-e", script], consumer), "node -e")) as Record<string, unknown>;
    const expected = {
      name: plugin.meta.name,
      version: plugin.meta.version,
      rules: Object.keys(plugin.rules).sort(),
      configs: ["all", "recommended"],
      recommendedIsArray: true,
    };
    expect(out.cjs).toEqual(expected);
    expect(out.esm).toEqual(expected);
    expect(out.transformer).toMatch(/eslint-plugin-drizzle-guard[\\/]dist[\\/]transformer[\\/]index\.cjs$/);
  });

  it("the installed package exports `.` and `./transformer`", () => {
    const installed = JSON.parse(
      fs.readFileSync(path.join(consumer, "node_modules", "eslint-plugin-drizzle-guard", "package.json"), "utf8"),
    ) as { exports: Record<string, unknown> };
    expect(Object.keys(installed.exports)).toEqual(expect.arrayContaining([".", "./transformer"]));
  });
});
