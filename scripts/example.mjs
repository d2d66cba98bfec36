// `npm run example`: lints the example app in examples/ with the BUILT plugin
// (examples/eslint.config.mjs imports ../dist/index.js) and typed linting,
// prints the findings and a per-rule summary.
// Exit code: 0 when it found drizzle-guard findings (it is a demo), 1 when it
// found none, when a file could not be parsed or typed, or on a crash.
import path from "node:path";
import { ESLint } from "eslint";
import { ensureBuilt, repoRoot } from "./ensure-build.mjs";

export const examplesDir = path.join(repoRoot, "examples");

/** Lints examples/ with its own eslint.config.mjs (building dist/ first when stale). */
export async function lintExample({ log = false } = {}) {
  ensureBuilt({ log });
  const eslint = new ESLint({ cwd: examplesDir });
  const results = await eslint.lintFiles(["."]);
  return { eslint, results };
}

/** Finding counts per rule id, most frequent first. */
export function countByRule(results) {
  const counts = new Map();
  for (const message of results.flatMap((r) => r.messages)) {
    const key = message.ruleId ?? "(fatal)";
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

async function main() {
  const { eslint, results } = await lintExample({ log: true });
  const formatter = await eslint.loadFormatter("stylish");
  process.stdout.write(await formatter.format(results));

  const counts = countByRule(results);
  const fatal = results.flatMap((r) => r.messages.filter((m) => m.fatal || m.ruleId === null).map((m) => `${r.filePath}: ${m.message}`));
  const guard = counts.filter(([rule]) => rule.startsWith("drizzle-guard/"));
  const total = guard.reduce((sum, [, n]) => sum + n, 0);
  const summary = guard.map(([rule, n]) => `${rule.slice("drizzle-guard/".length)}: ${n}`).join(", ");
  console.log(`\ndrizzle-guard: ${total} finding${total === 1 ? "" : "s"} in ${results.length} files${summary ? ` (${summary})` : ""}`);

  if (fatal.length > 0) {
    console.error(`\nThe example could not be linted:\n${fatal.join("\n")}`);
    process.exitCode = 1;
  } else if (total === 0) {
    console.error("\nNo drizzle-guard findings: the example should show some.");
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
