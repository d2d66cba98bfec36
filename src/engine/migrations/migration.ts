/**
 * A drizzle-kit migration file as the migration rules see it: its statements
 * (split at drizzle-kit's breakpoints, parsed by PostgreSQL's parser), its
 * comments, and the database state before it, walked statement by statement.
 */
import type { Node } from "@pgsql/types";
import { BREAKPOINT, placeMigration, type MigrationLayout } from "./layout.js";
import { parseSql } from "./pg-parser.js";
import { alterTableCommands, displayTable, nodeOf, replayStatement, stringValue } from "./sql-nodes.js";
import { cloneState, emptyState, type ColumnState, type DbState } from "./state.js";
import { schemaSourceFor, type SchemaSource } from "./schema-source.js";
import path from "node:path";

export interface MigrationStatement {
  /** Offsets in the file text: the statement without leading comments and trailing semicolon. */
  start: number;
  end: number;
  /** Index of its chunk (the text between two `--> statement-breakpoint` markers). */
  chunk: number;
  stmt: Node;
  /** Reason of a `-- drizzle-guard: destructive-ok <reason>` comment in its chunk. */
  acknowledged: string | undefined;
}

export interface MigrationComment {
  /** `--` comments are "Line", `/* *\/` comments "Block", as ESLint names them. */
  type: "Line" | "Block";
  /** Text without the comment markers. */
  value: string;
  start: number;
  end: number;
}

export interface MigrationFile {
  file: string;
  text: string;
  layout: MigrationLayout;
  /**
   * drizzle-kit's migrator (`migrate()` / `drizzle-kit migrate`) runs every
   * pending migration inside one transaction: true for files in drizzle-kit's layouts.
   */
  inTransaction: boolean;
  /** State before the migration; undefined when unknown (every table the file does not create is then taken to exist). */
  before: DbState | undefined;
  statements: MigrationStatement[];
  comments: MigrationComment[];
  /**
   * The TypeScript schema of the drizzle config that writes this folder, read
   * on first use (messages name tables and columns as it does); undefined
   * without a config or a readable `schema`.
   */
  schema: () => SchemaSource | undefined;
  /** The first chunk PostgreSQL's parser refuses; nothing after it is analysed. */
  error?: { message: string; offset: number };
}

const ACK = /^\s*drizzle-guard:\s*destructive-ok\b(.*)$/u;

/** UTF-16 offset of a UTF-8 byte offset in `text` (libpg-query counts bytes). */
function byteToCharOffset(text: string, bytes: number): number {
  if (/^[\x00-\x7f]*$/u.test(text)) return bytes;
  return Buffer.from(text, "utf8").subarray(0, bytes).toString("utf8").length;
}

function trimRange(text: string, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  while (s < e && /\s/u.test(text[s] as string)) s++;
  while (e > s && /[\s;]/u.test(text[e - 1] as string)) e--;
  return [s, e];
}

/**
 * drizzle-kit before 0.30 wrapped each foreign key in
 * `DO $$ BEGIN <statement>; EXCEPTION WHEN duplicate_object THEN null; END $$;`:
 * the statements inside (parsed by the same parser) are what runs. Other DO
 * blocks are left as they are (not analysed).
 */
function unwrapDuplicateObjectBlock(stmt: Node): Node[] {
  const block = nodeOf<{ args?: unknown[] }>(stmt, "DoStmt");
  if (!block) return [stmt];
  const body = (block.args ?? []).map((a) => nodeOf<{ defname?: string; arg?: unknown }>(a, "DefElem")).find((d) => d?.defname === "as");
  const source = stringValue(body?.arg);
  const inner = source === undefined ? undefined : DUPLICATE_OBJECT_BLOCK.exec(source)?.[1];
  if (inner === undefined) return [stmt];
  const parsed = parseSql(inner);
  if (!parsed.ok) return [stmt];
  return (parsed.result.stmts ?? []).map((s) => s.stmt).filter((s): s is Node => s !== undefined);
}

const DUPLICATE_OBJECT_BLOCK = /^\s*BEGIN\s+([\s\S]*?)\s*EXCEPTION\s+WHEN\s+duplicate_object\s+THEN\s+null\s*;\s*END\s*;?\s*$/iu;

/** Reads and parses a migration; never throws for bad SQL (see `error`). */
export function readMigration(file: string, text: string): MigrationFile {
  const { layout, before } = placeMigration(file);
  // drizzle-kit's `out`: the file's folder (0.x), the folder of its migration folder (1.x)
  const out = layout === "1.x" ? path.dirname(path.dirname(file)) : path.dirname(file);
  let schema: { source: SchemaSource | undefined } | undefined;
  const schemaOnce = () => (schema ??= { source: schemaSourceFor(out) }).source;
  const migration: MigrationFile = { file, text, layout, inTransaction: layout !== "none", before, schema: schemaOnce, statements: [], comments: [] };
  let offset = 0;
  const chunks = text.split(BREAKPOINT);
  for (const [chunkIndex, chunk] of chunks.entries()) {
    const chunkStart = offset;
    offset += chunk.length + BREAKPOINT.length;
    if (chunk.trim() === "") continue;
    const parsed = parseSql(chunk);
    if (!parsed.ok) {
      const at = chunkStart + byteToCharOffset(chunk, parsed.cursorPosition ?? 0);
      migration.error = { message: parsed.message, offset: Math.min(at, text.length) };
      break;
    }
    let acknowledged: string | undefined;
    for (const comment of parsed.comments) {
      const start = chunkStart + byteToCharOffset(chunk, comment.start);
      const end = chunkStart + byteToCharOffset(chunk, comment.end);
      const block = comment.text.startsWith("/*");
      const value = block ? comment.text.slice(2, -2) : comment.text.slice(2);
      migration.comments.push({ type: block ? "Block" : "Line", value, start, end });
      const ack = ACK.exec(value)?.[1]?.trim();
      if (ack) acknowledged = ack;
    }
    for (const raw of parsed.result.stmts ?? []) {
      if (!raw.stmt) continue;
      const location = raw.stmt_location ?? 0;
      const from = chunkStart + byteToCharOffset(chunk, location);
      const to = raw.stmt_len ? chunkStart + byteToCharOffset(chunk, location + raw.stmt_len) : chunkStart + chunk.length;
      const [start, end] = trimRange(text, from, to);
      for (const stmt of unwrapDuplicateObjectBlock(raw.stmt)) migration.statements.push({ start, end, chunk: chunkIndex, stmt, acknowledged });
    }
  }
  return migration;
}

/** The database as one statement of a migration finds it. */
export interface StatementView {
  /** The state just before this statement (earlier statements of the file applied). */
  current: DbState;
  /**
   * The table existed before this migration started (so it may hold rows and
   * serve traffic): not created earlier in this file, and in the previous
   * snapshot when that is known.
   */
  isExistingTable(key: string): boolean;
  /** The table an index (`schema.index`) belongs to, if known. */
  tableOfIndex(key: string): string | undefined;
  /** A column of a table, as it stands before this statement. */
  column(tableKey: string, name: string): ColumnState | undefined;
  /** Values an enum (`schema.enum`) received from `ALTER TYPE … ADD VALUE` earlier in this migration. */
  enumValuesAddedHere(key: string): readonly string[];
}

/** Calls `visit` for each statement with the state it finds; statements are replayed in order. */
export function walkMigration(migration: MigrationFile, visit: (statement: MigrationStatement, view: StatementView) => void): void {
  const current = migration.before ? cloneState(migration.before) : emptyState();
  const createdHere = new Set<string>();
  // tables that hold rows: those of the previous snapshot, under their current name
  const existing = new Set(migration.before?.tables.keys() ?? []);
  const addedValues = new Map<string, string[]>();
  const view: StatementView = {
    current,
    isExistingTable: (key) => !createdHere.has(key) && (migration.before ? existing.has(key) : true),
    tableOfIndex: (key) => current.indexes.get(key),
    column: (tableKey, name) => current.tables.get(tableKey)?.columns.get(name),
    enumValuesAddedHere: (key) => addedValues.get(key) ?? [],
  };
  for (const statement of migration.statements) {
    visit(statement, view);
    const tablesBefore = new Set(current.tables.keys());
    const enumsBefore = new Map([...current.enums].map(([key, values]) => [key, values.length]));
    replayStatement(current, statement.stmt);
    const renamed = [...tablesBefore].find((key) => !current.tables.has(key));
    for (const key of current.tables.keys()) {
      if (tablesBefore.has(key)) continue;
      if ("RenameStmt" in statement.stmt && renamed !== undefined) {
        // a renamed table keeps its rows (or stays new)
        for (const set of [existing, createdHere]) if (set.delete(renamed)) set.add(key);
      } else createdHere.add(key);
    }
    for (const [key, values] of current.enums) {
      const added = values.slice(enumsBefore.get(key) ?? values.length);
      if (added.length > 0 && enumsBefore.has(key)) addedValues.set(key, [...(addedValues.get(key) ?? []), ...added]);
    }
  }
}

/**
 * `ALTER TABLE` statements on tables that existed before the migration (not
 * created earlier in it), with the statement's range and the table's display name.
 */
export function walkExistingTableAlters(
  migration: MigrationFile,
  visit: (alter: NonNullable<ReturnType<typeof alterTableCommands>>, at: { start: number; end: number }, table: string, view: StatementView) => void,
): void {
  walkMigration(migration, (statement, view) => {
    const alter = alterTableCommands(statement.stmt);
    if (!alter || !view.isExistingTable(alter.table)) return;
    visit(alter, { start: statement.start, end: statement.end }, displayTable(alter.table), view);
  });
}
