import ts from "typescript";
import { ensureNamedImport } from "../engine/imports.js";
import type { ForeignKeyModel, TableModel } from "../engine/schema/model.js";
import { tableDisplayName, tableNames } from "../engine/schema/model.js";
import { resolveTable, tablesInFile } from "../engine/schema/resolve.js";
import { indentationAt, skipOuter } from "../engine/ts-utils.js";
import type { AnalysisContext, Finding, SuggestionResult, TextEdit } from "../engine/types.js";

/** The messages this check reports (the rule defines their text). */
export type MessageId = "missingIndex" | "addIndex";

/** The column-key lists of every structure that Postgres backs with a usable plain index. */
export function coveringColumnLists(table: TableModel): string[][] {
  const lists: string[][] = [];
  if (table.primaryKey) lists.push(table.primaryKey);
  lists.push(...table.uniques);
  for (const index of table.indexes) {
    if (index.partial) continue;
    if (index.columns.some((c) => !("key" in c))) continue;
    lists.push(index.columns.map((c) => (c as { key: string }).key));
  }
  return lists;
}

/** A foreign key is covered when its columns are exactly the leading columns (in any order) of a covering structure. */
export function isCovered(fk: ForeignKeyModel, covering: string[][]): boolean {
  const wanted = new Set(fk.columns);
  return covering.some((cols) => {
    if (cols.length < fk.columns.length) return false;
    const prefix = cols.slice(0, fk.columns.length);
    return prefix.every((c) => wanted.has(c)) && new Set(prefix).size === wanted.size;
  });
}

/** Foreign keys of a complete table model that no index covers. Incomplete models yield nothing. */
export function uncoveredForeignKeys(table: TableModel): ForeignKeyModel[] {
  if (!table.complete.columns || !table.complete.extra) return [];
  const covering = coveringColumnLists(table);
  return table.foreignKeys.filter((fk) => fk.columns.every((c) => table.columns.has(c)) && !isCovered(fk, covering));
}

export interface ForeignKeyIndexOptions {
  ignore: string[];
}

function isIgnored(table: TableModel, fk: ForeignKeyModel, ignore: readonly string[]): boolean {
  const names = tableNames(table);
  return ignore.some((entry) => {
    const dot = entry.lastIndexOf(".");
    if (names.has(entry)) return true;
    if (dot < 0) return false;
    const t = entry.slice(0, dot);
    const c = entry.slice(dot + 1);
    if (!names.has(t)) return false;
    return fk.columns.some((key) => key === c || table.columns.get(key)?.sqlName === c);
  });
}

function sanitizeIdentifier(s: string): string {
  return s.replace(/[^A-Za-z0-9_$]/g, "_");
}

function buildSuggestion(context: AnalysisContext, table: TableModel, fk: ForeignKeyModel): SuggestionResult<MessageId> | undefined {
  const { sourceFile } = context;
  const shape = table.extraConfig;
  const columnSql = fk.columns.map((k) => table.columns.get(k)?.sqlName ?? k);
  const indexName = `${table.declaredName ?? table.jsName ?? "table"}_${columnSql.join("_")}_idx`;
  const imported = ensureNamedImport(sourceFile, "drizzle-orm/pg-core", "index");
  if (!imported) return undefined;
  const on = (param: string) =>
    `${imported.reference}(${JSON.stringify(indexName)}).on(${fk.columns
      .map((k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? `${param}.${k}` : `${param}[${JSON.stringify(k)}]`))
      .join(", ")})`;
  const edits: TextEdit[] = [...imported.edits];
  if (shape.kind === "absent") {
    const paramName = "table";
    const columnsEnd = shape.columnsArg.getEnd();
    edits.push({ start: columnsEnd, end: columnsEnd, text: `, (${paramName}) => [${on(paramName)}]` });
  } else if (shape.kind === "array" || shape.kind === "object") {
    const fn = shape.callback;
    let param = shape.paramName;
    if (!param) {
      if (fn.parameters.length > 0) return undefined; // destructured parameter
      param = "table";
      const open = fn.getChildren(sourceFile).find((c) => c.kind === ts.SyntaxKind.OpenParenToken);
      if (!open) return undefined;
      edits.push({ start: open.getEnd(), end: open.getEnd(), text: param });
    }
    const container = shape.container;
    const elements: readonly ts.Node[] = shape.kind === "array" ? (container as ts.ArrayLiteralExpression).elements : (container as ts.ObjectLiteralExpression).properties;
    let entry = on(param);
    if (shape.kind === "object") {
      const taken = new Set(
        (container as ts.ObjectLiteralExpression).properties.map((p) => (p.name && ts.isIdentifier(p.name) ? p.name.text : "")),
      );
      let key = sanitizeIdentifier(`${fk.columns.join("_")}Idx`);
      while (taken.has(key)) key = `${key}_`;
      entry = `${key}: ${entry}`;
    }
    const last = elements[elements.length - 1];
    if (last) {
      const multiline = sourceFile.text.slice(container.getStart(sourceFile), container.getEnd()).includes("\n");
      const sep = multiline ? `,\n${indentationAt(sourceFile, last.getStart(sourceFile))}` : ", ";
      edits.push({ start: last.getEnd(), end: last.getEnd(), text: `${sep}${entry}` });
    } else {
      const pos = container.getEnd() - 1;
      edits.push({ start: pos, end: pos, text: entry });
    }
  } else {
    return undefined;
  }
  return { messageId: "addIndex", data: { index: indexName }, edits };
}

function referencedName(context: AnalysisContext, fk: ForeignKeyModel): string {
  if (!fk.targetTable) return "another table";
  const target = resolveTable(context.program, fk.targetTable);
  if (target) return tableDisplayName(target);
  return skipOuter(fk.targetTable).getText(context.sourceFile);
}

export function analyzeForeignKeyIndexes(context: AnalysisContext, options: ForeignKeyIndexOptions): Finding<MessageId>[] {
  const ignore = [...(options.ignore ?? []), ...(context.settings.ignore ?? [])];
  const findings: Finding<MessageId>[] = [];
  for (const table of tablesInFile(context.program, context.sourceFile)) {
    // one finding per missing index: `.references()` and a `foreignKey()` on the same columns (one constraint
    // when the names agree, which drizzle-kit creates once, or two) are covered by one index
    const reported = new Set<string>();
    for (const fk of uncoveredForeignKeys(table)) {
      const key = fk.columns.join("\0");
      if (reported.has(key)) continue;
      reported.add(key);
      if (isIgnored(table, fk, ignore)) continue;
      const node = fk.node;
      const suggestion = buildSuggestion(context, table, fk);
      findings.push({
        messageId: "missingIndex",
        data: {
          table: tableDisplayName(table),
          columns: fk.columns.map((k) => table.columns.get(k)?.sqlName ?? k).join(", "),
          target: referencedName(context, fk),
        },
        start: node.getStart(context.sourceFile),
        end: ts.isPropertyAssignment(node) ? node.name.getEnd() : node.getEnd(),
        suggestions: suggestion ? [suggestion] : undefined,
      });
    }
  }
  return findings;
}
