/**
 * The `maxDepth` option of the rules that follow helper calls through the
 * engine's effects (`src/analyzers/effects.ts`).
 */
export function maxDepthOption(description: string) {
  return { type: "integer", minimum: 0, maximum: 10, description } as const;
}

/** The default `maxDepth`. */
export const DEFAULT_MAX_DEPTH = 3;
