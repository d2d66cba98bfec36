/**
 * The `maxDepth` option of the rules that follow helper calls through the
 * engine's effects (`src/analyzers/effects.ts`).
 */
export function maxDepthOption(description: string) {
  return { type: "integer", minimum: 0, maximum: 10, description } as const;
}

/** The default `maxDepth`. */
export const DEFAULT_MAX_DEPTH = 3;

/**
 * The `codeRoles` option of the runtime-behaviour rules: the code roles
 * (src/engine/code-roles.ts) the rule reports in. Unset: every role. With
 * `withJob`, also the "job" role (code that only a scheduler runs, inside
 * application files; src/engine/schedulers.ts), which is then left out by
 * default.
 */
export function codeRolesOption({ withJob = false } = {}) {
  const job = withJob ? ', "job" (code only a timer or job scheduler runs: a background job has no signed-in user)' : "";
  const schedulers = withJob ? '; which calls schedule jobs: settings["drizzle-guard"].jobSchedulers' : "";
  return {
    type: "array" as const,
    items: { type: "string" as const, enum: withJob ? ["application", "test", "script", "job"] : ["application", "test", "script"] },
    uniqueItems: true,
    description: `Where the rule reports, by code role: "application", "test" (test files), "script" (seeds, resets, backfills, admin scripts)${job}. Default: ${withJob ? 'everywhere but "job"' : "everywhere"}; the recommended config sets ["application"]. Which files are tests and scripts: settings["drizzle-guard"].testFiles / scriptFiles${schedulers}.`,
  };
}

/** What the `recommended` config (ESLint and the CLI's "recommended" preset) sets for the runtime-behaviour rules. */
export const APPLICATION_ONLY = { codeRoles: ["application" as const] };
