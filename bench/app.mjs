// `npm run bench -- --app <path> [--files <glob or dir>]…`: the four-way comparison on a real project.
// Each measurement is a cold lint in its own process (bench/lint-app.mjs); the four setups run round-robin
// (--repeat R rounds, best of R kept), so that a slow stretch of a shared machine hits them alike:
//   floor     typescript-eslint's parser with projectService, no rules
//   plugin    drizzle-guard's preset (--preset, default recommended) alone
//   tseslint  typescript-eslint's recommendedTypeChecked alone
//   both      the two together
// Then one more drizzle-guard run under DRIZZLE_GUARD_PROFILE=1 (the engine's counters; --no-profile skips it).
// Prints the table, the files and analyses that took longest, and writes bench/.generated/app-results.json.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./generate.mjs";

export function runAppBench(argv) {
  const values = (name) => argv.flatMap((arg, i) => (arg === `--${name}` && argv[i + 1] !== undefined ? [argv[i + 1]] : []));
  const app = path.resolve(values("app")[0]);
  const files = values("files");
  const repeat = Math.max(1, Number(values("repeat")[0] ?? 1));
  const preset = values("preset")[0] ?? "recommended";
  const plugin = path.resolve(repoRoot, values("dist")[0] ?? "dist", "index.js");
  const setups = (values("setups")[0] ?? "floor,plugin,tseslint,both").split(",");
  if (!fs.existsSync(app)) throw new Error(`--app ${app} does not exist`);
  if (!fs.existsSync(plugin)) throw new Error(`${plugin} is missing: run npm run build (or pass --dist)`);

  const run = (setup, env = {}) => {
    const args = [path.join(repoRoot, "bench/lint-app.mjs"), "--app", app, "--setup", setup, "--preset", preset, "--plugin", plugin, ...files.flatMap((f) => ["--files", f])];
    const child = spawnSync(process.execPath, args, {
      cwd: repoRoot,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --max-old-space-size=8192`.trim(), ...env },
    });
    if (child.status !== 0) throw new Error(`lint (${setup}) failed: ${child.stderr.slice(-2000)}`);
    return { ...JSON.parse(child.stdout.trim().split("\n").pop()), stderr: child.stderr };
  };

  console.log(`drizzle-guard on ${app}${files.length ? ` (${files.join(", ")})` : ""}: preset ${preset}, plugin ${path.relative(repoRoot, plugin)}, best of ${repeat}, node ${process.version}`);
  const best = {};
  const all = Object.fromEntries(setups.map((s) => [s, []]));
  for (let round = 0; round < repeat; round++) {
    for (const setup of setups) {
      const r = run(setup);
      all[setup].push({ wallMs: r.wallMs, cpuMs: r.cpuMs });
      console.log(`  round ${round + 1} ${setup.padEnd(8)} wall ${(r.wallMs / 1000).toFixed(1)} s, CPU ${(r.cpuMs / 1000).toFixed(1)} s`);
      if (!best[setup] || r.cpuMs < best[setup].cpuMs) best[setup] = r;
    }
  }
  const dg = (r) => Object.entries(r.perRule).filter(([id]) => id.startsWith("drizzle-guard/")).reduce((sum, [, v]) => sum + v, 0);
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const vs = (a, b) => `${a >= b ? "+" : ""}${((a / b - 1) * 100).toFixed(1)}%`;
  const labels = { floor: "parser only, no rules (floor)", plugin: `drizzle-guard \`${preset}\` alone`, tseslint: "`recommendedTypeChecked` alone", both: "both" };
  let md = `| setup | wall time | CPU time | drizzle-guard rules | note |\n|---|---:|---:|---:|---|\n`;
  for (const setup of setups) {
    const r = best[setup];
    let note = "";
    if (setup === "plugin" && best.floor) note = `CPU ${vs(r.cpuMs, best.floor.cpuMs)} over the floor (wall ${vs(r.wallMs, best.floor.wallMs)})`;
    if (setup === "both" && best.tseslint) note = `drizzle-guard adds CPU ${vs(r.cpuMs, best.tseslint.cpuMs)} (wall ${vs(r.wallMs, best.tseslint.wallMs)})`;
    md += `| ${labels[setup] ?? setup} | ${s(r.wallMs)} | ${s(r.cpuMs)} | ${setup === "plugin" || setup === "both" ? s(dg(r)) : "—"} | ${note} |\n`;
  }
  const ref = best.plugin ?? best.both;
  console.log(`\n${ref?.files ?? "?"} files linted, ${ref ? ref.findings.filter((f) => f[0] !== "(fatal)").length : "?"} drizzle-guard findings, ${ref?.fatal ?? 0} fatal\n`);
  console.log(md);
  if (ref) {
    console.log("Files by drizzle-guard rules' time:");
    for (const [file, ms] of ref.perFile.slice(0, 10)) console.log(`  ${s(ms).padStart(8)}  ${file}`);
    console.log("Rules:");
    for (const [id, ms] of Object.entries(ref.perRule).filter(([id]) => id.startsWith("drizzle-guard/")).sort((a, b) => b[1] - a[1]))
      console.log(`  ${s(ms).padStart(8)}  ${id}`);
  }
  let profile;
  if (!argv.includes("--no-profile") && setups.includes("plugin")) {
    console.log("\nEngine counters (one more drizzle-guard run under DRIZZLE_GUARD_PROFILE=1):");
    profile = run("plugin", { DRIZZLE_GUARD_PROFILE: "1" }).stderr;
    console.log(profile);
  }
  fs.mkdirSync(path.join(repoRoot, "bench/.generated"), { recursive: true });
  fs.writeFileSync(path.join(repoRoot, "bench/.generated/app-results.json"), JSON.stringify({ app, files, preset, plugin, repeat, runs: all, best, profile }, null, 2));
  fs.writeFileSync(path.join(repoRoot, "bench/.generated/app-results.md"), md);
}
