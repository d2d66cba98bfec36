/**
 * Where a migration file sits in drizzle-kit's output folder, and what the
 * database looked like before it ran.
 *
 * - 0.x layout: `<out>/NNNN_name.sql`, `<out>/meta/_journal.json` listing the
 *   tags in order, `<out>/meta/NNNN_snapshot.json` after each migration.
 * - 1.x layout: `<out>/<timestamp>_name/migration.sql` + `snapshot.json`
 *   beside it; folders sort in the order they run.
 *
 * The state before migration N is the snapshot of migration N-1; without that
 * snapshot the earlier migrations' SQL is replayed.
 */
import fs from "node:fs";
import path from "node:path";
import { guard } from "../guard.js";
import { replayStatement } from "./sql-nodes.js";
import { parseSql } from "./pg-parser.js";
import { emptyState, stateFromSnapshot, type DbState } from "./state.js";

export const BREAKPOINT = "--> statement-breakpoint";

export type MigrationLayout = "0.x" | "1.x" | "none";

export interface MigrationPlace {
  layout: MigrationLayout;
  /** The state before this migration; undefined when unknown (a SQL file outside drizzle-kit's layout). */
  before: DbState | undefined;
}

function readJson(file: string): unknown {
  if (!fs.existsSync(file)) return undefined;
  return guard(() => JSON.parse(fs.readFileSync(file, "utf8")) as unknown, undefined);
}

function replayFiles(files: string[]): DbState {
  const state = emptyState();
  for (const file of files) {
    const text = guard(() => fs.readFileSync(file, "utf8"), "");
    for (const chunk of text.split(BREAKPOINT)) {
      if (chunk.trim() === "") continue;
      const parsed = parseSql(chunk);
      if (!parsed.ok) continue; // reported when that file is linted
      for (const { stmt } of parsed.result.stmts ?? []) if (stmt) replayStatement(state, stmt);
    }
  }
  return state;
}

interface JournalEntry {
  idx?: number;
  tag?: string;
}

function place0x(file: string): MigrationPlace | undefined {
  const folder = path.dirname(file);
  const journal = readJson(path.join(folder, "meta", "_journal.json")) as { entries?: JournalEntry[] } | undefined;
  const entries = Array.isArray(journal?.entries) ? journal.entries.filter((e) => typeof e?.tag === "string") : undefined;
  if (!entries) return undefined;
  const tag = path.basename(file, ".sql");
  const position = entries.findIndex((e) => e.tag === tag);
  if (position < 0) return undefined;
  if (position === 0) return { layout: "0.x", before: emptyState() };
  const previous = entries[position - 1] as JournalEntry;
  const prefix = (previous.tag as string).split("_")[0];
  const snapshot = stateFromSnapshot(readJson(path.join(folder, "meta", `${prefix}_snapshot.json`)));
  if (snapshot) return { layout: "0.x", before: snapshot };
  return { layout: "0.x", before: replayFiles(entries.slice(0, position).map((e) => path.join(folder, `${e.tag as string}.sql`))) };
}

function place1x(file: string): MigrationPlace | undefined {
  if (path.basename(file) !== "migration.sql") return undefined;
  const own = path.dirname(file);
  if (!fs.existsSync(path.join(own, "snapshot.json"))) return undefined;
  const out = path.dirname(own);
  const folders = fs
    .readdirSync(out, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(out, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
  const position = folders.indexOf(path.basename(own));
  if (position <= 0) return { layout: "1.x", before: emptyState() };
  const previous = path.join(out, folders[position - 1] as string);
  const snapshot = stateFromSnapshot(readJson(path.join(previous, "snapshot.json")));
  if (snapshot) return { layout: "1.x", before: snapshot };
  return { layout: "1.x", before: replayFiles(folders.slice(0, position).map((f) => path.join(out, f, "migration.sql"))) };
}

/** The layout of a migration file and the database state before it. */
export function placeMigration(file: string): MigrationPlace {
  return guard(() => place0x(file) ?? place1x(file), undefined) ?? { layout: "none", before: undefined };
}
