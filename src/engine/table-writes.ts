import ts from "typescript";
import { programTextCache } from "./cache.js";
import { codeRole, roleSettingsKey } from "./code-roles.js";
import { chainStartingAt, chainTable } from "./queries.js";
import type { TableModel } from "./schema/model.js";
import { guard } from "./guard.js";
import { timed } from "./profile.js";
import { fileSyntax } from "./syntax-index.js";
import { isUserSourceFile, methodCall } from "./ts-utils.js";
import type { SharedSettings } from "./types.js";

/**
 * Append-only tables: tables the application only ever inserts into. No
 * Drizzle `update`/`delete` chain and no upsert (`onConflictDoUpdate`) on the
 * table anywhere in the program's application code (tests and scripts, see
 * code-roles.ts, may clean it up), and no raw SQL text `UPDATE t` /
 * `DELETE FROM t` / `TRUNCATE t` naming it. An audit or activity log.
 *
 * Unknown means "not a log": when some update or delete in application code
 * targets a table we cannot resolve (a generic helper taking any table), no
 * table is append-only.
 */

const MODIFYING_METHODS = new Set(["insert", "update", "delete"]);

/** `UPDATE name`, `DELETE FROM name`, `TRUNCATE [TABLE] name`, `${name}` interpolated: the names a raw statement may modify. */
const RAW_MODIFY = /\b(?:update|delete\s+from|truncate(?:\s+table)?)\s+(?:only\s+)?(?:"?(\w+)"?\s*\.\s*)?(?:"(\w+)"|\$\{\s*([\w.]+)\s*\}|(\w+))/gi;

interface AppendOnly {
  /** Where the append-only tables' table-building calls are (`tablePlace`); undefined when unknown. */
  tables: Set<string> | undefined;
}

/**
 * Per program and code-role settings. A program that typescript-eslint's
 * project service rebuilds with the same files and texts (see
 * `programTextCache`) reuses the answer, which is why the tables are kept by
 * file name and position: the rebuilt program may hold new trees for them.
 */
const appendOnlyCache = programTextCache(isUserSourceFile, () => new Map<string, AppendOnly>());

/** A table-building call by its file and position, the same in a rebuilt program's tree of the same text. */
function tablePlace(call: ts.CallExpression): string {
  return `${call.getSourceFile().fileName}:${call.pos}`;
}

function computeAppendOnly(program: ts.Program, settings: SharedSettings): AppendOnly {
  const inserted = new Set<TableModel>();
  const modified = new Set<TableModel>();
  const rawNames = new Set<string>();
  for (const sourceFile of program.getSourceFiles()) {
    if (!isUserSourceFile(sourceFile)) continue;
    const application = codeRole(program, sourceFile.fileName, settings) === "application";
    if (application) for (const match of sourceFile.text.matchAll(RAW_MODIFY)) {
      const name = match[2] ?? match[3] ?? match[4];
      if (name) rawNames.add(name.split(".").pop()!.toLowerCase());
    }
    for (const call of fileSyntax(sourceFile).calls) {
      const name = methodCall(call)?.name;
      if (name === undefined || !MODIFYING_METHODS.has(name)) continue;
      const chain = chainStartingAt(program, call);
      if (!chain || (chain.operation !== "insert" && chain.operation !== "update" && chain.operation !== "delete")) continue;
      const table = chainTable(program, chain);
      const upsert = chain.operation === "insert" && chain.calls.some((c) => c.name === "onConflictDoUpdate");
      if (chain.operation === "insert" && !upsert) {
        if (table) inserted.add(table);
        continue;
      }
      if (!application) continue;
      if (!table) return { tables: undefined };
      modified.add(table);
    }
  }
  const tables = new Set<string>();
  for (const table of inserted) {
    if (modified.has(table)) continue;
    const names = [table.jsName, table.sqlName, table.declaredName].filter((n): n is string => !!n).map((n) => n.toLowerCase());
    if (names.some((n) => rawNames.has(n))) continue;
    tables.add(tablePlace(table.call));
  }
  return { tables };
}

/**
 * Whether the program's application code only ever inserts into `table`
 * (an append-only log). Computed once per program (and code-role settings),
 * and reused by a rebuilt program of the same project with the same texts.
 */
export function isAppendOnlyTable(program: ts.Program, table: TableModel, settings: SharedSettings = {}): boolean {
  const cache = appendOnlyCache(program);
  const key = roleSettingsKey(settings);
  let entry = cache.get(key);
  if (!entry) cache.set(key, (entry = timed(program, "table-writes.appendOnly", () => guard(() => computeAppendOnly(program, settings), { tables: undefined }))));
  return entry.tables?.has(tablePlace(table.call)) ?? false;
}
