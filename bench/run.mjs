// `npm run bench`: typed-lint, transformer and CLI cost of drizzle-guard on a
// generated Drizzle project at two sizes (n and 2n).
// Options: --tables N --files M (size n; default 20 x 16), --repeat R (best of R runs, interleaved; default 1),
//          --dist DIR (the built plugin, default dist/; e.g. a `tsup --out-dir` build
//          inside the repo), --no-transformer, --no-cli
//          --app PATH [--files GLOB_OR_DIR]… [--preset recommended|all] [--setups floor,plugin,tseslint,both] [--no-profile]:
//          the four-way comparison on a real project instead (see bench/app.mjs)
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { runAppBench } from "./app.mjs";
import { generate, repoRoot } from "./generate.mjs";

const argv = process.argv.slice(2);
// `--app <path>`: the four-way comparison on a real project (bench/app.mjs) instead of the synthetic one
if (argv.includes("--app")) {
  runAppBench(argv);
  process.exit(0);
}
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const flag = (name) => argv.includes(`--${name}`);
const tables = Number(opt("tables", 20));
const files = Number(opt("files", 16));
const repeat = Math.max(1, Number(opt("repeat", 1)));

const distDir = path.resolve(repoRoot, opt("dist", "dist"));
const dist = (p) => path.join(distDir, p);
const tscBin = path.join(repoRoot, "node_modules/typescript/bin/tsc");
const tspcBin = path.join(repoRoot, "node_modules/ts-patch/bin/tspc.js");
const notes = [];

if (!fs.existsSync(dist("index.js")) && distDir === path.join(repoRoot, "dist")) {
  console.log("dist/ is missing: building the plugin (npm run build)…");
  execFileSync("npm", ["run", "build"], { cwd: repoRoot, stdio: "inherit" });
}

const ms = (x) => `${(x / 1000).toFixed(2)} s`;
const pct = (x) => `${(x * 100).toFixed(1)}%`;
const signed = (x) => `${x >= 0 ? "+" : ""}${pct(x)}`;

/**
 * Runs measurements round-robin for `repeat` rounds and keeps each one's
 * fastest run: on a shared machine, a slow stretch then hits every
 * measurement of a comparison alike instead of one of them.
 */
function bestOfInterleaved(measures) {
  const best = measures.map(() => undefined);
  for (let i = 0; i < repeat; i++) {
    measures.forEach((measure, j) => {
      const run = measure();
      if (!best[j] || run.ms < best[j].ms) best[j] = run;
    });
  }
  return best;
}

/** One run of a command: wall time, exit status and output. */
function timeCommand(command, args, cwd) {
  const started = performance.now();
  const run = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  return { ms: performance.now() - started, status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** One cold lint run in a child process (see bench/lint.mjs). */
function lint(dir, rules, extra = []) {
  const out = execFileSync(process.execPath, [path.join(repoRoot, "bench/lint.mjs"), "--dir", dir, "--rules", rules, "--plugin", dist("index.js"), ...extra], {
    cwd: repoRoot,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const run = JSON.parse(out.trim().split("\n").pop());
  return { ...run, ms: run.wallMs };
}

/** The summed time of the drizzle-guard rules in a run's per-rule times. */
function sumPlugin(perRule) {
  return Object.entries(perRule)
    .filter(([id]) => id.startsWith("drizzle-guard/"))
    .reduce((sum, [, v]) => sum + v, 0);
}

function transformerUsable() {
  if (!fs.existsSync(dist("transformer/index.cjs"))) return "dist/transformer/index.cjs is missing";
  try {
    const mod = createRequire(import.meta.url)(dist("transformer/index.cjs"));
    const factory = typeof mod === "function" ? mod : mod?.default;
    if (typeof factory !== "function") return "dist/transformer/index.cjs has no default transformer export yet";
  } catch (error) {
    return `dist/transformer/index.cjs does not load: ${error.message}`;
  }
  return undefined;
}

function cliUsable() {
  if (!fs.existsSync(dist("cli.js"))) return "dist/cli.js is missing";
  const help = spawnSync(process.execPath, [dist("cli.js"), "--help"], { encoding: "utf8" });
  if (!/drizzle-guard/i.test(`${help.stdout}${help.stderr}`)) return "dist/cli.js is not implemented yet";
  return undefined;
}

function measureSize(t, f) {
  const dir = path.join(repoRoot, "bench/.generated", `${t}x${f}`);
  const written = generate({ dir, tables: t, files: f, pluginPath: dist("index.js") });
  const sourceFiles = written.filter((p) => p.endsWith(".ts")).length;
  console.log(`\n## ${t} tables, ${f} query files (${sourceFiles} .ts files) — ${path.relative(repoRoot, dir)}`);

  const [floor, typedFloor, full] = bestOfInterleaved([() => lint(dir, "none"), () => lint(dir, "typed-floor"), () => lint(dir, "all")]);
  if (full.fatal || floor.fatal) notes.push(`${t}x${f}: ${full.fatal + floor.fatal} fatal lint messages (parse errors or crashes)`);
  const pluginMs = sumPlugin(full.perRule);
  console.log(`typed lint, all rules : ${ms(full.wallMs)}  (${full.messages} findings)`);
  console.log(`typed lint, no rules  : ${ms(floor.wallMs)}  (typescript-eslint floor)`);
  const checkerMs = typedFloor.perRule["bench/touch-types"] ?? 0;
  console.log(`typed floor           : ${ms(typedFloor.wallMs)}  (no plugin rules; type of every call computed: ${ms(checkerMs)})`);
  console.log(`drizzle-guard rules   : ${ms(pluginMs)} = ${pct(pluginMs / full.wallMs)} of the total`);
  for (const [id, v] of Object.entries(full.perRule).sort((a, b) => b[1] - a[1]))
    console.log(`  ${id.padEnd(48)} ${v.toFixed(1).padStart(9)} ms  ${String(full.countsByRule[id] ?? 0).padStart(5)} findings`);


  // a typical typed setup: typescript-eslint's recommendedTypeChecked, alone and with every drizzle-guard rule
  const [tseslintOnly, withTseslint] = bestOfInterleaved([() => lint(dir, "none", ["--tseslint"]), () => lint(dir, "all", ["--tseslint"])]);
  const pluginInTypicalMs = sumPlugin(withTseslint.perRule);
  console.log(`typescript-eslint recommendedTypeChecked: ${ms(tseslintOnly.wallMs)}; with drizzle-guard: ${ms(withTseslint.wallMs)}, drizzle-guard rules ${ms(pluginInTypicalMs)} = ${pct(pluginInTypicalMs / withTseslint.wallMs)} of the total`);
  console.log(`adding drizzle-guard to it: ${signed(withTseslint.wallMs / tseslintOnly.wallMs - 1)} wall time`);

  const result = { tables: t, files: f, sourceFiles, dir, full, floor, typedFloor, checkerMs, pluginMs, tseslintOnly, withTseslint, pluginInTypicalMs };

  const [tsc] = bestOfInterleaved([() => timeCommand(process.execPath, [tscBin, "--noEmit", "-p", "tsconfig.json"], dir)]);
  result.tscNoEmitMs = tsc.ms;
  if (tsc.status !== 0) notes.push(`${t}x${f}: tsc --noEmit reported errors:\n${tsc.stdout.slice(0, 2000)}`);
  console.log(`tsc --noEmit          : ${ms(tsc.ms)}`);

  if (!flag("no-transformer")) {
    const why = transformerUsable();
    if (why) {
      if (!notes.some((n) => n.startsWith("transformer"))) notes.push(`transformer skipped: ${why}`);
    } else {
      // Emit through plain tsc (ignores "plugins") and through ts-patch's tspc (runs the transformer).
      const emitConfig = {
        extends: "./tsconfig.json",
        compilerOptions: {
          noEmit: false,
          rootDir: "./src",
          outDir: "./out",
          plugins: [{ transform: dist("transformer/index.cjs") }],
        },
      };
      fs.writeFileSync(path.join(dir, "tsconfig.emit.json"), JSON.stringify(emitConfig, null, 2));
      // tspc patches TypeScript in memory at start-up: its own cost, measured without any plugin
      const bareConfig = { ...emitConfig, compilerOptions: { ...emitConfig.compilerOptions, plugins: [] } };
      fs.writeFileSync(path.join(dir, "tsconfig.emit-bare.json"), JSON.stringify(bareConfig, null, 2));
      const [plain, bare, patched] = bestOfInterleaved([
        () => timeCommand(process.execPath, [tscBin, "-p", "tsconfig.emit.json"], dir),
        () => timeCommand(process.execPath, [tspcBin, "-p", "tsconfig.emit-bare.json"], dir),
        () => timeCommand(process.execPath, [tspcBin, "-p", "tsconfig.emit.json"], dir),
      ]);
      const diagnostics = (patched.stdout.match(/drizzle-guard\//g) ?? []).length;
      if (diagnostics === 0) notes.push(`${t}x${f}: tspc printed no drizzle-guard diagnostic (exit ${patched.status}): ${patched.stderr.slice(0, 500)}`);
      Object.assign(result, { tscEmitMs: plain.ms, tspcBareMs: bare.ms, tspcEmitMs: patched.ms, tspcDiagnostics: diagnostics });
      console.log(`tsc (emit)            : ${ms(plain.ms)}`);
      console.log(`tspc, no transformer  : ${ms(bare.ms)}  (ts-patch's own start-up: ${signed(bare.ms / plain.ms - 1)})`);
      console.log(`tspc + transformer    : ${ms(patched.ms)}  (transformer: ${signed(patched.ms / bare.ms - 1)} over tspc, ${diagnostics} diagnostics)`);
    }
  }

  if (!flag("no-cli")) {
    const why = cliUsable();
    if (why) {
      if (!notes.some((n) => n.startsWith("CLI"))) notes.push(`CLI skipped: ${why}`);
    } else {
      const [cli] = bestOfInterleaved([() => timeCommand(process.execPath, [dist("cli.js"), "-p", "tsconfig.json"], dir)]);
      const findings = cli.stdout.split("\n").filter((l) => l.includes("drizzle-guard/")).length;
      if (cli.status !== 0 && cli.status !== 1) notes.push(`${t}x${f}: CLI exited ${cli.status}: ${cli.stderr.slice(0, 500)}`);
      Object.assign(result, { cliMs: cli.ms, cliFindings: findings });
      console.log(`drizzle-guard CLI     : ${ms(cli.ms)}  (${findings} findings; ${(cli.ms / tsc.ms).toFixed(2)}× tsc --noEmit)`);
    }
  }
  return result;
}

console.log(`plugin: ${path.relative(repoRoot, distDir) || "."}/index.js`);
console.log(`drizzle-guard benchmark — node ${process.version}, ${(await import("node:os")).cpus().length} CPUs, best of ${repeat}`);
const small = measureSize(tables, files);
const large = measureSize(tables * 2, files * 2);

const growth = large.pluginMs / small.pluginMs;
const totalGrowth = large.full.wallMs / small.full.wallMs;
console.log(`\nplugin time growth n → 2n: ${growth.toFixed(2)}× (typed lint total: ${totalGrowth.toFixed(2)}×)`);

// Markdown for docs/performance.md / the README.
const rows = [small, large];
const cell = (v, f) => (v === undefined ? "—" : f(v));
let md = "| Project | typed lint (all rules) | no-rules floor | typed floor¹ | drizzle-guard rules | share of total | with recommendedTypeChecked³ | share there | added wall time⁴ | tsc --noEmit | drizzle-guard CLI | tsc (emit) | tspc, no transformer | tspc + transformer | transformer overhead² |\n";
md += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
for (const r of rows) {
  md += `| ${r.tables} tables, ${r.sourceFiles} files | ${ms(r.full.wallMs)} | ${ms(r.floor.wallMs)} | ${ms(r.typedFloor.wallMs)} | ${ms(r.pluginMs)} | ${pct(r.pluginMs / r.full.wallMs)} | ${ms(r.withTseslint.wallMs)} | ${pct(r.pluginInTypicalMs / r.withTseslint.wallMs)} | ${signed(r.withTseslint.wallMs / r.tseslintOnly.wallMs - 1)} | ${ms(r.tscNoEmitMs)} | ${cell(r.cliMs, ms)} | ${cell(r.tscEmitMs, ms)} | ${cell(r.tspcBareMs, ms)} | ${cell(r.tspcEmitMs, ms)} | ${r.tspcEmitMs === undefined ? "—" : signed(r.tspcEmitMs / r.tspcBareMs - 1)} |\n`;
}
md += "\n¹ No plugin rules, one trivial rule that asks the type checker for the type of every call expression: the type-checking cost that the first typed rule of any plugin pays (typescript-eslint checks lazily, so the no-rules floor does not include it).\n";
md += "\n³ The same lint with typescript-eslint's `recommendedTypeChecked` rules on as well (a typical typed setup); the share is drizzle-guard's rules in that run's total.\n";
md += "\n⁴ Wall time of that lint against the same lint without drizzle-guard (typescript-eslint's rules only).\n";
md += "\n² The transformer's cost: tspc with the transformer against tspc without it (ts-patch patches TypeScript in memory at start-up, whatever the plugins).\n";
md += `\nPlugin time growth when the project doubles: **${growth.toFixed(2)}×** (typed lint total ${totalGrowth.toFixed(2)}×).\n`;
md += "\n| Rule | n | 2n |\n|---|---:|---:|\n";
const ruleIds = [...new Set([...Object.keys(small.full.perRule), ...Object.keys(large.full.perRule)])].sort();
for (const id of ruleIds)
  md += `| \`${id}\` | ${(small.full.perRule[id] ?? 0).toFixed(0)} ms | ${(large.full.perRule[id] ?? 0).toFixed(0)} ms |\n`;

console.log("\n### Markdown\n");
console.log(md);
if (notes.length) console.log(`Notes:\n${notes.map((n) => `- ${n}`).join("\n")}`);
fs.writeFileSync(path.join(repoRoot, "bench/.generated/results.md"), md + (notes.length ? `\nNotes:\n${notes.map((n) => `- ${n}`).join("\n")}\n` : ""));
fs.writeFileSync(
  path.join(repoRoot, "bench/.generated/results.json"),
  JSON.stringify({ node: process.version, repeat, growth, totalGrowth, sizes: rows, notes }, null, 2),
);
