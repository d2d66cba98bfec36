/**
 * The engine's one error policy. Deliberate "don't know" exits (a shape the
 * engine does not model, a checker call that throws on broken code) go
 * through `guard`: the caller gets its fallback, so the user's lint run or
 * build never breaks. Under `DRIZZLE_GUARD_DEBUG=1` (the test suite sets it)
 * the error is rethrown, so our own bugs are never hidden.
 */
export function debugMode(): boolean {
  const value = process.env.DRIZZLE_GUARD_DEBUG;
  return value !== undefined && value !== "" && value !== "0";
}

export function guard<T>(run: () => T, fallback: T): T {
  try {
    return run();
  } catch (error) {
    if (debugMode()) throw error;
    return fallback;
  }
}
