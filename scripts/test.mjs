// `npm test`: the type check, the repository's self-lint and vitest, run side
// by side. Each is single-threaded at its start (tsc and ESLint throughout), so
// run one after another they left a core idle for about a minute; run together
// they share both cores. Vitest prints as it runs; the type check's and the
// lint's output is printed when each ends. Arguments go to vitest
// (`npm test -- tests/plugin.test.ts`). Exits with the first failure's code.
import { spawn } from "node:child_process";
import process from "node:process";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** Runs a command; resolves with its exit code and (when `buffered`) its output. */
function run(label, command, args, { buffered }) {
  const started = Date.now();
  const child = spawn(command, args, { stdio: buffered ? ["ignore", "pipe", "pipe"] : "inherit", shell: process.platform === "win32" });
  const output = [];
  if (buffered) {
    child.stdout.on("data", (chunk) => output.push(chunk));
    child.stderr.on("data", (chunk) => output.push(chunk));
  }
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      const status = code ?? (signal ? 1 : 0);
      if (buffered) {
        const text = Buffer.concat(output).toString("utf8").trimEnd();
        process.stdout.write(`\n── ${label}: ${status === 0 ? "passed" : `FAILED (exit ${status})`} in ${seconds} s\n${text ? `${text}\n` : ""}`);
      }
      resolve(status);
    });
  });
}

const codes = await Promise.all([
  run("typecheck (tsc --noEmit)", npm, ["run", "--silent", "typecheck"], { buffered: true }),
  run("lint (eslint, the repository's own config)", npm, ["run", "--silent", "lint"], { buffered: true }),
  run("vitest", process.execPath, ["node_modules/vitest/vitest.mjs", "run", ...process.argv.slice(2)], { buffered: false }),
]);
process.exitCode = codes.find((code) => code !== 0) ?? 0;
