// Worker of the synchronous fallback in pg-parser.ts: libpg-query's WASM
// module loads asynchronously, so the first parse of a lint run may come
// before it is ready; synckit then runs the parse here and blocks on the
// answer (the same technique eslint-plugin-prettier uses).
import { runAsWorker } from "synckit";
import { loadModule, parseSync, scanSync } from "libpg-query";

runAsWorker(async (sql) => {
  await loadModule();
  try {
    const result = parseSync(sql);
    const comments = scanSync(sql)
      .tokens.filter((token) => token.tokenName === "SQL_COMMENT" || token.tokenName === "C_COMMENT")
      .map(({ start, end, text }) => ({ start, end, text }));
    return { ok: true, result, comments };
  } catch (error) {
    return { ok: false, message: error?.message ?? String(error), cursorPosition: error?.sqlDetails?.cursorPosition };
  }
});
