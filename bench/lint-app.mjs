// One measured lint run of a real project, in its own process (typescript-eslint
// caches programs per process, so every measurement starts cold).
// Usage: node bench/lint-app.mjs --app <project dir> --setup floor|plugin|tseslint|both
//          [--files <glob or dir, relative to the project; repeatable>] [--plugin dist/index.js] [--preset recommended|all] [--file-order]
//   floor: typescript-eslint's parser (projectService), no rules
//   plugin: drizzle-guard's preset alone
//   tseslint: typescript-eslint's recommendedTypeChecked alone
//   both: the two together
// Prints one JSON line: { wallMs, cpuMs, files, messages, fatal, perRule, perFile: [[file, ms]] (the 15 slowest by drizzle-guard's rules),
//   countsByRule, findings, fileOrder (with --file-order: [[file, drizzle-guard ms, all rules ms]] in lint order) }
import path from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./generate.mjs";

const argv = process.argv.slice(2);
const values = (name) => argv.flatMap((arg, i) => (arg === `--${name}` && argv[i + 1] !== undefined ? [argv[i + 1]] : []));
const value = (name, fallback) => values(name)[0] ?? fallback;
const app = path.resolve(value("app", "."));
const setup = value("setup", "plugin");
const preset = value("preset", "recommended");
const pluginPath = path.resolve(repoRoot, value("plugin", "dist/index.js"));
const targets = values("files");

const { ESLint } = await import("eslint");
const tseslint = (await import("typescript-eslint")).default;
const plugin = (await import(pathToFileURL(pluginPath).href)).default;

const code = ["**/*.{ts,tsx,mts,cts}"];
const withPlugin = setup === "plugin" || setup === "both";
const withTseslint = setup === "tseslint" || setup === "both";
// The plugin's preset; in the floor and tseslint setups its configs stay (same parsers for package.json
// and workflows) with their rules off.
const pluginConfigs = plugin.configs[preset].map((config) => (withPlugin ? config : { ...config, rules: {} }));
const tseslintConfigs = withTseslint ? tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: code })) : [];
const overrideConfig = [
  {
    ignores: ["**/node_modules/**", "**/.next/**", "**/dist/**", "**/build/**", "**/.turbo/**", "**/coverage/**", "**/*.{js,jsx,mjs,cjs}", "**/*.d.ts", "**/eslint.config.*"],
  },
  { linterOptions: { reportUnusedDisableDirectives: "off" } },
  ...tseslintConfigs,
  ...pluginConfigs,
  { files: code, languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: app } } },
];

const eslint = new ESLint({ cwd: app, overrideConfigFile: true, overrideConfig, stats: true, cache: false, errorOnUnmatchedPattern: false });
const started = performance.now();
const cpuStarted = process.cpuUsage();
const results = await eslint.lintFiles(targets.length ? targets : ["."]);
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStarted);
// CPU time of this process (user + system): less sensitive than wall time to other processes on a shared machine
const cpuMs = (cpu.user + cpu.system) / 1000;

const perRule = {};
const perFile = [];
const countsByRule = {};
const findings = [];
let messages = 0;
let fatal = 0;
for (const result of results) {
  messages += result.messages.length;
  let fileMs = 0;
  let allRulesMs = 0;
  for (const pass of result.stats?.times?.passes ?? []) {
    for (const [ruleId, time] of Object.entries(pass.rules ?? {})) {
      perRule[ruleId] = (perRule[ruleId] ?? 0) + time.total;
      allRulesMs += time.total;
      if (ruleId.startsWith("drizzle-guard/")) fileMs += time.total;
    }
  }
  perFile.push([path.relative(app, result.filePath), fileMs, allRulesMs]);
  for (const m of result.messages) {
    if (m.fatal) fatal++;
    const id = m.ruleId ?? "(fatal)";
    countsByRule[id] = (countsByRule[id] ?? 0) + 1;
    if (id.startsWith("drizzle-guard/") || m.fatal) findings.push([id, path.relative(app, result.filePath), m.line, m.message]);
  }
}
// in lint order (ESLint lints in this order; the first file of each TypeScript program pays its first type inference):
// [file, drizzle-guard's rules, all rules] in ms — next to typescript-eslint's rules, a type inference is paid by
// whichever rule asks first, so the file's all-rules time shows what drizzle-guard adds
const fileOrder = argv.includes("--file-order") ? perFile.map(([file, ms, all]) => [file, Math.round(ms), Math.round(all)]) : undefined;
perFile.sort((a, b) => b[1] - a[1]);
process.stdout.write(
  JSON.stringify({ wallMs, cpuMs, files: results.length, messages, fatal, perRule, perFile: perFile.slice(0, 15).map(([file, ms]) => [file, ms]), countsByRule, findings, fileOrder }) + "\n",
);
