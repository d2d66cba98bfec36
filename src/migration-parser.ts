/**
 * ESLint parser for drizzle-kit migration files. The SQL is parsed by
 * PostgreSQL's own parser (libpg-query); ESLint gets an empty `Program` that
 * carries the file's SQL comments (so `-- eslint-disable-next-line` works) and
 * the parsed migration in `parserServices.drizzleMigration`, which the
 * `migration-*` rules read. A chunk PostgreSQL refuses is ESLint's one
 * "Parsing error" for the file.
 */
import path from "node:path";
import { readMigration, type MigrationFile } from "./engine/migrations/migration.js";

export interface MigrationParserServices {
  drizzleMigration: MigrationFile;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (const match of text.matchAll(/\r\n|[\r\n\u2028\u2029]/gu)) starts.push((match.index ?? 0) + match[0].length);
  return starts;
}

function locator(text: string): (offset: number) => { line: number; column: number } {
  const starts = lineStarts(text);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (starts[low] as number) };
  };
}

export const meta = { name: "drizzle-guard/migration-parser" };

export function parseForESLint(text: string, options?: { filePath?: string }) {
  const file = path.resolve(options?.filePath ?? "migration.sql");
  const migration = readMigration(file, text);
  const loc = locator(text);
  if (migration.error) {
    const at = loc(migration.error.offset);
    const error = new SyntaxError(
      `drizzle-kit migration statement does not parse (PostgreSQL: ${migration.error.message}); drizzle-kit migrate would fail on it`,
    ) as SyntaxError & { lineNumber: number; column: number; index: number };
    error.lineNumber = at.line;
    error.column = at.column + 1;
    error.index = migration.error.offset;
    throw error;
  }
  const comments = migration.comments.map((c) => ({
    type: c.type,
    value: c.value,
    range: [c.start, c.end] as [number, number],
    loc: { start: loc(c.start), end: loc(c.end) },
  }));
  const ast = {
    type: "Program" as const,
    body: [],
    sourceType: "module" as const,
    range: [0, text.length] as [number, number],
    loc: { start: { line: 1, column: 0 }, end: loc(text.length) },
    tokens: [],
    comments,
  };
  const services: MigrationParserServices = { drizzleMigration: migration };
  return { ast, services, visitorKeys: { Program: [] } };
}

export function parse(text: string, options?: { filePath?: string }) {
  return parseForESLint(text, options).ast;
}
