// One measured lint run, in its own process (typescript-eslint caches programs
// per process, so every measurement starts cold).
// Usage: node bench/lint.mjs --dir <project> --rules all|none|typed-floor [--plugin dist/index.js] [--tseslint]
//   none: same parser setup, no rules (typescript-eslint's floor)
//   typed-floor: no plugin rules, one trivial rule that asks the checker for the
//   type of every call (the type-checking cost any typed rule pays once)
//   --tseslint: also typescript-eslint's recommendedTypeChecked rules (a typical typed setup)
// Prints one JSON line: { wallMs, files, messages, perRule: { ruleId: ms }, parseMs, rulesMs, fatal }
import path from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./generate.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).flatMap((arg, i, all) => (arg.startsWith("--") ? [[arg.slice(2), all[i + 1]]] : [])),
);
const withTseslint = process.argv.includes("--tseslint");
const dir = path.resolve(args.dir);
const withRules = args.rules === "all";
const typedFloor = args.rules === "typed-floor";
const pluginPath = path.resolve(repoRoot, args.plugin ?? "dist/index.js");

const { ESLint } = await import("eslint");
const tseslint = (await import("typescript-eslint")).default;
const plugin = (await import(pathToFileURL(pluginPath).href)).default;

// The plugin's own `all` config (it may bring parsers for package.json and
// workflows), plus the typed parser for code. "none": same setup, rules off.
const pluginConfigs = plugin.configs.all.map((config) => (withRules ? config : { ...config, rules: {} }));
const touchTypes = {
  meta: { type: "problem", schema: [] },
  create(context) {
    const services = context.sourceCode.parserServices;
    if (!services?.program) return {};
    const checker = services.program.getTypeChecker();
    return { CallExpression: (node) => void checker.getTypeAtLocation(services.esTreeNodeToTSNodeMap.get(node)) };
  },
};
// typescript-eslint's own typed rules, on the code files only
const tseslintConfigs = withTseslint ? tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: ["**/*.ts"] })) : [];
const overrideConfig = [
  ...tseslintConfigs,
  ...pluginConfigs,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: dir },
    },
    ...(typedFloor ? { plugins: { bench: { rules: { "touch-types": touchTypes } } }, rules: { "bench/touch-types": "error" } } : {}),
  },
];

const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig, stats: true, cache: false });
const started = performance.now();
// package.json only when a plugin config lints it (no-push-in-production).
const lintsPackageJson = plugin.configs.all.some((c) => (c.files ?? []).flat().some((f) => String(f).includes("package.json")));
const results = await eslint.lintFiles(["src/**/*.ts", ...(lintsPackageJson ? ["package.json"] : [])]);
const wallMs = performance.now() - started;

const perRule = {};
let parseMs = 0;
let rulesMs = 0;
let messages = 0;
let fatal = 0;
for (const result of results) {
  messages += result.messages.length;
  fatal += result.messages.filter((m) => m.fatal).length;
  for (const pass of result.stats?.times?.passes ?? []) {
    parseMs += pass.parse?.total ?? 0;
    for (const [ruleId, time] of Object.entries(pass.rules ?? {})) {
      perRule[ruleId] = (perRule[ruleId] ?? 0) + time.total;
      rulesMs += time.total;
    }
  }
}
const countsByRule = {};
for (const result of results)
  for (const m of result.messages) countsByRule[m.ruleId ?? "(fatal)"] = (countsByRule[m.ruleId ?? "(fatal)"] ?? 0) + 1;

process.stdout.write(
  JSON.stringify({ wallMs, files: results.length, messages, fatal, perRule, parseMs, rulesMs, countsByRule }) + "\n",
);
