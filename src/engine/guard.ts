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

/**
 * Whether an error is the input's, not ours: a file that is missing or
 * unreadable (a Node.js system error with a `code`), or user-written text
 * that does not parse (JSON's `SyntaxError`, the `yaml` package's errors).
 */
export function isInputError(error: unknown): boolean {
  if (error instanceof SyntaxError) return true;
  if (!(error instanceof Error)) return false;
  if (typeof (error as NodeJS.ErrnoException).code === "string" && (error as NodeJS.ErrnoException).syscall !== undefined) return true;
  return error.name.startsWith("YAML");
}

/**
 * Reading user input (a file on disk, JSON or YAML text): a missing file or
 * malformed text yields `fallback`, in any mode, since it is the user's
 * input; any other error follows `guard`'s policy.
 */
export function guardInput<T>(run: () => T, fallback: T): T {
  try {
    return run();
  } catch (error) {
    if (isInputError(error)) return fallback;
    if (debugMode()) throw error;
    return fallback;
  }
}
