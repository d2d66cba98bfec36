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
 * (src/engine/code-roles.ts) the rule reports in. Unset: every role.
 */
export function codeRolesOption() {
  return {
    type: "array" as const,
    items: { type: "string" as const, enum: ["application", "test", "script"] },
    uniqueItems: true,
    description:
      'Where the rule reports, by code role: "application", "test" (test files), "script" (seeds, resets, backfills, admin scripts). Default: everywhere; the recommended config sets ["application"]. Which files are tests and scripts: settings["drizzle-guard"].testFiles / scriptFiles.',
  };
}

/**
 * `codeRoles` for a rule that also knows the "job" role (code that only a
 * scheduler runs, inside application files; src/engine/schedulers.ts).
 */
export function codeRolesWithJobOption() {
  return {
    type: "array" as const,
    items: { type: "string" as const, enum: ["application", "test", "script", "job"] },
    uniqueItems: true,
    description:
      'Where the rule reports, by code role: "application", "test" (test files), "script" (seeds, resets, backfills, admin scripts), "job" (code only a timer or job scheduler runs: a background job has no signed-in user). Default: everywhere but "job"; the recommended config sets ["application"]. Which files are tests and scripts: settings["drizzle-guard"].testFiles / scriptFiles; which calls schedule jobs: settings["drizzle-guard"].jobSchedulers.',
  };
}

/** What the `recommended` config (ESLint and the CLI's "recommended" preset) sets for the runtime-behaviour rules. */
export const APPLICATION_ONLY = { codeRoles: ["application" as const] };
