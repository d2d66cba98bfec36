// Builds dist/ (tsup) when it is missing or older than its sources. Used by
// `npm run example` and by the tests that load the built package. Test files
// run in parallel workers, so builds are serialized through a lock directory.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const repoRoot = path.resolve(import.meta.dirname, "..");
export const distEntry = path.join(repoRoot, "dist", "index.js");

const BUILD_INPUTS = ["src", "tsup.config.ts", "package.json"];
/** Written by one build: the ESM and CJS bundles first, the declarations last. */
const BUILD_OUTPUTS = ["index.js", "index.cjs", "index.d.ts", "index.d.cts", "transformer/index.js", "transformer/index.cjs", "cli.js"];
const LOCK_DIR = path.join(repoRoot, "tests", ".tmp", "build.lock");
const LOCK_STALE_MS = 5 * 60_000;

function newestMtime(entry) {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

/** A build output is missing or older than src/, tsup.config.ts or package.json. */
export function distIsStale() {
  let oldestOutput = Infinity;
  for (const output of BUILD_OUTPUTS) {
    const built = fs.statSync(path.join(repoRoot, "dist", output), { throwIfNoEntry: false });
    if (!built) return true;
    oldestOutput = Math.min(oldestOutput, built.mtimeMs);
  }
  return Math.max(...BUILD_INPUTS.map((p) => newestMtime(path.join(repoRoot, p)))) > oldestOutput;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs the build when dist/ is stale; returns whether it built. */
export function ensureBuilt({ log = false } = {}) {
  // a build in progress (the lock) leaves dist/ half written: wait for it
  if (!distIsStale() && !fs.existsSync(LOCK_DIR)) return false;
  fs.mkdirSync(path.dirname(LOCK_DIR), { recursive: true });
  const deadline = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      fs.mkdirSync(LOCK_DIR);
      break;
    } catch {
      const lock = fs.statSync(LOCK_DIR, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > LOCK_STALE_MS) fs.rmSync(LOCK_DIR, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK_DIR}`);
      sleep(250);
    }
  }
  try {
    if (!distIsStale()) return false;
    if (log) console.error("Building dist/ (tsup)…");
    const tsup = path.join(repoRoot, "node_modules", "tsup", "dist", "cli-default.js");
    execFileSync(process.execPath, [tsup], { cwd: repoRoot, stdio: log ? "inherit" : "pipe" });
    return true;
  } finally {
    fs.rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}
